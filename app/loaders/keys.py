"""`column IN (keys)` for a batch of keys, as one statement text whatever the number of keys.

An expanding `IN` is a new SQL text for every list length: SQLAlchemy renders it again on each
execution, and asyncpg prepares each new length again on each connection (a round trip). So the
keys go as one parameter: an array on PostgreSQL (`column = ANY(:keys)`), a JSON array on SQLite
(`column IN (SELECT value FROM json_each(:keys))`). Other databases get the expanding `IN`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class KeysIn(ColumnElement[bool]):
    """True where `column` is one of the keys bound to the parameter `name` (a list)."""

    __visit_name__ = "keys_in"
    type = Boolean()
    # A predicate of its own: no `= 1` appended where booleans are not native (SQLite).
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


@compiles(KeysIn)
def _expanding_in(element: KeysIn, compiler: Any, **kw: Any) -> str:
    keys = bindparam(element.name, expanding=True, type_=element.column.type)
    return compiler.process(element.column.in_(keys), **kw)


@compiles(KeysIn, "sqlite")
def _in_json_each(element: KeysIn, compiler: Any, **kw: Any) -> str:
    keys = compiler.process(bindparam(element.name, type_=JSON()), **kw)
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({keys}))"


@compiles(KeysIn, "postgresql")
def _equals_any(element: KeysIn, compiler: Any, **kw: Any) -> str:
    keys = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(keys), **kw)
