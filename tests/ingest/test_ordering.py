"""Which payloads move a stored ticket: placed by the vendor's time, then the status's rank;
a digest already applied at the same place is a repeat."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.domain.enums import OriginSystem, TicketKind
from app.domain.records import TicketRecord
from app.ingest.ordering import MAX_DIGESTS, digests_after, skips

T0 = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
T1 = datetime(2024, 5, 2, 9, 5, tzinfo=UTC)


@dataclass
class Stored:
    status: str
    vendor_updated_at: datetime | None
    vendor_digests: list[str] | None = field(default_factory=list)
    kind: str = "QUEUE"


def queue(status: str, at: datetime | None, digest: str = "d") -> TicketRecord:
    return TicketRecord(
        OriginSystem.QMINDER, "1", TicketKind.QUEUE, status, status, vendor_updated_at=at,
        digest=digest,
    )  # fmt: skip


def test_an_earlier_payload_is_stale_a_later_one_applies():
    stored = Stored("CALLED", T1)
    assert skips(stored, queue("NEW", T0))
    assert not skips(stored, queue("NEW", datetime(2024, 5, 2, 9, 6, tzinfo=UTC)))


def test_at_the_same_time_the_status_further_along_wins():
    noshow = Stored("NOSHOW", T1)
    assert skips(noshow, queue("CALLED", T1))  # the call that preceded the no-show
    assert not skips(Stored("CALLED", T1), queue("NOSHOW", T1))


def test_a_digest_already_applied_is_a_repeat_unless_the_sender_says_distinct():
    stored = Stored("CALLED", T1, ["a", "d"])
    assert skips(stored, queue("CALLED", T1, "d"))
    assert not skips(stored, queue("CALLED", T1, "d"), distinct=True)
    assert not skips(stored, queue("CALLED", T1, "e"))  # news at the same place: ticket_changed


def test_digests_grow_at_one_place_and_start_over_at_the_next():
    stored = Stored("CALLED", T1, [f"x{n}" for n in range(MAX_DIGESTS)])
    kept = digests_after(stored, queue("CALLED", T1, "new"))
    assert kept[-1] == "new" and len(kept) == MAX_DIGESTS
    assert digests_after(stored, queue("SERVED", T1, "s")) == ["s"]


def test_without_times_only_repeats_are_skipped():
    stored = Stored("OPEN", None, ["d"], kind="HELPDESK")
    record = TicketRecord(OriginSystem.GORGIAS, "1", TicketKind.HELPDESK, "OPEN", "open")
    assert not skips(stored, record)  # no digest: nothing to recognise it by
    record.digest = "d"
    assert skips(stored, record)
