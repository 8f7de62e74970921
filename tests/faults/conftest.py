"""Fixtures of the fault tests: dependencies of their own that may be stopped (clusters.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.db.schema_setup import migrate
from tests.faults.clusters import PostgresCluster, own_postgres, own_redis
from tests.faults.injected import refusing_db
from tests.subscriptions.conftest import desk, gateway

__all__ = ["desk", "gateway", "own_postgres", "own_redis", "pg", "refusing_db"]


@pytest.fixture(scope="module")
def _migrated(own_postgres: PostgresCluster) -> PostgresCluster:
    migrate(own_postgres.url)
    return own_postgres


@pytest.fixture
def pg(_migrated: PostgresCluster) -> Iterator[PostgresCluster]:
    """The module's own migrated cluster; running again after each test, whatever it did."""
    yield _migrated
    if not _migrated.running():
        _migrated.start()
