"""One table of what each audit event, target kind and detail is called, for all three services.

The services record codes (``minutes.approve``); people read names (「会議録の承認」). A code
with no name here still reads as its group's name, never as the code itself; the test
``tests/shared/test_audit_names.py`` fails when a service records a code missing here.
"""

from __future__ import annotations

from typing import Any

Name = tuple[str, str]

EVENTS: dict[str, Name] = {
    # Sign-in and one's own account (identity)
    "session.login": ("ログイン", "Sign-in"),
    "session.logout": ("ログアウト", "Sign-out"),
    "session.lockout": ("ログインの一時停止", "Sign-in paused"),
    "member.password_change": ("パスワードの変更", "Password change"),
    "member.totp_begin": ("二段階認証の設定開始", "Two-step sign-in set-up started"),
    "member.totp_enable": ("二段階認証の有効化", "Two-step sign-in turned on"),
    "member.totp_disable": ("二段階認証の解除", "Two-step sign-in turned off"),
    "member.recovery_renew": ("回復コードの再発行", "Recovery codes renewed"),
    "member.unlock": ("ログイン停止の解除", "Sign-in pause lifted"),
    # People and organizations (identity)
    "member.create": ("利用者の登録", "Person added"),
    "member.update": ("利用者情報の変更", "Person changed"),
    "organization.create": ("組織の登録", "Organization added"),
    "organization.update": ("組織の変更", "Organization changed"),
    "pledge.sign": ("誓約書の署名", "Pledge signed"),
    "pledge.revoke": ("誓約書の撤回", "Pledge revoked"),
    "pledge.block_lift": ("誓約書の再提出の許可", "Pledge may be signed again"),
    "pledge_template.create": ("誓約書ひな形の公開", "Pledge text published"),
    # Keys (identity)
    "key.unwrap": ("鍵の開封", "Keys opened"),
    "key.grant": ("鍵の付与", "Keys granted"),
    "key.enroll": ("個人の鍵の作成", "Personal key made"),
    "key.destroy": ("個人の鍵の破棄", "Personal key destroyed"),
    "draft.keep": ("入力中の内容の下書き保存", "Typed text kept as a draft"),
    "draft.restore": ("下書きの復元", "Draft restored"),
    "draft.discard": ("下書きの削除", "Draft deleted"),
    "kek.rotate": ("暗号鍵の更新", "Master key renewed"),
    "kek.retire": ("古い暗号鍵の廃止", "Old master key retired"),
    "signing_key.rotate": ("署名鍵の更新", "Signing key renewed"),
    "oauth.client.register": ("連携サービスの登録", "Service client registered"),
    "oauth.token": ("連携サービスの認証", "Service client sign-in"),
    "integrity.keys": ("改ざん検知用の鍵の受け渡し", "Integrity keys handed to a service"),
    "trust_row.integrity_failure": (
        "利用者・ログイン・鍵の情報の改ざん検知",
        "A person, sign-in or key record failed its integrity check",
    ),
    "trust_row.backfill": (
        "既存の利用者・ログイン・鍵の情報への改ざん検知符号の付与",
        "Integrity codes given to existing person, sign-in and key records",
    ),
    # Cases (agenda)
    "case.create": ("事例の登録", "Case opened"),
    "case.read": ("事例の閲覧", "Case read"),
    "case.list": ("事例一覧の閲覧", "Case list read"),
    "case.update": ("事例の変更", "Case changed"),
    "case.status": ("事例の状況の変更", "Case status changed"),
    "case.tax_mark": ("事例の税情報の指定", "Case: tax data marked"),
    "case.tax_unmark": ("事例の税情報の指定解除", "Case: tax mark removed"),
    "case.tax_keep": ("事例の「税情報ではない」確認", "Case: confirmed not tax data"),
    "consent.create": ("同意の記録", "Consent recorded"),
    "consent.withdraw": ("同意の撤回", "Consent withdrawn"),
    "consent.correct": ("同意の記録の訂正", "Consent record corrected"),
    "plan.create": ("支援プランの作成", "Support plan made"),
    "plan.list": ("支援プランの閲覧", "Support plans read"),
    "plan.view": ("支援プラン（1版）の閲覧", "Support plan version read"),
    # Meetings and agendas (agenda)
    "meeting.create": ("会議の設定", "Meeting scheduled"),
    "meeting.update": ("会議の変更", "Meeting changed"),
    "meeting.cancel": ("会議の中止", "Meeting cancelled"),
    "meeting.invitation": ("招集通知（予定表）の取得", "Calendar invitation fetched"),
    "meeting.note_read": ("会議の連絡事項の閲覧", "Meeting notes read"),
    "meeting.attendees_add": ("構成員の招集", "Members invited"),
    "meeting.attendee_remove": ("招集の取消し", "Invitation withdrawn"),
    "meeting.distribute": ("議題の配布", "Agenda distributed"),
    "meeting.distribution_check": ("配布前確認の表示", "Distribution check read"),
    "agenda.view": ("議題の閲覧", "Agenda read"),
    "item.create": ("議題の追加", "Agenda item added"),
    "item.update": ("議題の変更", "Agenda item changed"),
    "item.delete": ("議題の削除", "Agenda item removed"),
    "item.list": ("議題一覧の閲覧", "Agenda items read"),
    "item.reorder": ("議題の並べ替え", "Agenda items reordered"),
    "item.tax_mark": ("議題の税情報の指定", "Item: tax data marked"),
    "item.tax_unmark": ("議題の税情報の指定解除", "Item: tax mark removed"),
    "item.tax_keep": ("議題の「税情報ではない」確認", "Item: confirmed not tax data"),
    "agenda.backlog_sealed": (
        "旧形式で平文だった会議名・同意書番号の暗号化",
        "Meeting titles and form references left in clear by an older schema sealed",
    ),
    "agenda.integrity_failure": (
        "開けない記録の検知（改ざん・破損）",
        "A stored record failed its integrity check",
    ),
    "agenda.entitlement_backfill": (
        "既存の同意・出席者の情報への改ざん検知符号の付与",
        "Integrity codes given to existing consent and invitation records",
    ),
    "agenda.record_origin_backfill": (
        "既存の暗号化記録への作成元の改ざん検知符号の付与",
        "Origin codes given to existing sealed records",
    ),
    "agenda.record_version_backfill": (
        "既存の暗号化記録の最新版の記録",
        "Newest versions of existing sealed records noted",
    ),
    # Minutes (minutes)
    "minutes.view": ("会議録の閲覧", "Minutes read"),
    "minutes.save": ("会議録の保存", "Minutes saved"),
    "minutes.submit": ("会議録を確認に回す", "Minutes sent for review"),
    "minutes.approve": ("会議録の承認", "Minutes approved"),
    "minutes.correction": ("会議録の訂正", "Minutes correction started"),
    "minutes.correction_reason": ("会議録の訂正理由の記録", "Correction reason recorded"),
    "minutes.comment": ("会議録へのコメント", "Comment on minutes"),
    "minutes.confirm": ("会議録の確認", "Minutes confirmed"),
    "minutes.export": ("会議録（Word）の書き出し", "Minutes exported (Word)"),
    "minutes.plan_update": ("会議録からの支援プラン更新", "Support plan updated from minutes"),
    "minutes.integrity_failure": ("会議録の改ざん検知", "Minutes failed their integrity check"),
    "minutes.integrity_backfill": (
        "既存の会議録への改ざん検知符号の付与",
        "Integrity codes given to existing minutes",
    ),
    "minutes.record_origin_backfill": (
        "既存の会議録の暗号化記録への作成元の改ざん検知符号の付与",
        "Origin codes given to existing sealed minutes records",
    ),
    "minutes.record_version_backfill": (
        "既存の会議録の暗号化記録の最新版の記録",
        "Newest versions of existing sealed minutes records noted",
    ),
    "minutes.consent_withdrawal": (
        "同意の撤回による会議録の鍵の回収",
        "Minutes keys taken back after a consent withdrawal",
    ),
    "minutes.tax_mark": ("会議録の税情報の指定", "Minutes: tax data marked"),
    "minutes.tax_unmark": ("会議録の税情報の指定解除", "Minutes: tax mark removed"),
    "minutes.tax_keep": ("会議録の「税情報ではない」確認", "Minutes: confirmed not tax data"),
    # Retention (agenda and minutes)
    "retention.shred": ("保存期間を過ぎた記録の消去", "Records past retention erased"),
    "minutes.check": ("会議録の承認前確認の表示", "Minutes check read"),
    # The audit log itself (every service)
    "audit.search": ("監査ログの検索", "Audit log searched"),
    "audit.export": ("監査ログの書き出し（CSV）", "Audit log exported (CSV)"),
    "audit.read": ("監査ログの閲覧", "Audit log read"),
    "audit.verify": ("監査ログの改ざん確認", "Audit log verified"),
}

# A code missing above reads as its group (the part before the first dot).
GROUPS: dict[str, Name] = {
    "session": ("ログイン関係の操作", "Sign-in"),
    "member": ("利用者に関する操作", "People"),
    "organization": ("組織に関する操作", "Organizations"),
    "pledge": ("誓約書に関する操作", "Pledges"),
    "pledge_template": ("誓約書ひな形に関する操作", "Pledge texts"),
    "key": ("鍵に関する操作", "Keys"),
    "kek": ("暗号鍵に関する操作", "Master key"),
    "draft": ("下書きに関する操作", "Drafts"),
    "signing_key": ("署名鍵に関する操作", "Signing key"),
    "oauth": ("連携サービスに関する操作", "Service clients"),
    "case": ("事例に関する操作", "Cases"),
    "consent": ("同意に関する操作", "Consents"),
    "plan": ("支援プランに関する操作", "Support plans"),
    "meeting": ("会議に関する操作", "Meetings"),
    "agenda": ("議題に関する操作", "Agendas"),
    "item": ("議題に関する操作", "Agenda items"),
    "minutes": ("会議録に関する操作", "Minutes"),
    "audit": ("監査ログに関する操作", "Audit log"),
    "retention": ("保存期間に関する操作", "Retention"),
    "integrity": ("改ざん検知に関する操作", "Integrity"),
    "trust_row": ("改ざん検知に関する操作", "Integrity"),
}
OTHER: Name = ("その他の操作", "Other")

TARGETS: dict[str, Name] = {
    "meeting": ("会議", "Meeting"),
    "case": ("事例", "Case"),
    "agenda_item": ("議題", "Agenda item"),
    "consent": ("同意", "Consent"),
    "attendee": ("会議の出席者", "Meeting invitation"),
    "plan": ("支援プラン", "Support plan"),
    "meeting_note": ("会議の連絡事項", "Meeting note"),
    "case_status_change": ("事例の状況の変更", "Case status change"),
    "minutes": ("会議録", "Minutes"),
    "minutes_item": ("会議録の議題", "Minutes item"),
    "comment": ("会議録へのコメント", "Comment"),
    "tax_block": ("会議録の税情報", "Minutes tax block"),
    "correction_reason": ("会議録の訂正理由", "Correction reason"),
    "record": ("暗号化された記録", "Sealed record"),
    "member": ("利用者", "Person"),
    "session": ("ログイン", "Sign-in"),
    "organization": ("組織", "Organization"),
    "pledge": ("誓約書", "Pledge"),
    "pledge_template": ("誓約書ひな形", "Pledge text"),
    "member_key": ("個人の鍵", "Personal key"),
    "draft": ("下書き", "Draft"),
    "oauth_client": ("連携サービス", "Service client"),
    "signing_key": ("署名鍵", "Signing key"),
    "kek": ("暗号鍵", "Master key"),
    "audit_search": ("監査ログの検索", "Audit search"),
}

OUTCOMES: dict[str, Name] = {
    "ok": ("成功", "Done"),
    "refused": ("拒否", "Refused"),
    "tampered": ("改ざんを検知", "Tampering found"),
    "partial": ("一部のみ", "Partly"),
}

DETAILS: dict[str, Name] = {
    "reason": ("理由", "Reason"),
    "fields": ("変更した項目", "Changed"),
    "roles": ("役割", "Roles"),
    "kind": ("種類", "Kind"),
    "items": ("議題の数", "Items"),
    "count": ("件数", "Count"),
    "filtered": ("絞り込み", "Filtered"),
    "returned": ("表示した件数", "Shown"),
    "described": ("名前を調べた件数", "Looked up"),
    "opened": ("開いた記録", "Opened"),
    "opened_count": ("開いた件数", "Opened"),
    "refused": ("拒否した件数", "Refused"),
    "keys": ("鍵の数", "Keys"),
    "version": ("版", "Version"),
    "versions": ("版の数", "Versions"),
    "meeting_id": ("会議", "Meeting"),
    "case_id": ("事例", "Case"),
    "minutes_id": ("会議録", "Minutes"),
    "member_id": ("利用者", "Person"),
    "members": ("利用者", "People"),
    "attendees": ("招集した人数", "Invited"),
    "organizations": ("共有先の組織の数", "Organizations"),
    "covers_tax": ("税情報を含む", "Covers tax data"),
    "purpose": ("目的", "Purpose"),
    "status": ("状況", "Status"),
    "field": ("項目", "Field"),
    "start": ("開始位置", "From"),
    "end": ("終了位置", "To"),
    "format": ("形式", "Format"),
    "ok": ("確認結果", "Result"),
    "entries": ("記録の件数", "Entries"),
    "ended_sessions": ("終了したログイン", "Sign-ins ended"),
    "sequence": ("変更の回数", "Revision"),
    "scope": ("範囲", "Scope"),
    "export": ("書き出し", "Export"),
    "service_name": ("サービス", "Service"),
    "action": ("操作", "Event"),
    "actor_id": ("操作した人", "Person"),
    "target_type": ("対象の種類", "Target kind"),
    "target_id": ("対象", "Target"),
    "since": ("期間の始め", "From"),
    "until": ("期間の終わり", "Until"),
    "cancelled": ("中止", "Cancelled"),
    "pledge": ("誓約書", "Pledge"),
    "tax": ("税情報", "Tax data"),
    "content": ("内容", "Content"),
    "issue_codes": ("課題", "Issues"),
    "resealed": ("鍵をかけ直した件数", "Re-protected"),
    "not_resealed": ("鍵をかけ直せなかった件数", "Not re-protected"),
    "removed": ("回収した鍵の数", "Keys taken back"),
    "minutes_removed": ("会議録から回収した鍵の数", "Minutes keys taken back"),
    "rehashed": ("確認番号を付け直した版", "Versions with a new check number"),
    "consent_id": ("同意", "Consent"),
    "blocks_signing": ("管理者の許可まで再提出不可", "No new pledge until an admin allows it"),
    "series_id": ("定例の会議", "Series"),
    "corrects": ("訂正した版", "Corrects"),
    "content_hash": ("内容の確認番号", "Content check number"),
    "text_sha256": ("本文の確認番号", "Text check number"),
    "document_id": ("文書番号", "Document number"),
    "suite": ("暗号方式", "Cipher suite"),
    "scopes": ("許可", "Scopes"),
    "unresolved": ("確認待ちの疑い箇所", "Open suspects"),
    "first": ("初めての配布", "First distribution"),
    "updating": ("更新中の議題", "Items being updated"),
    "distributed": ("配布済み", "Distributed"),
    "audience": ("開けなかった区分", "Class that failed"),
    "unreadable": ("開けなかった記録", "Unreadable records"),
}

# Coded values inside details, where a code would otherwise reach the reader.
VALUES: dict[str, Name] = {
    "password": ("パスワードの誤り", "Wrong password"),
    "totp": ("確認コードの誤り", "Wrong code"),
    "locked": ("一時停止中", "Paused"),
    "unknown_or_inactive": ("登録のないIDか退任者", "Unknown or departed"),
    "demo_password": ("デモ用パスワード", "Demo password"),
    "logout": ("本人がログアウト", "Signed out"),
    "password_change": ("パスワードの変更", "Password change"),
    "password_reset": ("管理者によるパスワード再設定", "Password reset by an admin"),
    "totp_disable": ("二段階認証の解除", "Two-step sign-in turned off"),
    "ended_by_member": ("本人が終了", "Ended by the person"),
    "departed": ("退任", "Departure"),
    "no_pledge": ("誓約書なし", "No pledge"),
    "pledge_blocked": ("管理者が再提出を停止中", "Blocked by an administrator"),
    "not_yours": ("本人宛てではない", "Not addressed to them"),
    "unknown_kind": ("会議の種類が不明", "Unknown conference kind"),
    "key_destroyed": ("鍵が破棄済み", "Key destroyed"),
    "refused": ("拒否", "Refused"),
    "malformed": ("形式の誤り", "Malformed"),
    "shien": ("支援会議", "Support conference"),
    "jusou": ("重層的支援会議", "Multi-layered support conference"),
    "docx": ("Word", "Word"),
    "content": ("一般の内容", "General content"),
    "tax": ("税情報", "Tax data"),
    "this": ("この回のみ", "This meeting"),
    "following": ("この回以降", "This and later meetings"),
    "display_name": ("氏名", "Name"),
    "organization_id": ("所属機関", "Organization"),
    "active": ("在籍状況", "Active"),
    "title": ("名称", "Title"),
    "place": ("場所", "Place"),
    "starts_at": ("開始日時", "Start"),
    "ends_at": ("終了日時", "End"),
    "online_url": ("オンライン参加のURL", "Online URL"),
    "briefing": ("説明", "Briefing"),
    "summary": ("概要", "Summary"),
    "notes": ("記録", "Notes"),
    "tax_notes": ("税情報", "Tax notes"),
    "discussion": ("検討内容", "Discussion"),
    "decisions": ("決定事項", "Decisions"),
    "minutes": ("時間", "Minutes"),
    "order": ("順番", "Order"),
    "custody:rewrap": ("鍵の受け渡し", "Hand on keys"),
    "agenda:plans.write": ("支援プランの更新", "Write support plans"),
    "integrity:keys": ("改ざん検知用の鍵", "Integrity keys"),
    "audit:anchor": ("監査ログの控えの保管", "Anchor the audit log"),
    "admin": ("管理者", "Administrator"),
    "coordinator": ("事務局", "Coordinator"),
    "member": ("構成員", "Member"),
    "auditor": ("監査担当", "Auditor"),
}


def _pick(name: Name, lang: str) -> str:
    return name[1] if lang == "en" else name[0]


def event_name(code: str, lang: str = "ja") -> str:
    """「会議録の承認」 for ``minutes.approve``; a code missing here reads as its group."""
    if code in EVENTS:
        return _pick(EVENTS[code], lang)
    return _pick(GROUPS.get(code.split(".", 1)[0], OTHER), lang)


def target_kind(target_type: str | None, lang: str = "ja") -> str:
    """「会議」 for ``meeting``."""
    return _pick(TARGETS.get(target_type or "", OTHER), lang) if target_type else ""


def outcome_name(outcome: str, lang: str = "ja") -> str:
    """「成功」 for ``ok``."""
    return _pick(OUTCOMES.get(outcome, OTHER), lang)


def detail_label(key: str, lang: str = "ja") -> str:
    """「変更した項目」 for ``fields``."""
    return _pick(DETAILS.get(key, ("その他", "Other")), lang)


def value_text(value: Any, lang: str = "ja") -> str:
    """A detail value for people: names for codes, はい/いいえ, lists joined."""
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("はい" if value else "いいえ")
    if isinstance(value, list | tuple):
        return "、".join(value_text(v, lang) for v in value)
    if isinstance(value, dict):
        return "、".join(
            f"{detail_label(k, lang)}: {value_text(v, lang)}" for k, v in value.items()
        )
    if isinstance(value, str) and value in VALUES:
        return _pick(VALUES[value], lang)
    return "" if value is None else str(value)
