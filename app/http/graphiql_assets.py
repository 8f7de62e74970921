"""GraphiQL without internet: serve its JS and CSS from this process when they were fetched.

Strawberry's GraphiQL page loads React, GraphiQL and the explorer plugin from unpkg.com with
integrity hashes. `ticketgw fetch-graphiql` stores byte-identical copies under VENDOR_DIR
(<package>@<version>/<path>); the page served at /graphql then points at /static/vendor/... for
every file present (the integrity attributes stay and still hold), and at the CDN otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
LOCAL_PREFIX = "/static/vendor/"
CDN_PREFIX = "https://unpkg.com/"
_ASSET = re.compile(
    r'(?:src|href)="https://unpkg\.com/(?P<spec>(?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/(?P<path>[^"]+)"'
    r'\s+integrity="(?P<integrity>[^"]+)"'
)


@dataclass(frozen=True)
class Asset:
    spec: str  # "graphiql@3.8.3", "@graphiql/plugin-explorer@1.0.2"
    path: str  # inside the npm package, "graphiql.min.js"
    integrity: str  # "sha384-<base64>"

    @property
    def package(self) -> str:
        return self.spec.rsplit("@", 1)[0]

    @property
    def version(self) -> str:
        return self.spec.rsplit("@", 1)[1]

    @property
    def cdn_url(self) -> str:
        return f"{CDN_PREFIX}{self.spec}/{self.path}"

    @property
    def local_url(self) -> str:
        return f"{LOCAL_PREFIX}{self.spec}/{self.path}"

    def local_file(self, vendor_dir: Path = VENDOR_DIR) -> Path:
        return vendor_dir / self.spec / self.path


def page_assets(html: str) -> list[Asset]:
    """The CDN files (with their integrity hashes) an IDE page loads."""
    return [Asset(m["spec"], m["path"], m["integrity"]) for m in _ASSET.finditer(html)]


def localize(html: str, vendor_dir: Path = VENDOR_DIR) -> str:
    for asset in page_assets(html):
        if asset.local_file(vendor_dir).is_file():
            html = html.replace(asset.cdn_url, asset.local_url)
    return html


async def vendor_file(request: Request) -> Response:
    root = VENDOR_DIR.resolve()
    path = (root / request.path_params["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    # Versioned paths never change content.
    return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})


routes: list[BaseRoute] = [
    Route(LOCAL_PREFIX + "{path:path}", vendor_file, methods=["GET", "HEAD"]),
]


class LocalGraphiQL:
    """Rewrites the GraphiQL page (an HTML answer to GET /graphql) to use local assets."""

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
                if not content_type.startswith("text/html"):
                    await send(message)
                    return
                start = message  # held back until the whole page is here
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = localize(b"".join(chunks).decode()).encode()
            MutableHeaders(scope=start)["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
