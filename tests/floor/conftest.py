"""The subscription tests' gateway (uvicorn on a free port) for the board's WebSocket tests."""

from tests.subscriptions.conftest import gateway

__all__ = ["gateway"]
