"""Whole small lists of a workspace: lines, users, teams, labels (plain lists in the API)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlmodel import SQLModel

from app.db import Label, Line, Team, User, Workspace, table_of
from app.db.engine import Database

_ORDER: dict[str, type[SQLModel]] = {"line": Line, "user": User, "team": Team, "label": Label}


async def list_rows(db: Database, workspace_id: int, what: str) -> list[Row[Any]]:
    """All rows of one directory table in the workspace, by name."""
    t = table_of(_ORDER[what])
    stmt = select(t).where(t.c.workspace_id == workspace_id).order_by(t.c.name, t.c.id)
    async with db.read_session() as session:
        return list((await session.execute(stmt)).all())


async def workspace_row(db: Database, workspace_id: int) -> Row[Any] | None:
    t = table_of(Workspace)
    stmt = select(t).where(t.c.id == workspace_id)
    async with db.read_session() as session:
        return (await session.execute(stmt)).first()
