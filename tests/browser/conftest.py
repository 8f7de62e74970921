"""The webhook fixtures (a receiver, a desk, a worker) for test_webhooks_node.py."""

from tests.webhooks.conftest import desk, receiver, worker

__all__ = ["desk", "receiver", "worker"]
