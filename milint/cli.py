"""The command line: `milint check`, `milint baseline`, `milint rules`, `milint rule ID`.

Start-up matters (pre-commit runs milint on every commit), so this module imports only argparse;
everything else is imported when a command needs it.  Settings come from the configuration file
(milint/config.py) with the command line on top, as in ruff.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

from . import __version__
from .report.safe import printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")  # plugins may add more


class UsageError(Exception):
    """Bad arguments or configuration: exit 2 with a message."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="milint", description="Find mistakes in how Azure templates, scripts, code and docs use "
                                   "managed identities.")
    parser.add_argument("--version", action="version", version=f"milint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files and folders (default: the current folder)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .)")
    check.add_argument("--format", metavar="FORMAT",
                       help=f"output format on standard output: {', '.join(FORMATS)} (default: text)")
    check.add_argument("--output", "-o", metavar="FILE", help="write the --format report to FILE instead")
    check.add_argument("--output-format", action="append", metavar="FORMAT=FILE",
                       help="also write a report in FORMAT to FILE (repeatable), e.g. sarif=milint.sarif")
    check.add_argument("--fail-on", choices=("error", "warning", "note", "never"),
                       help="exit 1 when a finding at or above this level remains (default: warning)")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (written by `milint baseline`)")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes in place and say what changed")
    check.add_argument("--diff", action="store_true",
                       help="print the safe fixes as a unified diff instead of writing them (exit 1 if any)")
    check.add_argument("--automation-id", metavar="ID",
                       help="SARIF runs.automationDetails.id (a code-scanning category, e.g. milint/pr/)")
    check.add_argument("--quiet", "-q", action="store_true", help="text format: print findings only")
    check.add_argument("--statistics", action="store_true",
                       help="text format: a count per rule instead of each finding")
    check.add_argument("--stdin-filename", metavar="PATH",
                       help="read the text to check from standard input and report it as PATH (for editors: "
                            "the name decides the kind and the configuration)")
    _run_options(check)

    baseline = sub.add_parser("baseline", help="record today's findings in FILE, so `check --baseline FILE` "
                                               "reports only new ones")
    baseline.add_argument("file", metavar="FILE", help="the baseline file to write (JSON)")
    baseline.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .)")
    _run_options(baseline)

    rules = sub.add_parser("rules", help="list every rule: id, name, level and summary")
    rules.add_argument("--markdown", action="store_true",
                       help="print the whole rules reference (docs/rules.md) instead of the list")
    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("rule", metavar="ID-OR-NAME")
    rule.add_argument("--markdown", action="store_true", help="print Markdown instead of text")
    return parser


def _run_options(command: argparse.ArgumentParser) -> None:
    """What decides which files and rules a run covers (shared by check and baseline)."""
    command.add_argument("--config", metavar="FILE",
                         help="read this configuration (default: .milint.yaml or [tool.milint] in pyproject.toml, "
                              "searched upward from the checked paths)")
    command.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    command.add_argument("--select", action="append", metavar="RULES",
                         help="only these rules (ids, id prefixes such as MI2, or names; comma-separated)")
    command.add_argument("--ignore", action="append", metavar="RULES", help="leave out these rules")
    command.add_argument("--extend-select", action="append", metavar="RULES", help="add rules to the selection")
    command.add_argument("--exclude", action="append", metavar="GLOB",
                         help="skip matching files and folders (replaces the configuration's exclude)")
    command.add_argument("--extend-exclude", action="append", metavar="GLOB",
                         help="skip matching files and folders as well")
    command.add_argument("--as", dest="forced_kind", metavar="KIND",
                         help="read every file as this kind (arm, json, bash, powershell, markdown, python, ...)")
    command.add_argument("--jobs", "-j", default="auto", metavar="N",
                         help="check files in N processes; auto (the default): one for a few hundred files "
                              "or fewer, else one per available core, up to 8")
    command.add_argument("--no-prefilter", action="store_true",
                         help="parse every file, even those that mention none of the rules' trigger words")
    command.add_argument("--no-gitignore", action="store_true", help="do not honour .gitignore files")
    command.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip files larger than this")
    command.add_argument("--max-depth", type=int, metavar="LEVELS",
                         help="report JSON nested deeper than this as unreadable (default 512)")
    command.add_argument("--timeout-per-file", type=float, metavar="SECONDS",
                         help="stop reading a file after this long and report it as skipped (default 30)")
    command.add_argument("--no-cache", action="store_true",
                         help="check every file afresh; do not read or write the results of earlier runs")
    command.add_argument("--cache-dir", metavar="DIR",
                         help="keep the results of earlier runs here (default: $MILINT_CACHE_DIR, else "
                              "~/.cache/milint); unchanged files are not checked again")


def _split(values: Optional[list[str]]) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _toolbox():
    """Plugins and rules, with the rule-paths of the configuration that governs the current folder."""
    from .config import discover_config
    from .engine import Settings, Toolbox

    settings = Settings()
    config = discover_config([])
    if config is not None:
        settings.extra_rule_paths = list(config.rule_paths)
    return Toolbox(settings)


def _prepare(args):
    """Settings from the configuration file and the command line (which wins), the toolbox, and the
    configuration (or None)."""
    import os

    from .config import discover_config, resolve
    from .engine import DEFAULT_MAX_FILE_SIZE, Settings, Toolbox
    from .kinds import FORCIBLE

    if args.forced_kind and args.forced_kind not in FORCIBLE:
        raise UsageError(f"--as {args.forced_kind}: unknown kind; choose one of {', '.join(FORCIBLE)}")
    jobs = 0  # auto
    if args.jobs != "auto":
        jobs = int(args.jobs) if str(args.jobs).isdigit() else 0
        if jobs < 1:
            raise UsageError(f"--jobs {args.jobs}: give a number of processes (at least 1) or auto")
    for option, value in (("--max-file-size", args.max_file_size), ("--max-depth", args.max_depth),
                          ("--timeout-per-file", args.timeout_per_file)):
        if value is not None and not value > 0:
            raise UsageError(f"{option} must be more than 0")
    config = discover_config(args.paths, args.config, args.isolated)
    settings = Settings(select=_split(args.select), ignore=_split(args.ignore),
                        extend_select=_split(args.extend_select), forced_kind=args.forced_kind,
                        prefilter=not args.no_prefilter, jobs=jobs,
                        max_file_size=args.max_file_size or DEFAULT_MAX_FILE_SIZE,
                        use_gitignore=not args.no_gitignore)
    here = os.getcwd()
    exclude = []
    if config is not None:
        folder = str(config.folder)
        settings.config_file = config.label
        settings.config_selection = (config.select or [], config.ignore, config.extend_select)
        settings.extra_rule_paths = list(config.rule_paths)
        settings.include = [(folder, g) for g in config.include]
        exclude = [(folder, g) for g in config.exclude]
        settings.require_reason = config.require_reason
        settings.max_depth, settings.timeout_per_file = config.max_depth, config.timeout_per_file
        if args.max_file_size is None and config.max_file_size:
            settings.max_file_size = config.max_file_size
        settings.baseline = config.baseline
    # the command line wins, so a CI job can pin every limit against a configuration from a pull request
    if args.max_depth is not None:
        settings.max_depth = args.max_depth
    if args.timeout_per_file is not None:
        settings.timeout_per_file = args.timeout_per_file
    if args.exclude:
        exclude = [(here, g) for g in args.exclude]
    settings.exclude = exclude + [(here, g) for g in args.extend_exclude or []]
    if not args.no_cache:  # from the command line or the environment only, never the configuration
        from .cachedir import results_folder

        folder = args.cache_dir or results_folder()
        settings.cache_dir = str(folder) if folder else None
    toolbox = Toolbox(settings)
    if config is not None:
        resolved = resolve(config, toolbox.rules)
        settings.per_file_ignores = resolved.per_file_ignores
        settings.level_overrides = resolved.levels
        settings.rule_options = resolved.options
    return settings, toolbox, config


def _outputs(args, reporters: dict) -> list[tuple[str, Optional[str]]]:
    """(format, file) pairs; file None is standard output, which at most one may use."""
    outputs = []
    for spec in args.output_format or []:
        fmt, sep, path = spec.partition("=")
        if sep and not path:
            raise UsageError(f"--output-format {spec}: name the file after '='")
        outputs.append((fmt.strip(), path or None))
    if args.format is not None or args.output or not any(path is None for _, path in outputs):
        outputs.insert(0, (args.format or "text", args.output))
    for fmt, _ in outputs:
        if fmt not in reporters:
            raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(sorted(reporters))}")
    if sum(path is None for _, path in outputs) > 1:
        raise UsageError("only one report can go to standard output; give the others a file (FORMAT=FILE)")
    return outputs


def cmd_check(args) -> int:
    from .engine import exit_code, fix, run, run_text
    from .rulebook import SelectionError

    if args.stdin_filename is not None:
        if args.fix or args.diff:
            raise UsageError("--fix and --diff change files on disk; they do not work with --stdin-filename")
        if args.paths not in ([], ["-"]):
            raise UsageError("--stdin-filename reads standard input: give no PATH (or `-`)")
        args.paths = [args.stdin_filename]  # the configuration that governs the file's folder
    settings, toolbox, config = _prepare(args)
    if args.baseline:
        settings.baseline = args.baseline
    fail_on = args.fail_on or (config.fail_on if config else None) or "warning"
    outputs = _outputs(args, toolbox.reporters)
    try:
        if args.stdin_filename is not None:
            data = sys.stdin.buffer.read(settings.max_file_size + 1)
            report = run_text(args.stdin_filename, data, settings, toolbox)
        else:
            report = run(args.paths, settings, toolbox)
    except SelectionError as exc:
        raise UsageError(str(exc)) from None
    if args.diff:
        return _show_diff(fix(report, toolbox, settings, write=False))
    if args.fix:
        _say_fixed(fix(report, toolbox, settings, write=True))
    options = {"automation_id": args.automation_id, "statistics_only": args.statistics}
    to_stdout = None
    for fmt, path in outputs:
        text = toolbox.reporters[fmt](report, **options)
        if path is None:
            to_stdout = fmt
            if fmt == "text" and args.quiet:
                text = "".join(line + "\n" for line in text.splitlines()[:-1])
        _write(text, path)
    if to_stdout in (None, "text", "github"):
        for notice in report.notices:
            if not notice.reported:
                print(f"milint: {printable(notice.path)}: {notice.level}: {notice.message}", file=sys.stderr)
    if report.baseline_gone:
        print(f"milint: {report.baseline_gone} finding(s) recorded in the baseline no longer occur; "
              f"`milint baseline {settings.baseline}` records the current state", file=sys.stderr)
    return exit_code(report, fail_on)


def _show_diff(outcomes) -> int:
    from .fixes import unified_diff

    changed = [o for o in outcomes if o.changed]
    sys.stdout.write("".join(unified_diff(o) for o in changed))
    for o in outcomes:
        if o.refused:
            print(f"milint: {o.path}: not fixed: {o.refused}", file=sys.stderr)
    count = sum(len(o.fixed) for o in changed)
    print(f"milint: would fix {count} problem{'s' if count != 1 else ''} in {len(changed)} "
          f"file{'s' if len(changed) != 1 else ''}", file=sys.stderr)
    return EXIT_FINDINGS if changed else EXIT_OK


def _say_fixed(outcomes) -> None:
    written = [o for o in outcomes if o.written]
    for o in outcomes:
        if o.refused:
            print(f"milint: {o.path}: not fixed: {o.refused}", file=sys.stderr)
    for o in written:
        for f in sorted(o.fixed, key=lambda f: f.sort_key):
            r = f.region
            print(f"milint: fixed {o.path}:{r.start_line}:{r.start_column}: {f.rule_id} {f.rule_name}",
                  file=sys.stderr)
    count = sum(len(o.fixed) for o in written)
    if written:
        print(f"milint: fixed {count} problem{'s' if count != 1 else ''} in {len(written)} "
              f"file{'s' if len(written) != 1 else ''}", file=sys.stderr)


def cmd_baseline(args) -> int:
    from .baseline import write_baseline
    from .engine import run
    from .rulebook import SelectionError

    settings, toolbox, _ = _prepare(args)
    settings.baseline = None  # record everything found today
    try:
        report = run(args.paths, settings, toolbox)
    except SelectionError as exc:
        raise UsageError(str(exc)) from None
    for notice in report.notices:
        if not notice.reported:
            print(f"milint: {printable(notice.path)}: {notice.level}: {notice.message}", file=sys.stderr)
    if report.errors:
        print("milint: error: the check did not complete; the baseline was not written", file=sys.stderr)
        return EXIT_ERROR
    count = write_baseline(args.file, report.findings, report.root)
    print(f"milint: recorded {count} finding{'s' if count != 1 else ''} in {args.file}", file=sys.stderr)
    return EXIT_OK


def _write(text: str, output: Optional[str]) -> None:
    if output:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def cmd_rules(args) -> int:
    toolbox = _toolbox()
    if args.markdown:
        from .ruledoc import rules_reference

        sys.stdout.write(rules_reference(toolbox.rules))
        return EXIT_OK
    width = max(len(r.name) for r in toolbox.rules)
    for r in toolbox.rules:
        print(f"{r.id}  {r.name:<{width}}  {r.level:<7}  {r.summary}")
    return EXIT_OK


def cmd_rule(args) -> int:
    from .ruledoc import rule_markdown, rule_text

    toolbox = _toolbox()
    rule = toolbox.find(args.rule)
    if rule is None:
        raise UsageError(f"no rule has the id or name {args.rule!r}; `milint rules` lists them")
    sys.stdout.write(rule_markdown(rule) if args.markdown else rule_text(rule))
    return EXIT_OK


def main(argv: Optional[list[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    commands = {"check": cmd_check, "baseline": cmd_baseline, "rules": cmd_rules, "rule": cmd_rule}
    try:
        return commands[args.command](args)
    except UsageError as exc:
        print(f"milint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # configuration or internal errors: never a traceback without context
        from .rulebook import RuleError

        if isinstance(exc, (RuleError, ValueError)) and not isinstance(exc, KeyError):
            print(f"milint: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        import traceback

        traceback.print_exc()
        print(f"milint: internal error: {exc!r}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
