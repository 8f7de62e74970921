"""The queue board page at GET /board, and its script and style (app/http/board/static/).

The page reads `#key=<DISPLAY key>&lines=<Line ids, comma-separated>` from the URL fragment
(never sent to a server, so the key stays out of logs), subscribes to queueBoardChanged over
graphql-transport-ws, and resumes from its last cursor after any disconnect. Like the GraphiQL
page, its Content-Security-Policy allows only this origin's files and connections; nothing is
inline. Files are named by a hash of their content, so browsers may keep them for a year.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from app.http.graphiql.page import CSP

STATIC = Path(__file__).parent / "static"
# The page's subscription, a trusted document (app/trusted_documents.py): sent as written.
DOCUMENT = Path(__file__).resolve().parents[3] / "schema" / "operations" / "board_page.graphql"
PREFIX = "/static/board/"
FILES = {"board.js": "text/javascript; charset=utf-8", "board.css": "text/css; charset=utf-8"}
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class _File:
    url: str
    body: bytes
    media_type: str


@cache
def _files() -> dict[str, _File]:
    found = {}
    for name, media_type in FILES.items():
        body = (STATIC / name).read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:16]
        found[name] = _File(f"{PREFIX}{digest}/{name}", body, media_type)
    return found


@cache
def document_text() -> str:
    """Raw text inside a <script> data block: no entities there, so nothing may close it."""
    text = DOCUMENT.read_text(encoding="utf-8").strip()
    if "</" in text:
        raise ValueError(f"{DOCUMENT} may not contain '</'")
    return text


@cache
def page_html() -> str:
    files = _files()
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Queue board</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{files["board.css"].url}">
  </head>
  <body>
    <header class="top">
      <h1 id="title">Queue</h1>
      <div id="status" class="status" role="status">Connecting…</div>
      <time id="clock" class="clock"></time>
    </header>
    <main class="board">
      <section class="calls" aria-labelledby="calls-title">
        <h2 id="calls-title">Now serving</h2>
        <ol id="called" class="called"></ol>
        <p id="no-calls" class="empty">No calls yet</p>
      </section>
      <section class="queue" aria-labelledby="queue-title">
        <h2 id="queue-title">Waiting</h2>
        <ul id="lines" class="lines"></ul>
        <ol id="waiting" class="waiting"></ol>
      </section>
    </main>
    <div id="announce" class="sr-only" aria-live="assertive" aria-atomic="true"></div>
    <script type="application/graphql" id="board-document">{document_text()}</script>
    <script src="{files["board.js"].url}"></script>
  </body>
</html>
"""


async def board_page(request: Request) -> Response:
    return HTMLResponse(page_html(), headers=HEADERS)


async def board_file(request: Request) -> Response:
    name = request.path_params["name"]
    found = _files().get(name)
    if found is None or request.url.path != found.url:
        return PlainTextResponse("Not found", status_code=404)
    headers = {**HEADERS, "Cache-Control": "public, max-age=31536000, immutable"}
    return Response(found.body, media_type=found.media_type, headers=headers)


routes: list[BaseRoute] = [
    Route("/board", board_page, methods=["GET"]),
    Route(PREFIX + "{digest}/{name}", board_file, methods=["GET"]),
]
