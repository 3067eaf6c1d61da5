"""Every operation of the three APIs documents its errors as application/problem+json."""

from __future__ import annotations

from tests.helpers import assert_problem, auth, seed_people, token_for

PROBLEM_REF = "#/components/schemas/Problem"


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_errors_as_problems(suite):
    for service in ("identity", "agenda", "minutes"):
        doc = suite.client.get(f"/{service}/openapi.json").json()
        assert set(doc["components"]["schemas"]["Problem"]["required"]) >= {
            "type",
            "title",
            "status",
            "detail",
            "code",
        }
        assert "HTTPValidationError" not in doc["components"]["schemas"]
        for label, operation in _operations(doc):
            errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
            assert {"413", "503"} <= errors.keys(), label
            if operation.get("security"):
                assert {"401", "403"} <= errors.keys(), label
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in errors, label
            for status, response in errors.items():
                if label == "POST /oauth/token" and status in ("400", "401"):
                    assert "application/json" in response["content"]  # RFC 6749 §5.2
                    continue
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": PROBLEM_REF}, (label, status)


def test_route_specific_errors_are_documented(suite):
    identity = suite.client.get("/identity/openapi.json").json()
    login = identity["paths"]["/session"]["post"]["responses"]
    assert {"401", "409", "429"} <= login.keys()
    agenda = suite.client.get("/agenda/openapi.json").json()
    meeting = agenda["paths"]["/meetings/{meeting_id}"]["get"]
    assert "404" in meeting["responses"] and meeting["security"] == [{"bearer": []}]


def test_validation_errors_are_problems_in_japanese(suite):
    seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    token = token_for(suite.client, "demo-coordinator")
    response = suite.client.post("/agenda/meetings", json={"kind": 1}, headers=auth(token))
    body = assert_problem(response, 422, "invalid_input")
    assert body["lang"] == "ja" and body["title"] == "入力内容に誤りがあります。"
    assert any(e["field"] == "starts_at" for e in body["errors"])


def test_a_meeting_in_another_century_is_refused_not_a_500_later(suite):
    seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    token = token_for(suite.client, "demo-coordinator")
    body = {
        "kind": "shien",
        "title": "会議",
        "starts_at": "0309-04-23T10:00:00+09:00",
        "ends_at": "0309-04-23T11:00:00+09:00",
    }
    response = suite.client.post("/agenda/meetings", json=body, headers=auth(token))
    problem = assert_problem(response, 422, "invalid_input")
    assert "2000年から2099年" in problem["errors"][0]["message"]


def test_a_control_character_in_an_id_is_a_404_not_a_500(suite):
    seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    token = token_for(suite.client, "demo-coordinator")
    response = suite.client.get("/minutes/meetings/abc%02def/minutes", headers=auth(token))
    assert_problem(response, 404, "not_found")


def test_scheduling_refusals_are_422_problems(suite):
    from agenda.errors import schedule_refused
    from agenda.scheduling.common import SchedulingError

    error = schedule_refused(SchedulingError("終了日時が開始日時より前です。", "ends_at before"))
    assert error.status == 422 and error.ja.startswith("終了日時")


def test_a_path_no_service_takes_is_a_problem_not_plain_text(suite):
    response = suite.client.post("/identity/members/4%0A/pledges", json={})
    assert_problem(response, 404, "not_found")
