"""The delivery client alone: connections go to the address checked when they are opened (a
name is resolved once, by the checked resolver), redirects are not followed, an answer is kept
only as an excerpt, and connections to a receiver are reused."""

from __future__ import annotations

import ipaddress

import pytest

from app.webhooks import addresses
from app.webhooks.sender import EXCERPT_BYTES, new_client, send

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolve to what the test says (the system's resolver is not asked)."""
    table: dict[str, list[str]] = {}
    asked: list[str] = []

    async def resolve(host, port):
        asked.append(host)
        if host not in table:
            raise addresses.RefusedAddress(addresses.UNRESOLVED)
        return [ipaddress.ip_address(a) for a in table[host]]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return table, asked


async def _post(url, *, allow_private, timeout=5.0):
    client = new_client(allow_private=allow_private, max_connections=4)
    try:
        return await send(
            client, url, {"webhook-id": "x"}, b"{}", timeout=timeout, allow_private=allow_private
        )
    finally:
        await client.close()


async def test_a_name_is_dialled_at_the_address_it_resolved_to(receiver, fake_dns):
    table, asked = fake_dns
    table["hooks.example.test"] = ["127.0.0.1"]
    outcome = await _post(f"http://hooks.example.test:{receiver.port}/in", allow_private=True)
    assert outcome.ok, outcome
    assert asked == ["hooks.example.test"]
    [request] = receiver.received
    assert request.headers["host"] == f"hooks.example.test:{receiver.port}"
    assert request.headers["user-agent"] == "ticketgw-webhooks/1"
    assert "accept-encoding" not in request.headers  # the error excerpt is never compressed


@pytest.mark.parametrize("resolved", [["127.0.0.1"], ["93.184.215.14", "10.0.0.1"], ["::1"]])
async def test_a_name_resolving_to_a_private_address_is_refused_at_connect_time(
    receiver, fake_dns, resolved
):
    """What the name resolves to when the connection opens counts (DNS rebinding): here a name
    saved as public now resolves to the receiver on loopback."""
    table, _asked = fake_dns
    table["rebound.example.test"] = resolved
    outcome = await _post(f"http://rebound.example.test:{receiver.port}/in", allow_private=False)
    assert outcome.status is None
    assert outcome.error is not None
    assert outcome.error.startswith("refused: its host is or resolves to a loopback")
    assert receiver.received == []


async def test_a_private_literal_address_is_refused(receiver):
    outcome = await _post(receiver.url(), allow_private=False)
    assert outcome.error is not None and outcome.error.startswith("refused:")
    assert receiver.received == []


async def test_a_redirect_is_not_followed(receiver):
    receiver.script = lambda path, _n: 307 if path == "/moved" else 204
    outcome = await _post(receiver.url("/moved"), allow_private=True)
    assert (outcome.status, outcome.error) == (307, "redirects are not followed")
    assert [r.path for r in receiver.received] == ["/moved"]


async def test_an_error_answer_is_kept_as_an_excerpt(receiver):
    receiver.script = lambda _path, _n: 500  # the receiver answers "nope" * 100
    outcome = await _post(receiver.url(), allow_private=True)
    assert outcome.status == 500
    assert outcome.error == ("nope" * 100)[:EXCERPT_BYTES]


async def test_connections_to_a_receiver_are_kept_alive(receiver):
    client = new_client(allow_private=True, max_connections=4)
    try:
        for _ in range(5):
            outcome = await send(client, receiver.url(), {}, b"{}", timeout=5.0, allow_private=True)
            assert outcome.ok
    finally:
        await client.close()
    assert len({r.peer_port for r in receiver.received}) == 1
