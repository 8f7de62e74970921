"""What every command and every reader of the live feed is given: the database and the broker."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.engine import Database
from app.live.broker import Broker


@dataclass(frozen=True)
class ServiceEnv:
    """What every command needs: the database, and the broker to wake subscribers after commit."""

    db: Database
    broker: Broker | None = None
