"""An unexpected exception leaves as INTERNAL_SERVER_ERROR with an error id (the log line with
that id has the traceback); expected errors pass through and are not logged at ERROR."""

from __future__ import annotations

import logging

import pytest

from app.access import workspaces

pytestmark = pytest.mark.anyio


async def test_unexpected_errors_are_masked_and_logged_with_an_id(gql, key, monkeypatch, caplog):
    async def broken(db, workspace_id):
        raise RuntimeError("SELECT key_hash FROM api_key -- secret detail")

    monkeypatch.setattr(workspaces, "list_api_keys", broken)
    with caplog.at_level(logging.ERROR):
        body = await gql("{ apiKeys { id } }", key=key)
    [error] = body["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "SELECT" not in str(body) and "Traceback" not in str(body)
    [record] = [r for r in caplog.records if error["extensions"]["errorId"] in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "secret detail" in str(record.exc_info[1])


async def test_expected_errors_pass_through_unlogged(gql, key, caplog):
    with caplog.at_level(logging.DEBUG):
        body = await gql("{ tickets(first: 500) { totalCount } }", key=key)
        unauthenticated = await gql("{ tickets { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
