"""The GraphiQL page's static files, served from the package: no CDN, works offline.

Two kinds, both under paths that change when their content does, so browsers may keep them
for a year without asking again:
- vendor files (React, GraphiQL, the explorer plugin, graphql-sse) at
  /static/vendor/<package>@<version>/<file>, as listed in static/vendor/manifest.json (written by
  app/http/graphiql/vendor.py, with each file's SRI hash and its licence next to it);
- our own page script and style at /static/ide/<content hash>/<file>.
Only listed files are served. Text files are gzipped once, in memory, for clients that take it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
OWN_DIR = STATIC_DIR / "ide"
VENDOR_PREFIX = "/static/vendor/"
OWN_PREFIX = "/static/ide/"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    url: str
    file: Path
    integrity: str
    licence: Path | None = None  # vendor files: the licence shipped beside them


@cache
def vendor_assets() -> dict[str, Asset]:
    """The shipped vendor files by role ("react", "graphiql-css", ...)."""
    manifest = json.loads((VENDOR_DIR / "manifest.json").read_text())
    return {
        role: Asset(
            VENDOR_PREFIX + entry["path"],
            VENDOR_DIR / entry["path"],
            entry["integrity"],
            VENDOR_DIR / entry["license"],
        )
        for role, entry in manifest["assets"].items()
    }


@cache
def _vendor_files() -> dict[str, Path]:
    """What /static/vendor/ serves, by path under it: the assets and their licences."""
    files = {}
    for asset in vendor_assets().values():
        files[asset.url[len(VENDOR_PREFIX) :]] = asset.file
        if asset.licence is not None:
            files[str(asset.licence.relative_to(VENDOR_DIR))] = asset.licence
    return files


@cache
def own_assets() -> dict[str, Asset]:
    """Our page script and style by file name, each under a path naming its content hash."""
    assets = {}
    for file in sorted(OWN_DIR.iterdir()):
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
        assets[file.name] = Asset(f"{OWN_PREFIX}{digest}/{file.name}", file, "")
    return assets


@cache
def _body(file: Path, compressed: bool) -> bytes:
    data = file.read_bytes()
    return gzip.compress(data, compresslevel=9, mtime=0) if compressed else data


def _serve(request: Request, file: Path) -> Response:
    media_type = "text/plain" if file.name == "LICENSE" else mimetypes.guess_type(file.name)[0]
    media_type = media_type or "application/octet-stream"
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    compressed = "gzip" in request.headers.get("accept-encoding", "")
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if compressed:
        headers["Content-Encoding"] = "gzip"
    body = b"" if request.method == "HEAD" else _body(file, compressed)
    return Response(body, media_type=media_type, headers=headers)


async def vendor_file(request: Request) -> Response:
    file = _vendor_files().get(request.path_params["path"])
    if file is None:
        return PlainTextResponse("Not found", status_code=404)
    return _serve(request, file)


async def own_file(request: Request) -> Response:
    asset = own_assets().get(request.path_params["name"])
    if asset is None or asset.url != request.url.path:
        return PlainTextResponse("Not found", status_code=404)  # unknown, or an old hash
    return _serve(request, asset.file)


routes: list[BaseRoute] = [
    Route(VENDOR_PREFIX + "{path:path}", vendor_file, methods=["GET", "HEAD"]),
    Route(OWN_PREFIX + "{digest}/{name}", own_file, methods=["GET", "HEAD"]),
]
