"""A settable clock for the floor tests: what commands stamp (app.tickets.unit_of_work) and what
estimates count from (app.floor.clock) read it, so a day can be replayed in a second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        self.now = when


def install(monkeypatch: pytest.MonkeyPatch, start: datetime) -> Clock:
    clock = Clock(start)
    monkeypatch.setattr("app.tickets.unit_of_work.utcnow", clock)
    monkeypatch.setattr("app.floor.clock.now", clock)
    return clock
