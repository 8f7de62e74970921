"""Input checks: refusals carry the field and never echo the input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import DomainError, ErrorCode
from app.domain.ticket_input import (
    check_color,
    check_desk,
    check_future,
    check_prefix,
    check_url,
    required_text,
)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: required_text("   ", "name"), "name"),
        (lambda: check_color("red<script>"), "color"),
        (lambda: check_prefix("a-b"), "prefix"),
        (lambda: check_url("javascript:alert(1)"), "url"),
        (lambda: check_desk(0), "desk"),
        (lambda: check_future(datetime.now(UTC) - timedelta(1), datetime.now(UTC)), "until"),
    ],
)
def test_refusals(call, field):
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.field) == (ErrorCode.VALIDATION, field)
    assert "script" not in info.value.message and "alert" not in info.value.message


def test_accepted_values_are_normalised():
    assert required_text("  Reception ", "name") == "Reception"
    assert check_color("#AbC") == "#AABBCC"  # one stored form: #RRGGBB
    assert check_prefix(" b2 ") == "B2"
    assert check_url("https://example.com/x") == "https://example.com/x"
    assert check_desk(None) is None
