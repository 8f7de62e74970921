"""GET /board: the page, its own script and style under content-hashed URLs, the strict CSP of
the GraphiQL page, and a subscription document the trusted-documents mode lets through."""

from __future__ import annotations

import re

import pytest

from app.http.board.page import document_text
from app.http.graphiql.page import CSP
from app.trusted_documents import TrustedDocuments, document_hash

pytestmark = pytest.mark.anyio


async def test_the_page_and_its_files(client):
    page = await client.get("/board")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "aria-live" in page.text and "://" not in page.text  # nothing from elsewhere
    urls = re.findall(r'(?:src|href)="(/static/board/[^"]+)"', page.text)
    assert sorted(url.rsplit("/", 1)[1] for url in urls) == ["board.css", "board.js"]
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    script = next(url for url in urls if url.endswith(".js"))
    stale = script.replace(script.split("/")[3], "0" * 16)
    assert (await client.get(stale)).status_code == 404
    assert (await client.get("/static/board/abc/other.js")).status_code == 404


def test_the_page_subscription_is_a_trusted_document():
    trusted = TrustedDocuments.from_directory()
    assert trusted.is_trusted(document_text())
    assert trusted.lookup(document_hash(document_text())) == document_text()
