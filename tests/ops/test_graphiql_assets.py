"""GraphiQL without internet: the page and every file it loads come from the package, under
versioned or content-hashed paths, with a CSP that allows nothing else."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from app.http.graphiql.assets import own_assets, vendor_assets
from app.http.graphiql.page import SCRIPTS, STYLES

pytestmark = pytest.mark.anyio


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_shipped_files_match_their_manifest_and_carry_a_licence():
    assets = vendor_assets()
    assert set(SCRIPTS) | set(STYLES) <= set(assets)
    for asset in assets.values():
        assert _sri(asset.file.read_bytes()) == asset.integrity, asset.url
        assert asset.licence is not None
        assert "Permission is hereby granted, free of charge" in asset.licence.read_text()


async def test_page_loads_only_local_files_under_a_strict_csp(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline
    assert [s for s in sources if not s.startswith("/static/") and s != "data:,"] == []
    for role in SCRIPTS + STYLES:
        assert vendor_assets()[role].url in sources
    for name in ("ticketgw-graphiql.js", "ticketgw-graphiql.css"):
        assert own_assets()[name].url in sources


async def test_files_are_immutable_and_gzipped(client):
    graphiql = vendor_assets()["graphiql"]
    plain = await client.get(graphiql.url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["content-type"].startswith("text/javascript")
    assert _sri(plain.content) == graphiql.integrity
    zipped = await client.get(graphiql.url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content
    assert zipped.num_bytes_downloaded < len(plain.content) / 3

    script = own_assets()["ticketgw-graphiql.js"]
    assert (await client.get(script.url)).status_code == 200
    stale = script.url.replace(script.url.split("/")[3], "0" * 16)
    assert (await client.get(stale)).status_code == 404  # an old hash is not served


async def test_only_listed_files_are_served(client):
    graphiql = vendor_assets()["graphiql"]
    licence = await client.get(graphiql.url.rsplit("/", 1)[0] + "/LICENSE")
    assert licence.status_code == 200 and "MIT" in licence.text
    for path in (
        "/static/vendor/../../../pyproject.toml",
        "/static/vendor/manifest.json",
        graphiql.url + ".map",
        "/static/vendor/react@18.3.1/umd/react.development.js",
    ):
        assert (await client.get(path)).status_code == 404, path
