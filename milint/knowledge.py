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

# ---------------------------------------------------------------- token endpoints: the protocol
# Query parameters each endpoint documents.  IMDS: seed L7514-L7521 (mi_res_id); `msi_res_id` is the
# spelling today's SDKs send to IMDS (reference E.1).  The VM extension: seed L7533-L7536 (no
# api-version, no resource-id selector).
IMDS_TOKEN_PARAMS = frozenset({"api-version", "resource", "client_id", "object_id", "mi_res_id", "msi_res_id"})
EXTENSION_TOKEN_PARAMS = frozenset({"resource", "client_id", "object_id"})
IMDS_TOKEN_METHOD = "GET"  # seed L7512

# The identity selectors that each name one identity (seed L7519-L7521; App Service: reference E.1).
SELECTOR_KINDS = {
    "client_id": "guid", "clientid": "guid", "object_id": "guid", "principal_id": "guid",
    "mi_res_id": "resource id", "msi_res_id": "resource id",
}

# Parameter names people write for a documented one (seed L7514-L7521; reference E.1-E.3).
PARAMETER_SPELLINGS = {
    "api_version": "api-version", "apiversion": "api-version", "api-versions": "api-version",
    "version": "api-version", "clientid": "client_id", "client-id": "client_id",
    "objectid": "object_id", "object-id": "object_id", "principal_id": "object_id",
    "principalid": "object_id", "mi-res-id": "msi_res_id", "resource_id": "msi_res_id",
    "resourceid": "msi_res_id", "scope": "resource", "scopes": "resource", "audience": "resource",
    "resources": "resource",
}

APP_SERVICE_API_VERSION = "2019-08-01"  # today's App Service / Functions protocol (reference E.1)
# App Service / Functions token protocols (today, reference E.1): per api-version, the header that
# carries the platform secret and the selector names the endpoint reads.
APP_SERVICE_PROTOCOLS = {
    "2019-08-01": {"header": "x-identity-header", "variable": "IDENTITY_HEADER",
                   "selectors": frozenset({"client_id", "principal_id", "object_id", "mi_res_id"})},
    "2017-09-01": {"header": "secret", "variable": "MSI_SECRET", "selectors": frozenset({"clientid"})},
}

# Endpoints that take each header (seed L7518, L7534; Arc and Cloud Shell: reference E.1).
METADATA_HEADER_ENDPOINTS = frozenset({"imds", "vm_extension", "arc", "cloud_shell"})
METADATA_HEADER_VALUE = "true"  # "in all lower case" (seed L7518, L7833)
API_VERSION_ENDPOINTS = frozenset({"imds", "arc", "app_service"})  # every one rejects a request without it

# ---------------------------------------------------------------- audiences (token `resource`)
# One row per Azure AD audience: host (lower case) -> (service, cloud, the value as documented).
# cloud None: the same value in every cloud, or not known per cloud.  Seed L9352-L9422 unless
# marked "today".
CLOUDS = ("AzureCloud", "AzureUSGovernment", "AzureGermanCloud", "AzureChinaCloud")
AUDIENCES = {
    "management.azure.com": ("Azure Resource Manager", "AzureCloud", "https://management.azure.com/"),
    "management.usgovcloudapi.net": ("Azure Resource Manager", "AzureUSGovernment",
                                     "https://management.usgovcloudapi.net/"),
    "management.microsoftazure.de": ("Azure Resource Manager", "AzureGermanCloud",
                                     "https://management.microsoftazure.de/"),
    "management.chinacloudapi.cn": ("Azure Resource Manager", "AzureChinaCloud",
                                    "https://management.chinacloudapi.cn/"),
    # today: the classic service-management identifiers, which Azure AD also issues ARM tokens for
    "management.core.windows.net": ("Azure Resource Manager", "AzureCloud", "https://management.core.windows.net/"),
    "management.core.usgovcloudapi.net": ("Azure Resource Manager", "AzureUSGovernment",
                                          "https://management.core.usgovcloudapi.net/"),
    "management.core.chinacloudapi.cn": ("Azure Resource Manager", "AzureChinaCloud",
                                         "https://management.core.chinacloudapi.cn/"),
    "vault.azure.net": ("Azure Key Vault", "AzureCloud", "https://vault.azure.net"),
    "vault.usgovcloudapi.net": ("Azure Key Vault", "AzureUSGovernment", "https://vault.usgovcloudapi.net"),
    "vault.microsoftazure.de": ("Azure Key Vault", "AzureGermanCloud", "https://vault.microsoftazure.de"),
    "vault.azure.cn": ("Azure Key Vault", "AzureChinaCloud", "https://vault.azure.cn"),
    "datalake.azure.net": ("Azure Data Lake Storage Gen1", None, "https://datalake.azure.net/"),
    "database.windows.net": ("Azure SQL", "AzureCloud", "https://database.windows.net/"),
    "database.usgovcloudapi.net": ("Azure SQL", "AzureUSGovernment", "https://database.usgovcloudapi.net/"),
    "database.cloudapi.de": ("Azure SQL", "AzureGermanCloud", "https://database.cloudapi.de/"),
    "database.chinacloudapi.cn": ("Azure SQL", "AzureChinaCloud", "https://database.chinacloudapi.cn/"),
    "eventhubs.azure.net": ("Azure Event Hubs", None, "https://eventhubs.azure.net"),
    "servicebus.azure.net": ("Azure Service Bus", None, "https://servicebus.azure.net"),
    "storage.azure.com": ("Azure Storage", None, "https://storage.azure.com/"),
    "*.asazure.windows.net": ("Azure Analysis Services", "AzureCloud", "https://*.asazure.windows.net"),
    "*.asazure.usgovcloudapi.net": ("Azure Analysis Services", "AzureUSGovernment",
                                    "https://*.asazure.usgovcloudapi.net"),
    "*.asazure.cloudapi.de": ("Azure Analysis Services", "AzureGermanCloud", "https://*.asazure.cloudapi.de"),
    "graph.windows.net": ("Azure AD Graph", None, "https://graph.windows.net"),  # seed L2046, L3547
    # today
    "graph.microsoft.com": ("Microsoft Graph", None, "https://graph.microsoft.com"),
    "managedhsm.azure.net": ("Azure Key Vault Managed HSM", None, "https://managedhsm.azure.net"),
    "ossrdbms-aad.database.windows.net": ("Azure Database for PostgreSQL and MySQL", None,
                                          "https://ossrdbms-aad.database.windows.net"),
    "cognitiveservices.azure.com": ("Azure AI services", None, "https://cognitiveservices.azure.com"),
    "monitor.azure.com": ("Azure Monitor", None, "https://monitor.azure.com"),
    "api.loganalytics.io": ("Log Analytics", None, "https://api.loganalytics.io"),
    "api.applicationinsights.io": ("Application Insights", None, "https://api.applicationinsights.io"),
    "batch.core.windows.net": ("Azure Batch", None, "https://batch.core.windows.net/"),
    "digitaltwins.azure.net": ("Azure Digital Twins", None, "https://digitaltwins.azure.net"),
    "appconfig.azure.com": ("Azure App Configuration", None, "https://appconfig.azure.com"),
    "redis.azure.com": ("Azure Cache for Redis", None, "https://redis.azure.com"),
    "search.azure.com": ("Azure AI Search", None, "https://search.azure.com"),
    "cosmos.azure.com": ("Azure Cosmos DB", None, "https://cosmos.azure.com"),
    "dev.azuresynapse.net": ("Azure Synapse", None, "https://dev.azuresynapse.net"),
    "purview.azure.net": ("Microsoft Purview", None, "https://purview.azure.net"),
    "ml.azure.com": ("Azure Machine Learning", None, "https://ml.azure.com"),
}

# Values that are not audiences, with the one meant (seed notes part-D H1; L1763, L1564, L2598).
WRONG_AUDIENCE_HOSTS = {
    "keyvault.azure.net": "vault.azure.net",
    "sql.azure.com": "database.windows.net",
    "storage.windows.net": "storage.azure.com",
    "storage.core.windows.net": "storage.azure.com",
}

# Per-instance host names where the service-wide audience is meant: suffix -> audience host.
# Key Vault: the vault is https://<name>.vault.azure.net but the audience is vault.azure.net
# (seed L1763, L1790); SQL (seed L1564, L1605); Data Lake Gen1 (seed L630, L653).
INSTANCE_HOST_AUDIENCES = {
    ".vault.azure.net": "vault.azure.net",
    ".vault.usgovcloudapi.net": "vault.usgovcloudapi.net",
    ".vault.microsoftazure.de": "vault.microsoftazure.de",
    ".vault.azure.cn": "vault.azure.cn",
    ".database.windows.net": "database.windows.net",
    ".database.usgovcloudapi.net": "database.usgovcloudapi.net",
    ".database.cloudapi.de": "database.cloudapi.de",
    ".database.chinacloudapi.cn": "database.chinacloudapi.cn",
    ".azuredatalakestore.net": "datalake.azure.net",
}

# Retired services: audience host -> (service, retired on, what to use today).  Reference E.3, E.6.
RETIRED_AUDIENCES = {
    "graph.windows.net": ("Azure AD Graph", "2025-07-01",
                          "Microsoft Graph (`https://graph.microsoft.com`, calls to graph.microsoft.com)"),
    "datalake.azure.net": ("Azure Data Lake Storage Gen1", "2024-02-29",
                           "Data Lake Storage Gen2 (`https://storage.azure.com/`, "
                           "calls to <account>.dfs.core.windows.net)"),
}
AAD_GRAPH_APP_ID = "00000002-0000-0000-c000-000000000000"  # seed L2045, L3546: the appId, not a URI
# `az account get-access-token --resource-type` values for retired services (reference E.4).
RETIRED_CLI_RESOURCE_TYPES = {"aad-graph": "graph.windows.net", "data-lake": "datalake.azure.net"}
CLI_RESOURCE_TYPES = {  # az account get-access-token --resource-type -> audience host (today)
    "arm": "management.azure.com", "aad-graph": "graph.windows.net", "data-lake": "datalake.azure.net",
    "ms-graph": "graph.microsoft.com", "batch": "batch.core.windows.net",
    "oss-rdbms": "ossrdbms-aad.database.windows.net",
}

# ---------------------------------------------------------------- hosts: service and cloud
# Host suffix -> the service whose API it serves (lower case; most specific first).  A token for a
# service's audience is what each of these accepts (seed L221, L630, L931, L1564, L1763, L2046).
HOST_SERVICES = (
    ("management.azure.com", "Azure Resource Manager"),
    ("management.usgovcloudapi.net", "Azure Resource Manager"),
    ("management.microsoftazure.de", "Azure Resource Manager"),
    ("management.chinacloudapi.cn", "Azure Resource Manager"),
    (".vault.azure.net", "Azure Key Vault"), (".vault.usgovcloudapi.net", "Azure Key Vault"),
    (".vault.microsoftazure.de", "Azure Key Vault"), (".vault.azure.cn", "Azure Key Vault"),
    (".azuredatalakestore.net", "Azure Data Lake Storage Gen1"),
    ("graph.windows.net", "Azure AD Graph"),
    ("graph.microsoft.com", "Microsoft Graph"),
)
STORAGE_SERVICES = ("blob", "queue", "table", "file", "dfs")
STORAGE_ZONES = ("core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn", "core.cloudapi.de")

# Host suffix -> cloud (the DNS zones of each cloud; today, reference E.1 and seed L9352-L9422).
HOST_CLOUDS = (
    (".usgovcloudapi.net", "AzureUSGovernment"), (".azure.us", "AzureUSGovernment"),
    (".microsoft.us", "AzureUSGovernment"),
    (".chinacloudapi.cn", "AzureChinaCloud"), (".azure.cn", "AzureChinaCloud"),
    (".microsoftazure.de", "AzureGermanCloud"), (".cloudapi.de", "AzureGermanCloud"),
    (".windows.net", "AzureCloud"), (".azure.net", "AzureCloud"), (".azure.com", "AzureCloud"),
)
# Names `az cloud set --name` and `Connect-AzAccount -Environment` take, lower case -> cloud.
CLOUD_NAMES = {
    "azurecloud": "AzureCloud", "azureusgovernment": "AzureUSGovernment",
    "azurechinacloud": "AzureChinaCloud", "azuregermancloud": "AzureGermanCloud",
}

# ---------------------------------------------------------------- Resource Manager REST
# Actions that ARM serves only as POST (seed L1154, L1397, L2776, L2781, L3028).  Cosmos DB's
# `readonlykeys` is left out: besides the POST action it has a documented GET form.
ARM_POST_ACTIONS = frozenset({
    "listkeys", "listservicesas", "listaccountsas", "listconnectionstrings", "listsecrets",
    "listcredentials", "listclusteradmincredential", "listclusterusercredential", "listadminkeys",
    "listquerykeys", "regeneratekey",
})
JSON_CONTENT_TYPE = "application/json"  # seed L4814, L8899: required on ARM requests with a body
# Resource types whose PUT body must carry `location` (seed L4804, L8906; today for VMs and VMSS).
LOCATION_REQUIRED_TYPES = frozenset({
    "microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets",
    "microsoft.managedidentity/userassignedidentities",
})
# Headers some tools send on their own: `az rest` signs in and sends JSON itself.
TOOL_IMPLICIT_HEADERS = {"az rest": ("authorization", "content-type")}
# Hosts whose REST APIs take an `api-version` query parameter (seed L419, L1783, L2165).
API_VERSION_HOSTS = (
    ("management.azure.com", "Azure Resource Manager"), ("management.usgovcloudapi.net", "Azure Resource Manager"),
    ("management.microsoftazure.de", "Azure Resource Manager"),
    ("management.chinacloudapi.cn", "Azure Resource Manager"),
    (".vault.azure.net", "Azure Key Vault"), (".vault.usgovcloudapi.net", "Azure Key Vault"),
    (".vault.microsoftazure.de", "Azure Key Vault"), (".vault.azure.cn", "Azure Key Vault"),
)
# Azure Storage takes AAD tokens from this service version on (seed L2606; today's Storage docs).
STORAGE_OAUTH_MIN_VERSION = "2017-11-09"
# OData system query options that a shell expands as variables when written in double quotes.
ODATA_OPTIONS = ("filter", "select", "top", "expand", "orderby", "skip", "count", "search", "format",
                 "skiptoken")
