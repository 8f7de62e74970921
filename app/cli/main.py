"""The `ticketgw` command: serve, migrate, demo, import, keys, workspace, webhooks, export-schema.

Every command prints its result on stdout (JSON where asked) and logs on stderr, so
`ticketgw demo --json | jq` works. An expected failure is one line on stderr and an exit status
of its own (app/cli/errors.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from importlib.metadata import version
from typing import Any, BinaryIO, NoReturn

from sqlmodel import col

from app.cli.database import (
    check_reachable,
    describe,
    parse_database_url,
    prepare_new_database,
)
from app.cli.errors import CliError, ExitStatus, fail
from app.cli.progress import Progress
from app.config import Settings
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.enums import Role
from app.domain.errors import DomainError
from app.domain.principal import Principal

log = logging.getLogger("ticketgw")

VENDORS = ("qminder", "gorgias", "zaia")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(database_url=getattr(args, "database_url", None))


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def _checked_database(settings: Settings, *, allow_create: bool = True) -> bool:
    """A usable URL, room for a new SQLite file, a database that answers: one CliError
    otherwise. True when the database is new."""
    url = parse_database_url(settings.database_url)
    new = prepare_new_database(url, allow_create=allow_create)
    check_reachable(url)
    return new


async def _with_env(settings: Settings, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Migrate, then open the database (no broker: gateways see CLI writes by polling the log)."""
    import app.sla  # noqa: F401  (keeps SLA timers on every write, imports included)
    from app.live.service_env import ServiceEnv

    await asyncio.to_thread(_checked_database, settings)
    await asyncio.to_thread(migrate, settings.database_url)
    db = Database(settings.database_url)
    try:
        return await work(ServiceEnv(db))
    finally:
        await db.dispose()


async def _workspace_id(env: Any, slug: str) -> int:
    from app.access.workspaces import workspace_by_slug

    workspace = await workspace_by_slug(env.db, slug)
    if workspace is None:
        raise CliError(ExitStatus.REFUSED, f"no workspace with slug {slug!r}")
    return int(workspace.id)


async def _admin_principal(env: Any, slug: str) -> Principal:
    """The CLI acts as the workspace's first admin user."""
    from sqlalchemy import select

    from app.db import User

    workspace_id = await _workspace_id(env, slug)
    async with env.db.read_session() as session:
        stmt = (
            select(col(User.id))
            .where(col(User.workspace_id) == workspace_id)
            .order_by(col(User.id))
            .limit(1)
        )
        user_id = (await session.execute(stmt)).scalar_one()
    return Principal(workspace_id=workspace_id, user_id=user_id, role=Role.ADMIN, key_id=0)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")
    sys.stdout.flush()


# --- serve -----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> None:
    settings = Settings.from_env(database_url=args.database_url, broker_url=args.broker_url)
    # Before anything is logged: a database we can't use is one line, and a new empty one is
    # made only at the default location, with --demo, or when asked (--create).
    new = _checked_database(settings, allow_create=args.create or args.demo)
    # Workers are separate processes: they read the same settings from the environment.
    os.environ["TICKETGW_DATABASE_URL"] = settings.database_url
    os.environ["TICKETGW_BROKER_URL"] = settings.broker_url
    os.environ.setdefault("TICKETGW_TUNE_GC", "1")
    from app.observability.json_logs import log_config

    # JSON lines on stderr from here on: migration logs, uvicorn's and one line per request.
    logging.config.dictConfig(log_config(settings.log_level))
    log.info("Using the %s%s", describe(parse_database_url(settings.database_url)),
             " (new)" if new else "")  # fmt: skip
    if args.demo:
        url = f"http://{args.host}:{args.port}/graphql"
        _run(_with_env(settings, lambda env: _ensure_demo(env, url)))
    else:
        migrate(settings.database_url)
    from app.serving import serve

    serve(
        args.workers,
        host=args.host,
        port=args.port,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        access_log=False,  # the request middleware logs each request (with its request id)
        timeout_graceful_shutdown=settings.shutdown_grace if args.grace is None else args.grace,
        # Oversized WebSocket frames are refused by uvicorn itself (the app checks messages too).
        ws_max_size=settings.ws_max_message_bytes or 16 * 1024 * 1024,
        ws_per_message_deflate=settings.ws_compression,
    )


async def _ensure_demo(env: Any, url: str) -> None:
    """Load the demo into an empty database; on later starts, mint a fresh console key."""
    from sqlalchemy import func, select

    from app.db import Workspace

    async with env.db.read_session() as session:
        count = (await session.execute(select(func.count()).select_from(Workspace))).scalar_one()
    if count == 0:
        from app.demo.seed import load_demo

        with Progress("Loading the demo", "steps") as progress:
            workspaces = await load_demo(env, progress=progress)
        rows = [(w.slug, w.name, w.api_key) for w in workspaces]
    else:
        rows = await _console_keys(env)
    banner = ["", f"ticketgw demo: open {url} and add this header:"]
    for slug, name, key in rows:
        banner.append(f'  {name} ({slug}):  {{"Authorization": "Bearer {key}"}}')
    banner.append("")
    print("\n".join(banner), file=sys.stderr, flush=True)


async def _console_keys(env: Any) -> list[tuple[str, str, str]]:
    """One admin key per workspace named "console"; the previous console key is revoked."""
    from sqlalchemy import select

    from app.access.workspaces import create_api_key, revoke_api_key
    from app.db import ApiKey, Workspace

    rows = []
    async with env.db.read_session() as session:
        workspaces = (
            (await session.execute(select(Workspace).order_by(col(Workspace.id)))).scalars().all()
        )
        old_keys = (
            (
                await session.execute(
                    select(ApiKey).where(
                        col(ApiKey.name) == "console", col(ApiKey.revoked_at).is_(None)
                    )
                )
            )
            .scalars()
            .all()
        )
    for old in old_keys:
        await revoke_api_key(env.db, workspace_id=old.workspace_id, key_id=old.id)
    for workspace in workspaces:
        principal = await _admin_principal(env, workspace.slug)
        _, key = await create_api_key(
            env.db,
            workspace_id=principal.workspace_id,
            user_id=principal.user_id,
            role=Role.ADMIN,
            name="console",
        )
        rows.append((workspace.slug, workspace.name, key))
    return rows


# --- migrate, demo, export-schema --------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> None:
    settings = _settings(args)
    _checked_database(settings)
    migrate(settings.database_url)
    log.info(
        "The %s is at the latest migration", describe(parse_database_url(settings.database_url))
    )


def cmd_demo(args: argparse.Namespace) -> None:
    settings = _settings(args)

    async def work(env: Any) -> Any:
        from app.demo.keys import existing_demo
        from app.demo.seed import load_demo

        # Run again (or after `serve --demo`), it lists the demo with fresh keys.
        loaded = await existing_demo(env)
        if loaded is not None:
            return loaded
        with Progress("Loading the demo", "steps") as progress:
            return await load_demo(env, progress=progress)

    workspaces = _run(_with_env(settings, work))
    payload = {
        "workspaces": [
            {
                "slug": w.slug,
                "name": w.name,
                "id": w.id,
                "apiKey": w.api_key,
                "webhookSecrets": w.webhook_secrets,
            }
            for w in workspaces
        ]
    }
    if args.json:
        _print_json(payload)
    else:
        for w in payload["workspaces"]:
            print(f"{w['name']} ({w['slug']}): admin key {w['apiKey']}")


def cmd_export_schema(args: argparse.Namespace) -> None:
    from schema import schema_sdl

    sdl = schema_sdl()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(sdl)
    else:
        sys.stdout.write(sdl)


# --- workspace, keys, webhooks, line/user/team ------------------------------------------------


def cmd_workspace_create(args: argparse.Namespace) -> None:
    from app.access.workspaces import create_workspace

    async def work(env: Any) -> Any:
        return await create_workspace(
            env.db, name=args.name, slug=args.slug, timezone=args.timezone
        )

    created = _run(_with_env(_settings(args), work))
    _print_json(
        {
            "slug": created.workspace.slug,
            "name": created.workspace.name,
            "id": created.workspace.id,
            "apiKey": created.api_key,
        }
    )


def cmd_keys_create(args: argparse.Namespace) -> None:
    from app.access.workspaces import create_api_key

    async def work(env: Any) -> Any:
        principal = await _admin_principal(env, args.workspace)
        user_id = args.user_id or principal.user_id
        return await create_api_key(
            env.db,
            workspace_id=principal.workspace_id,
            user_id=user_id,
            role=Role(args.role.upper()),
            name=args.name,
            line_ids=args.line_id or None,
        )

    row, key = _run(_with_env(_settings(args), work))
    shown = {"id": row.id, "name": row.name, "role": row.role, "userId": row.user_id}
    if row.line_ids is not None:
        shown["lineIds"] = row.line_ids
    _print_json({**shown, "apiKey": key})


def cmd_keys_list(args: argparse.Namespace) -> None:
    from app.access.workspaces import list_api_keys

    async def work(env: Any) -> Any:
        return await list_api_keys(env.db, await _workspace_id(env, args.workspace))

    rows = _run(_with_env(_settings(args), work))
    _print_json(
        [
            {
                "id": r.id,
                "name": r.name,
                "role": r.role,
                "userId": r.user_id,
                "prefix": r.prefix,
                "createdAt": r.created_at,
                "revokedAt": r.revoked_at,
            }
            for r in rows
        ]
    )


def cmd_keys_revoke(args: argparse.Namespace) -> None:
    from app.access.workspaces import revoke_api_key

    async def work(env: Any) -> Any:
        workspace_id = await _workspace_id(env, args.workspace)
        return await revoke_api_key(env.db, workspace_id=workspace_id, key_id=args.id)

    row = _run(_with_env(_settings(args), work))
    _print_json({"id": row.id, "revokedAt": row.revoked_at})


def cmd_keys_rotate(args: argparse.Namespace) -> None:
    from app.access.workspaces import rotate_api_key

    async def work(env: Any) -> Any:
        workspace_id = await _workspace_id(env, args.workspace)
        return await rotate_api_key(env.db, workspace_id=workspace_id, key_id=args.id)

    row, key = _run(_with_env(_settings(args), work))
    _print_json(
        {"id": row.id, "name": row.name, "role": row.role, "userId": row.user_id, "apiKey": key}
    )


def cmd_webhooks_secret(args: argparse.Namespace) -> None:
    from app.access.workspaces import set_webhook_secret, webhook_secrets

    async def work(env: Any) -> Any:
        workspace_id = await _workspace_id(env, args.workspace)
        current = (await webhook_secrets(env.db, workspace_id)).get(args.vendor)
        if args.set or args.rotate or current is None:
            return await set_webhook_secret(
                env.db, workspace_id=workspace_id, vendor=args.vendor, secret=args.set
            )
        return current

    secret = _run(_with_env(_settings(args), work))
    _print_json({"workspace": args.workspace, "vendor": args.vendor, "secret": secret})


def cmd_webhooks_run(args: argparse.Namespace) -> None:
    """The outbound webhook worker alone (run `serve` with TICKETGW_WEBHOOKS=0 beside it, or
    not: several workers share the endpoints). Stops on SIGINT or SIGTERM."""
    import signal

    from app.live.broker import create_broker
    from app.webhooks.worker import WorkerRules, run_forever

    settings = _settings(args)

    async def work() -> None:
        await asyncio.to_thread(_checked_database, settings)
        await asyncio.to_thread(migrate, settings.database_url)
        db = Database(settings.database_url, statement_timeout=settings.statement_timeout)
        broker = create_broker(settings.broker_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await broker.connect()
        log.info("Delivering outbound webhooks from %s", describe(parse_database_url(db.url)))
        try:
            await run_forever(db, broker, WorkerRules.from_settings(settings), stop)
        finally:
            await broker.disconnect()
            await db.dispose()

    _run(work())


def cmd_setup_create(args: argparse.Namespace) -> None:
    from app.access import setup

    async def work(env: Any) -> Any:
        principal = await _admin_principal(env, args.workspace)
        if args.entity == "line":
            return await setup.create_line(env, principal, name=args.name, prefix=args.prefix)
        if args.entity == "user":
            return await setup.create_user(env, principal, name=args.name, email=args.email)
        return await setup.create_team(env, principal, name=args.name)

    row = _run(_with_env(_settings(args), work))
    _print_json({"id": row.id, "name": row.name})


# --- import --------------------------------------------------------------------------------


class _ProgressBar:
    """import_file's progress callback (records done so far) drawn as a bar on a terminal."""

    def __init__(self) -> None:
        self._bar = Progress("Importing", "records")
        self._seen = 0

    def __call__(self, done: int) -> None:
        self._bar.advance(done - self._seen)
        self._seen = done

    def close(self) -> None:
        self._bar.close()


def _open_input(path: str) -> BinaryIO:
    """The file to import (stdin for "-"), opened before any database work so that a path
    that is not a readable file is said first."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")  # closed by cmd_import's with
    except IsADirectoryError:
        raise CliError(ExitStatus.NO_SUCH_FILE, f"{path} is a directory, not a file") from None
    except FileNotFoundError:
        raise CliError(ExitStatus.NO_SUCH_FILE, f"no such file: {path}") from None
    except OSError as error:
        raise CliError(ExitStatus.NO_SUCH_FILE, f"cannot read {path}: {error.strerror}") from None


def cmd_import(args: argparse.Namespace) -> None:
    """Exit 0 when every record was imported, REJECTED (3) when some were (the summary is
    printed either way); a failure to run at all is one line and its own status."""
    from app.ingest.importer import import_file

    progress = _ProgressBar()

    async def work(env: Any) -> Any:
        workspace_id = await _workspace_id(env, args.workspace)
        return await import_file(env, workspace_id, args.vendor, stream, progress=progress)

    try:
        with _open_input(args.file) as stream:
            summary = _run(_with_env(_settings(args), work))
    finally:
        progress.close()
    _print_json(
        {
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "rejected": [rejection.as_dict() for rejection in summary.rejected],
        }
    )
    if summary.rejected:
        raise SystemExit(int(ExitStatus.REJECTED))


# --- parser --------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Wrong flags: one line (and status 2, as argparse), not the whole usage text."""

    def error(self, message: str) -> NoReturn:
        fail(CliError(ExitStatus.USAGE, f"{message} (see: {self.prog} --help)"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ticketgw", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"ticketgw {version('ticketgw')}")
    parser.add_argument("--database-url", help="overrides TICKETGW_DATABASE_URL")
    # Every command also takes --database-url after its name.
    common = _Parser(add_help=False)
    common.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="overrides TICKETGW_DATABASE_URL"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the gateway", parents=[common])
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--broker-url", help="overrides TICKETGW_BROKER_URL")
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    serve.add_argument(
        "--create",
        action="store_true",
        help="start a new, empty SQLite database if the file does not exist (the default "
        "location needs no flag)",
    )
    serve.add_argument(
        "--grace",
        type=int,
        help="seconds to finish requests on shutdown (overrides TICKETGW_SHUTDOWN_GRACE)",
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations", parents=[common]).set_defaults(
        func=cmd_migrate
    )

    demo = sub.add_parser(
        "demo", help="load demo workspaces and print their keys", parents=[common]
    )
    demo.add_argument("--json", action="store_true", help="print JSON only")
    demo.set_defaults(func=cmd_demo)

    export = sub.add_parser("export-schema", help="print the GraphQL SDL", parents=[common])
    export.add_argument("--output", "-o")
    export.set_defaults(func=cmd_export_schema)

    workspace = sub.add_parser("workspace", help="manage workspaces").add_subparsers(
        dest="action", required=True
    )
    ws_create = workspace.add_parser(
        "create", help="create a workspace; prints its admin key", parents=[common]
    )
    ws_create.add_argument("--name", required=True)
    ws_create.add_argument("--slug", required=True)
    ws_create.add_argument("--timezone", default="UTC")
    ws_create.set_defaults(func=cmd_workspace_create)

    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(
        dest="action", required=True
    )
    k_create = keys.add_parser("create", parents=[common])
    k_create.add_argument("--workspace", required=True)
    k_create.add_argument("--role", choices=["read", "agent", "admin", "display"], default="agent")
    k_create.add_argument(
        "--line-id",
        type=int,
        action="append",
        help="display keys: a line their board shows (repeat for several; needed for them)",
    )
    k_create.add_argument("--user-id", type=int, help="defaults to the workspace's first admin")
    k_create.add_argument("--name", default="")
    k_create.set_defaults(func=cmd_keys_create)
    k_list = keys.add_parser("list", parents=[common])
    k_list.add_argument("--workspace", required=True)
    k_list.set_defaults(func=cmd_keys_list)
    k_revoke = keys.add_parser("revoke", parents=[common])
    k_revoke.add_argument("--workspace", required=True)
    k_revoke.add_argument("--id", type=int, required=True)
    k_revoke.set_defaults(func=cmd_keys_revoke)
    k_rotate = keys.add_parser(
        "rotate", help="revoke a key and print its successor", parents=[common]
    )
    k_rotate.add_argument("--workspace", required=True)
    k_rotate.add_argument("--id", type=int, required=True)
    k_rotate.set_defaults(func=cmd_keys_rotate)

    webhooks = sub.add_parser(
        "webhooks", help="vendor webhook secrets; the outbound webhook worker"
    ).add_subparsers(dest="action", required=True)
    secret = webhooks.add_parser(
        "secret", help="show (creating if missing) or set a vendor's secret"
    )
    secret.add_argument("--workspace", required=True)
    secret.add_argument("--vendor", choices=VENDORS, required=True)
    secret.add_argument("--set", help="use this secret instead of a random one")
    secret.add_argument("--rotate", action="store_true", help="replace with a new random secret")
    secret.set_defaults(func=cmd_webhooks_secret)
    run = webhooks.add_parser(
        "run", help="deliver outbound webhooks (the worker `serve` also runs)", parents=[common]
    )
    run.set_defaults(func=cmd_webhooks_run)

    for entity in ("line", "user", "team"):
        group = sub.add_parser(entity, help=f"manage {entity}s").add_subparsers(
            dest="action", required=True
        )
        create = group.add_parser("create", parents=[common])
        create.add_argument("--workspace", required=True)
        create.add_argument("--name", required=True)
        if entity == "line":
            create.add_argument(
                "--prefix", default="A", help='letter(s) of public ids, "A" gives A-42'
            )
        if entity == "user":
            create.add_argument("--email")
        create.set_defaults(func=cmd_setup_create, entity=entity)

    imp = sub.add_parser(
        "import", help="import vendor tickets from a file (JSON, array, NDJSON)", parents=[common]
    )
    imp.add_argument("--vendor", choices=VENDORS, required=True)
    imp.add_argument("--workspace", required=True)
    imp.add_argument("file", help="path, or - for stdin")
    imp.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=os.environ.get("TICKETGW_LOG_LEVEL", "info").upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    args = build_parser().parse_args(argv)
    if args.command not in ("serve", "migrate"):
        # Each command migrates first; only `migrate` itself has news to tell about it.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        args.func(args)
    except CliError as error:
        fail(error)
    except DomainError as error:
        fail(CliError(ExitStatus.REFUSED, error.message))
    except FileNotFoundError as error:
        fail(CliError(ExitStatus.NO_SUCH_FILE, f"no such file: {error.filename}"))
    except KeyboardInterrupt:
        fail(CliError(ExitStatus.INTERRUPTED, "interrupted"))


if __name__ == "__main__":
    main()
