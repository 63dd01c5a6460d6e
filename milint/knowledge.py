"""Azure facts that rules and fact extractors share: endpoints, audiences, clouds, names.

Values come from the seed (seed line in the comment) unless marked "today" (from the reference on
current Azure).  Keep this a table, not logic, so a reader can check it against the sources.
"""
from __future__ import annotations

IMDS_HOST = "169.254.169.254"  # seed L185, L220
IMDS_TOKEN_PATH = "/metadata/identity/oauth2/token"  # seed L220, L248
IMDS_MIN_API_VERSION = "2018-02-01"  # seed L222, L253
VM_EXTENSION_DEFAULT_PORT = "50342"  # seed L7532
VM_EXTENSION_TOKEN_PATH = "/oauth2/token"  # seed L7532
ARC_PORT = "40342"  # today: Azure Arc's local identity endpoint
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})

# Environment variables that hold a token endpoint (today; the seed predates them).
APP_SERVICE_ENDPOINT_VARS = frozenset({"identity_endpoint"})
LEGACY_ENDPOINT_VARS = frozenset({"msi_endpoint"})  # App Service 2017 protocol, Cloud Shell, Azure ML

# Query parameters that name which identity a token is for.
IDENTITY_SELECTORS = ("client_id", "object_id", "mi_res_id", "msi_res_id", "principal_id", "clientid")

# Resource Manager hosts per cloud (seed L9354-L9357).  The audience must end with '/' (seed L402).
ARM_HOSTS = {
    "management.azure.com": "AzureCloud",
    "management.usgovcloudapi.net": "AzureUSGovernment",
    "management.microsoftazure.de": "AzureGermanCloud",
    "management.chinacloudapi.cn": "AzureChinaCloud",
}

# Audiences that must be written with a trailing slash: scheme+host -> service name.
# Data Lake: seed L630, L2380 ("exact match ... including the trailing slash").
SLASH_AUDIENCES = {f"https://{host}": "Azure Resource Manager" for host in ARM_HOSTS}
SLASH_AUDIENCES["https://datalake.azure.net"] = "Azure Data Lake"

# Audiences documented without a trailing slash; never ask for one (seed L1763, L2147, L9363).
NO_SLASH_AUDIENCES = frozenset({
    "https://vault.azure.net", "https://vault.usgovcloudapi.net", "https://vault.microsoftazure.de",
    "https://vault.azure.cn", "https://graph.windows.net", "https://graph.microsoft.com",
    "https://eventhubs.azure.net", "https://servicebus.azure.net",
})

# The deprecated VM extension (seed L4470-L4482, L8002, L8025).
EXTENSION_PUBLISHER = "microsoft.managedidentity"
EXTENSION_TYPES = frozenset({"managedidentityextensionforwindows", "managedidentityextensionforlinux"})

USER_ASSIGNED_IDENTITY_TYPE = "microsoft.managedidentity/userassignedidentities"  # seed L2245

# Resource types that get tokens from IMDS (the instance metadata service runs on these).
IMDS_COMPUTE_TYPES = frozenset({
    "microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets",
})
