"""Identity, CLI/PowerShell and RBAC facts that the MI3xx, MI4xx and MI6xx rules share.

A table, not logic.  Values come from the seed (seed line in the comment); "today" marks a fact
from the current-Azure reference or the public API specs the notes cite as external.
"""
from __future__ import annotations

# ---------------------------------------------------------------- identity `type` values
# The four values ARM and REST bodies take, written the canonical way (seed L4801, L5084, L4957,
# L5019).  Keys are the value with case and spaces removed.
IDENTITY_TYPES = {
    "systemassigned": "SystemAssigned",
    "userassigned": "UserAssigned",
    "systemassigned,userassigned": "SystemAssigned, UserAssigned",
    "none": "None",
}
# The same pair in the other order, or in PowerShell's enum spelling, means both identities.
BOTH_TYPES_ALIASES = frozenset({"userassigned,systemassigned", "systemassigneduserassigned"})

# Resource types whose identity enum is exactly "SystemAssigned, UserAssigned" (with the space);
# other providers spell the pair differently (Microsoft.Sql: "SystemAssigned,UserAssigned"), so
# spacing is only judged for these.  today: the compute API spec enum.
SPACED_PAIR_TYPES = frozenset({
    "microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets",
})

COMPUTE_TYPES = SPACED_PAIR_TYPES

# Providers whose own documentation spells the identity type in lower camel case ("userAssigned");
# the canonical-spelling rule leaves them alone.
LOWER_CAMEL_TYPE_PROVIDERS = ("microsoft.deploymentmanager/",)

# Compute API versions and the shape of the user-assigned list (seed L4934, L6306, L6324, L6700):
# identityIds (array) up to 2018-04-01, userAssignedIdentities (dictionary) from 2018-06-01.
# User-assigned identities first appear in 2017-12-01 (today: compute spec 2016-03-30 has only
# SystemAssigned).
UA_DICTIONARY_FROM = "2018-06-01"
UA_SUPPORTED_FROM = "2017-12-01"

# Microsoft.Compute api-versions published up to 2019-03-01 (today: Microsoft.Compute resource types,
# all versions).  A version in that date range that is not listed does not exist (seed L7123 uses
# 2018-12-01); later ones are not judged, as new versions keep appearing.
COMPUTE_API_VERSIONS = frozenset({
    "2015-05-01-preview", "2015-06-15", "2016-03-30", "2016-04-30-preview", "2017-03-30",
    "2017-12-01", "2018-04-01", "2018-06-01", "2018-10-01", "2019-03-01",
})
COMPUTE_API_VERSIONS_KNOWN_UNTIL = "2019-03-01"

# ---------------------------------------------------------------- resource types
USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"  # seed L2245, L8668
ROLE_ASSIGNMENT_TYPE = "microsoft.authorization/roleassignments"  # seed L4524
ROLE_DEFINITION_TYPE = "microsoft.authorization/roledefinitions"  # seed L4516

# Types the identity documentation names, for the misspelling rule: canonical spelling by lower case.
IDENTITY_RESOURCE_TYPES = {
    t.lower(): t for t in (
        "Microsoft.ManagedIdentity/userAssignedIdentities",  # seed L2245
        "Microsoft.Compute/virtualMachines",  # seed L4440
        "Microsoft.Compute/virtualMachineScaleSets",  # seed L6227
        "Microsoft.Compute/virtualMachines/extensions",  # seed L4469
        "Microsoft.Compute/virtualMachineScaleSets/extensions",
        "Microsoft.Authorization/roleAssignments",  # seed L4524
        "Microsoft.Authorization/roleDefinitions",  # seed L4516
    )
}
# Real types that are close to one above and must never be "corrected".
REAL_NEAR_TYPES = frozenset({
    "microsoft.managedidentity/identities",
    "microsoft.compute/virtualmachinescalesets/virtualmachines",
    "microsoft.authorization/denyassignments",
})
# Namespaces people write for Microsoft.ManagedIdentity (seed notes part-A D, part-D G4).
NAMESPACE_MISTAKES = {
    "microsoft.managedidentities": "Microsoft.ManagedIdentity",
    "microsoft.managedserviceidentity": "Microsoft.ManagedIdentity",
    "microsoft.managedserviceidentities": "Microsoft.ManagedIdentity",
    "microsoft.msi": "Microsoft.ManagedIdentity",
}

# JSON members that hold an identity's GUIDs in any document: lower-case name -> what they hold
# (the names az and the REST API print: seed L3718-L3729, L8671).
ID_MEMBERS = {
    "clientid": "client_id", "client_id": "client_id", "principalid": "principal_id",
    "principal_id": "principal_id", "objectid": "object_id", "object_id": "object_id",
    "tenantid": "tenant_id", "tenant_id": "tenant_id", "applicationid": "client_id",
    "appid": "client_id",
}

# ---------------------------------------------------------------- the deprecated VM extension
MI_EXTENSION_TYPES = frozenset({"managedidentityextensionforwindows",
                                "managedidentityextensionforlinux"})  # seed L8155-L8156
MI_EXTENSION_PUBLISHER = "Microsoft.ManagedIdentity"  # seed L4477, L8025

# ---------------------------------------------------------------- PowerShell
# -IdentityType takes these enum names (seed L6050, L4295, L4302; SystemAssignedUserAssigned today:
# the Az.Compute ResourceIdentityType enum).
PS_IDENTITY_TYPES = {
    "systemassigned": "SystemAssigned",
    "userassigned": "UserAssigned",
    "systemassigneduserassigned": "SystemAssignedUserAssigned",
    "none": "None",
}
# Cmdlets that take -IdentityType / -IdentityId: lower-case name -> "vm" or "vmss".
PS_IDENTITY_CMDLETS = {
    "new-azvmconfig": "vm", "update-azvm": "vm", "new-azvmssconfig": "vmss", "update-azvmss": "vmss",
    "new-azurermvmconfig": "vm", "update-azurermvm": "vm", "new-azurermvmssconfig": "vmss",
    "update-azurermvmss": "vmss",
}
# Cmdlets that build a new configuration: the machine has no identity yet.
PS_CONFIG_CMDLETS = frozenset({"new-azvmconfig", "new-azvmssconfig", "new-azurermvmconfig",
                               "new-azurermvmssconfig"})

# ---------------------------------------------------------------- built-in roles
# Built-in role names the seed uses, with their role definition GUIDs.  The GUIDs of Reader and
# Cosmos DB Account Reader Role are in the seed (L2281, L3360); the others are from the public
# built-in role list (seed notes part-B section 2, checked there).
BUILTIN_ROLES = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",  # seed L324
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",  # today: not named in the seed
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",  # seed L335, L2269, L2281
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",  # seed L855
    "Storage Account Key Operator Service Role": "81a9662b-bebf-436f-a333-f67b29880f12",  # seed L1069
    "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",  # seed L1295
    "DocumentDB Account Contributor": "5bd9cd88-fe45-4216-938b-f97437e15450",  # seed L1851
    "Cosmos DB Account Reader Role": "fbdf93bf-df7d-467e-a4d2-9458aa1360c8",  # seed L1853, L3360
    "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",  # seed L3853
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",  # seed L3923
    "Managed Identity Contributor": "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",  # seed L5815 (GUID today)
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",  # seed L4493
}
# A suffix the portal showed on a role that was in preview (seed L864, L2561); not part of the name.
ROLE_LABEL_SUFFIXES = ("(preview)",)
