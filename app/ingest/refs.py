"""Matching the people, teams, lines, contacts and labels a payload references, by vendor id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Contact, Label, Line, Team, User, table_of
from app.domain.records import ContactRecord, LabelRecord, LineRef, TeamRef, TicketRecord, UserRef


@dataclass(frozen=True)
class _Wanted:
    """One referenced row: how to find it, what to refresh, what a new one starts with."""

    model: Any
    key: tuple[Any, ...]  # cache key: (kind, workspace, system or None, vendor id or name)
    values: dict[str, Any]  # refreshed on the row when not None
    defaults: dict[str, Any]  # only for a new row


def _user(ws: int, system: str, ref: UserRef) -> _Wanted:
    defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
    if ref.name is None:
        defaults["name"] = ref.email or f"{system.title()} user {ref.external_id}"
    values = {
        "name": ref.name,
        "first_name": ref.first_name,
        "last_name": ref.last_name,
        "email": ref.email,
        "picture": ref.picture,
    }
    return _Wanted(User, ("user", ws, system, ref.external_id), values, defaults)


def _team(ws: int, system: str, ref: TeamRef) -> _Wanted:
    defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
    if ref.name is None:
        defaults["name"] = f"Team {ref.external_id}"
    values = {"name": ref.name, "picture": ref.picture}
    return _Wanted(Team, ("team", ws, system, ref.external_id), values, defaults)


def _line(ws: int, system: str, ref: LineRef) -> _Wanted:
    defaults = {"workspace_id": ws, "external_system": system, "external_id": ref.external_id}
    defaults["name"] = ref.name or f"Line {ref.external_id}"
    # A known line keeps its name: it is ours to change, a payload only knows the vendor id.
    return _Wanted(Line, ("line", ws, system, ref.external_id), {}, defaults)


def _label(ws: int, system: str, rec: LabelRecord) -> _Wanted:
    values = {"color": rec.color, "description": rec.description, "external_id": rec.external_id}
    defaults = {"workspace_id": ws, "external_system": system}
    return _Wanted(Label, ("label", ws, None, rec.name), values, defaults)


def _contact_values(rec: ContactRecord) -> dict[str, Any]:
    return {
        "name": rec.name,
        "first_name": rec.first_name,
        "last_name": rec.last_name,
        "email": rec.email,
        "phone_number": rec.phone_number,
        "language": rec.language,
        "timezone": rec.timezone,
        "note": rec.note,
        "identifier": rec.identifier,
        "data": rec.data,
    }


def _contact(ws: int, system: str, rec: ContactRecord) -> _Wanted:
    defaults = {"workspace_id": ws, "external_system": system, "external_id": rec.external_id}
    key = ("contact", ws, system, rec.external_id)
    return _Wanted(Contact, key, _contact_values(rec), defaults)


def _where(w: _Wanted, ids: Iterable[str]) -> list[Any]:
    model, (_kind, ws, system, _id) = w.model, w.key
    if model is Label:
        return [col(Label.workspace_id) == ws, col(Label.name).in_(list(ids))]
    return [
        model.workspace_id == ws,
        model.external_system == system,
        model.external_id.in_(list(ids)),
    ]


def _refresh(row: Any, w: _Wanted) -> None:
    # One label per name in a workspace, shared by every vendor: the vendor that made it keeps
    # its colour and description; the others only fill what it left empty.
    owned = not isinstance(row, Label) or row.external_system == w.defaults["external_system"]
    for name, value in w.values.items():
        if value is None or getattr(row, name) == value:
            continue
        if owned or getattr(row, name) is None:
            setattr(row, name, value)


def _new_values(w: _Wanted) -> dict[str, Any]:
    extra = {"name": w.key[3]} if w.model is Label else {}
    return {**w.defaults, **extra, **{k: v for k, v in w.values.items() if v is not None}}


def _new(w: _Wanted) -> Any:
    return w.model(**_new_values(w))


async def _insert_new(s: AsyncSession, model: Any, wanted: list[_Wanted]) -> list[int]:
    """Insert the new rows as plain values, a multi-row INSERT ... RETURNING per set of
    columns (an ORM object per new contact or user cost ~0.2 ms to build); ids in order.
    Matched back by their key (vendor id, or a label's name): unique among `wanted`, and an
    order-preserving RETURNING costs SQLite a statement per row."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for w in wanted:
        values = _new_values(w)
        by_columns.setdefault(tuple(values), []).append(values)
    table = table_of(model)
    key = table.c.name if model is Label else table.c.external_id
    stmt = insert(table).returning(table.c.id, key)
    ids: dict[Any, int] = {}
    for rows in by_columns.values():
        ids.update({ident: row_id for row_id, ident in await s.execute(stmt, rows)})
    return [ids[w.key[3]] for w in wanted]


class IngestRefs:
    """Vendor id -> row id for users, teams, lines, contacts and labels, kept across batches.

    A row is looked up (and its details refreshed) the first time an import meets it; after
    that only its id is reused. Cleared when a savepoint or batch rolls back, since ids handed
    out inside it may be gone.
    """

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, ...], int] = {}

    def clear(self) -> None:
        self.ids.clear()

    async def _resolve(self, s: AsyncSession, w: _Wanted) -> int:
        cached = self.ids.get(w.key)
        if cached is not None:
            return cached
        row = (await s.execute(select(w.model).where(*_where(w, [w.key[3]])))).scalar_one_or_none()
        if row is None:
            row = _new(w)
            s.add(row)
            await s.flush()
        else:
            _refresh(row, w)
        self.ids[w.key] = row.id
        return row.id

    async def user(self, s: AsyncSession, ws: int, system: str, ref: UserRef | None) -> int | None:
        if ref is None:
            return None
        # Known (preloaded): its id, without building what a lookup would need.
        known = self.ids.get(("user", ws, system, ref.external_id))
        return known if known is not None else await self._resolve(s, _user(ws, system, ref))

    async def team(self, s: AsyncSession, ws: int, system: str, ref: TeamRef | None) -> int | None:
        return None if ref is None else await self._resolve(s, _team(ws, system, ref))

    async def line(self, s: AsyncSession, ws: int, system: str, ref: LineRef | None) -> int | None:
        return None if ref is None else await self._resolve(s, _line(ws, system, ref))

    async def label(self, s: AsyncSession, ws: int, system: str, rec: LabelRecord) -> int:
        known = self.ids.get(("label", ws, None, rec.name))
        return known if known is not None else await self._resolve(s, _label(ws, system, rec))

    async def contact(
        self,
        s: AsyncSession,
        ws: int,
        system: str,
        rec: ContactRecord | None,
        current_id: int | None,
    ) -> int | None:
        if rec is None:
            return current_id
        if rec.external_id is not None:
            known = self.ids.get(("contact", ws, system, rec.external_id))
            return known if known is not None else await self._resolve(s, _contact(ws, system, rec))
        # No vendor id (a Qminder visitor): the contact belongs to its ticket alone.
        row = await s.get(Contact, current_id) if current_id is not None else None
        if row is None:
            row = Contact(workspace_id=ws)
            s.add(row)
        for name, value in _contact_values(rec).items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        await s.flush()
        return row.id

    async def preload(self, s: AsyncSession, ws: int, records: Iterable[TicketRecord]) -> None:
        """Resolve every reference of a batch at once: one SELECT per kind of row, one INSERT
        for the new ones (instead of a round trip per reference)."""
        wanted: dict[tuple[Any, ...], _Wanted] = {}
        for w in _references(ws, records):
            if w.key not in self.ids:
                wanted.setdefault(w.key, w)
        groups: dict[tuple[Any, ...], list[_Wanted]] = {}
        for w in wanted.values():
            groups.setdefault((w.model, w.key[2]), []).append(w)
        for items in groups.values():
            by_id = {w.key[3]: w for w in items}
            first = items[0]
            rows = (await s.execute(select(first.model).where(*_where(first, by_id)))).scalars()
            for row in rows:
                ident = row.name if first.model is Label else row.external_id
                w = by_id.pop(ident)
                _refresh(row, w)
                self.ids[w.key] = row.id
            if by_id:
                new = list(by_id.values())
                for w, ident in zip(new, await _insert_new(s, first.model, new), strict=True):
                    self.ids[w.key] = ident


def _references(ws: int, records: Iterable[TicketRecord]) -> Iterable[_Wanted]:
    for rec in records:
        system = rec.origin_system.value
        users = [rec.assignee, rec.assigner, rec.called_by, rec.actor]
        users += [m.author for m in rec.messages or ()]
        users += [i.user for i in rec.interactions or ()]
        for ref in users:
            if ref is not None:
                yield _user(ws, system, ref)
        if rec.team is not None:
            yield _team(ws, system, rec.team)
        for line in [rec.line, *(i.line for i in rec.interactions or ())]:
            if line is not None:
                yield _line(ws, system, line)
        for label in rec.labels or ():
            yield _label(ws, system, label)
        if rec.contact is not None and rec.contact.external_id is not None:
            yield _contact(ws, system, rec.contact)
