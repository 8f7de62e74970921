"""Relay page info, shared by every connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more items follow this page (pass `endCursor` as `after`)."
    )
    has_previous_page: bool = strawberry.field(
        description=(
            "True when items come before this page (pass `startCursor` as "
            "`before` where the list takes it)."
        )
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description=(
            "The cursor of the page's last item; null for an empty page "
            "(event lists: the cursor you passed, to poll again from)."
        )
    )

    @classmethod
    def of_rows(
        cls,
        rows: Sequence[Any],
        cursor: Callable[[Any], str],
        *,
        has_next: bool,
        has_previous: bool = False,
        empty_end: str | None = None,
    ) -> PageInfo:
        """A page's info: the cursors of its first and last rows; for an empty page no start
        and `empty_end` as the end (event lists: the cursor the reader passed)."""
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursor(rows[0]) if rows else None,
            end_cursor=cursor(rows[-1]) if rows else empty_end,
        )
