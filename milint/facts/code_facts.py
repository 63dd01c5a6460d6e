"""Facts from application code (Python, C#, Java, JavaScript, TypeScript, Go, Ruby): HTTP requests
made with the usual clients (-> `rest_call` / `token_request`) and Azure SDK credentials
(-> `sdk_credential`).  Each language has its own recogniser module; all share the token model
(`code_model`) and the evaluation of values (`code_values`)."""
from __future__ import annotations

import importlib
from functools import partial

from ..lstr import LStr
from ..prefilter import LiteralScreen
from .code_model import Code
from .requests import Context, request_facts

# language -> (module with its HTTP recogniser, function)
_HTTP = {
    "python": ("code_http_python", "python_requests"),
    "csharp": ("code_http_csharp", "csharp_requests"),
    "java": ("code_http_java", "java_requests"),
    "javascript": ("code_http_js", "js_requests"),
    "typescript": ("code_http_js", "js_requests"),
    "go": ("code_http_go", "go_requests"),
    "ruby": ("code_http_ruby", "ruby_requests"),
}

# A file must name one of these to hold a fact any rule reads: a token endpoint (IMDS, a local
# oauth2 server, the App Service variables), an Azure host or a Resource Manager path, or an SDK
# credential.  Others are not lexed at all: lexing is the expensive step.  Azure hosts are matched
# as ".azure" (management.azure.com, x.azurewebsites.net): a bare "azure" is in every import of an
# Azure SDK (`from azure.storage.blob import ...`), which names no host.
_MARKERS = ("169.254.169.254", "oauth2", "identity_endpoint", "msi_endpoint", ".azure", "windows.net", "cloudapi",
            "graph.microsoft", "microsoft.us", "/subscriptions", "managedidentitycredential", "defaultazurecredential",
            "tokenprovider", "msiauthentication", "loginwithvmmsi", "msivmtoken")
_HAS_MARKER = LiteralScreen(_MARKERS)


def code_facts(language: str, source: LStr, ctx: Context) -> list[dict]:
    if not _HAS_MARKER.any_in(str(source).lower()):
        return []
    code = Code(language, source)
    if not code.tokens:
        return []
    module, func = _HTTP[language]
    recognise = getattr(importlib.import_module(f"{__package__}.{module}"), func)
    facts: list[dict] = []
    for request in recognise(code):
        facts.extend(request_facts(request, ctx))
    from .sdk_credentials import sdk_credential_facts

    facts.extend(sdk_credential_facts(code))
    return facts


# the facts function of each language's kind (kinds.py names them)
python_facts = partial(code_facts, "python")
csharp_facts = partial(code_facts, "csharp")
java_facts = partial(code_facts, "java")
javascript_facts = partial(code_facts, "javascript")
typescript_facts = partial(code_facts, "typescript")
go_facts = partial(code_facts, "go")
ruby_facts = partial(code_facts, "ruby")
