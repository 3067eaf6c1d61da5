"""The ``kasane`` command: serve the suite, migrate, redact, verify the audit log, rotate keys."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

# Settings (pydantic) are imported inside each command, not here: `kasane redact` is a
# streaming filter that must answer its first line within half a second.
SERVICES = ("identity", "agenda", "minutes")
MIGRATIONS = {service: f"{service}:migrations" for service in SERVICES}


def _serve(args: argparse.Namespace) -> int:
    from kasane_shared.settings import Settings

    from kasane.serve import serve
    from kasane_shared.observability.logs import configure_logging

    overrides = {"log_format": args.log_format} if args.log_format else {}
    settings = Settings(demo=args.demo or Settings().demo, **overrides)
    configure_logging(settings.log_format)
    if "KASANE_IDENTITY_URL" not in os.environ:
        # Suite mode: the services reach identity on this same server.
        settings.identity_url = f"http://{args.host}:{args.port}/identity"
    if "KASANE_AGENDA_URL" not in os.environ:
        settings.agenda_url = f"http://{args.host}:{args.port}/agenda"
    if "KASANE_MINUTES_URL" not in os.environ:
        settings.minutes_url = f"http://{args.host}:{args.port}/minutes"
    serve(settings, args.host, args.port, args.workers or settings.workers)
    return 0


def _upgrade_one(script: str, url: str) -> None:
    from kasane_shared.db import upgrade_database

    if not url.startswith("postgresql"):
        upgrade_database(script, url)
        return
    from sqlalchemy import text

    from kasane_shared.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # Replicas starting together: one migrates, the others wait, then find head.
            conn.execute(text("SELECT pg_advisory_xact_lock(7305813)"))
            upgrade_database(script, conn)
            conn.commit()
    finally:
        engine.dispose()


def _db_upgrade(args: argparse.Namespace) -> int:
    from kasane_shared.settings import Settings

    from kasane_shared.db import ensure_private_dir

    settings = Settings()
    ensure_private_dir(settings.data_dir)
    for service in args.service or SERVICES:
        _upgrade_one(MIGRATIONS[service], settings.database_url(service))
        print(f"{service}: 最新の版に更新しました (upgraded to head)")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from kasane.cli_audit import verify

    return verify(args)


def _redact(args: argparse.Namespace) -> int:
    from kasane_shared.redaction.cli import main as redact_main

    return redact_main([args.file] if args.file else [])


def _admin_create(args: argparse.Namespace) -> int:
    from kasane_shared.settings import Settings

    from identity.app import create_app
    from identity.members.schemas import MemberCreate
    from identity.members.service import create_member
    from identity.organizations.models import Organization
    from identity.organizations.schemas import OrganizationCreate
    from identity.organizations.service import create_organization
    from kasane_shared.errors import KasaneError

    settings = Settings()
    password = os.environ.get("KASANE_ADMIN_PASSWORD") or getpass.getpass("パスワード (password): ")
    app = create_app(settings)
    try:
        with app.state.db.session() as session:
            org = session.query(Organization).filter_by(name=args.organization).one_or_none()
            if org is None:
                org = create_organization(
                    session,
                    OrganizationCreate(name=args.organization, kind=args.organization_kind),
                    None,
                )
            member = create_member(
                session,
                MemberCreate(
                    login=args.login,
                    display_name=args.display_name,
                    organization_id=org.id,
                    roles=["admin"],
                    password=password,
                ),
                None,
                kek=app.state.kek,
                demo=settings.demo,
            )
            print(f"管理者を作成しました (admin created): {member.login} ({member.id})")
    except KasaneError as error:
        details = "; ".join(f"{e.field}: {e.ja}" for e in error.errors)
        print(f"エラー: {error.ja} {details}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(
            f"エラー: 入力が正しくありません (invalid input): {error.__class__.__name__}",
            file=sys.stderr,
        )
        return 2
    return 0


def _client_create(args: argparse.Namespace) -> int:
    from kasane_shared.settings import Settings

    from identity.app import create_app
    from identity.oauth.service import create_client

    app = create_app(Settings())
    try:
        with app.state.db.session() as session:
            client, secret = create_client(session, args.name, args.scope, None)
    finally:
        app.state.db.dispose()
    # The secret is shown once; identity keeps only its hash.
    print(
        f"クライアントを登録しました (client registered): {client.client_id} "
        f"scopes={' '.join(client.scopes)}",
        file=sys.stderr,
    )
    print(secret)
    return 0


def _service(name: str) -> str:
    # argparse's `choices` rejects an empty `nargs="*"` list, so check names here.
    if name not in SERVICES:
        raise argparse.ArgumentTypeError(
            f"サービス名が不正です: {name} (choose from {', '.join(SERVICES)})"
        )
    return name


def _workers(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 64:
        raise argparse.ArgumentTypeError("1〜64 で指定してください (1 to 64)")
    return number


def _seed_cases(args: argparse.Namespace) -> int:
    from kasane_shared.settings import Settings

    from kasane.seeding import seed_cases
    from kasane.suite import create_suite

    password = os.environ.get("KASANE_SEED_PASSWORD") or getpass.getpass("パスワード (password): ")
    suite = create_suite(Settings())
    report = seed_cases(suite, args.login, password, args.count, batch=args.batch)
    print(
        f"{report.cases}件の事例を作成しました ({report.cases} cases, "
        f"{report.per_second:.0f} cases/s)"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    from kasane.cli_keys import add_keys_commands

    parser = argparse.ArgumentParser(
        prog="kasane", description="Kasane（重ね）: 支援会議・重層的支援会議のための会議システム"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="スイートモードで起動 (run all services in one process)"
    )
    serve.add_argument("--demo", action="store_true", help="デモデータを投入 (seed demo data)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_workers,
        help="サーバーのプロセス数 (worker processes; KASANE_WORKERS, default: usable cores)",
    )
    serve.add_argument(
        "--log-format",
        choices=["json", "text"],
        help="ログの形式 (log lines: json, default, or text for people; KASANE_LOG_FORMAT)",
    )
    serve.set_defaults(func=_serve)

    db = commands.add_parser("db", help="データベース (database)").add_subparsers(
        dest="db_command", required=True
    )
    upgrade = db.add_parser("upgrade", help="マイグレーションを適用 (apply migrations)")
    upgrade.add_argument(
        "service", nargs="*", type=_service, help="identity / agenda / minutes (default: all)"
    )
    upgrade.set_defaults(func=_db_upgrade)

    seed = commands.add_parser("seed", help="試験用データ (seed data)").add_subparsers(
        dest="seed_command", required=True
    )
    cases = seed.add_parser(
        "cases",
        help="架空の事例を一括作成 (many fictional cases through the service layer; "
        "password from KASANE_SEED_PASSWORD)",
    )
    cases.add_argument("--login", required=True, help="事務局のログインID (a coordinator)")
    cases.add_argument("--count", type=int, required=True)
    cases.add_argument("--batch", type=int, default=250, help="1トランザクションの件数")
    cases.set_defaults(func=_seed_cases)

    redact = commands.add_parser("redact", help="税情報の検出 (find tax data in JSON Lines)")
    redact.add_argument("file", nargs="?")
    redact.set_defaults(func=_redact)

    audit = commands.add_parser("audit", help="監査ログ (audit log)").add_subparsers(
        dest="audit_command", required=True
    )
    verify = audit.add_parser(
        "verify",
        help="鍵付きチェーンとアンカーを検証 (verify the keyed chains against their anchors)",
    )
    verify.add_argument(
        "service", nargs="*", type=_service, help="identity / agenda / minutes (default: all)"
    )
    verify.set_defaults(func=_audit_verify)

    add_keys_commands(commands)

    admin = commands.add_parser("admin", help="管理 (administration)").add_subparsers(
        dest="admin_command", required=True
    )
    create = admin.add_parser(
        "create",
        help="最初の管理者を作成 (create an admin; password from KASANE_ADMIN_PASSWORD or prompt)",
    )
    create.add_argument("--login", required=True)
    create.add_argument("--display-name", required=True)
    create.add_argument(
        "--organization", required=True, help="組織名 (organization name; created if missing)"
    )
    create.add_argument(
        "--organization-kind",
        default="municipal",
        choices=[
            "municipal",
            "tax",
            "council",
            "consultation",
            "community",
            "school",
            "medical",
            "other",
        ],
    )
    create.set_defaults(func=_admin_create)
    clients = admin.add_parser(
        "client", help="サービス間認証のクライアント (OAuth2 clients)"
    ).add_subparsers(dest="client_command", required=True)
    client = clients.add_parser(
        "create",
        help=(
            "クライアントを登録しシークレットを一度だけ表示 "
            "(register a client; prints its secret once)"
        ),
    )
    client.add_argument("name", help="クライアントID (e.g. agenda, minutes)")
    client.add_argument(
        "--scope",
        action="append",
        required=True,
        help="許可するスコープ (repeatable): custody:rewrap, agenda:plans.write",
    )
    client.set_defaults(func=_client_create)

    from kasane import cli_backup, cli_retention

    cli_backup.register(commands)
    cli_retention.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``kasane``: a clear message and a non-zero exit instead of a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["redact"]:
        # The fast path: no settings, no apps, only the redactor.
        from kasane_shared.redaction.cli import main as redact_main

        return redact_main(argv[1:])
    from pydantic import ValidationError

    from kasane_shared.crypto import CryptoError
    from kasane_shared.errors import KasaneError

    args = build_parser().parse_args(argv)
    # Whatever this process creates (databases, key files, anchors) is its owner's alone.
    os.umask(0o077)
    try:
        return int(args.func(args) or 0)
    except CryptoError as error:
        print(f"エラー: {error.ja} / {error.en} {error.detail}", file=sys.stderr)
    except KasaneError as error:
        print(f"エラー: {error.ja} / {error.en}", file=sys.stderr)
    except ValidationError as error:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in error.errors())
        print(f"エラー: 設定が正しくありません (invalid settings): {fields}", file=sys.stderr)
    except OSError as error:
        print(
            f"エラー: ファイルまたは接続の問題です (I/O error): "
            f"{error.__class__.__name__}: {error.strerror or ''}",
            file=sys.stderr,
        )
    return 2


if __name__ == "__main__":
    sys.exit(main())


def run() -> None:
    """Console-script wrapper that exits with the command's status."""
    sys.exit(main())
