"""Every `ticketgw` subcommand, run as a real process against a new SQLite file, does what it
says: each test checks the effect (rows written, a key that works, a server that answers), not
only the exit status. A subcommand added without a test here fails the first test."""

from __future__ import annotations

import argparse
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent

# Every leaf subcommand, and the test below that runs it.
SMOKED = {
    "serve": "test_serve_answers_graphql_with_a_key_the_cli_made",
    "migrate": "test_migrate_brings_a_new_file_to_the_latest_revision",
    "demo": "test_demo_loads_two_workspaces_of_tickets",
    "export-schema": "test_export_schema_prints_the_checked_in_sdl",
    "workspace create": "test_workspace_create_writes_the_workspace_and_its_admin_key",
    "keys create": "test_keys_create_list_revoke_rotate",
    "keys list": "test_keys_create_list_revoke_rotate",
    "keys revoke": "test_keys_create_list_revoke_rotate",
    "keys rotate": "test_keys_create_list_revoke_rotate",
    "webhooks secret": "test_webhooks_secret_shows_sets_and_rotates",
    # A long-running worker: its own test runs it as a process and stops it with SIGTERM.
    "webhooks run": (
        "tests/webhooks/test_cli_worker.py::test_webhooks_run_delivers_and_stops_on_sigterm"
    ),
    "line create": "test_line_user_team_create_write_rows",
    "user create": "test_line_user_team_create_write_rows",
    "team create": "test_line_user_team_create_write_rows",
    "import": "test_import_of_a_file_writes_its_tickets",
}


def _leaves(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [prefix.strip()]
    return [
        leaf
        for name, child in subs[0].choices.items()
        for leaf in _leaves(child, f"{prefix} {name}")
    ]


def test_every_subcommand_has_a_smoke_test() -> None:
    assert sorted(_leaves(build_parser())) == sorted(SMOKED)
    for test in SMOKED.values():
        path, _, name = test.rpartition("::")
        if path:
            assert re.search(rf"^(async )?def {name}\(", (ROOT / path).read_text(), re.M), test
        else:
            assert test in globals(), test


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "--database-url", f"sqlite:///{db}", *args],
        capture_output=True, text=True, input=stdin, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip


def ok(db: Path, *args: str, stdin: str | None = None) -> Any:
    """Run a subcommand that prints JSON; its parsed output."""
    done = run(db, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "smoke.db"


@pytest.fixture
def clinic(db: Path) -> dict[str, Any]:
    return ok(db, "workspace", "create", "--name", "Clinic", "--slug", "clinic")  # type: ignore[no-any-return]


def test_export_schema_prints_the_checked_in_sdl(tmp_path: Path, db: Path) -> None:
    printed = run(db, "export-schema")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == (ROOT / "schema" / "schema.graphql").read_text()
    target = tmp_path / "out.graphql"
    assert run(db, "export-schema", "-o", str(target)).returncode == 0
    assert target.read_text() == printed.stdout


def test_migrate_brings_a_new_file_to_the_latest_revision(db: Path) -> None:
    migrations = ROOT / "app" / "db" / "migrations" / "versions"
    latest = max(p.name.split("_", 1)[0] for p in migrations.glob("[0-9]*.py"))
    for _ in range(2):  # a second run finds nothing to do
        done = run(db, "migrate")
        assert done.returncode == 0, done.stderr
        assert rows(db, "SELECT version_num FROM alembic_version") == [(latest,)]
    assert rows(db, "SELECT count(*) FROM workspace") == [(0,)]


def test_demo_loads_two_workspaces_of_tickets(db: Path) -> None:
    payload = ok(db, "demo", "--json")
    assert len(payload["workspaces"]) == 2
    per_workspace = rows(db, "SELECT workspace_id, kind, count(*) FROM ticket GROUP BY 1, 2")
    assert {kind for _, kind, _ in per_workspace} == {"QUEUE", "HELPDESK"}
    assert all(count > 0 for _, _, count in per_workspace)
    assert rows(db, "SELECT count(*) FROM ticket_event")[0][0] > 0


def test_workspace_create_writes_the_workspace_and_its_admin_key(
    db: Path, clinic: dict[str, Any]
) -> None:
    assert rows(db, "SELECT id, slug, name FROM workspace") == [(clinic["id"], "clinic", "Clinic")]
    assert rows(db, "SELECT role FROM api_key WHERE workspace_id = ?", clinic["id"]) == [("ADMIN",)]
    assert clinic["apiKey"].startswith("tgw_")


def test_keys_create_list_revoke_rotate(db: Path, clinic: dict[str, Any]) -> None:
    reader = ok(db, "keys", "create", "--workspace", "clinic", "--role", "read", "--name", "tv")
    assert (reader["role"], reader["name"]) == ("READ", "tv")
    listed = ok(db, "keys", "list", "--workspace", "clinic")
    assert [(k["id"], k["role"]) for k in listed][-1] == (reader["id"], "READ")

    revoked = ok(db, "keys", "revoke", "--workspace", "clinic", "--id", str(reader["id"]))
    assert revoked["revokedAt"] is not None
    stored = rows(db, "SELECT revoked_at FROM api_key WHERE id = ?", reader["id"])
    assert stored[0][0] is not None

    admin_id = listed[0]["id"]
    successor = ok(db, "keys", "rotate", "--workspace", "clinic", "--id", str(admin_id))
    assert successor["id"] != admin_id and successor["role"] == "ADMIN"
    assert successor["apiKey"] not in (clinic["apiKey"], reader["apiKey"])
    live = rows(db, "SELECT id FROM api_key WHERE revoked_at IS NULL")
    assert live == [(successor["id"],)]


def test_webhooks_secret_shows_sets_and_rotates(db: Path, clinic: dict[str, Any]) -> None:
    args = ("webhooks", "secret", "--workspace", "clinic", "--vendor", "gorgias")
    made = ok(db, *args)["secret"]
    assert ok(db, *args)["secret"] == made  # shown again, not replaced
    assert ok(db, *args, "--set", "s3cret")["secret"] == "s3cret"
    assert rows(db, "SELECT vendor, secret FROM webhook_secret") == [("gorgias", "s3cret")]
    rotated = ok(db, *args, "--rotate")["secret"]
    assert rotated not in (made, "s3cret")
    assert rows(db, "SELECT count(*) FROM webhook_secret") == [(1,)]


def test_line_user_team_create_write_rows(db: Path, clinic: dict[str, Any]) -> None:
    line = ok(db, "line", "create", "--workspace", "clinic", "--name", "Pharmacy", "--prefix", "P")
    user = ok(db, "user", "create", "--workspace", "clinic", "--name", "Ann", "--email", "a@x.org")
    team = ok(db, "team", "create", "--workspace", "clinic", "--name", "Billing")
    assert rows(db, "SELECT name, prefix FROM line WHERE id = ?", line["id"]) == [("Pharmacy", "P")]
    assert rows(db, "SELECT name, email FROM app_user WHERE id = ?", user["id"]) == [
        ("Ann", "a@x.org")
    ]
    assert rows(db, "SELECT name FROM team WHERE id = ?", team["id"]) == [("Billing",)]


def test_import_of_a_file_writes_its_tickets(
    tmp_path: Path, db: Path, clinic: dict[str, Any]
) -> None:
    records = [
        {"id": 7, "status": "open", "subject": "Refund", "channel": "email", "via": "email",
         "created_datetime": "2026-01-01T10:00:00", "updated_datetime": "2026-01-01T10:00:00"},
    ]  # fmt: skip
    path = tmp_path / "gorgias.json"
    path.write_text(json.dumps(records))
    summary = ok(db, "import", "--vendor", "gorgias", "--workspace", "clinic", str(path))
    assert summary["created"] == 1 and summary["rejected"] == []
    assert rows(db, "SELECT title, status FROM ticket") == [("Refund", "OPEN")]
    again = ok(db, "import", "--vendor", "gorgias", "--workspace", "clinic", str(path))
    assert again["created"] == 0  # the same record twice is one ticket
    assert rows(db, "SELECT count(*) FROM ticket") == [(1,)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_graphql_with_a_key_the_cli_made(db: Path, clinic: dict[str, Any]) -> None:
    ok(db, "line", "create", "--workspace", "clinic", "--name", "Pharmacy", "--prefix", "P")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "--database-url", f"sqlite:///{db}",
         "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            time.sleep(0.1)
        answer = httpx.post(
            f"{url}/graphql",
            json={"query": "{ lines { name } }"},
            headers={"Authorization": f"Bearer {clinic['apiKey']}"},
            timeout=10,
        )
        assert answer.json()["data"] == {"lines": [{"name": "Pharmacy"}]}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # SIGTERM is an orderly stop (uvicorn then re-raises it: -15 is its exit status).
    assert "Application shutdown complete." in output
    assert server.returncode in (0, -15), output
