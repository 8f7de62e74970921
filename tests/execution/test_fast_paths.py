"""The fast paths (schema/executor/execution.py, completion.py, leaves.py and prefetch.py) answer
exactly as graphql-core and Strawberry do without them: the same data and the same errors for
every query document in schema/operations/, for schema-generated queries over demo data, and
for the error cases the leaf path hands back to the standard one."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import parse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes

from app.access.workspaces import authenticate
from app.config import Settings
from app.context import Context
from app.demo.seed import load_demo
from app.live.service_env import ServiceEnv
from schema import build_schema
from schema.executor.execution import FastLeavesExecutionContext
from schema.executor.leaves import isoformat, leaf_plan
from schema.ids import TICKET, encode_id
from schema.queries import tickets as schema_tickets
from tests.generated_queries import generated_operations

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"
GENERATED = 80

FAST = build_schema()
STANDARD = build_schema(fast_paths=False)


def comparable(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    errors = [error.formatted for error in result.errors or []]
    for error in errors:  # a masked error's id is random per occurrence
        (error.get("extensions") or {}).pop("errorId", None)
    return result.data, errors


@pytest.fixture
async def demo(db):
    [acme, _globex] = await load_demo(
        ServiceEnv(db), slug_suffix=f"-{uuid.uuid4().hex[:8]}", scale=0.1
    )
    principal = await authenticate(db, acme.api_key)
    return db, principal


async def _no_prefetch(*_args: Any, **_kwargs: Any) -> None:
    return None


async def execute(schema: Any, demo: Any, query: str, **kwargs: Any) -> Any:
    """One run; on the standard schema without the prefetcher, as if it did not exist."""
    db, principal = demo
    context = Context(db=db, settings=Settings(), principal=principal)
    with pytest.MonkeyPatch.context() as patch:
        if schema is STANDARD:
            patch.setattr(schema_tickets, "prefetch_for_field", _no_prefetch)
        return comparable(await schema.execute(query, context_value=context, **kwargs))


async def run_both(
    demo, query: str, variables: dict[str, Any] | None = None, name: str | None = None
) -> Any:
    kwargs = {"variable_values": variables, "operation_name": name}
    standard = await execute(STANDARD, demo, query, **kwargs)
    assert await execute(FAST, demo, query, **kwargs) == standard, name or query
    return standard


def query_documents() -> list[tuple[str, str]]:
    """Every query operation in schema/operations/ (mutations change what the next run reads)."""
    found = []
    for path in sorted(OPERATIONS.rglob("*.graphql")):
        text = path.read_text()
        for definition in parse(text).definitions:
            if getattr(definition, "operation", None) and definition.operation.value == "query":
                found.append((text, definition.name.value if definition.name else None))
    return found


async def ticket_ids(demo, first: int = 100) -> list[str]:
    data, _ = await run_both(demo, f"{{ tickets(first: {first}) {{ nodes {{ id }} }} }}")
    return [node["id"] for node in data["tickets"]["nodes"]]


async def test_every_query_document_answers_the_same(demo):
    ids = await ticket_ids(demo, 20)
    documents = query_documents()
    assert len(documents) >= 3
    for text, name in documents:
        for ticket_id in ids:
            variables = {"id": ticket_id, "first": 50}
            used = {k: v for k, v in variables.items() if f"${k}" in text}
            data, errors = await run_both(demo, text, used, name)
            assert errors == [] and data is not None
            if "ticket" not in (data or {}):
                break  # list queries don't depend on the id


async def test_generated_queries_answer_the_same(demo):
    ids = await ticket_ids(demo)
    scalars = {
        "DateTime": st.just("2026-01-20T09:37:43Z").map(nodes.String),
        "JSON": st.just("{}").map(nodes.String),
        "ID": st.sampled_from([*ids[:5], encode_id(TICKET, 10**9), "bad"]).map(nodes.String),
    }
    queries = generated_operations(
        mode=Mode.POSITIVE, examples=GENERATED, scalars=scalars,
        fields=["tickets", "ticket", "node", "nodes", "users", "lines", "teams", "labels",
                "viewer", "ticketEvents"],
    )  # fmt: skip
    with_data = 0
    for query in queries:
        data, _errors = await run_both(demo, query)
        with_data += data is not None
    assert with_data > GENERATED // 2  # mostly real answers, not only refusals


@pytest.mark.parametrize(
    "arguments",
    ["first: 0", "first: 101", 'after: "not a cursor"', "first: $first", "first: 2"],
)
async def test_relation_field_arguments_are_checked_the_same(demo, arguments):
    # Compiled completion checks a relation field's arguments once per request, the resolver
    # on every call: refusals must come out the same, at every ticket's path.
    variable = "($first: Int)" if "$first" in arguments else ""
    query = (
        f"query {variable} {{ tickets(first: 20) {{ nodes {{ id"
        f" messages({arguments}) {{ nodes {{ body author {{ id }} }} }} }} }} }}"
    )
    data, errors = await run_both(demo, query, {"first": -1} if variable else None)
    if arguments == "first: 2":
        assert errors == []
        assert any(node["messages"]["nodes"] for node in data["tickets"]["nodes"])
    else:  # the non-null field's error nulls the page: the first ticket's is reported
        assert [(e["path"][-1], e["extensions"]["code"]) for e in errors] == [
            ("messages", "BAD_USER_INPUT")
        ]


def test_only_plain_leaf_fields_take_the_fast_path():
    types = FAST._schema.type_map

    def plan(type_name: str, field: str):  # type: ignore[no-untyped-def]
        return leaf_plan(types[type_name].fields[field])  # type: ignore[union-attr]

    assert plan("User", "name") is not None  # a column
    assert plan("QueueTicket", "state") is not None  # an enum column
    assert plan("QueueTicket", "id") is None  # a resolver (global id)
    assert plan("QueueTicket", "assignee") is None  # an object
    assert plan("TicketOrigin", "payload") is None  # permission classes
    assert plan("Query", "tickets") is None  # arguments


# --- the cases the fast path hands back --------------------------------------------------------


MIDNIGHT = datetime(2024, 5, 1, tzinfo=UTC)


class Mood(enum.Enum):
    CALM = "calm"


@strawberry.type
class Thing:
    name: str
    nickname: str | None
    mood: Mood
    count: int
    at: datetime | None = None


class Row:
    """A source as odd as a resolver could hand out: missing or wrong-typed attributes."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update({"at": None, **values})


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return [
            Row(name="ok", nickname=None, mood=Mood.CALM, count=1),  # type: ignore[list-item]
            Row(name=None, nickname="n", mood=Mood.CALM, count=2),  # type: ignore[list-item]
            Row(name="x", nickname="n", mood="not a mood", count=3),  # type: ignore[list-item]
            Row(name="x", nickname="n", mood=Mood.CALM, count="many"),  # type: ignore[list-item]
            Row(name="x", mood=Mood.CALM, count=4),  # type: ignore[list-item]
            Row(name=7, nickname=True, mood=Mood.CALM, count=True),  # type: ignore[list-item]
            Row(name="big", nickname=None, mood=Mood.CALM, count=2**31),  # type: ignore[list-item]
            Row(name="s", nickname=None, mood="calm", count=7),  # type: ignore[list-item]
            Row(name="t", nickname=None, mood="not a mood", count=8),  # type: ignore[list-item]
            Row(name="d", nickname=None, mood=Mood.CALM, count=9, at=MIDNIGHT),  # type: ignore[list-item]
            Row(name="e", nickname=None, mood=Mood.CALM, count=10, at="today"),  # type: ignore[list-item]
            Row(name="f", nickname=None, mood=Mood.CALM, count=11, at=MIDNIGHT.date()),  # type: ignore[list-item]
        ]


@pytest.mark.parametrize(
    "query",
    [
        "{ things { name nickname mood count at } }",
        "{ things { n: name n: name nickname ... on Thing { count } } }",
        "{ things { name @skip(if: true) mood @include(if: false) count } }",
    ],
)
async def test_errors_and_nulls_are_the_standard_ones(query):
    standard = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query, execution_context_class=FastLeavesExecutionContext)
    expected = comparable(await standard.execute(query))
    assert comparable(await fast.execute(query)) == expected


async def test_the_odd_rows_do_hit_every_error_case():
    data, errors = comparable(
        await strawberry.Schema(query=Query).execute("{ things { name nickname mood count at } }")
    )
    assert [(e["path"][1], e["path"][2]) for e in errors] == [
        (1, "name"),  # None for a non-null field
        (2, "mood"),  # not a member of the enum
        (3, "count"),  # not an Int
        (4, "nickname"),  # no such attribute
        (6, "count"),  # an int beyond 32 bits
        (8, "mood"),  # refused again: refusals are not remembered
        (10, "at"),  # a string is no DateTime (a date is, as the standard path has it)
    ]
    assert data == {
        "things": [{"name": "ok", "nickname": None, "mood": "CALM", "count": 1, "at": None},
                   None, None, None,
                   {"name": "x", "nickname": None, "mood": "CALM", "count": 4, "at": None},
                   {"name": "7", "nickname": "true", "mood": "CALM", "count": 1, "at": None}, None,
                   {"name": "s", "nickname": None, "mood": "CALM", "count": 7, "at": None}, None,
                   {"name": "d", "nickname": None, "mood": "CALM", "count": 9,
                    "at": "2024-05-01T00:00:00+00:00"},
                   {"name": "e", "nickname": None, "mood": "CALM", "count": 10, "at": None},
                   {"name": "f", "nickname": None, "mood": "CALM", "count": 11, "at": "2024-05-01"}]
    }  # fmt: skip


@pytest.mark.parametrize(
    ("document", "compiles"),
    [
        ("{ tickets { totalCount } }", True),
        ('mutation { createLine(input: {name: "x"}) { errors { code } } }', True),
        # each event's executor is a copy of one executor: nothing is compiled per event
        ("subscription { ticketEvents { cursor } }", False),
    ],
)
def test_values_are_compiled_for_queries_and_mutations_only(document, compiles):
    executor = FastLeavesExecutionContext.build(FAST._schema, parse(document))
    assert executor._compile_values is compiles


@settings(max_examples=500)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 1),
        timezones=st.sampled_from([None, UTC]),  # type: ignore[list-item]
    )
)
def test_timestamps_are_written_as_isoformat_writes_them(value):
    assert isoformat(value) == value.isoformat()
