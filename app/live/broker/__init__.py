"""Wake-up channel for subscribers. The event log is the truth; a broker only says "look now".

base (the port, `Wakeup`, `follow_wakeups`), factory (`create_broker` by URL scheme), memory,
redis (optional).
"""

from app.live.broker.base import Broker, Wakeup, follow_wakeups
from app.live.broker.factory import create_broker

__all__ = ["Broker", "Wakeup", "create_broker", "follow_wakeups"]
