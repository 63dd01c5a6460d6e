"""Facts from application code: HTTP requests become rest_call/token_request facts with located,
decoded values; what cannot be known stays unknown; SDK credentials become sdk_credential facts."""
import random

import pytest

from milint.facts.code_facts import code_facts
from milint.facts.requests import Context
from milint.lstr import LStr

IMDS = "http://169.254.169.254/metadata/identity/oauth2/token"


def facts(language, code, kind=None, cloud_shell=False):
    found = code_facts(language, LStr.at(code, 0), Context(cloud_shell=cloud_shell))
    return [f for f in found if kind is None or f["kind"] == kind]


def token(language, code):
    found = facts(language, code, "token_request")
    assert len(found) == 1, found
    return found[0]


def at(code, value):
    s, e = value.span()
    return code[s:e]


# ---------------------------------------------------------------- endpoints and values
@pytest.mark.parametrize("language, code", [
    ("python", 'import os, requests\nrequests.get(os.environ["IDENTITY_ENDPOINT"] + "?resource=x&api-version=2019-08-01")'),
    ("csharp", 'await client.GetAsync(Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT") + "?resource=x");'),
    ("java", 'new URL(System.getenv("IDENTITY_ENDPOINT") + "?resource=x").openConnection();'),
    ("javascript", "await fetch(`${process.env.IDENTITY_ENDPOINT}?resource=x`);"),
    ("typescript", 'await fetch(process.env["IDENTITY_ENDPOINT"] + "?resource=x");'),
    ("go", 'req, _ := http.NewRequest("GET", os.Getenv("IDENTITY_ENDPOINT")+"?resource=x", nil)'),
    ("ruby", "res = Net::HTTP.get(URI(\"#{ENV['IDENTITY_ENDPOINT']}?resource=x\"))"),
])
def test_environment_endpoint_is_named(language, code):
    request = token(language, code)
    assert request["endpoint"] == "app_service"
    assert request["url"].unknown_source(0) == "IDENTITY_ENDPOINT"
    assert str(request["resource"]) == "x"


def test_legacy_variable_and_cloud_shell():
    code = 'import os, requests\nrequests.post(os.getenv("MSI_ENDPOINT"), data={"resource": "r"}, headers={"Metadata": "true"})'
    assert token("python", code)["endpoint"] == "app_service_legacy"
    assert token("python", code.replace("import", "# Azure Cloud Shell\nimport"))["endpoint"] == "app_service_legacy"
    assert facts("python", code, "token_request", cloud_shell=True)[0]["endpoint"] == "cloud_shell"


def test_a_code_variable_named_like_an_endpoint_is_not_the_environment():
    code = "def get(msi_endpoint):\n    return requests.get(msi_endpoint + '?resource=x')\n"
    assert facts("python", code, "token_request") == []


def test_variable_assigned_once_is_resolved_and_located():
    code = f'BASE = "{IMDS}"\nurl = BASE + "?api-version=2018-02-01&resource=https://management.azure.com"\n' \
           'requests.get(url, headers={"Metadata": "true"})\n'
    request = token("python", code)
    assert at(code, request["resource"]) == "https://management.azure.com"
    assert at(code, request["headers"]["metadata"]["value"]) == "true"


def test_variable_assigned_twice_is_unknown():
    code = f'url = "{IMDS}?resource=a"\nif x:\n    url = "{IMDS}?resource=b"\nrequests.get(url)\n'
    assert facts("python", code, "token_request") == []


def test_strings_in_comments_and_docstrings_are_not_requests():
    code = f'"""requests.get("{IMDS}?resource=x")"""\n# requests.get("{IMDS}")\nx = "{IMDS}"\n'
    assert facts("python", code) == []


def test_formatting_functions():
    code = f'u := fmt.Sprintf("{IMDS}?api-version=%s&resource=%s", "2018-02-01", res)\nhttp.Get(u)\n'
    request = token("go", code)
    assert str(request["api_version"]) == "2018-02-01" and not request["resource"].known
    code = f'url = "{IMDS}?resource={{}}".format("https://vault.azure.net")\nrequests.get(url)\n'
    assert str(token("python", code)["resource"]) == "https://vault.azure.net"


# ---------------------------------------------------------------- headers
def test_headers_added_to_the_request_variable():
    code = f'HttpWebRequest request = (HttpWebRequest)WebRequest.Create("{IMDS}?resource=x");\n' \
           'request.Headers["Metadata"] = "true";\nrequest.Method = "POST";\n'
    request = token("csharp", code)
    assert "metadata" in request["headers"] and request["headers_known"]
    assert request["method_value"] == "POST"


def test_headers_of_a_client_made_elsewhere_are_unknown():
    code = f'var r = await _client.GetAsync("{IMDS}?resource=x");'
    assert token("csharp", code)["headers_known"] is False
    code = f'var c = new HttpClient();\nvar r = await c.GetAsync("{IMDS}?resource=x");'
    request = token("csharp", code)
    assert request["headers_known"] is True and request["headers"] == {}


def test_headers_passed_through_an_unknown_function_are_unknown():
    code = f'h = {{}}\nadd_auth(h)\nrequests.get("{IMDS}?resource=x", headers=h)\n'
    assert token("python", code)["headers_known"] is False
    code = f'requests.get("{IMDS}?resource=x", **options)\n'
    request = token("python", code)
    assert request["headers_known"] is False and request["query_complete"] is False


def test_request_message_sent_by_a_client_gets_its_default_headers():
    code = ('var client = new HttpClient();\nclient.DefaultRequestHeaders.Add("Metadata", "true");\n'
            f'var m = new HttpRequestMessage(HttpMethod.Get, "{IMDS}?resource=x");\nawait client.SendAsync(m);\n')
    request = token("csharp", code)
    assert "metadata" in request["headers"] and request["headers_known"]


@pytest.mark.parametrize("language, code", [
    ("java", f'HttpURLConnection c = (HttpURLConnection) new URL("{IMDS}?resource=x").openConnection();\n'
             'c.setRequestProperty("Metadata", "true");'),
    ("java", f'Request r = new Request.Builder().url("{IMDS}?resource=x").addHeader("Metadata", "true").build();'),
    ("javascript", f'const r = await axios.get("{IMDS}", {{ params: {{ resource: "x" }}, headers: {{ Metadata: "true" }} }});'),
    ("javascript", f'const h = {{ Metadata: "true" }};\nhttp.get("{IMDS}?resource=x", {{ headers: h }}, cb);'),
    ("go", f'req, _ := http.NewRequest("GET", "{IMDS}?resource=x", nil)\nreq.Header.Add("Metadata", "true")'),
    ("ruby", f"req = Net::HTTP::Get.new(URI('{IMDS}?resource=x'))\nreq['Metadata'] = 'true'"),
    ("python", f'req = urllib.request.Request("{IMDS}?resource=x")\nreq.add_header("Metadata", "true")\nurlopen(req)'),
])
def test_metadata_header_is_found(language, code):
    request = token(language, code)
    assert request["headers"]["metadata"]["value"] == "true" and request["headers_known"]
    assert str(request["resource"]) == "x"


# ---------------------------------------------------------------- Go query building
def test_go_raw_query_replaces_the_query():
    code = (f'u, err := url.Parse("{IMDS}?api-version=2018-02-01")\np := url.Values{{}}\n'
            'p.Add("resource", "https://management.azure.com/")\nu.RawQuery = p.Encode()\n'
            'req, err := http.NewRequest("GET", u.String(), nil)\nreq.Header.Add("Metadata", "true")\n')
    request = token("go", code)
    assert request["api_version"] is None  # the seed's Go sample drops it (seed L7704-L7709)
    assert at(code, request["resource"]) == "https://management.azure.com/"


def test_go_query_from_the_request_url():
    code = (f'req, _ := http.NewRequest("GET", "{IMDS}?api-version=2018-02-01", nil)\nq := req.URL.Query()\n'
            'q.Add("resource", "r")\nreq.URL.RawQuery = q.Encode()\n')
    request = token("go", code)
    assert str(request["api_version"]) == "2018-02-01" and str(request["resource"]) == "r"


# ---------------------------------------------------------------- SDK credentials
@pytest.mark.parametrize("language, code, credential, selector", [
    ("python", 'ManagedIdentityCredential(client_id="abc")', "ManagedIdentityCredential", ("client_id", "abc")),
    ("python", 'DefaultAzureCredential(managed_identity_client_id="abc")', "DefaultAzureCredential", ("client_id", "abc")),
    ("csharp", 'new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(id)))',
     "ManagedIdentityCredential", ("resource_id", None)),
    ("csharp", 'new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = "abc" })',
     "DefaultAzureCredential", ("client_id", "abc")),
    ("java", 'new ManagedIdentityCredentialBuilder().clientId("abc").build()', "ManagedIdentityCredentialBuilder",
     ("client_id", "abc")),
    ("javascript", 'new ManagedIdentityCredential({ resourceId: "/subscriptions/x" })', "ManagedIdentityCredential",
     ("resource_id", "/subscriptions/x")),
    ("go", 'azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ID: azidentity.ObjectID("abc")})',
     "NewManagedIdentityCredential", ("object_id", "abc")),
])
def test_sdk_credentials(language, code, credential, selector):
    (cred,) = facts(language, code, "sdk_credential")
    assert cred["credential"] == credential and cred["retired"] is None
    assert cred["selector"]["kind"] == selector[0]
    if selector[1] is not None:
        assert str(cred["selector"]["value"]) == selector[1]
    else:
        assert not cred["selector"]["value"].known


def test_sdk_options_from_a_splat_are_not_known():
    (cred,) = facts("python", "ManagedIdentityCredential(**kwargs)", "sdk_credential")
    assert cred["options_known"] is False and cred["options"] == []


def test_a_method_named_like_a_credential_is_not_one():
    assert facts("csharp", "var c = factory.ManagedIdentityCredential(x);", "sdk_credential") == []


@pytest.mark.parametrize("language, code, library", [
    ("csharp", "var p = new AzureServiceTokenProvider();", "Microsoft.Azure.Services.AppAuthentication"),
    ("python", "creds = MSIAuthentication()", "msrestazure"),
    ("javascript", "const c = new MSIVmTokenCredentials({});", "@azure/ms-rest-nodeauth"),
])
def test_retired_libraries(language, code, library):
    (cred,) = facts(language, code, "sdk_credential")
    assert cred["retired"]["library"] == library


# ---------------------------------------------------------------- robustness
_PIECES = ["requests.get(", "http.NewRequest(", "fetch(", "new URL(", "Net::HTTP::Get.new(", "WebRequest.Create(",
           f'"{IMDS}?resource=', "os.environ[", "process.env.", "${", "#{", "{", "}", "(", ")", "[", "]", ",", "=",
           ":=", "+", '"', "'", "`", "\n", "headers", ".Header.Add(", "ManagedIdentityCredential(", "**x", "...",
           "url", "req", " ", "\\", "#", "//", "/*"]


@pytest.mark.parametrize("language", ["python", "csharp", "java", "javascript", "typescript", "go", "ruby"])
def test_random_code_never_raises(language):
    rng = random.Random(7)
    for _ in range(150):
        code = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))
        for f in code_facts(language, LStr.at(code, 0), Context()):
            for value in (f.get("url"), f.get("resource")):
                if isinstance(value, LStr):
                    s, e = value.span()
                    assert 0 <= s <= e <= len(code)
