"""Vendor connectors: one package per vendor format, each pure (no I/O), none importing another.

May import: app.domain and connectors.base only (checked: pyproject.toml).
"""

from __future__ import annotations

from app.ingest.connectors.base import Connector, PayloadError
from app.ingest.connectors.gorgias import CONNECTOR as GORGIAS
from app.ingest.connectors.qminder import CONNECTOR as QMINDER
from app.ingest.connectors.zaia import CONNECTOR as ZAIA

CONNECTORS: dict[str, Connector] = {c.name: c for c in (QMINDER, GORGIAS, ZAIA)}


def get_connector(vendor: str) -> Connector | None:
    return CONNECTORS.get(vendor)


__all__ = ["CONNECTORS", "Connector", "PayloadError", "get_connector"]
