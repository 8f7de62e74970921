"""Every expected failure of `ticketgw` is one line on stderr and an exit status of its own
(app/cli/errors.py), never a traceback; plus --version, the default database and `demo` again.

Most run `main()` in this process (an interpreter start costs a second); those whose one line
could be drowned in migration logs run as a subprocess, as a user runs them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from app.cli import main as cli
from app.cli.errors import ExitStatus
from app.db.engine import Database
from app.demo.seed import load_demo
from tests.subscriptions.helpers import env_for, free_port


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "TICKETGW_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        capture_output=True, text=True, timeout=120, check=False, env={**environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture
def main(capsys, monkeypatch):  # type: ignore[no-untyped-def]
    """`ticketgw ARGS` in this process: a CompletedProcess-like result."""
    monkeypatch.delenv("TICKETGW_DATABASE_URL", raising=False)

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        status = 0
        try:
            cli.main(list(args))
        except SystemExit as exit:
            status = int(exit.code or 0)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out.out, out.err)

    return call


def one_line(result: subprocess.CompletedProcess[str], status: ExitStatus, *words: str) -> str:
    lines = result.stderr.splitlines()
    assert (result.returncode, len(lines)) == (status, 1), result.stderr
    assert lines[0].startswith("ticketgw: error: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    "url", ["not a url", "mysql://root@127.0.0.1/db", "sqlite+pysqlite:///x.db"]
)
def test_a_bad_database_url(main, url):
    result = main("--database-url", url, "keys", "list", "--workspace", "acme")
    one_line(result, ExitStatus.BAD_DATABASE_URL)


def test_a_bad_database_url_from_the_environment():
    result = run("migrate", env={"TICKETGW_DATABASE_URL": "nope://"})
    one_line(result, ExitStatus.BAD_DATABASE_URL, "'nope'")


def test_an_unreachable_postgresql(main):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/ticketgw"  # nothing listens there
    one_line(main("--database-url", url, "migrate"), ExitStatus.DATABASE_UNREACHABLE, "127.0.0.1")


def test_an_unreachable_sqlite_file(main, tmp_path):
    url = f"sqlite:///{tmp_path}/no/such/folder/x.db"
    result = main("--database-url", url, "keys", "list", "--workspace", "acme")
    one_line(result, ExitStatus.DATABASE_UNREACHABLE, "no/such/folder/x.db")


@pytest.mark.anyio
async def test_a_missing_file(database_url, workspace, tmp_path):
    missing = tmp_path / "tickets.ndjson"
    args = ("import", "--vendor", "gorgias", "--workspace", workspace.workspace.slug, str(missing))
    result = await asyncio.to_thread(run, "--database-url", database_url, *args)
    one_line(result, ExitStatus.NO_SUCH_FILE, str(missing))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("keys", "list"), ("--workspace", "ticketgw keys list --help")),
        (("serve", "--port", "eighty"), ("--port",)),
        (("no-such-command",), ("no-such-command",)),
    ],
)
def test_wrong_flags(main, args, words):
    one_line(main(*args), ExitStatus.USAGE, *words)


def test_a_refused_command(database_url):
    result = run("--database-url", database_url, "keys", "list", "--workspace", "nope")
    one_line(result, ExitStatus.REFUSED, "no workspace")


def test_serve_does_not_create_a_database_elsewhere_without_create(main, tmp_path):
    result = main("--database-url", f"sqlite:///{tmp_path}/typo.db", "serve")
    one_line(result, ExitStatus.NO_DATABASE_YET, "--create", str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()


def test_version(main):
    result = main("--version")
    assert (result.returncode, result.stdout) == (0, "ticketgw 0.1.0\n")


def test_serve_uses_and_prints_the_default_database(tmp_path):
    """No TICKETGW_DATABASE_URL: the file in the user's data folder, made there, named in the
    first log line."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    env.pop("TICKETGW_DATABASE_URL", None)
    command = [sys.executable, "-m", "app.cli.main", "serve", "--port", str(free_port())]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as proc:
        try:
            first = json.loads(proc.stderr.readline())  # type: ignore[union-attr]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    expected = tmp_path / "ticketgw" / "ticketgw.db"
    assert first["message"] == f"Using the SQLite database {expected} (new)"
    deadline = time.monotonic() + 5
    while not expected.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert expected.exists()


@pytest.mark.anyio
async def test_demo_json_on_a_loaded_demo_lists_it_with_fresh_keys(tmp_path):
    """As after `serve --demo`: the demo is there (a small one here), `demo --json` lists it."""
    url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
    await asyncio.to_thread(cli.migrate, url)
    db = Database(url)
    try:
        first = await load_demo(env_for(db), scale=0.05)
    finally:
        await db.dispose()
    result = run("--database-url", url, "demo", "--json")
    assert result.returncode == 0, result.stderr
    again = json.loads(result.stdout)["workspaces"]
    assert [(w["slug"], w["id"]) for w in again] == [(w.slug, w.id) for w in first]
    for before, after in zip(first, again, strict=True):
        assert after["apiKey"] != before.api_key and after["apiKey"].startswith("tgw_")
        assert after["webhookSecrets"] == before.webhook_secrets
