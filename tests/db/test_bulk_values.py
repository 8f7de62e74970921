"""The values insert_in_session writes: every row's, in one order of columns, converted once."""

from __future__ import annotations

from sqlalchemy.dialects.sqlite import pysqlite

from app.db import TicketLabel, table_of
from app.db.bulk import _records


def test_rows_with_other_names_get_none_and_missing_columns_their_defaults():
    dialect = pysqlite.dialect()
    rows = [
        {"ticket_id": 1, "label_id": 2},
        {"ticket_id": 3, "workspace_id": 9},  # as many names, not the same ones
        {"label_id": 5},
    ]
    columns, records = _records(table_of(TicketLabel), rows, dialect)
    assert columns[:3] == ["ticket_id", "label_id", "workspace_id"]
    assert columns[3:] == ["created_at"]  # its Python default, called per row
    assert [record[:3] for record in records] == [(1, 2, None), (3, None, 9), (None, 5, None)]
    assert all(isinstance(record[3], str) for record in records)  # SQLite's datetime text


def test_rows_with_the_same_names_keep_the_first_rows_order():
    rows = [{"label_id": 2, "ticket_id": 1}, {"ticket_id": 3, "label_id": 4}]
    columns, records = _records(table_of(TicketLabel), rows, pysqlite.dialect())
    assert columns[:2] == ["label_id", "ticket_id"]
    assert [record[:2] for record in records] == [(2, 1), (4, 3)]
