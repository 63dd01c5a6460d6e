"""The command line: `milint check`, `milint rules`, `milint rule ID`.

Start-up matters (pre-commit runs milint on every commit), so this module imports only argparse;
everything else is imported when a command needs it.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")


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
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--select", action="append", metavar="RULES",
                       help="only these rules (ids, id prefixes such as MI2, or names; comma-separated)")
    check.add_argument("--ignore", action="append", metavar="RULES", help="leave out these rules")
    check.add_argument("--extend-select", action="append", metavar="RULES", help="add rules to the selection")
    check.add_argument("--fail-on", choices=("error", "warning", "note", "never"), default="warning",
                       help="exit 1 when a finding at or above this level remains (default: warning)")
    check.add_argument("--as", dest="forced_kind", metavar="KIND",
                       help="read every file as this kind (arm, json, bash, powershell, markdown, python, ...)")
    check.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="check files in N processes")
    check.add_argument("--no-prefilter", action="store_true",
                       help="parse every file, even those that mention none of the rules' trigger words")
    check.add_argument("--no-gitignore", action="store_true", help="do not honour .gitignore files")
    check.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip files larger than this")
    check.add_argument("--automation-id", metavar="ID",
                       help="SARIF runs.automationDetails.id (a code-scanning category, e.g. milint/pr/)")
    check.add_argument("--quiet", "-q", action="store_true", help="text format: print findings only")

    sub.add_parser("rules", help="list every rule: id, name, level and summary")
    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("rule", metavar="ID-OR-NAME")
    rule.add_argument("--markdown", action="store_true", help="print Markdown instead of text")
    return parser


def _split(values: Optional[list[str]]) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _toolbox(settings=None):
    from .engine import Settings, Toolbox

    return Toolbox(settings or Settings())


def cmd_check(args) -> int:
    from .kinds import FORCIBLE
    from .engine import DEFAULT_MAX_FILE_SIZE, Settings, exit_code, run
    from .rulebook import SelectionError

    if args.forced_kind and args.forced_kind not in FORCIBLE:
        raise UsageError(f"--as {args.forced_kind}: unknown kind; choose one of {', '.join(FORCIBLE)}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    settings = Settings(select=_split(args.select), ignore=_split(args.ignore),
                        extend_select=_split(args.extend_select), forced_kind=args.forced_kind,
                        prefilter=not args.no_prefilter, jobs=args.jobs,
                        max_file_size=args.max_file_size or DEFAULT_MAX_FILE_SIZE,
                        use_gitignore=not args.no_gitignore)
    toolbox = _toolbox(settings)
    try:
        report = run(args.paths, settings, toolbox)
    except SelectionError as exc:
        raise UsageError(str(exc)) from None
    render = toolbox.reporters[args.format]
    options = {"automation_id": args.automation_id}
    text = render(report, **options)
    if args.format == "text" and args.quiet:
        text = "".join(line + "\n" for line in text.splitlines()[:-1])
    _write(text, args.output)
    if args.format in ("text", "github") or args.output:
        for notice in report.notices:
            print(f"milint: {notice.path}: {notice.level}: {notice.message}", file=sys.stderr)
    return exit_code(report, args.fail_on)


def _write(text: str, output: Optional[str]) -> None:
    if output:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def cmd_rules(args) -> int:
    toolbox = _toolbox()
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
    commands = {"check": cmd_check, "rules": cmd_rules, "rule": cmd_rule}
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
