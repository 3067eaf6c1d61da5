"""Administration through identity: organizations, members, roles, locks, pledges, key status."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from web.core.api import Api
from web.core.errors import FormErrors

ORG_KINDS = (
    "municipal",
    "tax",
    "council",
    "consultation",
    "community",
    "school",
    "medical",
    "other",
)
ROLES = ("admin", "coordinator", "member", "auditor")
KINDS = ("shien", "jusou")
LOGIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
MEMBER_FIELDS = {
    k: f"member.{k}" for k in ("login", "display_name", "organization_id", "roles", "password")
}


def overview(api: Api) -> dict[str, Any]:
    """Everything the admin page lists (no case content: identity holds none)."""
    members = sorted(
        api.get("/identity/members", params={"include_inactive": "true"}),
        key=lambda m: m["login"],
    )
    return {
        "orgs": sorted(api.get("/identity/organizations"), key=lambda o: o["name"]),
        "members": members,
        "locks": locks(api, members),
        "templates": sorted(
            api.get("/identity/pledge-templates"),
            key=lambda t: (t["conference_kind"], -t["version"]),
        ),
        "keys": key_words(api.get("/identity/keys/status")),
    }


def locks(api: Api, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who cannot sign in now after repeated failures, and until when."""
    by_id = {m["id"]: m for m in members}
    return [
        lock | {"member": by_id[lock["member_id"]]}
        for lock in api.get("/identity/locks")
        if lock["member_id"] in by_id
    ]


def key_words(status: dict[str, Any]) -> dict[str, Any]:
    """Key status as plain facts: where the master key is kept, and whether renewal is done."""
    current = str(status["kek_version"])
    sealed = status.get("sealed_by_kek_version") or {}
    return {
        "store": "hsm" if "pkcs11" in str(status.get("provider", "")).lower() else "file",
        "generation": status["kek_version"],
        "protected": sum(sealed.values()),
        "behind": sum(n for version, n in sealed.items() if version != current),
        "member_keys": status["member_keys"] - status["destroyed_member_keys"],
        "destroyed": status["destroyed_member_keys"],
    }


def pledge_table(api: Api) -> list[dict[str, Any]]:
    """Each active member's pledge for each conference kind (valid until when, or missing)."""
    members = sorted(api.get("/identity/members"), key=lambda m: m["login"])
    ids = [m["id"] for m in members]
    status: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in KINDS:
        for start in range(0, len(ids), 200):
            rows = api.get(
                "/identity/pledge-status",
                params={"kind": kind, "member_id": ids[start : start + 200]},
            )
            status.update({(row["member_id"], kind): row for row in rows})
    return [
        {"member": m, "pledges": {kind: status.get((m["id"], kind)) for kind in KINDS}}
        for m in members
    ]


def member_errors(form: FormData, t: Any, *, new: bool, org_ids: set[str]) -> FormErrors:
    """What a member form lacks, each message saying what to do."""
    errors = FormErrors()
    login = str(form.get("login") or "").strip()
    if new and not (3 <= len(login) <= 64 and set(login) <= LOGIN_CHARS and login[0].isalnum()):
        errors.add("member.login", t("admin.err_login"))
    if not str(form.get("display_name") or "").strip():
        errors.add("member.display_name", t("admin.err_name"))
    if str(form.get("organization_id") or "") not in org_ids:
        errors.add("member.organization_id", t("admin.err_org"))
    if not [r for r in form.getlist("roles") if r in ROLES]:
        errors.add("member.roles", t("admin.err_roles"))
    password = str(form.get("password") or "")
    if (new or password) and len(password) < 10:
        errors.add("member.password", t("admin.err_password"))
    return errors


def member_body(form: FormData, *, new: bool) -> dict[str, Any]:
    """A member from the form (a new one, or the changes to one)."""
    body: dict[str, Any] = {
        "display_name": str(form.get("display_name") or "").strip(),
        "organization_id": str(form.get("organization_id") or ""),
        "roles": [r for r in ROLES if r in form.getlist("roles")],
    }
    password = str(form.get("password") or "")
    if new:
        body |= {"login": str(form.get("login") or "").strip(), "password": password}
    elif password:
        body["password"] = password
    return body
