"""schema/schema.graphql is the printed schema: this fails when the code and the file drift."""

from pathlib import Path

from graphql import build_schema

from schema import schema_sdl

SDL_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
REGENERATE = (
    "schema/schema.graphql is out of date. Regenerate it with:\n"
    '  .venv/bin/python -c "from schema import schema_sdl; '
    "open('schema/schema.graphql', 'w').write(schema_sdl())\"\n"
    "(or `ticketgw export-schema` once the CLI has it) and commit the file."
)


def test_printed_schema_matches_the_committed_file():
    assert SDL_PATH.read_text() == schema_sdl(), REGENERATE


def test_contract_names_are_in_the_schema():
    sdl = schema_sdl()
    for fragment in (
        "interface Node {",
        "interface Ticket implements Node {",
        "type QueueTicket implements Ticket & Node {",
        "type HelpdeskTicket implements Ticket & Node {",
    ):
        assert fragment in sdl
    # Fields with described arguments print over several lines: compare their signatures.
    query = build_schema(sdl).query_type
    assert query is not None
    signatures = {
        name: ({arg: str(a.type) for arg, a in field.args.items()}, str(field.type))
        for name, field in query.fields.items()
    }
    assert signatures["node"] == ({"id": "ID!"}, "Node")
    assert signatures["ticketEvents"] == (
        {"after": "String", "filter": "TicketEventFilter", "first": "Int"},
        "TicketEventConnection!",
    )
