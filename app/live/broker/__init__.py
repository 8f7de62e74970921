"""Wake-up channel for subscribers. The event log is the truth; a broker only says "look now"."""

from app.live.broker.base import Broker, Wakeup, create_broker

__all__ = ["Broker", "Wakeup", "create_broker"]
