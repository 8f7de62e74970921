"""The CLI's checks of the database before a command touches it, each failure one CliError:
a URL we can't use, a database that does not answer, and (serve) a new empty SQLite file
outside the default location, which is more often a typo or the wrong folder than a wish."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import create_async_engine

from app.cli.errors import CliError, ExitStatus
from app.config import default_database_path, normalize_database_url

DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
EXTRAS = {"asyncpg": "pip install 'ticketgw[postgres]'"}
EXAMPLES = "sqlite:///path/to/ticketgw.db or postgresql://user@host:5432/db"
PROBE_TIMEOUT = 10.0


def parse_database_url(url: str) -> URL:
    try:
        parsed = make_url(normalize_database_url(url))
    except ArgumentError:
        raise CliError(
            ExitStatus.BAD_DATABASE_URL, f"{url!r} is not a database URL (try {EXAMPLES})"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in DRIVERS:
        raise CliError(
            ExitStatus.BAD_DATABASE_URL,
            f"{backend!r} databases are not supported: use {EXAMPLES}",
        )
    driver = parsed.get_driver_name()
    if driver != DRIVERS[backend]:
        raise CliError(
            ExitStatus.BAD_DATABASE_URL,
            f"the {driver!r} driver is not supported for {backend}: use {DRIVERS[backend]}",
        )
    if importlib.util.find_spec(driver) is None:
        hint = EXTRAS.get(driver, f"pip install {driver}")
        raise CliError(ExitStatus.BAD_DATABASE_URL, f"{backend} needs {driver}: {hint}")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL and in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def describe(url: URL) -> str:
    """For people: the file of a SQLite database, the URL without password otherwise."""
    path = sqlite_file(url)
    if path is not None:
        return f"SQLite database {path}"
    return f"PostgreSQL database {url.render_as_string(hide_password=True)}"


def prepare_new_database(url: URL, *, allow_create: bool) -> bool:
    """Make room for a SQLite file that does not exist yet; True when it is new. The default
    location is created freely; elsewhere only with `allow_create` (serve --create)."""
    path = sqlite_file(url)
    if path is None or path.exists():
        return False
    if path == default_database_path().resolve():
        path.parent.mkdir(parents=True, exist_ok=True)
        return True
    if not allow_create:
        raise CliError(
            ExitStatus.NO_DATABASE_YET,
            f"there is no database at {path}; pass --create to start a new, empty one there",
        )
    return True


async def _probe(url: URL) -> None:
    path = sqlite_file(url)
    if path is not None:
        # The standard library's driver, synchronously: aiosqlite's worker thread outlives a
        # failed connect and reports into a closed event loop.
        with closing(sqlite3.connect(path, timeout=PROBE_TIMEOUT)) as conn:
            conn.execute("SELECT 1")
        return
    engine = create_async_engine(url)
    try:
        async with asyncio.timeout(PROBE_TIMEOUT), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def check_reachable(url: URL) -> None:
    """One connection and SELECT 1, so that a database that is down fails here, with one line,
    and not deep inside a migration."""
    try:
        asyncio.run(_probe(url))
    except Exception as error:  # whatever the driver raises for "no": refused, auth, timeout
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        detail = reason[0] if reason else type(error).__name__
        raise CliError(
            ExitStatus.DATABASE_UNREACHABLE, f"cannot open the {describe(url)}: {detail}"
        ) from None
