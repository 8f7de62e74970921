"""/healthz: the process answers. /readyz: the database answers too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route


class UTF8JSONResponse(JSONResponse):
    media_type = "application/json; charset=utf-8"


async def healthz(request: Request) -> UTF8JSONResponse:
    return UTF8JSONResponse({"status": "ok"})


async def readyz(request: Request) -> UTF8JSONResponse:
    db: Any = request.app.state.env.db
    try:
        async with db.read_session() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not ready"; the reason goes to the logs, not out
        return UTF8JSONResponse({"status": "unavailable"}, status_code=503)
    return UTF8JSONResponse({"status": "ok"})


routes: list[BaseRoute] = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
