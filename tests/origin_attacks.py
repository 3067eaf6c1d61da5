"""What a writer of a service's database can do with public keys and SQL alone (test helpers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, text

from identity.custody.models import MemberKey
from kasane_shared.crypto import Recipient, new_data_key, seal_field, wrap_data_key
from kasane_shared.sealing import ESCROW_KIND, RecordRef

FORGED = "偽造された記録センチネルF9"


def public_key(suite: Any, owner_id: str) -> Recipient:
    """The newest public key of a member or an escrow, as identity's database holds it."""
    with suite.dbs["identity"].session() as session:
        row = session.scalars(
            select(MemberKey)
            .where(MemberKey.owner_id == owner_id)
            .order_by(MemberKey.version.desc())
        ).first()
        return Recipient(owner_id, row.version, row.public_key)


def _forged(_audience: str, name: str) -> str:
    """A case's fields as the service seals them: JSON where it keeps JSON."""
    return {"overrides": "{}", "subjects": "[]", "issues": "[]"}.get(name, FORGED)


def mint(
    suite: Any,
    model: Any,
    record_id: str,
    service: str = "agenda",
    value: Callable[[str, str], str] = _forged,
) -> None:
    """Re-make a record from scratch: fresh data keys, fields sealed with the right associated
    data, wrapped for every current holder and the escrow with their public keys."""
    table = model.__tablename__
    ref = RecordRef(service, table, record_id)
    escrow = public_key(suite, f"escrow:{service}")
    with suite.dbs[service].session() as session:
        row = session.get(model, record_id)
        keys = {audience: new_data_key() for audience in row.sealed_fields}
        fields = {
            audience: {
                name: seal_field(
                    keys[audience],
                    ref.binding(audience),
                    name,
                    row.seal_version,
                    value(audience, name),
                )
                for name in names
            }
            for audience, names in row.sealed_fields.items()
        }
        escrow_wraps = {
            audience: wrap_data_key(key, ref.binding(audience, ESCROW_KIND), escrow)
            for audience, key in keys.items()
        }
        session.execute(
            text(f"UPDATE {table} SET sealed_fields = :f, escrow_wraps = :e WHERE id = :id"),
            {"f": json.dumps(fields), "e": json.dumps(escrow_wraps), "id": record_id},
        )
        wraps = session.execute(
            text("SELECT * FROM wraps WHERE record_id = :id"), {"id": record_id}
        ).mappings()
        for wrap in [dict(w) for w in wraps]:
            recipient = public_key(suite, wrap["member_id"])
            binding = ref.binding(wrap["audience"], wrap["conference_kind"])
            wrapped = wrap_data_key(keys[wrap["audience"]], binding, recipient)
            session.execute(
                text("UPDATE wraps SET wrapped = :w, key_version = :v WHERE id = :id"),
                {"w": wrapped, "v": recipient.key_version, "id": wrap["id"]},
            )


def snapshot(suite: Any, table: str, record_id: str, service: str = "agenda") -> dict[str, Any]:
    """A record's row and its wraps as stored now (an older backup of them)."""
    with suite.dbs[service].session() as session:
        row = session.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": record_id})
        wraps = session.execute(
            text("SELECT * FROM wraps WHERE record_id = :id"), {"id": record_id}
        )
        return {"row": dict(row.mappings().one()), "wraps": [dict(w) for w in wraps.mappings()]}


def restore(
    suite: Any,
    table: str,
    record_id: str,
    saved: dict[str, Any],
    service: str = "agenda",
    extra: tuple[str, ...] = (),
) -> None:
    """Put a record's older row (sealed columns, its MAC where stored, ``extra``) and its
    wraps back with SQL."""
    row = saved["row"]
    sealed = ("sealed_fields", "escrow_wraps", "seal_version", "origin_mac")
    columns = [c for c in (*sealed, *extra) if c in row]
    with suite.dbs[service].session() as session:
        session.execute(
            text(
                f"UPDATE {table} SET "
                + ", ".join(f"{c} = :{c}" for c in columns)
                + " WHERE id = :id"
            ),
            {**{c: _stored(row[c]) for c in columns}, "id": record_id},
        )
        session.execute(text("DELETE FROM wraps WHERE record_id = :id"), {"id": record_id})
        for wrap in saved["wraps"]:
            names = list(wrap)
            session.execute(
                text(
                    f"INSERT INTO wraps ({', '.join(names)}) "
                    f"VALUES ({', '.join(':' + n for n in names)})"
                ),
                wrap,
            )


def _stored(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, (dict, list)) else value
