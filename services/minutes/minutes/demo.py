"""Demo minutes for ``kasane serve --demo``: approved minutes of the demo 支援会議 and a draft.

Written through the minutes HTTP API with the demo coordinator's token, so they are sealed
and wrapped exactly as in real use (tax spans go into the tax class on save).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


DEMO_PASSWORD = "demo-password"

DISCUSSION = {
    "info_sharing": (
        "学校から、遅刻と欠席が続いていると報告があった。"
        "祖母の軽自動車税が未納との話もある。本人は祖母の通院に付き添っている様子。"
    ),
    "emergency": (
        "近隣から郵便物がたまっているとの連絡。税務課から聞いた話では住民税の分納中。"
        "安否確認を優先する。"
    ),
    "policy": (
        "母は介護認定の申請をためらっている。長男は固定資産税を3年分滞納していると話した。"
        "電気料金の滞納もある。"
    ),
}
DECISIONS = {
    "info_sharing": "学校と民生委員で見守りを続け、次回会議で状況を共有する。",
    "emergency": "本日中に包括と民生委員で訪問し、応答がなければ警察に相談する。",
    "policy": "社協が家計相談を行い、包括が介護申請を支援する。",
}


def seed_minutes(client: Any, people: Any, meeting_id: str, password: str = DEMO_PASSWORD) -> None:
    """Write, submit and approve minutes for the demo 支援会議 (once), through the HTTP API."""
    token = client.post(
        "/identity/session", json={"login": "demo-coordinator", "password": password}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    base = f"/minutes/meetings/{meeting_id}/minutes"
    current = client.get(base, headers=headers).json()
    if current.get("status") != "new":
        return
    members, orgs = people.members, people.organizations
    items = [
        {
            "agenda_item_id": item["agenda_item_id"],
            "discussion": DISCUSSION.get(item["purpose"], "状況を共有した。"),
            "decisions": DECISIONS.get(item["purpose"], "見守りを続ける。"),
            "roles": [
                {"organization_id": orgs["council"], "duty": "月1回の訪問"},
                {"organization_id": orgs["houkatsu"], "duty": "介護サービスの調整"},
            ],
            "action_items": [
                {"text": "次回までに訪問結果を共有する", "organization_id": orgs["council"]}
            ],
        }
        for item in current["items"]
    ]
    body = {"attendance": [members[f"demo-member-{i}"] for i in (1, 2, 3)], "items": items}
    for method, path, payload in (
        ("PUT", "", body),
        ("POST", "/submit", None),
        ("POST", "/approve", None),
    ):
        if path == "/approve":
            check_minutes(client, headers, base)
        response = client.request(method, base + path, json=payload, headers=headers)
        if response.status_code == 409 and response.json().get("code") == "same_approver":
            # A city that wants a separate approver: the demo minutes wait in review for one.
            return
        if response.status_code >= 300:
            raise RuntimeError(
                f"demo minutes failed at {method} {base}{path}: {response.status_code}"
            )


def check_minutes(client: Any, headers: dict[str, str], base: str) -> None:
    """Decide every open suspect of the check before approval (承認前確認).

    As for the demo agenda, the demo coordinator read each flagged phrase and found none of
    them to be tax data (税情報ではない); whatever the redactor of the day flags is recorded.
    A keep changes no text, so every suspect one check lists can be kept before the next.
    """
    for _ in range(20):
        check = _answered(lambda: client.get(f"{base}/check", headers=headers))
        if check.status_code != 200:
            raise RuntimeError(f"demo minutes check failed: {check.status_code}")
        open_suspects = [
            (item["item_id"], f["field"], suspect)
            for item in check.json()["items"]
            for f in item["fields"]
            for suspect in f["suspects"]
        ]
        if not open_suspects:
            return
        for item_id, path, (start, end, _reason) in open_suspects:
            body = {
                "agenda_item_id": item_id,
                "field": path,
                "action": "keep",
                "start": start,
                "end": end,
            }
            kept = _answered(
                lambda body=body: client.post(f"{base}/tax-marks", json=body, headers=headers)
            )
            if kept.status_code != 200:
                raise RuntimeError(f"demo minutes check failed at a keep: {kept.status_code}")
    raise RuntimeError("demo seeding: the minutes check did not settle")


def _answered(send: Callable[[], Any], attempts: int = 5) -> Any:
    """The response of ``send()``, sent again while the server answers 503 (busy: a check
    redacts every text of the minutes and asks agenda and identity, whose calls time out
    under a loaded machine), waiting what its ``Retry-After`` says."""
    response = send()
    for _ in range(attempts - 1):
        if response.status_code != 503:
            break
        time.sleep(min(float(response.headers.get("retry-after", "1")), 5.0))
        response = send()
    return response
