"""Query.tickets (filtered, ordered, keyset-paginated) and Query.ticket(id)."""

from __future__ import annotations

import asyncio
from typing import Annotated, cast

import strawberry
from strawberry import argument as arg

from app.context import Info
from app.domain.errors import DomainError
from app.loaders.tickets.count import EXACT_COUNT_LIMIT, TicketTotal, count_tickets
from app.loaders.tickets.page import TicketPage, TicketQuery, list_tickets
from schema import docs
from schema.errors import bad_user_input, check_page_size, from_domain
from schema.executor.prefetch import asks_for, prefetch_for_field
from schema.ids import TICKET, decode_pk
from schema.limits.search_cost import searches
from schema.permissions import AUTHENTICATED
from schema.queries.ticket_inputs import TicketFilter, TicketOrder
from schema.types.pagination import PageInfo
from schema.types.ticket import Ticket

DEFAULT_FIRST = 20


def _edge_cursor(root: TicketEdge) -> str:
    # Made when asked for: a dashboard lists edges' nodes, not their cursors.
    return root.page.cursor(root.node)


@strawberry.type(description="One ticket of a page, with its cursor.")
class TicketEdge:
    page: strawberry.Private[TicketPage]
    cursor: str = strawberry.field(resolver=_edge_cursor, description=docs.EDGE_CURSOR)
    node: Ticket = strawberry.field(description="The ticket: a QueueTicket or a HelpdeskTicket.")


@strawberry.type(description="A page of tickets.")
class TicketConnection:
    page: strawberry.Private[TicketPage]
    query: strawberry.Private[TicketQuery]

    # Both count fields share one count: the first to ask starts it.
    total: strawberry.Private[asyncio.Future[TicketTotal] | None] = None

    def _total(self, info: Info) -> asyncio.Future[TicketTotal]:
        if self.total is None:
            ctx = info.context
            self.total = asyncio.ensure_future(count_tickets(ctx.db, ctx.workspace_id, self.query))
        return self.total

    @strawberry.field(
        description=(
            "How many tickets match the filter, on all pages. Exact for filters of kinds, "
            "states, statuses and origins only (kept counts, cheap at any size). Other "
            f"filters are counted up to {EXACT_COUNT_LIMIT:,}: above that this is "
            f"{EXACT_COUNT_LIMIT:,} and totalCountIsExact is false."
        )
    )
    async def total_count(self, info: Info) -> int:
        return (await self._total(info)).count

    @strawberry.field(
        description="False when totalCount is a lower bound: more tickets match than it says."
    )
    async def total_count_is_exact(self, info: Info) -> bool:
        return (await self._total(info)).exact

    @strawberry.field(description=docs.EDGES)
    def edges(self) -> list[TicketEdge]:
        page = self.page
        return [TicketEdge(page=page, node=cast("Ticket", row)) for row in page.rows]

    @strawberry.field(description="The tickets of this page, without cursors.")
    def nodes(self) -> list[Ticket]:
        return cast("list[Ticket]", self.page.rows)

    @strawberry.field(description=docs.PAGE_INFO)
    def page_info(self) -> PageInfo:
        page = self.page
        return PageInfo.of_rows(
            page.rows,
            page.cursor,
            has_next=page.has_next_page,
            has_previous=page.has_previous_page,
        )


@strawberry.type
class TicketQueries:
    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Tickets of both kinds. Pass first (and after) or last (and before), 1..100.",
        # filter.search reads trigram indexes over each ticket's text with its messages (~5 a
        # ticket) and contact (one index on PostgreSQL, three on SQLite): 30 points per 10
        # characters of the term.
        metadata=searches("filter", "search", weight=30),
    )
    async def tickets(
        self,
        info: Info,
        filter: Annotated[
            TicketFilter | None, arg("Which tickets; null for all (spam and trash left out).")
        ] = None,
        order_by: Annotated[
            TicketOrder | None, arg("The order; newest created first when null.")
        ] = None,
        first: Annotated[int | None, arg(docs.first(DEFAULT_FIRST))] = None,
        after: Annotated[str | None, arg(docs.AFTER)] = None,
        last: Annotated[
            int | None, arg("How many items from the end (or before `before`), 1..100.")
        ] = None,
        before: Annotated[
            str | None, arg("A cursor from this list: end just before it (with `last`).")
        ] = None,
    ) -> TicketConnection:
        check_page_size(first, "first")
        check_page_size(last, "last")
        if first is not None and last is not None:
            raise bad_user_input("Pass either 'first' or 'last', not both.")
        if first is None and last is None:
            first = DEFAULT_FIRST
        query = (filter or TicketFilter()).to_query()
        ordering = (order_by or TicketOrder()).to_ordering()
        ctx = info.context
        try:
            page = await list_tickets(
                ctx.db, ctx.workspace_id, query, ordering,
                first=first, after=after, last=last, before=before,
                sla_timers=asks_for(info, "sla", connection=True),
            )  # fmt: skip
        except DomainError as error:
            raise from_domain(error) from None
        primed: tuple[str, ...] = ()
        if page.sla_timers is not None:  # carried by the page's statement: nothing to load
            # Carried timers read as the loader's rows do (same attributes).
            ctx.loaders.sla_timers.prime_values(page.sla_timers)  # type: ignore[arg-type]  # read as rows (same attributes)
            primed = ("sla",)
        await prefetch_for_field(info, page.rows, connection=True, primed=primed)
        return TicketConnection(page=page, query=query)

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description=(
            "One ticket of your workspace by its global ID; null when there "
            "is none (or it belongs to another workspace)."
        ),
    )
    async def ticket(
        self, info: Info, id: Annotated[strawberry.ID, arg("The ticket's global ID (`Ticket.id`).")]
    ) -> Ticket | None:
        row = await info.context.loaders.ticket.load(decode_pk(id, TICKET))
        if row is not None:
            await prefetch_for_field(info, [row])
        return cast("Ticket | None", row)
