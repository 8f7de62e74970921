"""`ticketgw import` as a script sees it: exit 0 when every record was imported, 3 when some
were rejected (the summary still printed), and one line on stderr with a status of its own when
it could not run (app/cli/errors.py). `--database-url` goes after the subcommand too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.errors import ExitStatus
from app.cli.main import main

FIXTURE = Path(__file__).parent / "connectors" / "fixtures" / "gorgias_message_routing.json"


def ticketgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "TICKETGW_LOG_LEVEL": "warning"},
    )


def test_rejected_records_exit_3_with_the_summary_and_the_rest_imported(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    created = ticketgw("workspace", "create", "--name", "S", "--slug", "s", "--database-url", url)
    assert created.returncode == 0, created.stderr
    good = json.loads(FIXTURE.read_text())
    records = [good, {"id": 2, "status": "archived"}, good | {"id": 3}]
    (tmp_path / "export.json").write_text(json.dumps(records, indent=2))
    args = ("import", "--vendor", "gorgias", "--workspace", "s", str(tmp_path / "export.json"))
    result = ticketgw(*args, "--database-url", url)
    assert result.returncode == 3, result.stderr
    summary = json.loads(result.stdout)
    lines = (tmp_path / "export.json").read_text().splitlines()
    second = [n for n, text in enumerate(lines, start=1) if text == "  {"][1]
    assert summary["created"] == 2
    assert summary["rejected"] == [
        {"line": second, "index": 1, "field": "status", "reason": "Unknown status."}
    ]
    again = ticketgw(*args[:-1], str(FIXTURE), "--database-url", url)
    assert again.returncode == 0 and json.loads(again.stdout)["unchanged"] == 1


@pytest.mark.parametrize(
    ("target", "url", "status", "says"),
    [
        ("missing.json", None, ExitStatus.NO_SUCH_FILE, "error: no such file: "),
        (".", None, ExitStatus.NO_SUCH_FILE, " is a directory, not a file"),
        (str(FIXTURE), "nonsense://nowhere", ExitStatus.BAD_DATABASE_URL, "'nonsense'"),
        (str(FIXTURE), "sqlite:////no/such/folder/x.db", ExitStatus.DATABASE_UNREACHABLE,
         "/no/such/folder/x.db"),
    ],
    ids=["missing-file", "directory", "bad-url", "no-folder"],
)  # fmt: skip
def test_an_import_that_cannot_run_says_why_on_one_line(
    tmp_path, capsys, target, url, status, says
):
    url = url or f"sqlite:///{tmp_path / 'cli.db'}"
    path = str(tmp_path / target) if not target.startswith("/") else target
    with pytest.raises(SystemExit) as exited:  # in-process: a subprocess costs seconds
        main(["import", "--vendor", "zaia", "--workspace", "s", path, "--database-url", url])
    assert exited.value.code == status
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and says in err, err
