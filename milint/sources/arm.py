"""ARM templates as a model: parameters, variables, resources (nested and child ones included).

Values are read from the parsed JSON and evaluated with `arm_expressions`; strings come back as
located strings so that a finding on a value resolved through a parameter default points at that
default.  Nested deployments with an inline template are templates too; by default they see the
outer template's parameters and variables (ARM's "outer" expression scope).
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

from ..lstr import LStr
from .arm_expressions import Budget, OverBudget, Unknown, evaluate
from .jsonc import JsonDocument

TEMPLATE_SCHEMA_MARK = "deploymenttemplate"
PARAMETERS_SCHEMA_MARK = "deploymentparameters"


def schema_kind(value: Any) -> Optional[str]:
    """'template' or 'parameters' when a JSON value declares an ARM schema."""
    if not isinstance(value, dict):
        return None
    schema = value.get("$schema")
    if not isinstance(schema, str):
        return None
    low = schema.lower()
    if TEMPLATE_SCHEMA_MARK in low:
        return "template"
    if PARAMETERS_SCHEMA_MARK in low:
        return "parameters"
    return None


class ArmResource:
    """One resource of a template, with its full type and evaluated name."""

    def __init__(self, template: "ArmTemplate", path: tuple, value: dict,
                 parent: Optional["ArmResource"]):
        self.template = template
        self.path = path
        self.value = value
        self.parent = parent
        raw_type = value.get("type")
        type_value = template.eval_at(path + ("type",)) if isinstance(raw_type, str) else None
        self.type_lstr: Optional[LStr] = type_value if isinstance(type_value, LStr) else None
        short = self.type_lstr.value if self.type_lstr is not None else None
        if short is not None and parent is not None and "/" not in short:
            parent_type = parent.type or ""
            self.type: Optional[str] = f"{parent_type}/{short}" if parent_type else None
        else:
            self.type = short
        api = value.get("apiVersion")
        self.api_version: Optional[str] = api if isinstance(api, str) and not api.startswith("[") else None

    @property
    def type_lower(self) -> str:
        return (self.type or "").lower()

    def name(self) -> Any:
        return self.template.eval_at(self.path + ("name",)) if "name" in self.value else None

    def get(self, *rel: Any) -> Any:
        """The raw JSON value at a path relative to the resource, or None."""
        node: Any = self.value
        for step in rel:
            if isinstance(node, dict) and isinstance(step, str):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
            else:
                return None
        return node

    def eval(self, *rel: Any) -> Any:
        """The evaluated value at a path relative to the resource (None when absent)."""
        if self.get(*rel) is None:
            return None
        return self.template.eval_at(self.path + tuple(rel))

    def where(self, *rel: Any):
        return self.template.doc.value_span(self.path + tuple(rel))

    def key_where(self, *rel: Any) -> LStr:
        return self.template.doc.key_text(self.path + tuple(rel))

    def condition_is_false(self) -> bool:
        cond = self.get("condition")
        if cond is None:
            return False
        value = self.eval("condition")
        return value is False or (isinstance(value, LStr) and value.lower() == "false")


class ArmTemplate:
    """A deployment template (the file's root, or an inline nested one)."""

    def __init__(self, doc: JsonDocument, path: tuple = (), outer: Optional["ArmTemplate"] = None,
                 inner_scope: bool = False, parameter_values_path: Optional[tuple] = None):
        self.doc = doc
        self.path = path
        self.value = _at(doc.value, path)
        self.outer = outer
        # whose parameters/variables expressions in this template refer to
        self.scope = self if (outer is None or inner_scope) else outer.scope
        # one bound on evaluation work for the whole file (see arm_expressions.Budget)
        self.budget: Budget = outer.budget if outer is not None else Budget(len(doc.text))
        self._parameter_values_path = parameter_values_path if inner_scope else None
        self._cache: dict = {}
        self._busy: set = set()
        self._resources: Optional[list[ArmResource]] = None
        self._nested: list[ArmTemplate] = []

    # -------------------------------------------------------------- evaluation
    def eval_at(self, path: tuple) -> Any:
        """Evaluate the JSON value at an absolute path in this template's scope."""
        raw = _at(self.doc.value, path)
        value = self.scope._evaluate_json(raw, path, self)
        try:  # what is handed on (to script parsers, rules) counts against the budget too
            self.budget.charge(self.budget.size(value))
        except OverBudget:
            if isinstance(raw, str):
                return Unknown(self.doc.string(path, raw))
            return Unknown(self.doc.key_text(path) if path else self.doc.source.sub(0, 0))
        return value

    @property
    def over_budget(self) -> bool:
        """True once evaluation gave up on values because the template expands too much."""
        return self.budget.spent_out

    def _evaluate_json(self, value: Any, path: tuple, site: "ArmTemplate") -> Any:
        doc = site.doc
        if isinstance(value, str):
            located = doc.string(path, value)
            return evaluate(located, self)
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                key_located = doc.key_text(path + (key,))
                key_value = evaluate(key_located, self) if isinstance(key, str) else key
                if isinstance(key_value, Unknown):
                    key_value = key_value.as_lstr()
                elif not isinstance(key_value, str):
                    key_value = key_located
                out[key_value] = self._evaluate_json(item, path + (key,), site)
            return out
        if isinstance(value, list):
            return [self._evaluate_json(item, path + (i,), site) for i, item in enumerate(value)]
        return value

    def parameter(self, name: str) -> Any:
        key = ("p", name.lower())
        if key in self._cache:
            return self._cache[key]
        params = self.value.get("parameters") if isinstance(self.value, dict) else None
        result: Any = None
        found = _find_key(params, name) if isinstance(params, dict) else None
        here = self.doc.key_text(self.path + ("parameters", found)) if found else LStr("")
        if found is None or key in self._busy:
            result = Unknown(here)
        else:
            self._busy.add(key)
            try:
                result = self._parameter_value(found, here)
            finally:
                self._busy.discard(key)
        self._cache[key] = result
        return result

    def _parameter_value(self, found: str, here: LStr) -> Any:
        if self._parameter_values_path is not None and self.outer is not None:
            values = _at(self.doc.value, self._parameter_values_path)
            given = _find_key(values, found) if isinstance(values, dict) else None
            if given is not None:
                entry = values[given]
                if isinstance(entry, dict) and "value" in entry:
                    return self.outer.scope._evaluate_json(
                        entry["value"], self._parameter_values_path + (given, "value"), self.outer)
                return Unknown(here)  # a reference or other source: not known here
        definition = self.value["parameters"][found]
        if isinstance(definition, dict) and "defaultValue" in definition:
            path = self.path + ("parameters", found, "defaultValue")
            return self._evaluate_json(definition["defaultValue"], path, self)
        return Unknown(here)

    def variable(self, name: str) -> Any:
        key = ("v", name.lower())
        if key in self._cache:
            return self._cache[key]
        variables = self.value.get("variables") if isinstance(self.value, dict) else None
        found = _find_key(variables, name) if isinstance(variables, dict) else None
        here = self.doc.key_text(self.path + ("variables", found)) if found else LStr("")
        if found is None or key in self._busy or found == "copy":
            result: Any = Unknown(here)
        else:
            self._busy.add(key)
            try:
                path = self.path + ("variables", found)
                result = self._evaluate_json(variables[found], path, self)
            finally:
                self._busy.discard(key)
        self._cache[key] = result
        return result

    # -------------------------------------------------------------- structure
    def resources(self) -> list[ArmResource]:
        """Every resource of this template (child resources included, nested templates not)."""
        if self._resources is None:
            self._resources = []
            self._collect(self.value.get("resources") if isinstance(self.value, dict) else None,
                          self.path + ("resources",), None)
        return self._resources

    def _collect(self, items: Any, path: tuple, parent: Optional[ArmResource]) -> None:
        if isinstance(items, dict):  # languageVersion 2.0: resources keyed by symbolic name
            entries = list(items.items())
        elif isinstance(items, list):
            entries = list(enumerate(items))
        else:
            return
        for key, item in entries:
            if not isinstance(item, dict):
                continue
            resource = ArmResource(self, path + (key,), item, parent)
            self._resources.append(resource)
            children = item.get("resources")
            if children:
                self._collect(children, path + (key, "resources"), resource)
            if resource.type_lower == "microsoft.resources/deployments":
                self._nest(resource)

    def _nest(self, resource: ArmResource) -> None:
        props = resource.value.get("properties")
        if not isinstance(props, dict) or not isinstance(props.get("template"), dict):
            return
        options = props.get("expressionEvaluationOptions")
        inner = isinstance(options, dict) and str(options.get("scope", "")).lower() == "inner"
        nested = ArmTemplate(self.doc, resource.path + ("properties", "template"), outer=self,
                             inner_scope=inner,
                             parameter_values_path=resource.path + ("properties", "parameters"))
        self._nested.append(nested)

    def templates(self) -> Iterator["ArmTemplate"]:
        """This template and every inline nested one, depth first."""
        yield self
        self.resources()
        for nested in self._nested:
            yield from nested.templates()

    def all_resources(self) -> Iterator[ArmResource]:
        for template in self.templates():
            yield from template.resources()


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _find_key(mapping: dict, name: str) -> Optional[str]:
    """ARM parameter and variable names are case-insensitive."""
    if name in mapping:
        return name
    low = name.lower()
    for key in mapping:
        if isinstance(key, str) and key.lower() == low:
            return key
    return None
