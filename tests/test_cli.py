"""The `ticketgw` command, run as a user runs it: a subprocess with its own database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def ticketgw(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "--database-url", f"sqlite:///{db}", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_demo_json_writes_only_json_to_stdout(db_path):
    result = ticketgw("demo", "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)  # nothing but JSON on stdout
    slugs = [w["slug"] for w in payload["workspaces"]]
    assert len(slugs) == 2 and len(set(slugs)) == 2
    for workspace in payload["workspaces"]:
        assert set(workspace) == {"slug", "name", "id", "apiKey", "webhookSecrets"}
        assert workspace["apiKey"].startswith("tgw_")
        assert set(workspace["webhookSecrets"]) == {"qminder", "gorgias", "zaia"}


def test_workspace_keys_and_setup_commands(db_path):
    created = ticketgw("workspace", "create", "--name", "Clinic", "--slug", "clinic", db=db_path)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["apiKey"].startswith("tgw_")

    line = ticketgw("line", "create", "--workspace", "clinic", "--name", "Pharmacy", db=db_path)
    assert line.returncode == 0, line.stderr
    assert json.loads(line.stdout)["name"] == "Pharmacy"

    key = json.loads(
        ticketgw("keys", "create", "--workspace", "clinic", "--role", "read", db=db_path).stdout
    )
    listed = json.loads(ticketgw("keys", "list", "--workspace", "clinic", db=db_path).stdout)
    assert [k["role"] for k in listed] == ["ADMIN", "READ"]
    assert all(key["apiKey"] not in json.dumps(k) for k in listed)  # shown once, stored hashed

    revoked = ticketgw(
        "keys", "revoke", "--workspace", "clinic", "--id", str(key["id"]), db=db_path
    )
    assert json.loads(revoked.stdout)["revokedAt"] is not None


def test_unknown_workspace_is_a_clear_error(db_path):
    result = ticketgw("keys", "list", "--workspace", "nope", db=db_path)
    assert result.returncode != 0
    assert "no workspace" in result.stderr


def test_duplicate_slug_is_refused(db_path):
    assert ticketgw("workspace", "create", "--name", "A", "--slug", "a", db=db_path).returncode == 0
    again = ticketgw("workspace", "create", "--name", "A", "--slug", "a", db=db_path)
    assert again.returncode == 1  # refused (2 is for wrong flags)
    assert "slug" in again.stderr


def test_import_reads_stdin_and_prints_a_summary(db_path):
    ticketgw("workspace", "create", "--name", "S", "--slug", "support", db=db_path)
    records = [
        {"id": 1, "status": "open", "subject": "Refund", "channel": "email", "via": "email",
         "created_datetime": "2026-01-01T10:00:00", "updated_datetime": "2026-01-01T10:00:00"},
        {"id": 2, "status": "weird"},
    ]  # fmt: skip
    ndjson = "\n".join(json.dumps(r) for r in records) + "\n"
    result = ticketgw(
        "import", "--vendor", "gorgias", "--workspace", "support", "-", db=db_path, stdin=ndjson
    )
    assert result.returncode == 3, result.stderr  # some records rejected; summary printed
    summary = json.loads(result.stdout)
    assert summary["created"] == 1
    assert summary["rejected"] == [{"line": 2, "field": "status", "reason": "Unknown status."}]


def test_display_keys_from_the_command_line_name_their_lines(db_path):
    ticketgw("workspace", "create", "--name", "Clinic", "--slug", "clinic", db=db_path)
    line = json.loads(
        ticketgw("line", "create", "--workspace", "clinic", "--name", "Lobby", db=db_path).stdout
    )
    made = ticketgw(
        "keys", "create", "--workspace", "clinic", "--role", "display",
        "--line-id", str(line["id"]), db=db_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert (shown["role"], shown["lineIds"]) == ("DISPLAY", [line["id"]])
    refused = ticketgw("keys", "create", "--workspace", "clinic", "--role", "display", db=db_path)
    assert refused.returncode != 0 and "lines" in refused.stderr
