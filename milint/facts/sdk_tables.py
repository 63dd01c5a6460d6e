"""What the Azure SDK credentials accept, per SDK: the options that select a managed identity, and
the other documented options whose names mention an identity (so they are not mistaken for typos).

Sources: reference azure-identity-today.md E.2 (azure-identity for Python 1.27, @azure/identity 4.13);
option names outside E.2 are the credentials' documented keyword arguments.  Only Python and
JavaScript are listed: C#, Java and Go check option names when the code compiles (and TypeScript
checks object literals), so a misspelt option cannot reach run time there.
"""
from __future__ import annotations

# (sdk, credential) -> {accepted option: what it selects}
ACCEPTED = {
    ("python", "ManagedIdentityCredential"): {"client_id": "client_id", "identity_config": "config"},
    ("python", "DefaultAzureCredential"): {
        "managed_identity_client_id": "client_id", "workload_identity_client_id": "",
        "interactive_browser_client_id": "", "broker_client_id": "", "managed_identity_resource_id": "resource_id",
        "exclude_managed_identity_credential": "", "exclude_workload_identity_credential": "",
        "workload_identity_tenant_id": "",
    },
    ("javascript", "ManagedIdentityCredential"): {"clientId": "client_id", "resourceId": "resource_id",
                                                  "objectId": "object_id"},
    ("javascript", "DefaultAzureCredential"): {"managedIdentityClientId": "client_id",
                                               "managedIdentityResourceId": "resource_id",
                                               "workloadIdentityClientId": ""},
}

# words that make an option name an identity selector (names compared lower case without _ and -)
IDENTITY_WORDS = ("clientid", "clientconfig", "objectid", "resourceid", "principalid", "miresid", "msiresid",
                  "identityconfig", "identityid", "userassigned", "managedidentity", "msiid", "identity")


def normalise(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


# switches about identities (exclude_workload_identity_credential=True) select none
_SWITCH_PREFIXES = ("exclude", "enable", "disable")


def looks_like_selector(name: str) -> bool:
    """Whether an option name means to name an identity.  Private options (a leading underscore:
    the SDK's own internals, which it pops before use) and on/off switches do not."""
    if name.startswith("_"):
        return False
    n = normalise(name)
    return not n.startswith(_SWITCH_PREFIXES) and any(word in n for word in IDENTITY_WORDS)


def selector_kind(name: str) -> str:
    """Which identifier an option name means: client_id, resource_id or object_id."""
    n = normalise(name)
    if "resource" in n or "resid" in n:
        return "resource_id"
    if "object" in n or "principal" in n:
        return "object_id"
    return "client_id"


def suggestion(sdk: str, credential: str, name: str, mapping_value: bool) -> str:
    """What to write instead of an option the credential does not take (no braces: it goes into a
    message template)."""
    kind = selector_kind(name)
    if sdk == "python" and credential == "ManagedIdentityCredential":
        if mapping_value:
            return "identity_config"
        if kind == "client_id":
            return "client_id"
        return f'identity_config with the key "{kind}"'
    if sdk == "python":
        if kind == "client_id":
            return "managed_identity_client_id"
        if kind == "resource_id":
            return "managed_identity_resource_id"
        return 'ManagedIdentityCredential with identity_config and the key "object_id"'
    if credential == "ManagedIdentityCredential":
        return {"client_id": "clientId", "resource_id": "resourceId", "object_id": "objectId"}[kind]
    return {"client_id": "managedIdentityClientId", "resource_id": "managedIdentityResourceId",
            "object_id": "ManagedIdentityCredential with objectId"}[kind]
