"""No regular expression in milint can be made to backtrack catastrophically by file contents.

Every pattern is collected twice over: by importing every module of the package and looking at
its globals (and the tables and classes in them), and by reading the source for literal patterns
passed to `re` functions (patterns built inside functions, which no import exposes).  Each is run
on adversarial 1 MB inputs made from its own characters: long runs of each character, all of
them in turn, and "pumped" near-matches -- an example of a repeated part, a million characters of
it, then a character that makes the match fail, the classic way to trigger exponential
backtracking.  A pattern is timed the way the package uses it: one only ever applied with
`.match()` at a position is timed from one position, any other is searched through the whole
input (a search retries every position, so even `[^/]*x$` is quadratic there).  Each must end
within BOUND seconds.

The patterns run in a separate process, so a catastrophic one fails its test instead of hanging
the suite.  `.gitignore` globs (translated to patterns at run time) and rule triggers (which
must stay literals) are checked here too.
"""
from __future__ import annotations

import ast
import functools
import importlib
import multiprocessing
import pkgutil
import re
import time
import tracemalloc
from pathlib import Path

import pytest

import milint

try:  # the regex parser moved in Python 3.11
    import re._parser as sre_parse
    from re._constants import (ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, GROUPREF, IN, LITERAL,
                               MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE, SUBPATTERN)
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse
    from sre_constants import (ANY, ASSERT, ASSERT_NOT, AT, BRANCH, CATEGORY, GROUPREF, IN, LITERAL,
                               MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL, RANGE, SUBPATTERN)

BOUND = 2.0  # seconds for one search over 1 MB: generous, so that a slow CI machine is not flaky
# bytes of memory one run may take per character of input.  A repeated group that matches a long
# stretch makes `re` keep state for every repetition (about 120 bytes each): a 16 MB comment would
# need 2 GB.  Linear patterns need next to nothing beyond the input.
MEMORY_PER_CHARACTER = 2
SIZE = 1 << 20
PACKAGE = Path(milint.__file__).resolve().parent
_RE_FUNCTIONS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
_ANCHORED = {"match", "fullmatch"}  # tried at one position: how long a match takes from there


# ------------------------------------------------------------------------------------ collection
def _modules() -> list[str]:
    names = [milint.__name__]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="milint."):
        if not info.name.endswith("__main__"):  # importing it would run the command line
            names.append(info.name)
    return sorted(names)


def _imported_patterns() -> dict[tuple, str]:
    """Compiled patterns reachable from module globals: {(pattern, flags): where}."""
    found: dict[tuple, str] = {}

    def visit(value, where: str, depth: int) -> None:
        if isinstance(value, re.Pattern):
            found.setdefault((value.pattern, value.flags), where)
        elif depth and isinstance(value, dict):
            for k, v in list(value.items()):
                visit(k, where, depth - 1)
                visit(v, where, depth - 1)
        elif depth and isinstance(value, (list, tuple, set, frozenset)):
            for v in list(value):
                visit(v, where, depth - 1)
        elif depth and isinstance(value, type) and value.__module__.startswith("milint"):
            for k, v in list(vars(value).items()):
                visit(v, f"{where}.{k}", depth - 1)

    for name in _modules():
        try:
            module = importlib.import_module(name)
        except Exception:  # a module being written by someone else: its source is still scanned
            continue
        for attr, value in list(vars(module).items()):
            visit(value, f"{name}.{attr}", 3)
    return found


def _flags(node) -> int | None:
    """The value of a flags argument written with re.X constants, or None if not literal."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        value = getattr(re, node.attr, None)
        return int(value) if isinstance(value, re.RegexFlag) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flags(node.left), _flags(node.right)
        return None if left is None or right is None else left | right
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return None


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@functools.lru_cache(maxsize=None)
def _package_trees() -> tuple[ast.AST, ...]:
    """The syntax tree of every module of the package (read once for all the scans below)."""
    return tuple(ast.parse(path.read_text(encoding="utf-8")) for path in _package_files())


def _usages() -> dict[str, set[str]]:
    """How each name that holds a pattern is used anywhere in the package: `NAME.search(...)`
    gives {"search"}; names used only with match/fullmatch are anchored."""
    used: dict[str, set[str]] = {}
    for tree in _package_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in _RE_FUNCTIONS - {"compile"}:
                base = node.value
                name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
                if name:
                    used.setdefault(name, set()).add(node.attr)
    return used


def _operations(where: str, used: dict[str, set[str]]) -> tuple[str, ...]:
    """("match",) for a pattern the package only applies at a position, else ("search",)."""
    if where.startswith("gitignore line"):
        return ("match",)  # IgnoreFile.verdict matches whole paths
    if where.endswith((":match", ":fullmatch")):
        return ("match",)  # re.match(literal, ...) in the source
    if where.endswith(":search"):
        return ("search",)
    name = where.rsplit(".", 1)[-1]
    methods = used.get(name)
    return ("match",) if methods and methods <= _ANCHORED else ("search",)


def _source_patterns() -> dict[tuple, str]:
    """Literal patterns handed to re functions anywhere in the source."""
    found: dict[tuple, str] = {}
    for path, tree in zip(_package_files(), _package_trees()):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in _RE_FUNCTIONS and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, (str, bytes))):
                continue
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if flag_node is None:
                position = 1 if node.func.attr == "compile" else {"sub": 4, "subn": 4, "split": 3}.get(
                    node.func.attr, 2)
                flag_node = node.args[position] if len(node.args) > position else None
            flags = 0 if flag_node is None else _flags(flag_node)
            if flags is None:
                continue
            # compiling adds the flags Python implies (UNICODE for str), as imported ones carry
            compiled = re.compile(first.value, flags)
            rel = path.relative_to(PACKAGE.parent).as_posix()
            how = node.func.attr if node.func.attr in _ANCHORED else "search"
            found.setdefault((compiled.pattern, compiled.flags), f"{rel}:{node.lineno}:{how}")
    return found


def _gitignore_patterns() -> dict[tuple, str]:
    """What hostile .gitignore lines translate to."""
    from milint.gitignore import IgnoreFile

    lines = ["*a" * 40 + "b", "**/a/" * 30 + "b", "**/*a*/" * 20 + "x", "[!a]*" * 30 + "b", "a*b*c*" * 20,
             "?*" * 50, "**/" * 50 + "*.sh", "*" * 500 + "x", "a/**/b/**/c/**/d/**/e"]
    return {(regex.pattern, regex.flags): f"gitignore line {line[:30]!r}..."
            for line in lines for regex, *_ in IgnoreFile("", [line]).rules}


def all_patterns() -> dict[tuple, str]:
    found = _gitignore_patterns()
    found.update(_source_patterns())
    found.update(_imported_patterns())
    return found


@pytest.fixture(scope="module")
def patterns() -> list[tuple[tuple, str]]:
    """((pattern, flags), where) for every pattern, in a stable order."""
    return sorted(all_patterns().items(), key=lambda item: item[1])


@pytest.fixture(scope="module")
def jobs(patterns) -> list[tuple]:
    """(pattern, flags, operations) for every pattern."""
    used = _usages()
    return [(pattern, flags, _operations(where, used)) for (pattern, flags), where in patterns]


# ------------------------------------------------------------------------------------ inputs
_CATEGORY_EXAMPLES = {"DIGIT": "7", "NOT_DIGIT": "x", "SPACE": " ", "NOT_SPACE": "x", "WORD": "w",
                      "NOT_WORD": "-", "LINEBREAK": "\n", "NOT_LINEBREAK": "x"}
_FILLER = "a \n/\\\"'%\x00é:-{}[]()$`"


def _category(code) -> str:
    name = str(code).replace("CATEGORY_", "").replace("UNI_", "").replace("LOC_", "")
    return _CATEGORY_EXAMPLES.get(name, "a")


def _chars_of_set(items) -> list[str]:
    if items and items[0][0] is NEGATE:
        banned = {chr(v) for op, v in items[1:] if op is LITERAL}
        return [c for c in "a0 _x\n/" if c not in banned][:2]
    out = []
    for op, value in items:
        if op is LITERAL:
            out.append(chr(value))
        elif op is RANGE:
            low, high = value
            out += [chr(low), chr((low + high) // 2), chr(high)]
        elif op is CATEGORY:
            out.append(_category(value))
    return out


def _characters(tree) -> list[str]:
    """Characters the pattern mentions (what an attacker would repeat)."""
    chars: list[str] = []
    stack = [tree]
    while stack:
        items = stack.pop()
        for op, value in items:
            if op is LITERAL:
                chars.append(chr(value))
            elif op is NOT_LITERAL:
                chars.append("x" if value != ord("x") else "y")
            elif op is IN:
                chars += _chars_of_set(value)
            elif op is BRANCH:
                stack.extend(value[1])
            elif op is SUBPATTERN:
                stack.append(value[-1])
            elif op in (MAX_REPEAT, MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
                stack.append(value[2])
            elif op in (ASSERT, ASSERT_NOT) or str(op) == "ATOMIC_GROUP":
                stack.append(value[-1] if op in (ASSERT, ASSERT_NOT) else value)
    return list(dict.fromkeys(chars))[:16]


def _example(items) -> str:
    """One short string that the (sub)pattern matches, as far as a simple walk can tell."""
    out = []
    for op, value in items:
        if op is LITERAL:
            out.append(chr(value))
        elif op is NOT_LITERAL:
            out.append("x" if value != ord("x") else "y")
        elif op is ANY:
            out.append("a")
        elif op is IN:
            chars = _chars_of_set(value)
            out.append(chars[0] if chars else "a")
        elif op is BRANCH:
            out.append(_example(value[1][0]))
        elif op is SUBPATTERN:
            out.append(_example(value[-1]))
        elif op in (MAX_REPEAT, MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
            out.append(_example(value[2]) * max(1, min(value[0], 3)))
        elif str(op) == "ATOMIC_GROUP":
            out.append(_example(value))
        elif op in (AT, ASSERT, ASSERT_NOT, GROUPREF):
            continue
    return "".join(out)


def _pumps(tree) -> list[str]:
    """The bodies of the pattern's repeats, each as an example string."""
    pumps = []
    stack = [tree]
    while stack:
        items = stack.pop()
        for op, value in items:
            if op in (MAX_REPEAT, MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
                pumps.append(_example(value[2]))
                stack.append(value[2])
            elif op is BRANCH:
                stack.extend(value[1])
            elif op is SUBPATTERN:
                stack.append(value[-1])
            elif op in (ASSERT, ASSERT_NOT):
                stack.append(value[-1])
    return [p for p in dict.fromkeys(pumps) if p][:8]


def adversarial_inputs(pattern: str | bytes, flags: int, size: int = SIZE,
                       thorough: bool = True) -> list[tuple[str, str | bytes]]:
    """(description, input of `size` characters) pairs built from the pattern's own characters;
    not `thorough`: the few that trigger backtracking most often."""
    is_bytes = isinstance(pattern, bytes)
    text = pattern.decode("latin-1") if is_bytes else pattern
    tree = sre_parse.parse(text, flags & ~re.UNICODE if is_bytes else flags)
    chars = (_characters(tree) or ["a"])[:None if thorough else 4]
    inputs = [(f"{c!r} repeated", c * size) for c in chars]
    cycle = "".join(chars)
    inputs.append(("its characters in turn", (cycle * (size // len(cycle) + 1))[:size]))
    example = _example(tree)
    pumps = _pumps(tree)[:None if thorough else 3] + ([example] if example else [])
    for pump in pumps:
        body = (pump * (size // len(pump) + 1))[:size]
        inputs.append((f"{pump[:20]!r} pumped, then a mismatch", example + body + "\x01"))
        if thorough:
            inputs.append((f"{pump[:20]!r} pumped between the filler", _FILLER + body + _FILLER))
    if is_bytes:
        inputs = [(d, s.encode("latin-1", errors="replace")) for d, s in inputs]
    return inputs


# ------------------------------------------------------------------------------------ timing
def _run(regex, data, operation) -> None:
    if operation == "search":  # every match, as finditer and sub see them (the first 200)
        for count, _ in enumerate(regex.finditer(data)):
            if count >= 200:
                break
    else:
        regex.match(data)


def _worst(job):
    """Run every input through the pattern: the slowest (seconds, description, operation) and, for
    the quick battery, the most memory one run took (bytes, description, operation)."""
    pattern, flags, operations, size, thorough = job
    regex = re.compile(pattern, flags)
    slowest, biggest = (0.0, "", ""), (0, "", "")
    for description, data in adversarial_inputs(pattern, flags, size, thorough):
        for operation in ("match",) + tuple(o for o in operations if o != "match"):
            start = time.perf_counter()
            _run(regex, data, operation)
            elapsed = time.perf_counter() - start
            if elapsed > slowest[0]:
                slowest = (elapsed, description, operation)
            if not thorough:  # a second run, traced: tracing would slow the timed one
                tracemalloc.start()
                _run(regex, data, operation)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                if peak > biggest[0]:
                    biggest = (peak, description, operation)
    return slowest, biggest


def _child(jobs, connection) -> None:
    for i, job in enumerate(jobs):
        connection.send((i, _worst(job)))
    connection.close()


class _Runner:
    """Times patterns in a child process that is killed if a pattern does not finish in time (a
    catastrophic regex cannot be interrupted inside the process that runs it)."""

    def __init__(self):
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def time_all(self, jobs: list, timeout: float) -> list:
        """The slowest run of each job, or None for a job that did not finish within `timeout`."""
        results: list = [None] * len(jobs)
        first = 0
        while first < len(jobs):
            receiver, sender = self.context.Pipe(duplex=False)
            process = self.context.Process(target=_child, args=(jobs[first:], sender), daemon=True)
            process.start()
            sender.close()
            try:
                while first < len(jobs) and receiver.poll(timeout):
                    i, worst = receiver.recv()
                    results[first] = worst
                    first += 1
            except EOFError:
                pass
            finally:
                process.kill()
                process.join()
                receiver.close()
            first += 1  # that one hung (or killed its process): go on with the next
        return results

    def time(self, job, timeout: float):
        return self.time_all([job], timeout)[0]


@pytest.fixture(scope="module")
def runner():
    return _Runner()


# ------------------------------------------------------------------------------------ tests
def test_patterns_were_found(patterns, jobs):
    places = [where for _, where in patterns]
    assert len(patterns) > 40, "the collection missed the package's patterns"
    operations = dict(zip(places, (job[2] for job in jobs)))
    assert operations["milint.sources.jsonc._BLANKS"] == ("match",)  # only ever applied at a position
    assert operations["milint.facts.scripts._POWERSHELL_MARKS"] == ("search",)
    for expected in ("milint.sources.jsonc._BLANKS", "milint.classify._SHEBANG", "gitignore line"):
        assert any(p.startswith(expected) for p in places), expected


def _problems(jobs: list, results: list, memory_bound: bool = True) -> list[str]:
    problems = []
    for job, result in zip(jobs, results):
        if result is None:
            problems.append(f"{job[0]!r} did not finish its runs on {job[3]:,}-character inputs")
            continue
        (seconds, description, operation), (peak, big_input, big_operation) = result
        if seconds >= BOUND:
            problems.append(f"{job[0]!r}: {operation} took {seconds:.2f} s on {description}")
        if memory_bound and peak > MEMORY_PER_CHARACTER * job[3]:
            problems.append(f"{job[0]!r}: {big_operation} took {peak / 1e6:.1f} MB on {big_input} "
                            f"({job[3]:,} characters)")
    return problems


# .gitignore globs are only matched against paths, which the system bounds (PATH_MAX)
PATH_MAX = 4096


def _split_paths_only(patterns, jobs) -> tuple[list, list]:
    paths_only = [job for (_, where), job in zip(patterns, jobs) if where.startswith("gitignore line")]
    others = [job for (_, where), job in zip(patterns, jobs) if not where.startswith("gitignore line")]
    return paths_only, others


def test_every_pattern_is_linear_on_hostile_input(patterns, jobs, runner):
    """The quick battery: the inputs that trigger backtracking most often, 256 KB each (enough
    to make a catastrophic pattern hang all the same), in bounded time and, but for patterns that
    only ever see a path, bounded memory."""
    paths_only, others = _split_paths_only(patterns, jobs)
    quick = [job + (SIZE // 4, False) for job in others]
    assert _problems(quick, runner.time_all(quick, timeout=30 * BOUND)) == []
    quick = [job + (SIZE // 4, False) for job in paths_only]
    assert _problems(quick, runner.time_all(quick, timeout=30 * BOUND), memory_bound=False) == []


def test_path_patterns_need_little_memory_on_the_longest_path(patterns, jobs, runner):
    paths_only, _ = _split_paths_only(patterns, jobs)
    assert paths_only
    longest = [job + (PATH_MAX, False) for job in paths_only]
    results = runner.time_all(longest, timeout=30 * BOUND)
    assert [job[0] for job, r in zip(longest, results) if r is None or r[1][0] > 4_000_000] == []


@pytest.mark.slow
def test_every_pattern_is_linear_on_every_hostile_input(jobs, runner):
    """The whole battery on 1 MB inputs (about a minute)."""
    full = [job + (SIZE, True) for job in jobs]
    assert _problems(full, runner.time_all(full, timeout=30 * BOUND), memory_bound=False) == []  # timed only


def test_the_inputs_pump_nested_quantifiers():
    # the battery's own yardstick: its inputs make a nested quantifier backtrack exponentially
    # (2**20 steps here), while the same inputs leave a linear pattern alone
    def slowest(pattern):
        regex = re.compile(pattern)
        times = []
        for _, data in adversarial_inputs("(a+)+b", 0, size=20, thorough=False):
            start = time.perf_counter()
            regex.match(data)
            times.append(time.perf_counter() - start)
        return max(times)

    assert slowest("(a+)+b") > 50 * slowest("a+b")


def test_rule_triggers_are_literals_not_patterns(toolbox):
    from milint.engine import FileChecker, Settings
    from milint.rulebook import Rule

    rule = Rule(id="MI999", name="probe", level="note", summary="", message="", docs={}, examples=[],
                check={"fact": "x", "where": "x"}, triggers=["(a+)+$", "x.y"])
    checker = FileChecker(toolbox, [rule], Settings())
    start = time.perf_counter()
    assert not checker.passes_prefilter(b"a" * SIZE)
    assert time.perf_counter() - start < BOUND
    assert checker.passes_prefilter(b"...x.y...") and not checker.passes_prefilter(b"xzy")
    # and nothing in the package hands a trigger to the re module
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                assert "trigger" not in ast.unparse(node).lower(), f"{path}:{node.lineno}"
