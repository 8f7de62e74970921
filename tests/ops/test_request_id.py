"""Every response carries X-Request-Id (an incoming plausible id is kept), GraphQL answers
repeat it in extensions.requestId, and the request log line names it with the operation."""

from __future__ import annotations

import json
import logging

import pytest

from app.observability.json_logs import REQUEST_LOGGER, JsonFormatter

pytestmark = pytest.mark.anyio


async def test_generated_id_in_header_and_extensions(client, key):
    response = await client.post(
        "/graphql",
        json={"query": "query Me { viewer { role } }"},
        headers={"Authorization": f"Bearer {key}"},
    )
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    assert response.json()["extensions"] == {"requestId": request_id}


async def test_incoming_id_is_kept_and_a_bad_one_replaced(client):
    kept = await client.get("/healthz", headers={"X-Request-Id": "lb-7f3a:42"})
    assert kept.headers["x-request-id"] == "lb-7f3a:42"
    replaced = await client.get("/healthz", headers={"X-Request-Id": "<script>" + "x" * 200})
    assert replaced.headers["x-request-id"] not in ("", "<script>" + "x" * 200)
    assert len(replaced.headers["x-request-id"]) == 32


async def test_one_json_log_line_per_request(client, key, workspace, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    await client.post(
        "/graphql",
        json={"query": "query LogMe { viewer { role } }"},
        headers={"Authorization": f"Bearer {key}", "X-Request-Id": "log-me-1"},
    )
    records = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line.pop("time") and line.pop("duration_ms") >= 0
    assert line.pop("sql_statements") >= 2
    assert line == {
        "level": "info",
        "logger": REQUEST_LOGGER,
        "message": "request",
        "request_id": "log-me-1",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation": "LogMe",
        "operation_type": "query",
        "outcome": "ok",
        "workspace_id": workspace.workspace.id,
        "cost": None,
    }
