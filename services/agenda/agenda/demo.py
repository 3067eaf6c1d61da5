"""Demo data for ``kasane serve --demo``: cases, consents, plans and one meeting of each kind.

Everything goes through agenda's own HTTP API with the demo coordinator's token, so the
content is sealed and the keys granted exactly as in real use. ``kasane.demo.seed_demo``
calls it with a client whose service-to-service calls stay in process.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any


DEMO_PASSWORD = "demo-password"
JST = timezone(timedelta(hours=9))

CASES = [
    {
        "key": "8050",
        "consent": ("council", "houkatsu", "elderly", "welfare"),
        "covers_tax": True,
        "status": "active",
        "body": {
            "title": "高齢の母と無職の長男の世帯（8050）",
            "issues": ["8050", "poverty"],
            "summary": "80代の母の年金で50代の長男と暮らす。長男は10年以上就労していない。",
            "notes": (
                "税務課によると固定資産税を3年分滞納している。"
                "母は介護認定の申請をためらっている。電気料金の滞納もある。"
            ),
            "tax_notes": "住民税非課税世帯。滞納処分の予告あり（収税課）。",
            "subjects": [
                {"relation": "本人", "name": "架空 一子", "age": 84},
                {"relation": "子", "name": "架空 二郎", "age": 53},
            ],
        },
    },
    {
        "key": "hikikomori",
        "consent": ("council", "houkatsu"),
        "covers_tax": False,
        "status": "active",
        "body": {
            "title": "自室にこもる20代男性",
            "issues": ["hikikomori", "isolation"],
            "summary": "大学中退後5年間ほぼ外出なし。母が相談窓口に来所。",
            "notes": (
                "本人の話では月収はない。母は国民健康保険料の支払いに困っている。"
                "住民税は均等割のみ課税。"
            ),
            "tax_notes": "",
            "subjects": [
                {"relation": "本人", "name": "架空 三太", "age": 26},
                {"relation": "親", "name": "架空 四葉"},
            ],
        },
    },
    {
        "key": "carer",
        "consent": None,
        "covers_tax": False,
        "status": "potential",
        "body": {
            "title": "祖母を介護する中学生（ヤングケアラーの疑い）",
            "issues": ["young_carer"],
            "summary": "学校から遅刻と欠席が増えているとの情報。",
            "notes": "祖母の軽自動車税が未納との話を民生委員が聞いている。給食費の滞納あり。",
            "tax_notes": "",
            "subjects": [{"relation": "本人", "name": "架空 五月", "age": 14}],
        },
    },
    {
        "key": "isolated",
        "consent": None,
        "covers_tax": False,
        "status": "potential",
        "body": {
            "title": "近所づきあいのない一人暮らし高齢者",
            "issues": ["isolation", "dementia"],
            "summary": "郵便物がたまっていると近隣から連絡。",
            "notes": "税務課から聞いた話では住民税の分納中。訪問しても応答がない。",
            "tax_notes": "分納約束の不履行2回。",
            "subjects": [{"relation": "本人", "name": "架空 六郎", "age": 79}],
        },
    },
]


class _Api:
    def __init__(self, client: Any, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post(f"/agenda{path}", json=body, headers=self.headers)
        if response.status_code >= 300:
            raise RuntimeError(f"demo seeding failed at {path}: {response.status_code}")
        return response.json()

    def get(self, path: str) -> Any:
        response = self.client.get(f"/agenda{path}", headers=self.headers)
        if response.status_code >= 300:
            raise RuntimeError(f"demo seeding failed at {path}: {response.status_code}")
        return response.json()


def seed_agenda(client: Any, people: Any, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Create the demo cases, consents, plans and meetings once via the HTTP API; ids by key."""
    token = client.post(
        "/identity/session", json={"login": "demo-coordinator", "password": password}
    ).json()["access_token"]
    api = _Api(client, token)
    if client.get("/agenda/cases", headers=api.headers).json():
        return {}
    return _seed(api, people)


def _seed(api: _Api, people: Any) -> dict[str, str]:
    orgs, members = people.organizations, people.members
    ids: dict[str, str] = {}
    for spec in CASES:
        case = api.post(
            "/cases",
            spec["body"] | {"lead_organization_id": orgs["council"], "status": spec["status"]},
        )
        ids[spec["key"]] = case["id"]
        if spec["consent"]:
            api.post(
                f"/cases/{case['id']}/consents",
                {
                    "obtained_on": "2026-04-10",
                    "organization_ids": [orgs[o] for o in spec["consent"]],
                    "covers_tax": spec["covers_tax"],
                    "form_reference": f"同意書-{spec['key']}",
                },
            )
    soon = date.today() + timedelta(days=10)
    api.post(
        f"/cases/{ids['8050']}/plans",
        {
            "status": "plan_creation",
            "goals": "母が介護サービスにつながり、長男が相談に通える。",
            "policy": "社協が月2回訪問し、包括が介護申請を支援する。",
            "roles": [
                {
                    "organization_id": orgs["council"],
                    "duty": "月2回の訪問と家計相談",
                    "due": soon.isoformat(),
                },
                {"organization_id": orgs["houkatsu"], "duty": "介護認定の申請支援"},
            ],
            "monitoring_on": soon.isoformat(),
        },
    )
    api.post(
        f"/cases/{ids['hikikomori']}/plans",
        {
            "status": "plan_creation",
            "goals": "週1回、居場所に通える。",
            "policy": "母との面談を続け、本人への手紙から始める。",
            "roles": [{"organization_id": orgs["council"], "duty": "居場所の紹介"}],
            "monitoring_on": (date.today() + timedelta(days=40)).isoformat(),
        },
    )
    day = datetime.combine(date.today() + timedelta(days=14), datetime.min.time(), JST)
    everyone = [{"member_id": members[f"demo-member-{i}"], "required": True} for i in (1, 2, 3, 4)]
    shien = api.post(
        "/meetings",
        {
            "kind": "shien",
            "title": "定例支援会議",
            "starts_at": (day + timedelta(hours=10)).isoformat(),
            "ends_at": (day + timedelta(hours=11, minutes=30)).isoformat(),
            "place": "かさね市役所 3階 会議室A",
            "attendees": everyone,
            "recurrence": {"frequency": "monthly", "count": 3},
        },
    )
    for key, purpose in (("carer", "info_sharing"), ("isolated", "emergency"), ("8050", "policy")):
        api.post(
            f"/meetings/{shien['id']}/items",
            {
                "case_id": ids[key],
                "purpose": purpose,
                "minutes": 25,
                "briefing": "前回からの変化を共有する。税務課によると住民税の滞納がある。",
            },
        )
    jusou = api.post(
        "/meetings",
        {
            "kind": "jusou",
            "title": "重層的支援会議",
            "starts_at": (day + timedelta(hours=14)).isoformat(),
            "ends_at": (day + timedelta(hours=15)).isoformat(),
            "place": "かさね市社会福祉協議会 研修室",
            "attendees": everyone[:3],
            "host_organization_id": orgs["council"],
        },
    )
    api.post(
        f"/meetings/{jusou['id']}/items",
        {
            "case_id": ids["8050"],
            "purpose": "plan_change",
            "minutes": 30,
            "briefing": "固定資産税の分納相談の結果を踏まえてプランを見直す。",
        },
    )
    api.post(
        f"/meetings/{jusou['id']}/items",
        {
            "case_id": ids["hikikomori"],
            "purpose": "plan_creation",
            "minutes": 25,
            "briefing": "母との面談の経過。",
        },
    )
    for meeting_id in [*shien["series"], jusou["id"]]:
        check_agenda(api, meeting_id)
        api.post(f"/meetings/{meeting_id}/distribute")
    pending = _pending_meeting(api, ids, everyone, day)
    ids |= {"shien_meeting": shien["id"], "jusou_meeting": jusou["id"], "pending_meeting": pending}
    return ids


# Said to a coordinator in an ad hoc meeting: a tax office and a payment status left clear.
PENDING_BRIEFING = (
    "長男は先週収税課へ行ったが、差押と言われたと話している。通院の付き添いも続いている。"
)


def _pending_meeting(api: _Api, ids: dict[str, str], everyone: list, day: datetime) -> str:
    """An ad hoc 支援会議 not yet distributed, with exactly one suspect left to decide."""
    meeting = api.post(
        "/meetings",
        {
            "kind": "shien",
            "title": "臨時支援会議",
            "starts_at": (day + timedelta(days=3, hours=13)).isoformat(),
            "ends_at": (day + timedelta(days=3, hours=14)).isoformat(),
            "place": "かさね市役所 2階 相談室",
            "attendees": everyone[:3],
        },
    )
    api.post(
        f"/meetings/{meeting['id']}/items",
        {
            "case_id": ids["isolated"],
            "purpose": "emergency",
            "minutes": 30,
            "briefing": PENDING_BRIEFING,
        },
    )
    check_agenda(api, meeting["id"], leave_open=1)
    return meeting["id"]


def check_agenda(api: _Api, meeting_id: str, leave_open: int = 0) -> None:
    """Decide the open suspects of a meeting's check, but ``leave_open`` of them.

    The demo coordinator read each flagged phrase and found none of them to be tax data
    (税情報ではない); whatever the redactor of the day flags, the decisions are recorded.
    """
    for _ in range(200):
        check = api.get(f"/meetings/{meeting_id}/distribution")
        open_suspects = [
            (f, suspect)
            for item in check["items"]
            for f in item["fields"]
            for suspect in f["suspects"]
        ]
        if len(open_suspects) <= leave_open:
            return
        f, (start, end, _reason) = open_suspects[leave_open]
        path = (
            f"/cases/{f['record_id']}/tax-marks"
            if f["record"] == "case"
            else f"/meetings/{meeting_id}/items/{f['record_id']}/tax-marks"
        )
        api.post(path, {"field": f["field"], "action": "keep", "start": start, "end": end})
    raise RuntimeError("demo seeding: the distribution check did not settle")
