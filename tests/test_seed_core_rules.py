"""The seed read as Markdown (`milint check --as markdown seed/000_...txt`): the six core rules
report exactly the seed's own samples that break them, and none of the samples the notes
(seed/notes part-A §(3), part-B §4, part-C §B(3), part-D §3) list as correct.

Positives found, by rule (seed lines of the offending text):
  MI101  L7526, L8097  raw `GET http://localhost:50342/oauth2/token` samples (part-D §3 #2, D1).
         Both stand in articles whose boilerplate elsewhere mentions Cloud Shell: only the
         per-section Cloud Shell decision keeps them reported.
  MI102  L4478  ARM `resources` fragment with the extension (part-B E15, L4455-L4486)
         L4692  ARM `resources` fragment with the extension (part-B E15, L4664-L4701)
         L8026  ARM extension resource (part-D §3 #14, L8016-L8033)

Positives of the notes that are not found, and why (none can be reached without guessing through
a broken sample; see the report in the lead's notes):
  MI102  L8005-L8008, L8042-L8046: the PowerShell commands are broken over lines without a
         backtick (`-Name` ⏎ `"ManagedIdentityExtensionForWindows" -Type ...`; part-D K1), so the
         parser sees the extension type as a separate statement.
         L4625-L4659, L6222-L6259, L6351-L6391, L6397-L6437: the template parts are not JSON
         (a `//` comment wrapped onto the next line; unbalanced brackets; part-B E21, part-C R34).
         L8055-L8071: a VM scale set `extensionProfile` fragment, not a template; reading it is for
         the JSON-fragment facts (facts/json_fragments.py).
         L8146-L8148, L9133-L9135: `-Type <extension Type>` is a placeholder.
  MI103/MI201/MI301/MI401/MI501: the notes list no sample of the seed that breaks them (the
         seed's ARM audiences keep their slash, its `identity.type` values are lowercase `none`,
         its lowercase `resourcegroups` stand in resource IDs and outputs, not request URLs).
"""
from pathlib import Path

import pytest

from milint.engine import Settings, run
from milint.facts.scripts import mentions_cloud_shell

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_68e52737ddb40452.txt"
CORE = ["MI101", "MI102", "MI103", "MI201", "MI301", "MI401", "MI501"]

EXPECTED = {
    ("MI101", 7526, "http://localhost:50342/oauth2/token"),
    ("MI101", 8097, "http://localhost:50342/oauth2/token"),
    ("MI102", 4478, "ManagedIdentityExtensionForWindows"),
    ("MI102", 4692, "ManagedIdentityExtensionForWindows"),
    ("MI102", 8026, "ManagedIdentityExtensionForWindows"),
}

# Samples the notes call correct for these rules (or outputs that must not be linted at all).
NEGATIVE = {
    # part-A §(3) negative fixtures
    "ARM audience given raw, with its slash": [397, 531, 2298],
    "audience percent-encoded with %2F": [633, 1130, 1346, 1875, 2383],
    "Key Vault and Graph audiences without a slash": [1763, 2147],
    "token responses": [548, *range(2389, 2398)],
    "lowercase resourcegroups in IDs and scopes": [2234, 2256, 2270, 2276, 2277, 2242],
    "well-formed ARM and ADLS calls": [1154, 419, 559, 2308, 2405, 2423],
    "correct C# IMDS call": list(range(1576, 1586)),
    "`-Name ID1`, a valid three-character name": [2226],
    # part-B §4 true negatives
    "storage and ARM audiences encoded; calls with api-version": [2598, 2606, 2752, 2776, 2985, 3381, 3407],
    "Key Vault audience and call": [3219, 3241, 3321],
    "Graph calls": [3555, 3619, 3633, 3657],
    "CLI --identities with lowercase resourcegroups": [3739],
    "mixed encoding ARM audience ending in /": [3782],
    "resourceGroups with a capital G": [3812],
    "az vm identity assign/remove; identity.type values": [4039, 4147, 4157, 4049, 4059, 4167, 4087, 4351],
    "PowerShell -IdentityType": [4295, 4302, 4387],
    "ARM identity fragments and None": [*range(4443, 4446), *range(4502, 4511), 4527, 4528, 4529,
                                        *range(4557, 4568), *range(4713, 4725)],
    "outputs": [*range(2759, 2770), *range(2785, 2788), *range(2805, 2812), *range(2824, 2863),
                *range(2992, 3003), *range(3059, 3066), *range(3081, 3122), *range(3433, 3493),
                *range(3662, 3668), *range(3037, 3040), *range(3226, 3237), *range(3246, 3258),
                *range(3326, 3336), *range(3351, 3368), *range(3388, 3399), *range(3416, 3422),
                *range(3576, 3613), *range(3643, 3653), *range(3717, 3731), *range(3754, 3767),
                *range(3793, 3804), *range(3817, 3825), *range(4092, 4106), *range(4129, 4143)],
    # part-C §B(3) negative controls
    "CLI and REST controls": [4786, 4792, 5851, 5909, 4899, 5026, 5281, *range(5473, 5476), 4939,
                              *range(4955, 4966), *range(4971, 4979), *range(4996, 5007), *range(5498, 5504),
                              *range(5521, 5530), *range(5537, 5543), *range(5560, 5569), 5857, 5873, 5891,
                              5993, 5999, 6122, 6123, *range(6210, 6213), 6665, 7104, *range(7245, 7253),
                              *range(7270, 7281)],
    # part-D §3 negatives
    "IMDS raw request, unencoded resource": [7508],
    "AppAuthentication, C#, Java, Go samples": [*range(7572, 7580), *range(7589, 7617), *range(7626, 7664),
                                                *range(7671, 7750)],
    "PowerShell and curl IMDS samples": [7762, *range(7769, 7781), 7786, *range(7792, 7795)],
    "sign-in samples": [*range(7905, 7909), *range(7919, 7926)],
    "removing the extension is the fix": [8085, 8087, 8089],
    "role assignment samples": [8395, 8401, 8407, *range(8413, 8416), 8449, *range(8455, 8458)],
    "identity name placeholders": [8655, 8665, 8681, 8730, 8740, 8756],
    "ARM user-assigned identity template": list(range(8807, 8833)),
    "REST user-assigned identity calls": [*range(8883, 8887), *range(8913, 8916)],
    "tag fix of a moved VM": [9165, 9175],
}


@pytest.fixture(scope="module")
def seed_findings(toolbox):
    if not SEED.is_file():
        pytest.skip(f"the seed is not at {SEED} (../shared is absent)")
    settings = Settings(load_entrypoints=False, forced_kind="markdown", select=CORE, root=str(SEED.parent))
    report = run([str(SEED)], settings, toolbox)
    assert not [n for n in report.notices if n.level == "error"], report.notices
    return report.findings


def test_exactly_the_seed_samples_that_break_the_core_rules(seed_findings):
    got = {(f.rule_id, f.region.start_line, f.snippet) for f in seed_findings}
    assert got == EXPECTED


def test_no_sample_the_notes_call_correct_is_reported(seed_findings):
    lines = {f.region.start_line: f.rule_id for f in seed_findings}
    for why, negatives in NEGATIVE.items():
        hit = sorted(set(negatives) & set(lines))
        assert not hit, f"{why}: reported at {[(n, lines[n]) for n in hit]}"


def test_cloud_shell_is_decided_per_section_not_per_file(seed_findings):
    # the seed mentions Cloud Shell in many articles' boilerplate; were that decisive for the whole
    # file, the VM-extension samples of "How to stop using the VM extension" (L7986 ff.) would be
    # taken for Cloud Shell calls and silenced
    assert mentions_cloud_shell(SEED.read_text(encoding="utf-8"))
    assert {f.region.start_line for f in seed_findings if f.rule_id == "MI101"} == {7526, 8097}
