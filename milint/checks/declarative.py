"""Rules whose check is data: a jmespath condition over facts.

```yaml
check:
  fact: cli_command                       # which facts to look at
  where: "lower(sets.\"identity.type\") == 'none' && sets.\"identity.type\" != 'none'"
  at: "sets.\"identity.type\""            # the located value to point at (default: the fact's `at`)
  args: {value: "sets.\"identity.type\""}  # message arguments
  fix: "'none'"                           # replacement text for the region (optional)
```

A condition that touches an unknown value is false: `where` only matches when every value named
by `at` and `args` is fully known.  Expressions are jmespath only; nothing in a rule file can run
code.
"""
from __future__ import annotations

from typing import Iterable

from ..lstr import LStr
from . import CheckContext, Edit, Hit

_KEYS = {"fact", "where", "at", "args", "fix"}


class DeclarativeError(ValueError):
    pass


def _functions():
    import jmespath
    from jmespath import functions

    class MilintFunctions(functions.Functions):
        # jmespath checks argument types by class name; a located string is a string
        def _get_allowed_pytypes(self, types):
            allowed, subtypes = super()._get_allowed_pytypes(types)
            allowed = list(allowed) + (["LStr"] if "str" in allowed else [])
            subtypes = [tuple(s) + (("LStr",) if "str" in s else ()) for s in subtypes]
            return allowed, subtypes

        @functions.signature({"types": ["string", "null"]})
        def _func_lower(self, s):
            return None if s is None else s.lower()

        @functions.signature({"types": ["string", "null"]})
        def _func_upper(self, s):
            return None if s is None else s.upper()

        @functions.signature({"types": []})
        def _func_known(self, s):
            return s is not None and (not isinstance(s, LStr) or s.known)

        @functions.signature({"types": ["string", "null"]})
        def _func_trim(self, s):
            return None if s is None else s.strip()

    return jmespath, jmespath.Options(custom_functions=MilintFunctions())


class DeclarativeCheck:
    """A compiled declarative check; call it like a Python check."""

    def __init__(self, spec: dict, source: str = ""):
        if not isinstance(spec, dict) or "fact" not in spec or "where" not in spec:
            raise DeclarativeError(f"{source}: a declarative check needs 'fact' and 'where'")
        unknown = set(spec) - _KEYS
        if unknown:
            raise DeclarativeError(f"{source}: unknown check key(s): {', '.join(sorted(unknown))}")
        self.jmespath, self.options = _functions()
        try:
            self.fact = str(spec["fact"])
            self.where = self.jmespath.compile(str(spec["where"]))
            self.at = self.jmespath.compile(str(spec["at"])) if spec.get("at") else None
            self.args = {k: self.jmespath.compile(str(v)) for k, v in (spec.get("args") or {}).items()}
            self.fix = self.jmespath.compile(str(spec["fix"])) if spec.get("fix") else None
        except self.jmespath.exceptions.JMESPathError as exc:
            raise DeclarativeError(f"{source}: bad jmespath in check: {exc}") from None

    def __call__(self, ctx: CheckContext) -> Iterable[Hit]:
        for item in ctx.facts_of(self.fact):
            try:
                if not self.where.search(item, self.options):
                    continue
                at = self.at.search(item, self.options) if self.at else item["at"]
                args = {k: e.search(item, self.options) for k, e in self.args.items()}
                fix_text = self.fix.search(item, self.options) if self.fix else None
            except self.jmespath.exceptions.JMESPathError:
                continue  # a type error on this fact's values: no finding
            values = [at] + list(args.values())
            if at is None or any(isinstance(v, LStr) and not v.known for v in values):
                continue
            fix = [Edit(at, str(fix_text))] if isinstance(fix_text, str) and fix_text != str(at) else None
            yield Hit(at=at, args={k: "" if v is None else str(v) for k, v in args.items()}, fix=fix)
