"""The subscription tests' gateway (uvicorn on a free port) and desk, for the board's
WebSocket tests."""

from tests.subscriptions.conftest import desk, gateway

__all__ = ["desk", "gateway"]
