"""Cases, consents, plans and tax marks through the API."""

from __future__ import annotations

from kasane_shared.redaction import TAX_PLACEHOLDER
from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def test_create_and_read_case(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people, status="active")), 201)
    assert case["status"] == "active" and case["status_label"] == "支援中"
    assert case["issue_codes"] == ["8050", "hikikomori"]
    # The author holds the full text and sees where the tax spans are.
    assert case["tax_masked"] is False and sc.TAX_FACT in case["notes"]
    start = case["notes"].index(sc.TAX_FACT)
    assert case["tax_spans"]["notes"] == [[start, start + len(sc.TAX_PHRASE)]]
    listed = coordinator.ok(coordinator.get("/cases"))
    assert [c["title"] for c in listed] == [sc.TITLE]
    assert listed[0]["notes"] == f"本人は{TAX_PLACEHOLDER}。{sc.GENERAL}の続き。"


def test_other_roles_see_no_cases(api, coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    for login in ("demo-admin", "demo-auditor", "demo-member-1"):
        assert_problem(api(login).get("/cases"), 403)
        assert_problem(api(login).get(f"/cases/{case['id']}"), 403)
        assert_problem(api(login).post("/cases", sc.case_body(people)), 403)


def test_patch_reseals_and_resets_marks(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    changed = coordinator.ok(
        coordinator.patch(
            f"/cases/{case['id']}", {"notes": "住民税を分納中。新しい記述。", "status": "suspended"}
        )
    )
    assert changed["status_label"] == "中断" and changed["notes"] == "住民税を分納中。新しい記述。"
    assert changed["title"] == sc.TITLE and changed["tax_notes"] == sc.TAX_NOTE
    listed = coordinator.ok(coordinator.get("/cases"))[0]
    assert "分納" not in listed["notes"] and TAX_PLACEHOLDER in listed["notes"]


def test_other_coordinator_gets_content_by_grant(suite, people, coordinator, api):
    from tests.helpers import auth

    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    admin = api("demo-admin")
    body = {
        "login": "second-coordinator",
        "display_name": "調整 二郎",
        "organization_id": people.organizations["welfare"],
        "roles": ["coordinator"],
        "password": "kasane-test-passphrase",
    }
    second = suite.client.post("/identity/members", json=body, headers=admin.headers).json()
    from tests.helpers import first_sign_in

    # A member an admin creates holds no role until the initial password is changed.
    token = first_sign_in(suite.client, "second-coordinator", body["password"])
    for template in suite.client.get("/identity/pledge-templates", headers=auth(token)).json():
        if template["current"]:
            suite.client.post(
                f"/identity/members/{second['id']}/pledges",
                json={"template_id": template["id"]},
                headers=auth(token),
            )
    seen = suite.client.get(f"/agenda/cases/{case['id']}", headers=auth(token)).json()
    # Content only: the tax audience is never self-granted.
    assert (
        seen["title"] == sc.TITLE
        and seen["tax_masked"] is True
        and sc.TAX_FACT not in seen["notes"]
    )


def test_mark_and_unmark(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    notes = case["notes"]
    start = notes.index(sc.GENERAL)
    marked = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "mark", "start": start, "end": start + len(sc.GENERAL)},
        )
    )
    assert [start, start + len(sc.GENERAL)] in marked["tax_spans"]["notes"]
    masked_notes = coordinator.ok(coordinator.get("/cases"))[0]["notes"]
    assert sc.GENERAL not in masked_notes
    tax_start = notes.index(sc.TAX_FACT)
    unmarked = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "unmark", "start": tax_start, "end": tax_start + 2},
        )
    )
    assert [tax_start, tax_start + len(sc.TAX_PHRASE)] not in unmarked["tax_spans"]["notes"]
    assert sc.TAX_FACT in coordinator.ok(coordinator.get("/cases"))[0]["notes"]
    assert_problem(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "mark", "start": 5, "end": 99999},
        ),
        422,
    )
    assert_problem(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "briefing", "action": "mark", "start": 0, "end": 1},
        ),
        422,
    )


def test_mark_needs_tax_access(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
            },
        ),
        201,
    )
    coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents/{consent['id']}/withdraw", {}))
    # Withdrawal resealed the tax audience for escrow alone: not even the author opens it now.
    assert_problem(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "mark", "start": 0, "end": 2},
        ),
        409,
        "tax_access_required",
    )


def test_consents(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
                "form_reference": "様式3-12",
            },
        ),
        201,
    )
    assert consent["active"] and consent["covers_tax"]
    assert (
        coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["active_consent"]["id"]
        == consent["id"]
    )
    withdrawn = coordinator.ok(
        coordinator.post(f"/cases/{case['id']}/consents/{consent['id']}/withdraw", {})
    )
    assert withdrawn["active"] is False
    assert_problem(
        coordinator.post(f"/cases/{case['id']}/consents/{consent['id']}/withdraw", {}),
        409,
        "already_withdrawn",
    )
    assert [c["id"] for c in coordinator.ok(coordinator.get(f"/cases/{case['id']}/consents"))] == [
        consent["id"]
    ]
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["active_consent"] is None


def test_plans_are_versioned_and_carry_over(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    council = people.organizations["council"]
    first = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/plans",
            {
                "status": "plan_creation",
                "goals": "週1回の外出",
                "policy": "社協が訪問",
                "roles": [{"organization_id": council, "duty": "月2回の訪問", "due": "2027-01-31"}],
                "monitoring_on": "2027-02-15",
            },
        ),
        201,
    )
    assert first["version"] == 1 and first["role_dues"] == ["2027-01-31"]
    # The minutes service applies an approved plan item with just status, roles and monitoring date.
    second = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/plans",
            {
                "status": "plan_change",
                "roles": [{"organization_id": council, "duty": "週1回の訪問"}],
                "monitoring_on": "2027-04-01",
            },
        ),
        201,
    )
    assert (
        second["version"] == 2
        and second["goals"] == "週1回の外出"
        and second["policy"] == "社協が訪問"
    )
    assert second["roles"] == [{"organization_id": council, "duty": "週1回の訪問", "due": None}]
    versions = coordinator.ok(coordinator.get(f"/cases/{case['id']}/plans"))
    assert [(v["version"], v["status_label"]) for v in versions] == [
        (1, "プラン策定"),
        (2, "プラン変更"),
    ]
