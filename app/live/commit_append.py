"""PostgreSQL: number a transaction's events, append them and COMMIT, in one round trip.

The statement that bumps the workspace's counter takes the workspace row's lock, and COMMIT
releases it. Sent one after the other, the lock was held from the counter's answer until the
gateway's event loop came round to the task again and sent COMMIT: one loop turn, some 15 ms
under load (1 ms of it in the database), during which every other writer of the workspace
waited for the row. Here both go in one simple-query message, `DO ...; COMMIT; BEGIN`, so the
server commits right after numbering, with no client in between:

- the simple protocol takes no parameters: the values are literals (integers, and the events'
  JSON in a dollar quote whose tag does not occur in it);
- it also drops result rows, so the DO block sends the last seq as a NOTICE (with
  client_min_messages set to show it, for the transaction: a role may hide notices);
- `BEGIN` opens an empty transaction for the session's own COMMIT (which then commits nothing),
  so SQLAlchemy's and asyncpg's view of the connection stays as it was;
- a command that read `sla_active` false without the workspace lock (app.tickets.unit_of_work,
  `_late_finish`) must not commit if the flag turned on meanwhile: the block raises instead,
  after a SAVEPOINT in the same message, and the caller rolls back to it (the counter's lock
  goes with it), runs its late finish and numbers the events the ordinary way.

Seq order is still commit order: the writer numbering N+1 reads the counter only once the
writer of N has committed (the row lock), now with no client round trip in between.
"""

from __future__ import annotations

from itertools import count as numbers
from typing import Any

from app.db.engine import count_statement

LATE_FINISH = "ticketgw: the workspace has SLA policies now"
_NOTICE = "ticketgw-last-seq "
SAVEPOINT = "ticketgw_late_finish"

# The same statement as unit_of_work._APPEND_EVENTS, in PL/pgSQL; {names} are literals.
_CODE = """ DECLARE last_seq bigint; active boolean; BEGIN
WITH counter AS (
    UPDATE workspace SET event_seq = event_seq + {count} WHERE id = {workspace_id}
    RETURNING event_seq, sla_active
), appended AS (
    INSERT INTO ticket_event (workspace_id, seq, ticket_id, type, from_state, to_state,
                              from_status, to_status, actor_id, at, changes)
    SELECT {workspace_id}, counter.event_seq - {count} + e.n, e.ticket_id, e.type,
           e.from_state, e.to_state, e.from_status, e.to_status, e.actor_id, e.at, e.changes
    FROM counter, jsonb_to_recordset(CAST({events} AS jsonb)) AS e(
        n int, ticket_id int, type text, from_state text, to_state text, from_status text,
        to_status text, actor_id int, at timestamptz, changes jsonb)
)
SELECT event_seq, sla_active INTO last_seq, active FROM counter;
IF active AND NOT {sla_known} THEN RAISE EXCEPTION '{late}'; END IF;
-- Shown whatever the role or database sets (hidden, a committed write would read as failed).
PERFORM set_config('client_min_messages', 'notice', true);
RAISE NOTICE '{notice}%', last_seq;
END """


def _tag(text: str, stem: str) -> str:
    """A dollar-quote tag that does not occur in `text`: $stem$, else $stem1$, $stem2$..."""
    for n in numbers():
        tag = f"${stem}{n or ''}$"
        if tag not in text:
            return tag
    raise AssertionError  # unreachable: `numbers` never ends


def message(workspace_id: int, count: int, events_json: str, *, sla_known: bool) -> str:
    """The one message: number and append, then COMMIT (and an empty transaction for the
    session to commit). With `sla_known` false it starts with a SAVEPOINT to come back to."""
    quote = _tag(events_json, "events")
    code = _CODE.format(
        count=int(count),
        workspace_id=int(workspace_id),
        events=f"{quote}{events_json}{quote}",
        sla_known="true" if sla_known else "false",
        late=LATE_FINISH,
        notice=_NOTICE,
    )
    outer = _tag(code, "numbering")
    start = "" if sla_known else f"SAVEPOINT {SAVEPOINT}; "
    return f"{start}DO {outer}{code}{outer}; COMMIT; BEGIN"


class LateFinish(Exception):
    """The workspace's SLA flag turned on: nothing was numbered, the savepoint is restored."""


async def append_and_commit(
    driver: Any, workspace_id: int, count: int, events_json: str, *, sla_known: bool
) -> int:
    """Run `message(...)` on the asyncpg connection of the transaction; the last seq. Raises
    LateFinish (after rolling back to the savepoint) when the caller must finish again."""
    seen: list[str] = []

    def note(_connection: Any, log: Any) -> None:
        if log.message.startswith(_NOTICE):
            seen.append(log.message[len(_NOTICE) :])

    count_statement()
    driver.add_log_listener(note)
    try:
        await driver.execute(message(workspace_id, count, events_json, sla_known=sla_known))
    except Exception as error:
        if sla_known or LATE_FINISH not in str(error):
            raise
        await driver.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
        raise LateFinish from None
    finally:
        driver.remove_log_listener(note)
    # asyncpg calls log listeners with call_soon when the notice arrives, which is before
    # the end of the message (ReadyForQuery) wakes this task: the notice is here by now.
    if not seen:
        raise RuntimeError("the numbering block sent no last seq (client_min_messages?)")
    return int(seen[-1])
