"""Pages of webhook delivery attempts, for every endpoint of a `webhookEndpoints` list in one
statement (it was one per endpoint).

Keys are (endpoint_id, first, before_id). A batch is a UNION ALL of one LIMITed select per key:
each walks the (endpoint_id, id) index from its own place, newest first, and stops after its
page (a window over every attempt of the endpoints would read all of their history).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, literal_column, select, union_all

from app.db import WebhookDelivery, WebhookEndpoint, table_of
from app.loaders.base import WorkspaceLoader, group_by
from app.loaders.records import records

_delivery = table_of(WebhookDelivery)
_endpoint = table_of(WebhookEndpoint)


class DeliveryPageKey(NamedTuple):
    endpoint_id: int
    first: int
    before_id: int | None = None  # attempts older than this one (a page's `after` cursor)


@dataclass(frozen=True)
class DeliveryPage:
    rows: list[Any]  # records with the webhook_delivery columns, newest first
    has_next_page: bool


class DeliveriesByEndpointLoader(WorkspaceLoader[DeliveryPageKey, DeliveryPage]):
    def _page(self, key: DeliveryPageKey) -> Select[Any]:
        stmt = (
            select(_delivery)
            .join(_endpoint, _endpoint.c.id == _delivery.c.endpoint_id)
            .where(
                _delivery.c.endpoint_id == key.endpoint_id,
                _endpoint.c.workspace_id == self.workspace_id,
            )
        )
        if key.before_id is not None:
            stmt = stmt.where(_delivery.c.id < key.before_id)
        # One extra row tells whether there is a next page.
        return stmt.order_by(_delivery.c.id.desc()).limit(key.first + 1)

    async def batch_load_fn(self, keys: list[DeliveryPageKey]) -> list[DeliveryPage]:
        distinct = list(dict.fromkeys(keys))
        # Each page in a subquery (SQLite takes no ORDER BY or LIMIT on a compound's members),
        # tagged with its key's place: two keys may name one endpoint.
        parts = [
            select(page, literal_column(str(place)).label("place_"))
            for place, page in enumerate(self._page(key).subquery() for key in distinct)
        ]
        united = union_all(*parts).subquery()
        stmt = select(united).order_by(united.c.place_, united.c.id.desc())
        async with self.db.read_session() as session:
            grouped = group_by(records(await session.execute(stmt)), "place_")
        pages = {}
        for place, key in enumerate(distinct):
            found = grouped.get(place, [])
            pages[key] = DeliveryPage(found[: key.first], len(found) > key.first)
        return [pages[key] for key in keys]
