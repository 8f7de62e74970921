"""How a visitor is named on a public screen: never a phone number, an email or a last name."""

from __future__ import annotations


def display_name(first_name: str | None, last_name: str | None) -> str | None:
    """The first name and the last name's initial ("Mari T."); None when neither is known.

    Only the first letter of the last name is kept (a whole grapheme is more than we promise;
    a letter is what boards show)."""
    first = (first_name or "").strip()
    last = (last_name or "").strip()
    initial = f"{last[0].upper()}." if last else ""
    shown = " ".join(part for part in (first, initial) if part)
    return shown or None
