"""The generators and linters clients run over our SDL and schema/operations/ pass clean:
graphql-codegen (typescript + typescript-operations), relay-compiler, and graphql-schema-linter
with the description rules. The npm packages are pinned in package-lock.json (`npm ci`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.browser.node_tools import BIN, HERE, missing_node_tools, needs

ROOT = HERE.parents[1]
SDL = ROOT / "schema" / "schema.graphql"
OPERATIONS = ROOT / "schema" / "operations"
DESCRIPTION_RULES = (
    "types-have-descriptions",
    "fields-have-descriptions",
    "arguments-have-descriptions",
    "input-object-values-have-descriptions",
    "enum-values-have-descriptions",
)

pytestmark = needs(missing_node_tools())


def _run(*command: str | Path, cwd: Path = HERE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=180
    )


def test_graphql_codegen_types_every_operation(tmp_path):
    out = tmp_path / "operations.ts"
    config = {
        "schema": str(SDL),
        "documents": str(OPERATIONS / "**" / "*.graphql"),
        "generates": {str(out): {"plugins": ["typescript", "typescript-operations"]}},
    }
    (tmp_path / "codegen.json").write_text(json.dumps(config))
    result = _run(BIN / "graphql-codegen", "--config", tmp_path / "codegen.json")
    assert result.returncode == 0, result.stdout + result.stderr
    generated = out.read_text()
    for name in ("DashboardQuery", "CreateQueueTicketMutation", "BoardSubscription"):
        assert f"export type {name} = " in generated


def test_relay_compiler_compiles_every_operation(tmp_path):
    made = _run("node", HERE / "relay_sources.mjs", OPERATIONS, tmp_path / "src")
    assert made.returncode == 0, made.stderr
    (tmp_path / "gen").mkdir()
    config = {
        "src": "./src",
        "schema": str(SDL),
        "language": "typescript",
        "artifactDirectory": "./gen",
    }
    (tmp_path / "relay.config.json").write_text(json.dumps(config))
    result = _run(BIN / "relay-compiler", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    artifacts = {p.name.removesuffix(".graphql.ts") for p in (tmp_path / "gen").iterdir()}
    assert {"Dashboard", "TicketCard", "CallNextTicket", "Board", "FirstLook"} <= artifacts


def test_every_schema_element_has_a_description():
    result = _run(
        BIN / "graphql-schema-linter",
        "--rules",
        ",".join(DESCRIPTION_RULES),
        "--format",
        "json",
        SDL,
    )
    errors = json.loads(result.stdout)["errors"]
    assert [e["message"] for e in errors] == []
    assert result.returncode == 0, result.stderr
