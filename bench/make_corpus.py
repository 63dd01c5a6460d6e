"""Build the benchmark corpus, deterministically and without downloads.

    python bench/make_corpus.py [--out bench/corpus] [--scale 1.0]

Layout (sizes at --scale 1):
  identity/   the fixtures and every rule example, replicated with variation (~3,000 files)
  arm/        real-looking ARM templates, most of which mention identities and must be parsed
              (~3,000 files; about 1 in 140 uses comments, trailing commas or a BOM, as real ones do)
  filler/     the Python standard library of this interpreter: ordinary files that never mention
              managed identities (~1,800 .py files and whatever else lies there)
  big/        one 5 MB template and one 1 MB script
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261126


def _rule_examples() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from milint.rulebook import load_rules

    rules = load_rules([ROOT / "rules"])
    return [(ex.file, ex.code) for rule in rules for ex in rule.examples]


def _fixture_files() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix != ".expected":
            out.append((path.name, path.read_text(encoding="utf-8", errors="replace")))
    return out


def _vary(name: str, text: str, i: int) -> str:
    """Make copy i differ from the original without changing what it means."""
    if name.endswith((".json", ".jsonc")):
        return text.replace('"1.0.0.0"', f'"1.0.{i // 1000}.{i % 1000}"', 1)
    marker = {".ps1": "#", ".sh": "#", ".azcli": "#", ".py": "#", ".rb": "#", ".md": "<!--",
              ".http": "#"}.get(Path(name).suffix, "//")
    end = " -->" if marker == "<!--" else ""
    return f"{marker} variant {i}{end}\n{text}"


def make_identity(out: Path, count: int) -> int:
    sources = _fixture_files() + _rule_examples()
    folder = out / "identity"
    for i in range(count):
        name, text = sources[i % len(sources)]
        stem, dot, ext = name.rpartition(".")
        target = folder / f"{i // 500:02d}" / f"{stem or name}-{i}.{ext if dot else 'txt'}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_vary(name, text, i), encoding="utf-8")
    return count


# ---------------------------------------------------------------- realistic ARM templates
def _resource(rng: random.Random, n: int) -> dict:
    kind = rng.choice(["vm", "site", "storage", "vault", "uami", "role", "vmss", "sql"])
    loc = "[resourceGroup().location]"
    if kind == "uami":
        return {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2018-11-30",
                "name": f"[concat(parameters('prefix'), '-id-{n}')]", "location": loc}
    if kind == "role":
        return {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2018-09-01-preview",
                "name": f"[guid(resourceGroup().id, 'reader-{n}')]",
                "properties": {"roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
                               "principalId": f"[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-{n}')).principalId]"}}
    identity = rng.choice([
        {"type": "SystemAssigned"},
        {"type": "UserAssigned", "userAssignedIdentities": {
            f"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-{n}')]": {}}},
        {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {
            f"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-{n}')]": {},
            f"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-{n}b')]": {}}},
    ])
    if kind in ("vm", "vmss"):
        rtype = "Microsoft.Compute/virtualMachines" if kind == "vm" else "Microsoft.Compute/virtualMachineScaleSets"
        return {"type": rtype, "apiVersion": "2018-06-01", "name": f"[concat(parameters('prefix'), '-vm-{n}')]",
                "location": loc, "identity": identity,
                "properties": {"hardwareProfile": {"vmSize": rng.choice(["Standard_B2s", "Standard_D2s_v3"])},
                               "osProfile": {"computerName": f"vm{n}", "adminUsername": "[parameters('admin')]"},
                               "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "UbuntuServer",
                                                                     "sku": "18.04-LTS", "version": "latest"}},
                               "networkProfile": {"networkInterfaces": [{"id": f"[resourceId('Microsoft.Network/networkInterfaces', 'nic-{n}')]"}]}},
                "resources": [{"type": "extensions", "apiVersion": "2018-06-01", "name": "setup", "location": loc,
                               "dependsOn": [f"[concat(parameters('prefix'), '-vm-{n}')]"],
                               "properties": {"publisher": "Microsoft.Azure.Extensions", "type": "CustomScript",
                                              "typeHandlerVersion": "2.1",
                                              "settings": {"commandToExecute": "curl -s -H Metadata:true 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net' > /tmp/t"}}}]}
    if kind == "site":
        return {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": f"[concat(parameters('prefix'), '-app-{n}')]",
                "location": loc, "identity": identity, "kind": "app",
                "properties": {"serverFarmId": "[resourceId('Microsoft.Web/serverfarms', 'plan')]", "httpsOnly": True,
                               "siteConfig": {"appSettings": [{"name": "AZURE_CLIENT_ID", "value": "[parameters('clientId')]"},
                                                              {"name": "WEBSITE_RUN_FROM_PACKAGE", "value": "1"}]}}}
    if kind == "storage":
        return {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2021-09-01", "name": f"st{n}data",
                "location": loc, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
                "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False}}
    if kind == "vault":
        return {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2019-09-01", "name": f"kv-{n}",
                "location": loc, "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"},
                                                "accessPolicies": [], "enableRbacAuthorization": True}}
    return {"type": "Microsoft.Sql/servers", "apiVersion": "2021-11-01", "name": f"sql-{n}", "location": loc,
            "identity": {"type": "SystemAssigned"}, "properties": {"administratorLogin": "[parameters('admin')]"}}


def _template(rng: random.Random, i: int) -> dict:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": f"1.0.0.{i}",
        "parameters": {"prefix": {"type": "string", "defaultValue": f"app{i}"},
                       "admin": {"type": "string"}, "clientId": {"type": "string", "defaultValue": ""}},
        "variables": {"tags": {"env": rng.choice(["dev", "test", "prod"]), "owner": f"team-{i % 17}"}},
        "resources": [_resource(rng, i * 10 + k) for k in range(rng.randint(2, 9))],
        "outputs": {"prefix": {"type": "string", "value": "[parameters('prefix')]"}},
    }


def make_arm(out: Path, count: int) -> int:
    rng = random.Random(SEED)
    folder = out / "arm"
    for i in range(count):
        text = json.dumps(_template(rng, i), indent=2)
        quirk = i % 140
        if quirk == 7:
            text = "// generated by the team template\n" + text
        elif quirk == 77:
            text = text.replace('"prod"\n', '"prod",\n', 1).replace("\n  ]\n}", ",\n  ]\n}", 1)
        data = text.encode("utf-8")
        if quirk == 107:
            data = b"\xef\xbb\xbf" + data
        target = folder / f"{i // 500:02d}" / f"azuredeploy-{i}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return count


def make_filler(out: Path, limit: int) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    folder = out / "filler"
    n = 0
    for path in sorted(stdlib.rglob("*")):
        if n >= limit:
            break
        rel = path.relative_to(stdlib)
        if "site-packages" in rel.parts or "__pycache__" in rel.parts or not path.is_file() or path.is_symlink():
            continue
        if path.stat().st_size > 1_000_000:
            continue
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        n += 1
    return n


def make_big(out: Path) -> None:
    rng = random.Random(SEED + 1)
    folder = out / "big"
    folder.mkdir(parents=True, exist_ok=True)
    template = _template(rng, 0)
    while len(json.dumps(template)) < 5_000_000:
        template["resources"].extend(_resource(rng, len(template["resources"])) for _ in range(200))
    (folder / "huge-template.json").write_text(json.dumps(template, indent=1), encoding="utf-8")
    lines = ["#!/usr/bin/env bash", "set -euo pipefail"]
    i = 0
    while sum(len(x) + 1 for x in lines) < 1_000_000:
        lines += [f"az identity create -g rg-{i % 50} -n id-app-{i}",
                  f"az vm identity assign -g rg-{i % 50} -n vm-{i} --identities \"$ID_{i}\"",
                  f"az role assignment create --assignee \"$PRINCIPAL_{i}\" --role Reader --scope \"/subscriptions/$SUB/resourceGroups/rg-{i % 50}\""]
        i += 1
    (folder / "huge-script.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "bench" / "corpus"))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the file counts (0.05 for a smoke run)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    counts = {
        "identity": make_identity(out, max(20, int(3000 * args.scale))),
        "arm": make_arm(out, max(20, int(3000 * args.scale))),
        "filler": make_filler(out, max(50, int(4000 * args.scale))),
    }
    if args.scale >= 0.5:
        make_big(out)
        counts["big"] = 2
    print(json.dumps({"corpus": str(out), "files": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
