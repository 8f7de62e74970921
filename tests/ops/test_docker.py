"""docker/ without a Docker engine: hadolint on the Dockerfile, the compose file against the
compose-spec JSON schema, and the names that must agree across the files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from app.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_dockerfile_passes_hadolint():
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(DOCKER / "Dockerfile")], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_compose_file_matches_the_compose_spec():
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DOCKER / "compose.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def dockerfile_instruction(name: str) -> str:
    lines = (DOCKER / "Dockerfile").read_text().splitlines()
    return next(line.split(" ", 1)[1] for line in lines if line.startswith(f"{name} "))


def test_compose_services_agree_with_the_image_and_settings():
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    services = compose["services"]
    assert sorted(services) == ["gateway-1", "gateway-2", "postgres", "proxy", "redis"]
    gateways = [services["gateway-1"], services["gateway-2"]]
    assert gateways[0] == gateways[1]  # two replicas of one definition
    gateway = gateways[0]
    assert gateway["build"]["dockerfile"] == "docker/Dockerfile"
    setting_names = {f"TICKETGW_{f.name.upper()}" for f in fields(Settings)}
    assert set(gateway["environment"]) <= setting_names
    assert gateway["environment"]["TICKETGW_BROKER_URL"].startswith("redis://redis:")
    assert "@postgres:5432/" in gateway["environment"]["TICKETGW_DATABASE_URL"]
    # Every container has a health check; the gateways' asks /readyz on the port the image exposes.
    port = dockerfile_instruction("EXPOSE")
    assert f"127.0.0.1:{port}/readyz" in " ".join(gateway["healthcheck"]["test"])
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["redis"]
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(rf"HEALTHCHECK [^\n]*\\\n\s+CMD .*127\.0\.0\.1:{port}/healthz", dockerfile)
    # Docker's SIGKILL comes after the gateway's own grace period.
    grace = int(gateway["environment"]["TICKETGW_SHUTDOWN_GRACE"])
    assert int(gateway["stop_grace_period"].rstrip("s")) > grace
    # nginx sends traffic to both replicas on that port, WebSocket upgrades included.
    nginx = (DOCKER / "nginx.conf").read_text()
    assert re.findall(r"server (\S+);", nginx) == [f"gateway-1:{port}", f"gateway-2:{port}"]
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
    assert services["proxy"]["ports"] == [f"{port}:80"]


def test_image_runs_the_command_readme_documents():
    command = json.loads(dockerfile_instruction("CMD"))
    assert command[:2] == ["ticketgw", "serve"]
    assert " ".join(command) in (ROOT / "README.md").read_text()
    assert dockerfile_instruction("USER").split(":")[0].isdigit()  # non-root, numeric
