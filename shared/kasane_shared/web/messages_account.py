"""Messages of the account pages, the admin pages and the error pages (Japanese, English)."""

from __future__ import annotations

ACCOUNT_MESSAGES: dict[str, tuple[str, str]] = {
    "login.title": ("ログイン", "Sign in"),
    "login.login": ("ログインID", "Login"),
    "login.password": ("パスワード", "Password"),
    "login.totp": ("確認コード（6桁）", "Verification code (6 digits)"),
    "login.totp_hint": (
        "認証アプリに表示されている6桁の数字を入力してください。"
        "スマートフォンが手元にないときは、回復コードを入力できます。",
        "Enter the 6 digits your authenticator app shows, or one of your recovery codes.",
    ),
    "login.submit": ("ログイン", "Sign in"),
    "login.login_missing": ("ログインIDを入力してください。", "Enter your login."),
    "login.password_missing": ("パスワードを入力してください。", "Enter your password."),
    "login.reason_expired": (
        "一定時間操作がなかったか、ログインの有効期限が切れたため、ログアウトしました。もう一度ログインしてください。",
        "You were signed out after a period of inactivity or because your sign-in expired. "
        "Please sign in again.",
    ),
    "login.reason_signed_out": ("ログアウトしました。", "You have signed out."),
    "error.back_home": ("ホームへ戻る", "Back to home"),
    "error.csrf_title": ("送信を受け付けられませんでした", "The form could not be accepted"),
    "error.csrf": (
        "フォームの有効期限が切れたか、別の画面から送信されました。画面を開き直して、もう一度操作してください。何も変更していません。",
        "The form expired or came from another page. Please reload the page and try again. "
        "Nothing was changed.",
    ),
    "error.forbidden_title": ("権限がありません", "Not allowed"),
    "error.forbidden": (
        "この画面または操作の権限がありません。",
        "You are not allowed to open this page or do this.",
    ),
    "error.not_found_title": ("見つかりません", "Not found"),
    "error.not_found": (
        "ページまたはデータが見つかりません。",
        "The page or record was not found.",
    ),
    "error.conflict_title": ("この操作はできません", "Not possible now"),
    "error.conflict": (
        "現在の状態ではこの操作はできません。",
        "This is not possible in the current state.",
    ),
    "error.unavailable_title": ("サービスに接続できません", "Service unavailable"),
    "error.unavailable": (
        "サービスに接続できません。しばらくしてからお試しください。",
        "The service is unavailable. Please try again later.",
    ),
    "error.bad_request_title": ("リクエストが正しくありません", "Bad request"),
    "error.bad_request": ("リクエストが正しくありません。", "The request is not valid."),
    "member.name": ("氏名", "Name"),
    "member.org": ("所属機関", "Organization"),
    "member.login": ("ログインID", "Login"),
    "member.login_hint": (
        "半角英小文字・数字・記号（. _ -）、3〜64文字",
        "3–64 lower-case letters, digits, . _ -",
    ),
    "member.roles": ("役割", "Roles"),
    "member.state": ("状態", "State"),
    "member.active": ("在籍", "Active"),
    "member.left": ("退任", "Left"),
    "member.mark_left": ("退任にする", "Mark as left"),
    "member.mark_back": ("在籍に戻す", "Mark as active"),
    "member.password": ("初期パスワード", "Initial password"),
    "member.password_hint": ("10文字以上", "At least 10 characters"),
    "role.admin": ("管理者", "Administrator"),
    "role.coordinator": ("事務局", "Coordinator"),
    "role.member": ("構成員", "Member"),
    "role.auditor": ("監査担当", "Auditor"),
    "org.name": ("機関名", "Name"),
    "org.kind": ("種別", "Kind"),
    "orgkind.municipal": ("市町村の部署", "Municipal division"),
    "orgkind.tax": ("税務部署", "Tax division"),
    "orgkind.council": ("社会福祉協議会", "Social welfare council"),
    "orgkind.consultation": ("相談支援機関", "Consultation agency"),
    "orgkind.community": ("地域（民生委員など）", "Community"),
    "orgkind.school": ("学校", "School"),
    "orgkind.medical": ("医療機関", "Medical"),
    "orgkind.other": ("その他", "Other"),
    "admin.title": ("管理", "Administration"),
    "admin.no_case_content": (
        "管理者には事例の内容は表示されません。",
        "Administrators see no case content.",
    ),
    "admin.keys": ("暗号鍵の状態", "Keys"),
    "admin.member_keys": ("一人ひとりの鍵", "Personal keys"),
    "admin.orgs": ("組織", "Organizations"),
    "admin.add_org": ("組織を登録する", "Add an organization"),
    "admin.members": ("利用者と役割", "People and roles"),
    "admin.add_member": ("構成員を登録する", "Add a member"),
    "admin.templates": ("誓約書のひな形", "Pledge templates"),
    "admin.add_template": ("新しい版を公開する", "Publish a new version"),
    "admin.template_text": ("本文", "Text"),
    "admin.current": ("現行", "Current"),
    "nav.account": ("アカウント", "My account"),
    "error.back_previous": ("前の画面に戻る", "Back to the previous page"),
    "error.back_meetings": ("会議の一覧に戻る", "Back to the meetings"),
    "error.back_cases": ("事例の一覧に戻る", "Back to the cases"),
    "error.back_pledges": ("誓約書の画面に戻る", "Back to pledges"),
    "error.back_admin": ("管理の画面に戻る", "Back to administration"),
    "error.back_audit": ("監査ログに戻る", "Back to the audit log"),
    "error.back_account": ("アカウントの画面に戻る", "Back to my account"),
    "error.internal_title": ("エラーが発生しました", "Something went wrong"),
    "error.internal": (
        "処理の途中でエラーが発生しました。時間をおいてから、もう一度お試しください。"
        "続く場合はシステム管理者に連絡してください。",
        "Something went wrong. Please try again later, and tell the system operator if it "
        "keeps happening.",
    ),
    "meeting.agenda_title": ("会議の議題", "Meeting agenda"),
    "case.detail_title": ("事例の詳細", "Case"),
    "pledge.check_number": ("本文の確認番号", "Text check number"),
    "account.title": ("アカウント", "My account"),
    "account.back": ("アカウントの画面に戻る", "Back to my account"),
    "account.password_title": ("パスワードの変更", "Change password"),
    "account.password_intro": (
        "パスワードは定期的に、また他の人に知られたおそれがあるときは、すぐに変更してください。",
        "Change your password regularly, and at once if someone else may know it.",
    ),
    "account.password_link": ("パスワードを変更する", "Change my password"),
    "account.forced": (
        "管理者が設定した初期パスワードでログインしています。"
        "続けるには、あなただけが知っているパスワードに変更してください。",
        "You signed in with an initial password set by an administrator. "
        "To continue, change it to a password only you know.",
    ),
    "account.current_password": ("現在のパスワード", "Current password"),
    "account.current_hint": (
        "管理者から伝えられた初期パスワードを入力してください。",
        "Enter the initial password the administrator gave you.",
    ),
    "account.new_password": ("新しいパスワード", "New password"),
    "account.new_hint": (
        "10文字以上。ログインIDと同じものや、他のサービスと同じものは避けてください。",
        "At least 10 characters; not your login, not one you use elsewhere.",
    ),
    "account.new_password_again": ("新しいパスワード（確認）", "New password again"),
    "account.others_end": (
        "変更すると、ほかの端末でのログインは終了します。",
        "Changing it signs you out on other devices.",
    ),
    "account.password_submit": ("パスワードを変更する", "Change password"),
    "account.code": ("確認コード", "Verification code"),
    "account.code_hint": (
        "認証アプリに表示されている6桁の数字か、回復コードを入力してください。",
        "The 6 digits your authenticator app shows, or a recovery code.",
    ),
    "account.err_current_missing": (
        "現在のパスワードを入力してください。",
        "Enter your current password.",
    ),
    "account.err_new_short": (
        "新しいパスワードは{n}文字以上で入力してください。",
        "Use at least {n} characters for the new password.",
    ),
    "account.err_new_mismatch": (
        "確認のため、新しいパスワードをもう一度同じように入力してください。",
        "Type the same new password again to confirm it.",
    ),
    "account.err_code_missing": (
        "認証アプリの6桁の数字か、回復コードを入力してください。",
        "Enter the 6 digits from your app, or a recovery code.",
    ),
    "account.err_code_digits": (
        "認証アプリに表示されている6桁の数字を入力してください。",
        "Enter the 6 digits your app shows.",
    ),
    "account.totp_title": ("二段階認証", "Two-step sign-in"),
    "account.totp_intro": (
        "ログインのとき、パスワードに加えて、スマートフォンの認証アプリに表示される6桁の数字を入力します。"
        "パスワードが知られても、他の人はログインできません。",
        "At sign-in you enter, besides your password, 6 digits shown by an authenticator app "
        "on your phone. Someone who learns your password still cannot sign in.",
    ),
    "account.totp_on": ("有効", "On"),
    "account.totp_off": ("未設定", "Not set up"),
    "account.start_title": ("二段階認証を設定する", "Set up two-step sign-in"),
    "account.start_hint": (
        "本人確認のため、現在のパスワードを入力してください。次の画面にQRコードが表示されます。",
        "Enter your current password. The next page shows a QR code.",
    ),
    "account.start_submit": ("設定を始める", "Start"),
    "account.totp_setup_title": ("二段階認証の設定", "Setting up two-step sign-in"),
    "account.setup_step1": (
        "スマートフォンに認証アプリ（Google Authenticator、"
        "Microsoft Authenticator など）を入れます。",
        "Install an authenticator app on your phone (Google Authenticator, Microsoft "
        "Authenticator, …).",
    ),
    "account.setup_step2": (
        "アプリで「QRコードをスキャン」を選び、下のQRコードを読み取ります。",
        "In the app, choose to scan a QR code and scan the one below.",
    ),
    "account.setup_step3": (
        "アプリに表示された6桁の数字を入力して、「設定を完了する」を押します。",
        "Enter the 6 digits the app shows and press “Finish”.",
    ),
    "account.qr_label": (
        "認証アプリで読み取るQRコード",
        "QR code to scan with your authenticator app",
    ),
    "account.manual_entry": (
        "QRコードを読み取れない場合",
        "If the QR code cannot be scanned",
    ),
    "account.manual_hint": (
        "アプリで「セットアップキーを入力」を選び、次の文字を入力してください（空白は不要です）。",
        "In the app, choose to enter a setup key and type these characters (no spaces).",
    ),
    "account.code_six": ("アプリに表示された6桁の数字", "The 6 digits the app shows"),
    "account.code_six_hint": (
        "数字は30秒ごとに変わります。表示されている最新の数字を入力してください。",
        "The digits change every 30 seconds; enter the ones shown now.",
    ),
    "account.confirm_submit": ("設定を完了する", "Finish"),
    "account.cancel_setup": ("設定をやめてアカウントの画面に戻る", "Cancel and go back"),
    "account.codes_title": ("回復コード", "Recovery codes"),
    "account.totp_enabled": ("二段階認証を有効にしました。", "Two-step sign-in is on."),
    "account.codes_renewed": (
        "回復コードを作り直しました。以前の回復コードは使えません。",
        "New recovery codes made; the old ones no longer work.",
    ),
    "account.codes_intro": (
        "スマートフォンをなくしたときは、6桁の数字の代わりに次の回復コードを1つ入力してログインできます。"
        "各コードは1回だけ使えます。",
        "If you lose your phone, enter one of these codes instead of the 6 digits. "
        "Each works once.",
    ),
    "account.codes_once": (
        "回復コードはこの画面でしか表示されません。印刷するか書き写して、鍵のかかる場所に保管してください。",
        "These codes are shown only now. Print or copy them and keep them locked away.",
    ),
    "account.codes_done": ("保管しました", "I have stored them"),
    "account.renew_title": ("回復コードを作り直す", "New recovery codes"),
    "account.renew_hint": (
        "回復コードをなくしたときや、残りが少なくなったときに使います。",
        "Use this when you lost your codes or few are left.",
    ),
    "account.renew_submit": ("回復コードを作り直す", "Make new codes"),
    "account.disable_title": ("二段階認証を解除する", "Turn off two-step sign-in"),
    "account.disable_hint": (
        "スマートフォンを替えるときは、いったん解除してから設定し直してください。"
        "解除すると、ほかの端末でのログインは終了します。",
        "When you change phones, turn it off and set it up again. "
        "Turning it off signs you out on other devices.",
    ),
    "account.disable_submit": ("二段階認証を解除する", "Turn off"),
    "account.sessions_title": ("ログイン中の端末", "Where you are signed in"),
    "account.sessions_intro": (
        "覚えのないログインや、共用パソコンでのログインが残っていれば、終了してください。",
        "End any sign-in you do not recognise or left open on a shared PC.",
    ),
    "account.signed_in_at": ("ログインした日時", "Signed in"),
    "account.last_seen": ("最後に操作した日時", "Last active"),
    "account.this_session": ("この画面", "This browser"),
    "account.end_session": ("このログインを終了する", "Sign out there"),
    "flash.password_changed": (
        "パスワードを変更しました。ほかの端末でのログインは終了しました。",
        "Password changed. You were signed out on other devices.",
    ),
    "flash.totp_disabled": (
        "二段階認証を解除しました。ほかの端末でのログインは終了しました。",
        "Two-step sign-in is off. You were signed out on other devices.",
    ),
    "flash.session_ended": ("そのログインを終了しました。", "That sign-in has ended."),
    "role_hint.admin": (
        "組織・構成員・誓約書のひな形を管理します（事例の内容は見られません）",
        "runs organizations, members and pledge texts (sees no case content)",
    ),
    "role_hint.coordinator": (
        "事例・会議・会議録を扱う事務局です",
        "runs cases, meetings and minutes",
    ),
    "role_hint.member": ("会議に出席する構成員です", "attends meetings"),
    "role_hint.auditor": ("操作の記録（監査ログ）だけを確認します", "reads the audit log only"),
    "admin.back": ("管理の画面に戻る", "Back to administration"),
    "admin.locks": ("ログインが一時停止中の人", "Sign-in paused"),
    "admin.locks_intro": (
        "パスワードを続けて間違えたため、ログインが一時停止している人です。"
        "本人からの連絡を確かめたうえで、すぐにログインできるように解除できます。",
        "These people mistyped their password too often. After checking with them, "
        "you can let them sign in again at once.",
    ),
    "admin.no_locks": (
        "ログインが一時停止中の人はいません。",
        "Nobody's sign-in is paused.",
    ),
    "admin.locked_until": ("停止が自動で解ける日時", "Paused until"),
    "admin.lift": ("停止を解除する", "Let them sign in"),
    "admin.locked_title": ("ログインが一時停止中です", "Sign-in paused"),
    "admin.locked_text": (
        "パスワードを続けて間違えたため、{until}までログインできません。",
        "Too many wrong passwords: sign-in is paused until {until}.",
    ),
    "admin.initial_password": ("初期パスワードのまま", "Initial password"),
    "admin.password_state": ("パスワード", "Password"),
    "admin.two_step": ("二段階認証", "Two-step sign-in"),
    "admin.member_title": ("構成員の情報", "Member"),
    "admin.edit_member": ("氏名・所属機関・役割", "Name, organization, roles"),
    "admin.new_initial_password": ("初期パスワードを設定し直す", "New initial password"),
    "admin.new_initial_password_hint": (
        "パスワードを忘れた人にだけ使います（10文字以上）。空欄なら変わりません。"
        "本人は次のログインで自分のパスワードに変更します。",
        "Only for someone who forgot theirs (10+ characters); leave empty to keep it. "
        "They change it at their next sign-in.",
    ),
    "admin.save_member": ("この内容で保存する", "Save"),
    "admin.leave_title": ("退任の手続き", "Departure"),
    "admin.leave_text": (
        "退任にすると、この人はログインできなくなり、ログイン中の画面もすぐに終了します。"
        "この人用の鍵は破棄され、これまでに共有された事例や会議録も読めなくなります。",
        "After departure this person cannot sign in and open sign-ins end at once. "
        "Their keys are destroyed: nothing shared with them before can be read any more.",
    ),
    "admin.leave_confirm": (
        "{name}さんを退任にすることを確認しました",
        "I confirm that {name} leaves",
    ),
    "admin.back_title": ("在籍に戻す", "Return"),
    "admin.back_text": (
        "在籍に戻すと、新しい鍵が作られます。退任前に共有された内容は読めないままです。",
        "A new key is made on return; what was shared before departure stays unreadable.",
    ),
    "admin.err_login": (
        "ログインIDは半角の英小文字・数字・記号（. _ -）で、3〜64文字にしてください。",
        "Use 3–64 lower-case letters, digits, . _ - for the login.",
    ),
    "admin.err_name": ("氏名を入力してください。", "Enter the name."),
    "admin.err_org": ("所属機関を選んでください。", "Choose the organization."),
    "admin.err_roles": ("役割を1つ以上選んでください。", "Choose at least one role."),
    "admin.err_password": (
        "初期パスワードは10文字以上で入力してください。",
        "Use at least 10 characters for the initial password.",
    ),
    "admin.err_confirm_leave": (
        "退任にするには、確認のチェックを入れてください。",
        "Tick the confirmation to record the departure.",
    ),
    "admin.err_org_name": ("機関名を入力してください。", "Enter the organization's name."),
    "admin.err_template": (
        "誓約書の本文を20文字以上で入力してください。",
        "Enter the pledge text (at least 20 characters).",
    ),
    "admin.template_hint": (
        "公開すると、これから署名する人はこの版に署名します。署名済みの誓約書はそのまま有効です。",
        "From now on people sign this version; pledges already signed stay valid.",
    ),
    "admin.published": ("公開日時", "Published"),
    "admin.in_use": ("使用中", "In use"),
    "admin.old_version": ("以前の版", "Earlier version"),
    "admin.pledges_title": ("誓約書の提出状況", "Pledges of everyone"),
    "admin.pledges_intro": (
        "在籍中の全員について、会議の種類ごとに有効な誓約書があるかを示します。",
        "For everyone active: a valid pledge for each conference kind, or none.",
    ),
    "admin.until": ("{day}まで", "until {day}"),
    "admin.no_members": ("在籍中の人はいません。", "Nobody is active."),
    "admin.key_store": ("暗号鍵の保管場所", "Where the master key is kept"),
    "admin.key_store_file": (
        "サーバー上の鍵ファイル（本人以外は読めない設定）",
        "A key file on the server, readable by the service only",
    ),
    "admin.key_store_hsm": ("専用の鍵保管装置（HSM）", "A hardware security module"),
    "admin.key_generation": ("暗号鍵の世代", "Master key generation"),
    "admin.key_generation_n": ("第{n}世代", "generation {n}"),
    "admin.key_renewal": ("鍵の更新", "Key renewal"),
    "admin.key_current": (
        "完了（{n}件すべて最新の鍵で保護）",
        "Done ({n} items all protected by the newest key)",
    ),
    "admin.key_behind": (
        "未完了（{n}件が古い鍵のまま）",
        "Not finished ({n} items still under an older key)",
    ),
    "admin.member_keys_n": (
        "{n}人分（退任により破棄した鍵: {destroyed}）",
        "{n} people (destroyed on departure: {destroyed})",
    ),
    "admin.keys_hint": (
        "事例や会議録は、一人ひとりの鍵で保護されています。"
        "鍵の更新はサーバー管理者が行います（kasane keys rotate）。",
        "Case content and minutes are protected by each person's own key. "
        "Renewal is done by the server operator (kasane keys rotate).",
    ),
    "flash.member_left": (
        "退任にしました。この人のログインは終了し、鍵は破棄されました。",
        "Recorded the departure: their sign-ins ended and their keys were destroyed.",
    ),
    "flash.member_back": ("在籍に戻しました。", "Marked as active again."),
    "flash.lock_lifted": (
        "ログインの停止を解除しました。すぐにログインできます。",
        "Sign-in is open again for them.",
    ),
}
