"""`.http` / `.rest` request files: request lines, headers, bodies, variables, several requests,
and the broken pastes documentation is full of."""
import random

import pytest

from milint.engine import example_findings
from milint.facts.http_file import http_facts, is_request_line
from milint.facts.requests import Context
from milint.lstr import LStr, UNKNOWN

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"


def facts_of(text: str, cloud_shell: bool = False) -> list[dict]:
    return http_facts(LStr.at(text, 0), Context(cloud_shell=cloud_shell))


def of_kind(facts, kind):
    return [f for f in facts if f["kind"] == kind]


def located(text: str, value: LStr) -> str:
    """The file text a located value points at."""
    s, e = value.span()
    return text[s:e]


@pytest.mark.parametrize("line, expected", [
    ("GET http://169.254.169.254/x", True),
    ("POST https://management.azure.com/x HTTP/1.1", True),
    ("GET 'http://localhost:50342/oauth2/token' HTTP/1.1", True),
    ("PATCH /subscriptions/x", True),
    ("GET {{host}}/metadata", True),
    ("GET the token from IMDS", False),  # prose
    ("get http://x", False),  # methods are upper-case
    ("HTTP/1.1 200 OK", False),
    ("curl http://x", False),
])
def test_request_line(line, expected):
    assert is_request_line(line) is expected


def test_request_line_headers_and_version():
    text = f"GET {IMDS}?api-version=2018-02-01&resource=https://vault.azure.net HTTP/1.1\nMetadata: true\n"
    rest, token = facts_of(text)
    assert token["kind"] == "token_request" and token["endpoint"] == "imds"
    assert str(token["method"]) == "GET" and token["tool"] == "http"
    assert located(text, token["url"]).endswith("resource=https://vault.azure.net")  # HTTP/1.1 is not part of it
    assert str(token["api_version"]) == "2018-02-01"
    assert str(token["headers"]["metadata"]["value"]) == "true"
    assert located(text, token["headers"]["metadata"]["name"]) == "Metadata"


def test_several_requests_comments_and_a_bare_url():
    text = (
        "# token from the old extension\n"
        "GET http://localhost:50342/oauth2/token?resource=https://management.azure.com/\n"
        "Metadata: true\n"
        "\n"
        "### second request\n"
        "// a bare URL is a GET\n"
        "https://management.azure.com/subscriptions/1/resourcegroups/rg?api-version=2019-10-01\n"
    )
    facts = facts_of(text)
    token = of_kind(facts, "token_request")
    assert [t["endpoint"] for t in token] == ["vm_extension"]
    calls = of_kind(facts, "rest_call")
    assert len(calls) == 2
    assert calls[1]["method"] is None and calls[1]["method_value"] == "GET"
    assert located(text, calls[1]["segments"][2]) == "resourcegroups"


def test_query_written_over_several_lines():
    text = f"GET {IMDS}\n    ?api-version=2018-02-01\n    &resource=https://management.azure.com\nMetadata: true\n"
    token = of_kind(facts_of(text), "token_request")[0]
    assert str(token["api_version"]) == "2018-02-01"
    assert located(text, token["resource"]) == "https://management.azure.com"
    assert token["query_complete"]


def test_file_variables_are_resolved_and_located_at_their_definition():
    text = (
        "@imds = http://169.254.169.254\n"
        "@arm = https://management.azure.com\n"
        "GET {{imds}}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={{arm}}\n"
        "Metadata: true\n"
    )
    token = of_kind(facts_of(text), "token_request")[0]
    assert token["endpoint"] == "imds"
    assert str(token["resource"]) == "https://management.azure.com"
    s, e = token["resource"].span()
    assert text[s:e] == "https://management.azure.com" and s == text.index("https://management")


def test_unknown_variables_stay_unknown():
    text = "GET {{$processEnv IDENTITY_ENDPOINT}}?resource={{audience}}&api-version=2019-08-01\n"
    facts = facts_of(text)
    call = of_kind(facts, "rest_call")[0]
    assert not call["url"].known
    for token in of_kind(facts, "token_request"):
        assert not token["resource"].known


def test_url_wrapped_onto_the_next_line_has_an_unknown_end():
    # a PDF export broke the URL: what follows the break cannot be judged
    text = ("GET http://localhost:50342/oauth2/token?resource=https://management.azure.com\n"
            "/&client_id=1234\n"
            "Metadata: true\n")
    token = of_kind(facts_of(text), "token_request")[0]
    assert not token["resource"].known
    assert not token["query_complete"]
    assert not token["headers_known"]


def test_json_body_of_an_update_yields_its_identity_block():
    text = ("@type = UserAssigned\n"
            "PATCH https://management.azure.com/subscriptions/1/resourceGroups/rg/providers/"
            "Microsoft.Compute/virtualMachines/vm?api-version=2018-06-01\n"
            "Content-Type: application/json\n"
            "\n"
            '{"identity": {"type": "{{type}}"}}\n'
            "\n")
    facts = facts_of(text)
    call = of_kind(facts, "rest_call")[0]
    assert str(call["method"]) == "PATCH"
    assert str(call["body"]) == '{"identity": {"type": "UserAssigned"}}'  # the variable is resolved
    (block,) = of_kind(facts, "identity_block")
    assert block["operation"] == "patch" and block["api_version"] == "2018-06-01"
    assert located(text, block["type"]) == "UserAssigned" and block["type"].span()[0] == text.index("UserAssigned")


def test_form_body_posted_to_localhost_is_cloud_shell():
    text = ("POST http://localhost:50342/oauth2/token\n"
            "Content-Type: application/x-www-form-urlencoded\n"
            "Metadata: true\n"
            "\n"
            "resource=https://management.azure.com/\n")
    token = of_kind(facts_of(text), "token_request")[0]
    assert token["endpoint"] == "cloud_shell"


def test_body_from_a_file_is_unknown():
    text = "POST https://management.azure.com/x\nContent-Type: application/json\n\n< ./body.json\n"
    call = of_kind(facts_of(text), "rest_call")[0]
    assert not call["body"].known


def test_docs_paste_with_quoted_url_and_header_on_the_request_line():
    # seed L7508: the header ended up on the request line; it is not read as a header
    text = f"GET '{IMDS}?api-version=2018-02-01&resource=https://management.azure.com/' HTTP/1.1 Metadata: true\n"
    token = of_kind(facts_of(text), "token_request")[0]
    assert located(text, token["url"]) == f"{IMDS}?api-version=2018-02-01&resource=https://management.azure.com/"
    assert token["headers"] == {}


def test_a_response_is_not_a_request():
    text = 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{"resource": "https://management.azure.com"}\n'
    assert facts_of(text) == []


def test_crlf_line_endings():
    text = f"GET {IMDS}?api-version=2018-02-01&resource=https://management.azure.com\r\nMetadata: true\r\n"
    token = of_kind(facts_of(text), "token_request")[0]
    assert located(text, token["resource"]) == "https://management.azure.com"
    assert str(token["headers"]["metadata"]["value"]) == "true"


def test_findings_in_a_http_file_point_at_the_exact_text(toolbox):
    code = ("@arm = https://management.azure.com\n"
            "\n"
            "GET http://localhost:50342/oauth2/token?resource={{arm}} HTTP/1.1\n"
            "Metadata: true\n")
    found = {f.rule_id: f for f in example_findings(code, "tokens.http", toolbox)}
    assert found["MI101"].snippet == "http://localhost:50342/oauth2/token"
    assert (found["MI101"].region.start_line, found["MI101"].region.start_column) == (3, 5)
    assert found["MI201"].snippet == "https://management.azure.com"
    assert found["MI201"].region.start_line == 1  # where the variable is defined


_PIECES = ["GET ", "POST ", "http://", "169.254.169.254", "/metadata/identity/oauth2/token", "?", "&",
           "resource=", "api-version=", "{{", "}}", "@x = ", "###", "\n", "\r\n", " ", "HTTP/1.1", ":",
           "Metadata: true", "{", "}", "\"", "'", "%2F", "%", "<", "localhost:50342", "#", "//", "\t", UNKNOWN]


def test_random_input_never_crashes():
    rng = random.Random(20240611)
    for _ in range(2000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        for item in facts_of(text):
            for value in item.values():
                if isinstance(value, LStr):
                    value.span()


def test_requests_listed_without_separators():
    text = f"GET {IMDS}?api-version=2018-02-01&resource=https://vault.azure.net\nMetadata: true\nGET {IMDS}\n"
    calls = of_kind(facts_of(text), "rest_call")
    assert len(calls) == 2
    assert calls[0]["headers_known"] and str(calls[0]["headers"]["metadata"]["value"]) == "true"
    assert calls[1]["headers"] == {}


def test_documentation_excerpts_do_not_claim_headers_they_do_not_show():
    line_only = "PUT https://management.azure.com/subscriptions/1/resourceGroups/rg?api-version=2019-10-01 HTTP/1.1\n"
    pasted = f"GET '{IMDS}?api-version=2018-02-01&resource=https://management.azure.com/' HTTP/1.1 Metadata: true\n"
    shown = f"GET {IMDS}?api-version=2018-02-01&resource=https://management.azure.com/\nMetadata: true\n"

    def known(text, excerpt):
        return of_kind(http_facts(LStr.at(text, 0), Context(), excerpt=excerpt), "rest_call")[0]["headers_known"]

    # in a request file, what is not written is not sent
    assert known(line_only, False) and known(pasted, False) and known(shown, False)
    # in a documentation sample, a request line alone says nothing about the headers
    assert not known(line_only, True) and not known(pasted, True) and known(shown, True)


def test_variables_that_multiply_each_other_stay_cheap():
    names = [f"v{i}" for i in range(12)]
    defs = "".join(f"@{a} = {'{{' + b + '}}' * 20}\n" for a, b in zip(names, names[1:]))
    text = defs + "@v11 = x\nGET https://management.azure.com/{{v0}}\n"
    (call,) = of_kind(facts_of(text), "rest_call")
    assert not call["url"].known and len(call["url"]) < 50_000
