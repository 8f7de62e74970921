"""Label colours in one form: `#RRGGBB`, upper case."""

from __future__ import annotations

import re

_HEX = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


def normalize_color(value: str | None) -> str | None:
    """`2ECC40`, `#e74c3c` and `#abc` become `#2ECC40`, `#E74C3C`, `#AABBCC`; anything that is
    not a hex colour (a name like "TEAL", blank) is no colour rather than a guess."""
    if value is None:
        return None
    match = _HEX.fullmatch(value.strip())
    if match is None:
        return None
    digits = match.group(1).upper()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"
