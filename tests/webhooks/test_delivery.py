"""The delivery worker against a real receiver: order, signatures, retries, pause and resume,
410, rotation, redelivery, and one slow receiver beside a fast one."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.db import WebhookDelivery, WebhookEndpoint
from app.domain.cursors import decode_event_cursor, encode_event_cursor
from app.domain.event_filter import EventFilter
from app.live.event_log import read_events
from app.webhooks import endpoints
from tests.webhooks.conftest import LOCAL
from tests.webhooks.receiver import HANG, Receiver

pytestmark = pytest.mark.anyio


async def _endpoint(db, workspace, url, event_filter=EventFilter()):
    return await endpoints.create_endpoint(
        db, LOCAL, workspace_id=workspace.workspace.id, url=url, event_filter=event_filter
    )


async def _row(db, endpoint_id) -> WebhookEndpoint:
    async with db.read_session() as session:
        return await session.get(WebhookEndpoint, endpoint_id)


async def _attempts(db, endpoint_id) -> list[WebhookDelivery]:
    async with db.read_session() as session:
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        return list((await session.execute(stmt.order_by(WebhookDelivery.id))).scalars())


async def _log_cursors(db, workspace) -> list[str]:
    events = await read_events(db, workspace.workspace.id, after_seq=0, limit=1000)
    return [encode_event_cursor(e.seq) for e in events]


def _seqs(received) -> list[int]:
    return [decode_event_cursor(r.headers["webhook-id"]) for r in received]


async def test_every_event_arrives_in_order_signed(db, workspace, desk, receiver, worker):
    endpoint, secret = await _endpoint(db, workspace, receiver.url())
    assert secret.startswith("whsec_")
    await desk.status_changes(9)
    expected = await _log_cursors(db, workspace)
    assert len(expected) == 9
    await receiver.wait_for(lambda: len(receiver.received) >= 9)

    verifier = Webhook(secret)
    bodies = [verifier.verify(r.body, r.headers) for r in receiver.received]
    assert [r.headers["webhook-id"] for r in receiver.received] == expected
    assert [b["cursor"] for b in bodies] == expected
    assert [b["type"] for b in bodies] == [r.headers["ticketgw-event"] for r in receiver.received]
    assert [b["type"] for b in bodies[:3]] == ["CREATED", "CALLED", "SERVED"]
    first = bodies[0]
    assert first["workspace"] == workspace.workspace.slug
    assert (first["fromState"], first["toState"], first["toStatus"]) == (None, "OPEN", "NEW")
    assert first["ticket"]["kind"] == "QUEUE"
    assert first["actor"]["name"] == "Admin"
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoints.generate_secret()).verify(receiver.received[0].body,
                                                    receiver.received[0].headers)  # fmt: skip
    await worker.idle()
    row = await _row(db, endpoint.id)
    assert row.last_delivered_seq == decode_event_cursor(expected[-1])
    assert (row.status, row.consecutive_failures, row.lease_owner) == ("ACTIVE", 0, None)
    attempts = await _attempts(db, endpoint.id)
    assert [(a.attempt, a.succeeded, a.response_status) for a in attempts] == [(1, True, 204)] * 9


async def test_events_before_the_endpoint_are_not_sent(db, workspace, desk, receiver, worker):
    await desk.status_changes(2)
    await _endpoint(db, workspace, receiver.url())
    await desk.status_changes(1)
    await receiver.wait_for(lambda: len(receiver.received) >= 1)
    await worker.idle()
    await asyncio.sleep(0.2)
    assert _seqs(receiver.received) == [3]


async def test_a_500_is_retried_with_backoff_then_delivered(db, workspace, desk, worker):
    answers = {0: 500, 1: 500}
    server = await Receiver(script=lambda _p, n: answers.get(n, 200)).start()
    try:
        endpoint, _ = await _endpoint(db, workspace, server.url())
        await desk.status_changes(3)
        await server.wait_for(lambda: len(server.received) >= 5)
        await worker.idle()
    finally:
        await server.stop()
    assert _seqs(server.received) == [1, 1, 1, 2, 3]
    attempts = await _attempts(db, endpoint.id)
    assert [(a.event_seq, a.attempt, a.succeeded, a.response_status) for a in attempts] == [
        (1, 1, False, 500), (1, 2, False, 500), (1, 3, True, 200), (2, 1, True, 200),
        (3, 1, True, 200),
    ]  # fmt: skip
    assert attempts[0].error == ("nope" * 50)  # an excerpt of the answer, no more
    for failed, retried in itertools.pairwise(attempts[:3]):
        assert failed.next_attempt_at is not None
        assert retried.at >= failed.next_attempt_at  # the retry waited for its time
    # Backoff: the second wait's ceiling is twice the first's (base 0.05 s, jittered >= half).
    assert (attempts[0].next_attempt_at - attempts[0].at).total_seconds() >= 0.025
    assert (attempts[1].next_attempt_at - attempts[1].at).total_seconds() >= 0.05


async def test_a_hanging_receiver_times_out_and_does_not_delay_others(db, workspace, desk):
    from app.webhooks.worker import WebhookWorker
    from tests.webhooks.conftest import FAST

    server = await Receiver(script=lambda p, n: HANG if p == "/slow" and n == 0 else 200).start()
    # A 3 s timeout: room for the fast endpoint to finish while the slow one hangs.
    patient = WebhookWorker(db, None, FAST.__class__(**{**FAST.__dict__, "timeout": 3.0}))
    try:
        slow, _ = await _endpoint(db, workspace, server.url("/slow"))
        await _endpoint(db, workspace, server.url("/fast"))
        await desk.status_changes(3)
        await patient.start()
        await server.wait_for(lambda: len(server.on("/slow")) >= 1)
        # The fast endpoint gets all three while the slow one still waits on its first answer.
        await server.wait_for(lambda: len(server.on("/fast")) >= 3, timeout=2.5)
        assert len(server.on("/slow")) == 1
        await server.wait_for(lambda: len(server.on("/slow")) >= 4)
        await patient.idle()
    finally:
        await patient.stop()
        await server.stop()
    assert _seqs(server.on("/fast")) == [1, 2, 3]
    assert _seqs(server.on("/slow")) == [1, 1, 2, 3]
    [timed_out, *_] = await _attempts(db, slow.id)
    assert (timed_out.succeeded, timed_out.response_status) == (False, None)
    assert timed_out.error == "timed out after 3 s"
    assert timed_out.duration_ms >= 3000


async def test_paused_after_max_failures_and_resume_continues(db, workspace, desk, worker):
    down = True
    server = await Receiver(script=lambda _p, _n: 503 if down else 200).start()
    try:
        endpoint, _ = await _endpoint(db, workspace, server.url())
        await desk.status_changes(2)
        await server.wait_for(lambda: len(server.received) >= 4)
        await worker.idle()
        await asyncio.sleep(0.3)  # no fifth attempt comes: the endpoint is paused
        row = await _row(db, endpoint.id)
        assert (row.status, row.consecutive_failures) == ("PAUSED", 4)
        assert len(server.received) == 4
        await desk.status_changes(1)
        await asyncio.sleep(0.3)
        assert len(server.received) == 4  # paused: nothing, not even new events
        down = False
        await endpoints.resume_endpoint(
            db, workspace_id=workspace.workspace.id, endpoint_id=endpoint.id
        )
        await server.wait_for(lambda: len(server.received) >= 7)
        await worker.idle()
    finally:
        await server.stop()
    assert _seqs(server.received) == [1, 1, 1, 1, 1, 2, 3]
    row = await _row(db, endpoint.id)
    assert (row.status, row.consecutive_failures, row.last_delivered_seq) == ("ACTIVE", 0, 3)


async def test_410_disables(db, workspace, desk, worker):
    server = await Receiver(script=lambda _p, _n: 410).start()
    try:
        endpoint, _ = await _endpoint(db, workspace, server.url())
        await desk.status_changes(2)
        await server.wait_for(lambda: len(server.received) >= 1)
        await worker.idle()
        await asyncio.sleep(0.3)
    finally:
        await server.stop()
    assert len(server.received) == 1
    row = await _row(db, endpoint.id)
    assert (row.status, row.last_delivered_seq) == ("DISABLED", 0)


async def test_rotation_signs_with_both_secrets(db, workspace, desk, receiver, worker):
    endpoint, old = await _endpoint(db, workspace, receiver.url())
    await desk.status_changes(1)
    await receiver.wait_for(lambda: len(receiver.received) >= 1)
    _, new = await endpoints.rotate_secret(
        db, LOCAL, workspace_id=workspace.workspace.id, endpoint_id=endpoint.id
    )
    await desk.status_changes(1)
    await receiver.wait_for(lambda: len(receiver.received) >= 2)
    before, after = receiver.received
    assert len(before.headers["webhook-signature"].split(" ")) == 1
    assert len(after.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(before.body, before.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(before.body, before.headers)
    for secret in (old, new):  # receivers on either secret accept it during the grace period
        Webhook(secret).verify(after.body, after.headers)


async def test_redeliver_sends_again_after_the_cursor(db, workspace, desk, receiver, worker):
    endpoint, _ = await _endpoint(db, workspace, receiver.url())
    await desk.status_changes(4)
    await receiver.wait_for(lambda: len(receiver.received) >= 4)
    await worker.idle()
    await endpoints.redeliver(
        db, workspace_id=workspace.workspace.id, endpoint_id=endpoint.id,
        after=encode_event_cursor(2),
    )  # fmt: skip
    await receiver.wait_for(lambda: len(receiver.received) >= 6)
    assert _seqs(receiver.received) == [1, 2, 3, 4, 3, 4]


async def test_the_filter_applies(db, workspace, desk, receiver, worker):
    await _endpoint(db, workspace, receiver.url(), EventFilter(types=("SERVED",)))
    await desk.status_changes(6)
    await receiver.wait_for(lambda: len(receiver.received) >= 2)
    await worker.idle()
    assert [r.json["type"] for r in receiver.received] == ["SERVED", "SERVED"]
    assert _seqs(receiver.received) == [3, 6]


async def test_a_private_address_is_refused_at_send_time(db, workspace, desk, receiver):
    """Saved while allowed (or before a DNS change): the worker checks again and refuses."""
    from app.webhooks.worker import WebhookWorker
    from tests.webhooks.conftest import FAST

    endpoint, _ = await _endpoint(db, workspace, receiver.url())
    strict = WebhookWorker(db, None, FAST.__class__(**{**FAST.__dict__, "allow_private": False}))
    await strict.start()
    try:
        await desk.status_changes(1)
        async with asyncio.timeout(10):
            while not await _attempts(db, endpoint.id):
                await asyncio.sleep(0.05)
    finally:
        await strict.stop()
    [attempt] = (await _attempts(db, endpoint.id))[:1]
    assert not attempt.succeeded
    assert attempt.error.startswith("refused: its host is or resolves to a loopback")
    assert receiver.received == []


async def test_two_workers_share_endpoints_each_in_order_once(db, workspace, desk, receiver):
    """Two workers on one database (two gateways): each endpoint is delivered by one at a
    time, so every endpoint gets every event once, in order."""
    from app.webhooks.worker import WebhookWorker
    from tests.webhooks.conftest import FAST

    paths = [f"/e{i}" for i in range(4)]
    for path in paths:
        await _endpoint(db, workspace, receiver.url(path))
    workers = [WebhookWorker(db, None, FAST) for _ in range(2)]
    for worker in workers:
        await worker.start()
    try:
        await desk.status_changes(15)
        await receiver.wait_for(lambda: len(receiver.received) >= 60, timeout=30)
        for worker in workers:
            await worker.idle()
        await asyncio.sleep(0.2)
    finally:
        for worker in workers:
            await worker.stop()
    for path in paths:
        assert _seqs(receiver.on(path)) == list(range(1, 16))


async def test_an_admin_change_during_a_failing_delivery_does_not_hold_the_endpoint(
    db, workspace, desk, worker
):
    """Redelivered while an attempt hangs: the attempt times out, finds the endpoint changed,
    and lets it go at once (not after the lease): the events go out again within seconds."""
    server = await Receiver(script=lambda _p, n: HANG if n == 0 else 200).start()
    try:
        endpoint, _ = await _endpoint(db, workspace, server.url())
        await desk.status_changes(2)
        await server.wait_for(lambda: len(server.received) >= 1)
        await endpoints.redeliver(
            db, workspace_id=workspace.workspace.id, endpoint_id=endpoint.id, after=None
        )
        # The hanging attempt ends after the 1 s timeout; the 10 s lease must not matter.
        await server.wait_for(lambda: len(server.received) >= 3, timeout=4)
        await worker.idle()
    finally:
        await server.stop()
    assert _seqs(server.received) == [1, 1, 2]
    row = await _row(db, endpoint.id)
    assert (row.last_delivered_seq, row.consecutive_failures) == (2, 0)


async def test_old_delivery_attempts_are_pruned(db, workspace):
    from datetime import timedelta

    from app.db.types import utcnow
    from app.webhooks.worker import WebhookWorker
    from tests.webhooks.conftest import FAST

    endpoint, _ = await _endpoint(db, workspace, "http://127.0.0.1:9/hook")
    now = utcnow()
    async with db.transaction() as session:
        for days in (40, 31, 29):
            session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id, event_seq=1, event_type="CREATED", attempt=1,
                    succeeded=True, response_status=204, duration_ms=3,
                    at=now - timedelta(days=days),
                )
            )  # fmt: skip
    pruner = WebhookWorker(db, None, FAST.__class__(**{**FAST.__dict__, "history_days": 30}))
    await pruner.run_once()
    kept = await _attempts(db, endpoint.id)
    assert [round((now - a.at).total_seconds() / 86400) for a in kept] == [29]
