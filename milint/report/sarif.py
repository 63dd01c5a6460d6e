"""SARIF 2.1.0, built with sarif-om and written by a small serializer of our own.

The serializer writes every field that is set, keeps an explicit `level` even when it equals the
SARIF default (GitHub and readers should never have to infer it), and drops sarif-om's own
defaults.  It also writes attributes sarif-om does not declare (sarif-om predates the final
schema: a suppression's `status`)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/milint/milint"
ROOT_ID = "%SRCROOT%"


def to_plain(obj):
    import attr

    if isinstance(obj, (list, tuple)):
        return [to_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items() if v is not None}
    if not attr.has(type(obj)):
        return obj
    out = {}
    names = set()
    for f in attr.fields(type(obj)):
        names.add(f.name)
        value = getattr(obj, f.name)
        if value is None:
            continue
        if f.name != "level" and f.default is not attr.NOTHING:
            default = f.default.factory() if isinstance(f.default, attr.Factory) else f.default
            if value == default:
                continue
        out[f.metadata.get("schema_property_name", f.name)] = to_plain(value)
    for key, value in vars(obj).items():  # properties the final schema has and sarif-om lacks
        if key not in names and value is not None:
            out[key] = to_plain(value)
    return out


def artifact_location(path: str, root: Path):
    import sarif_om as om

    if path.startswith("/"):  # outside the checked root: an absolute URI, no base
        return om.ArtifactLocation(uri=Path(path).as_uri())
    return om.ArtifactLocation(uri=quote(path), uri_base_id=ROOT_ID)


def region(r):
    import sarif_om as om

    return om.Region(start_line=r.start_line, start_column=r.start_column, end_line=r.end_line,
                     end_column=r.end_column)


def descriptor(rule):
    import sarif_om as om

    from ..ruledoc import rule_markdown, rule_text
    from ..rulebook import family_of

    props = {"tags": list(dict.fromkeys(["managed-identity", *rule.tags]))[:10], "precision": rule.precision,
             "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[rule.level]}
    if family_of(rule):
        props["family"] = family_of(rule)
    if rule.origin != "milint":
        props["plugin"] = rule.origin
    return om.ReportingDescriptor(
        id=rule.id, name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary[:1024]),
        full_description=om.MultiformatMessageString(text=rule.docs["what"][:1024]),
        help=om.MultiformatMessageString(text=rule_text(rule), markdown=rule_markdown(rule)),
        default_configuration=om.ReportingConfiguration(level=rule.level),
        properties=props)


def result(f, index: dict, root: Path, baseline_used: bool = False):
    import sarif_om as om

    loc = om.Location(physical_location=om.PhysicalLocation(
        artifact_location=artifact_location(f.path, root), region=region(f.region)))
    res = om.Result(rule_id=f.rule_id, rule_index=index[f.rule_id], level=f.level,
                    message=om.Message(text=f.message), locations=[loc],
                    partial_fingerprints={"milint/v1": f.fingerprint})
    if f.related:
        res.related_locations = [
            om.Location(id=i + 1, message=om.Message(text=r.message), physical_location=om.PhysicalLocation(
                artifact_location=artifact_location(r.path, root), region=region(r.region)))
            for i, r in enumerate(f.related)]
    if f.fix:
        res.fixes = [om.Fix(description=om.Message(text=f"milint fix for {f.rule_id}"), artifact_changes=[
            om.ArtifactChange(artifact_location=artifact_location(f.path, root), replacements=[
                om.Replacement(deleted_region=region(r.region), inserted_content=om.ArtifactContent(text=r.text))
                for r in f.fix])])]
    if f.suppression is not None:
        sup = om.Suppression(kind=f.suppression.kind, justification=f.suppression.justification or None)
        sup.status = "accepted"
        res.suppressions = [sup]
    if baseline_used:  # compared with a baseline: recorded findings are unchanged, the others new
        res.baseline_state = "unchanged" if f.suppression is not None and f.suppression.source == "baseline" \
            else "new"
    return res


def notification(n, root: Path):
    import sarif_om as om

    level = {"note": "note", "warning": "warning", "error": "error"}[n.level]
    message = n.message.split("\n", 1)[0]
    return om.Notification(message=om.Message(text=f"{n.path}: {message}"), level=level,
                           locations=[om.Location(physical_location=om.PhysicalLocation(
                               artifact_location=artifact_location(n.path, root)))] if n.path else None)


def render(report, automation_id: str | None = None, **_) -> str:
    import sarif_om as om

    rules = list(report.rules)
    known = {r.id for r in rules}
    # rules that fired but are not in the active list (tool rules) still need a descriptor
    index = {r.id: i for i, r in enumerate(rules)}
    for f in report.findings:
        if f.rule_id not in known:
            raise ValueError(f"finding for inactive rule {f.rule_id}")
    driver = om.ToolComponent(name="milint", version=report.version, semantic_version=report.version,
                              information_uri=INFORMATION_URI, rules=[descriptor(r) for r in rules])
    run = om.Run(
        tool=om.Tool(driver=driver),
        results=[result(f, index, report.root, getattr(report, "baseline", None) is not None)
                 for f in report.findings],
        column_kind="utf16CodeUnits",
        original_uri_base_ids={ROOT_ID: om.ArtifactLocation(uri=report.root.as_uri().rstrip("/") + "/")},
        invocations=[om.Invocation(execution_successful=report.errors == 0,
                                   tool_execution_notifications=[notification(n, report.root)
                                                                 for n in report.notices] or None)],
    )
    if automation_id:
        run.automation_details = om.RunAutomationDetails(id=automation_id)
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [to_plain(run)]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
