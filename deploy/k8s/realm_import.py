"""Makes the Keycloak Operator's realm import from deploy/keycloak/wijkwijzer-realm.json.

    python deploy/k8s/realm_import.py          # rewrite the two files below
    python deploy/k8s/realm_import.py --check  # exit 1 when they are out of date (the tests do this)

The realm file is the one local runs and docker-compose import. Two things differ on a cluster:
- base/platform/realm-import.yaml: the realm without its demo users (anna, willem, ...: their
  password is in the repository), so production never has them; the web client's addresses are the
  site's only (`https://wijkwijzer.example`, which each overlay's site.yaml replaces with its host);
- overlays/dev/realm-demo-users.yaml: a patch that adds the demo users back, in dev only.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REALM = HERE.parent / "keycloak" / "wijkwijzer-realm.json"
BASE = HERE / "base" / "platform" / "realm-import.yaml"
DEV_USERS = HERE / "overlays" / "dev" / "realm-demo-users.yaml"
WEB_CLIENT = "wijkwijzer-web"
SITE = "https://wijkwijzer.example"   # replaced per overlay (components/site)
HEADER = "# Made by deploy/k8s/realm_import.py from deploy/keycloak/wijkwijzer-realm.json: change that file\n" \
         "# and run the script, never this one (tests/unit/test_k8s_manifests.py checks they agree).\n"


def documents(realm: dict) -> dict[Path, str]:
    cluster_realm = copy.deepcopy(realm)
    users = cluster_realm.pop("users", [])
    [client] = [c for c in cluster_realm["clients"] if c["clientId"] == WEB_CLIENT]
    client["redirectUris"] = [f"{SITE}/*"]
    client["webOrigins"] = [SITE]
    client["attributes"]["post.logout.redirect.uris"] = f"{SITE}/*"
    client["description"] = "The reference web client (web/), served by the front door at the site's host."
    base = {
        "apiVersion": "k8s.keycloak.org/v2alpha1",
        "kind": "KeycloakRealmImport",
        "metadata": {"name": "wijkwijzer"},
        "spec": {"keycloakCRName": "keycloak", "realm": cluster_realm},
    }
    patch = {
        "apiVersion": "k8s.keycloak.org/v2alpha1",
        "kind": "KeycloakRealmImport",
        "metadata": {"name": "wijkwijzer"},
        "spec": {"realm": {"users": users}},
    }
    dev_note = "# dev only: the demo users of docs/operations.md, password wijkwijzer\n"
    return {BASE: _dump(base), DEV_USERS: dev_note + _dump(patch)}


def _dump(document: dict) -> str:
    return HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only say whether the files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in documents(json.loads(REALM.read_text())).items():
        if not path.is_file() or path.read_text() != text:
            stale.append(path)
            if not args.check:
                path.write_text(text)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(HERE.parent.parent)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
