"""sla_timer.carried: each timer's values as the ticket page carries them, kept by a trigger

PostgreSQL only. A page that asks for `sla` carries its tickets' timers in its own statement
(app/loaders/carried_timers.py). Built by the page's statement, each timer's JSON array cost
~3.5 µs of PostgreSQL's time (the 84 timers of the dashboard's 50 tickets: ~0.3 ms, most of the
page statement's time; issue 21, BENCHMARKS.md). The array depends on the timer's row and its
calendar's creation time alone (calendars are never edited), so a BEFORE trigger writes it
with the row, and the page concatenates the stored texts. Written with the time zone UTC
(the function's own setting), whatever the writer's session says: offsets are +00:00.

The layout is app.loaders.carried_timers.TIMER_COLUMNS, then the calendar's creation time; a
change of that layout needs a migration that rewrites the column (tests/sla/test_page_timers.py
compares the carried timers with the loader's rows).

SQLite builds the arrays in the page's statement as before: nothing changes there.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "ticket_id", "policy_id", "calendar_id", "metric", "status", "cycle", "target_seconds",
    "started_at", "elapsed_us", "running_since", "due_at", "warn_at", "breached_at", "stopped_at",
)  # fmt: skip

_VALUES = ", ".join(f"NEW.{name}" for name in _COLUMNS)

_STATEMENTS = [
    "ALTER TABLE sla_timer ADD COLUMN carried text",
    f"""
CREATE FUNCTION sla_timer_carried() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
BEGIN
    NEW.carried := json_build_array({_VALUES},
        (SELECT c.created_at FROM sla_calendar c WHERE c.id = NEW.calendar_id))::text;
    RETURN NEW;
END
$$""",
    # Only writes of the carried columns change the array (the due-timer scan's writes of
    # next_at and the sent flags do not).
    f"""
CREATE TRIGGER sla_timer_carried BEFORE INSERT OR UPDATE OF {", ".join(_COLUMNS)}
    ON sla_timer FOR EACH ROW EXECUTE FUNCTION sla_timer_carried()""",
    "UPDATE sla_timer SET ticket_id = ticket_id",  # the timers there are: through the trigger
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER sla_timer_carried ON sla_timer")
    op.execute("DROP FUNCTION sla_timer_carried()")
    op.execute("ALTER TABLE sla_timer DROP COLUMN carried")
