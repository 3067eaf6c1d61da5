"""Messages of 支援プラン pages and of the print views (agenda, plan) (issue 15)."""

from __future__ import annotations

PLAN_MESSAGES: dict[str, tuple[str, str]] = {
    "plan.title": ("支援プラン", "Support plan"),
    "plan.new": ("支援プランを作成・変更する", "Make or change the support plan"),
    "plan.new_title": ("支援プランの作成・変更", "Make or change the support plan"),
    "plan.version_n": ("第{n}版", "version {n}"),
    "plan.status.plan_creation": ("プラン策定", "Plan creation"),
    "plan.status.plan_change": ("プラン変更", "Plan change"),
    "plan.status.termination": ("支援終結", "Termination"),
    "plan.status.suspension": ("支援中断", "Suspension"),
    "plan.status_hint": (
        "保存すると事例の状態も移ります（策定・変更は支援中、終結は終結、中断は中断）。",
        "Saving moves the case too (creation and change: active; termination: closed;"
        " suspension: suspended).",
    ),
    "plan.wishes": ("本人の意向", "The person's wishes"),
    "plan.wishes_hint": (
        "本人（家族）が望むことを、できるだけ本人の言葉で書きます。",
        "What the person (or family) wants, in their own words where possible.",
    ),
    "plan.policy": ("支援方針", "Support policy"),
    "plan.closing": ("終結の判断", "Termination"),
    "plan.closing_hint": (
        "目標の達成状況、本人を取り巻く支援者の状況、終結後の見守りの要否と方法。",
        "Goals reached, the supporters around the person, follow-up needed and how.",
    ),
    "minutes.roles_more": (
        "保存すると空の行が一つ増え、必要なだけ役割分担を書き足せます。",
        "Each save adds an empty row, so you can add as many roles as needed.",
    ),
    "plan.add_row": ("役割分担の行を追加", "Add a role row"),
    "plan.save": ("この内容で保存する", "Save this version"),
    "plan.back": ("事例に戻る", "Back to the case"),
    "plan.sealed_hint": (
        "プランの内容は暗号化して保存され、事務局だけが開けます。",
        "The plan is stored encrypted; only coordinators open it.",
    ),
    "plan.none_set": ("（記載なし）", "(none)"),
    "plan.role_no": ("番号", "No."),
    "plan.role_duty": ("役割", "Duty"),
    "plan.role_due": ("期限", "Due"),
    "plan.open": ("表示・印刷", "View, print"),
    "plan.print_link": ("印刷用の表示", "Printable view"),
    "plan.err_status": ("プランの時期を選んでください。", "Choose the plan's timing."),
    "plan.err_role_org": (
        "役割分担 {n} の機関を選んでください。",
        "Choose role {n}'s organization.",
    ),
    "plan.err_role_duty": ("役割分担 {n} の役割を入力してください。", "Enter role {n}'s duty."),
    "flash.plan_created": ("支援プランを保存しました。", "The support plan is saved."),
    "print.handling": ("取扱注意", "Handle with care"),
    "print.notice": (
        "この資料は社会福祉法第106条の6に基づく支援会議の資料です。構成員には同条第5項により"
        "守秘義務が課されており、会議で知り得た情報（会議の運営に関することを含む）を正当な理由なく"
        "漏らしてはなりません。会議の後は回収または確実に廃棄してください。",
        "This paper belongs to a support conference under Social Welfare Act Art. 106-6. Every"
        " member is bound to confidentiality by para. 5 of that article for everything learned"
        " there, including how the work is run. Hand it back or destroy it after the meeting.",
    ),
    "print.notice_plan": (
        "この資料には個人の支援に関する情報が含まれます。社会福祉法第106条の6第5項の守秘義務に"
        "従い、支援に必要な範囲でのみ扱い、不要になったら確実に廃棄してください。",
        "This paper holds information about a person's support. Under the duty of"
        " confidentiality of Social Welfare Act Art. 106-6 para. 5, use it only as the support"
        " needs and destroy it once no longer needed.",
    ),
    "print.printed_on": ("印刷日", "Printed on"),
    "print.printed_by": ("印刷者", "Printed by"),
    "print.invitees": ("招集者", "Invitees"),
    "print.agencies": ("関係機関", "Agencies"),
    "print.how": (
        "ブラウザの印刷機能（Ctrl+P）で印刷します。各ページに取扱注意とページ番号が入ります。",
        "Print with the browser (Ctrl+P). Each page carries the handling mark and page numbers.",
    ),
    "print.back": ("戻る", "Back"),
    "print.do": ("印刷する", "Print"),
    "print.host": ("主催", "Host"),
    "print.attendance": ("区分", "Attendance"),
    "print.agenda_link": ("印刷用の表示", "Printable view"),
    "print.agenda_title": ("議題（印刷用）", "Agenda (print)"),
    "print.plan_title": ("支援プラン（印刷用）", "Support plan (print)"),
    "print.required": ("必須", "required"),
    "print.general": ("一般", "general"),
}
