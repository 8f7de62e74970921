"""Relay page info, shared by every connection."""

from __future__ import annotations

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
