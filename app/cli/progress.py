"""Progress bars for long commands: drawn on stderr when it is a terminal, silent when piped
(tqdm decides), so `ticketgw demo --json | jq` and CI logs stay clean."""

from __future__ import annotations

from tqdm import tqdm


class Progress:
    def __init__(self, description: str, unit: str, total: int | None = None) -> None:
        self._bar = tqdm(total=total, desc=description, unit=unit, unit_scale=True, disable=None)

    def expect(self, more: int) -> None:
        """There are `more` units of work than the bar knew of (totals found on the way)."""
        if self._bar.disable:
            return
        self._bar.total = (self._bar.total or 0) + more
        self._bar.refresh()

    @property
    def silent(self) -> bool:
        """Not drawn (stderr is not a terminal)."""
        return bool(self._bar.disable)

    def advance(self, done: int = 1) -> None:
        self._bar.update(done)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
