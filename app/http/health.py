"""/healthz: the process answers. /readyz: the database and the broker answer too."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

log = logging.getLogger(__name__)

# A probe must answer before the orchestrator's own timeout, even when a dependency hangs.
READY_TIMEOUT = 2.5


class UTF8JSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"


async def healthz(request: Request) -> UTF8JSONResponse:
    return UTF8JSONResponse({"status": "ok"})


async def _database_ok(db: Any) -> bool:
    async with db.read_session() as session:
        await session.execute(text("SELECT 1"))
    return True


async def readyz(request: Request) -> UTF8JSONResponse:
    env: Any = request.app.state.env
    checks: dict[str, bool] = {}
    for name, probe in (("database", _database_ok(env.db)), ("broker", _broker_ok(env.broker))):
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                checks[name] = await probe
        except Exception as exc:  # the reason goes to the logs, not out
            log.warning("readiness: %s unavailable (%s)", name, type(exc).__name__)
            checks[name] = False
    if not all(checks.values()):
        return UTF8JSONResponse({"status": "unavailable"}, status_code=503)
    return UTF8JSONResponse({"status": "ok"})


async def _broker_ok(broker: Any) -> bool:
    return True if broker is None else bool(await broker.ping())


routes: list[BaseRoute] = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
