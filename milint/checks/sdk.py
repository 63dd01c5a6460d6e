"""MI7xx: Azure SDK credentials and the retired libraries before them (reads `sdk_credential`)."""
from __future__ import annotations

from typing import Iterable

from ..facts import sdk_tables as T
from . import CheckContext, Edit, Hit, registry

CHECKS, check = registry()


# ---------------------------------------------------------------- MI701
@check("MI701")
def deprecated_identity_library(ctx: CheckContext) -> Iterable[Hit]:
    for cred in ctx.facts_of("sdk_credential"):
        retired = cred["retired"]
        if retired is None:
            continue
        yield Hit(at=cred["at"], args={"name": cred["credential"], "library": retired["library"],
                                       "replacement": retired["replacement"]})


# ---------------------------------------------------------------- MI702
@check("MI702")
def credential_unknown_option(ctx: CheckContext) -> Iterable[Hit]:
    for cred in ctx.facts_of("sdk_credential"):
        accepted = T.ACCEPTED.get((cred["sdk"], cred["credential"]))
        if accepted is None or cred["retired"] is not None:
            continue
        for option in cred["options"]:
            name = option["name"]
            if name is None or not name.known or str(name) in accepted or not T.looks_like_selector(str(name)):
                continue
            instead = T.suggestion(cred["sdk"], cred["credential"], str(name), option.get("shape") == "mapping")
            plain = instead.replace("_", "").isalnum()
            yield Hit(at=name, args={"option": str(name), "credential": cred["credential"], "instead": instead},
                      fix=[Edit(name, instead)] if plain and option.get("shape") == "string" else None)
