"""Every event a service records has a name in the one shared table; nothing reads as a code."""

from __future__ import annotations

import ast
from pathlib import Path

from kasane_shared.audit_names import EVENTS, TARGETS, event_name, value_text

ROOT = Path(__file__).resolve().parents[2]


def _recorded() -> dict[str, set[str]]:
    """Codes and target kinds passed to each service's ``record`` (f-strings expanded)."""
    found: dict[str, set[str]] = {"events": set(), "targets": set()}
    for path in (ROOT / "services").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record"):
                continue
            if len(node.args) < 2:
                continue
            code = node.args[1]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found["events"].add(code.value)
            elif isinstance(code, ast.JoinedStr):  # f"case.tax_{mark.action}"
                prefix = "".join(v.value for v in code.values if isinstance(v, ast.Constant))
                found["events"].update(f"{prefix}{a}" for a in ("mark", "unmark", "keep"))
            if len(node.args) > 3 and isinstance(node.args[3], ast.Constant) and node.args[3].value:
                found["targets"].add(node.args[3].value)
    return found


def test_every_recorded_event_and_target_has_a_name():
    recorded = _recorded()
    assert len(recorded["events"]) > 40  # the scan sees the services' calls
    missing = sorted(recorded["events"] - EVENTS.keys())
    assert not missing, f"add these to kasane_shared/audit_names.py EVENTS: {missing}"
    missing = sorted(recorded["targets"] - TARGETS.keys())
    assert not missing, f"add these to kasane_shared/audit_names.py TARGETS: {missing}"


def test_unknown_codes_read_as_their_group_never_as_the_code():
    assert event_name("minutes.approve") == "会議録の承認"
    assert event_name("minutes.something_new") == "会議録に関する操作"
    assert event_name("brand_new.thing") == "その他の操作"
    assert event_name("minutes.approve", "en") == "Minutes approved"
    assert value_text(["coordinator", "member"]) == "事務局、構成員"
    assert value_text(True) == "はい"
