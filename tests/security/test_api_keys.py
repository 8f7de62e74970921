"""API keys by admin-only GraphQL and by the CLI: shown once, stored hashed, rotated and revoked;
weaker roles are refused and change nothing; raw vendor payloads need an agent key."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select

from app.access.workspaces import create_api_key
from app.db import ApiKey
from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode
from app.domain.principal import hash_api_key
from schema.mutations.api_keys import key_pk

pytestmark = pytest.mark.anyio

CREATE = """mutation($role: Role!) { createApiKey(input: {role: $role, name: "board"}) {
  key apiKey { id name role prefix revokedAt } errors { code } } }"""
ROTATE = """mutation($id: ID!) { rotateApiKey(input: {id: $id}) {
  key apiKey { id role } errors { code field } } }"""
REVOKE = """mutation($id: ID!) { revokeApiKey(input: {id: $id}) {
  apiKey { revokedAt } errors { code } } }"""
VIEWER = "{ viewer { role } }"


async def test_admin_creates_rotates_and_revokes_a_key(gql, db, key):
    created = (await gql(CREATE, {"role": "READ"}, key=key))["data"]["createApiKey"]
    new_key, row = created["key"], created["apiKey"]
    assert new_key.startswith(row["prefix"]) and row["role"] == "READ" and created["errors"] == []
    async with db.read_session() as session:
        stored = (await session.execute(select(ApiKey.key_hash))).scalars().all()
    assert hash_api_key(new_key) in stored and new_key not in stored
    listed = (await gql("{ apiKeys { id prefix } }", key=key))["data"]["apiKeys"]
    assert row["id"] in [k["id"] for k in listed] and new_key not in json.dumps(listed)
    assert (await gql(VIEWER, key=new_key))["data"] == {"viewer": {"role": "READ"}}

    rotated = (await gql(ROTATE, {"id": row["id"]}, key=key))["data"]["rotateApiKey"]
    assert rotated["errors"] == [] and rotated["apiKey"]["role"] == "READ"
    assert (await gql(VIEWER, key=new_key))["errors"][0]["extensions"]["code"] == "INVALID_API_KEY"
    assert (await gql(VIEWER, key=rotated["key"]))["data"] == {"viewer": {"role": "READ"}}
    again = (await gql(ROTATE, {"id": row["id"]}, key=key))["data"]["rotateApiKey"]
    assert again["errors"] == [{"code": "CONFLICT", "field": "id"}] and again["key"] is None

    revoked = await gql(REVOKE, {"id": rotated["apiKey"]["id"]}, key=key)
    assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    assert (await gql(VIEWER, key=rotated["key"]))["errors"][0]["extensions"]["code"] == (
        "INVALID_API_KEY"
    )


@pytest.mark.parametrize("role", [Role.READ, Role.AGENT])
async def test_weaker_roles_cannot_touch_keys(gql, db, workspace, key, role):
    _row, weak = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=role
    )
    admin_row = (await gql("{ apiKeys { id } }", key=key))["data"]["apiKeys"][0]
    async with db.read_session() as session:
        before = (await session.execute(select(ApiKey.id, ApiKey.revoked_at))).all()
    answers = [
        await gql("{ apiKeys { id } }", key=weak),
        await gql(CREATE, {"role": "ADMIN"}, key=weak),
        await gql(ROTATE, {"id": admin_row["id"]}, key=weak),
        await gql(REVOKE, {"id": admin_row["id"]}, key=weak),
    ]
    assert [a["errors"][0]["extensions"]["code"] for a in answers] == ["FORBIDDEN"] * 4
    async with db.read_session() as session:
        assert (await session.execute(select(ApiKey.id, ApiKey.revoked_at))).all() == before


async def test_raw_vendor_payload_needs_an_agent_key(gql, factory, read_key, key):
    await factory.helpdesk_ticket(raw_payload={"secret": "vendor"})
    query = "{ tickets(first: 1) { nodes { origin { system payload } } } }"
    read = await gql(query, key=read_key)
    assert read["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "vendor" not in json.dumps(read["data"])
    admin = await gql(query, key=key)
    assert admin["data"]["tickets"]["nodes"][0]["origin"]["payload"] == {"secret": "vendor"}


def test_cli_rotates_a_key(database_url, capsys):
    from app.cli.main import main

    main(["workspace", "create", "--name", "CLI", "--slug", "cli-rotate", "--database-url",
          database_url])  # fmt: skip
    main(["keys", "create", "--workspace", "cli-rotate", "--role", "read", "--database-url",
          database_url])  # fmt: skip
    capsys.readouterr()
    main(["keys", "list", "--workspace", "cli-rotate", "--database-url", database_url])
    keys = json.loads(capsys.readouterr().out)
    read_id = next(k["id"] for k in keys if k["role"] == "READ")
    main(["keys", "rotate", "--workspace", "cli-rotate", "--id", str(read_id),
          "--database-url", database_url])  # fmt: skip
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["role"] == "READ" and rotated["apiKey"].startswith("tgw_")
    main(["keys", "list", "--workspace", "cli-rotate", "--database-url", database_url])
    after = {k["id"]: k for k in json.loads(capsys.readouterr().out)}
    assert after[read_id]["revokedAt"] is not None and after[rotated["id"]]["revokedAt"] is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("not base64!", ErrorCode.VALIDATION),
        (base64.b64encode(b"User:1").decode(), ErrorCode.NOT_FOUND),
        # A digit int() refuses: NOT_FOUND like any other id that names no key (was a ValueError).
        (base64.b64encode("ApiKey:\u00b2".encode()).decode(), ErrorCode.NOT_FOUND),
    ],
)
def test_a_key_id_that_names_no_key_is_refused_as_data(value, code):
    with pytest.raises(DomainError) as refused:
        key_pk(value)
    assert (refused.value.code, refused.value.field) == (code, "id")


def test_a_key_id_gives_its_key():
    assert key_pk(base64.b64encode(b"ApiKey:42").decode()) == 42
