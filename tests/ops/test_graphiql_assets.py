"""GraphiQL without internet: the page points at local copies of its CDN files when they are
present (byte-identical: the integrity hashes hold), and at the CDN otherwise."""

from __future__ import annotations

import pytest
from strawberry.http.ides import get_graphql_ide_html

from app.http import graphiql_assets
from app.http.graphiql_assets import localize, page_assets
from app.http.graphiql_fetch import integrity_of, tarball_url

pytestmark = pytest.mark.anyio

PAGE = get_graphql_ide_html("graphiql")


def test_the_page_loads_seven_cdn_files_with_integrity():
    assets = page_assets(PAGE)
    assert sorted(a.spec for a in assets) == [
        "@graphiql/plugin-explorer@1.0.2",
        "@graphiql/plugin-explorer@1.0.2",
        "graphiql@3.8.3",
        "graphiql@3.8.3",
        "js-cookie@3.0.5",
        "react-dom@18.2.0",
        "react@18.2.0",
    ]
    assert all(a.integrity.startswith("sha384-") for a in assets)


def test_localize_only_what_is_present(tmp_path):
    react = next(a for a in page_assets(PAGE) if a.package == "react")
    assert localize(PAGE, tmp_path) == PAGE  # nothing fetched: the CDN page as is
    react.local_file(tmp_path).parent.mkdir(parents=True)
    react.local_file(tmp_path).write_bytes(b"x")
    page = localize(PAGE, tmp_path)
    assert react.local_url in page and react.cdn_url not in page
    assert page.count("https://unpkg.com/") == PAGE.count("https://unpkg.com/") - 1


def test_tarball_urls():
    assert tarball_url("graphiql", "3.8.3") == (
        "https://registry.npmjs.org/graphiql/-/graphiql-3.8.3.tgz"
    )
    assert tarball_url("@graphiql/plugin-explorer", "1.0.2") == (
        "https://registry.npmjs.org/@graphiql/plugin-explorer/-/plugin-explorer-1.0.2.tgz"
    )


async def test_served_page_and_files(client, tmp_path, monkeypatch):
    assets = page_assets(PAGE)
    css = next(a for a in assets if a.path.endswith("graphiql.min.css"))
    monkeypatch.setattr(graphiql_assets, "VENDOR_DIR", tmp_path)
    monkeypatch.setattr(graphiql_assets, "localize", lambda html: localize(html, tmp_path))
    css.local_file(tmp_path).parent.mkdir(parents=True)
    css.local_file(tmp_path).write_bytes(b".graphiql-container{}")

    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'href="{css.local_url}"' in page.text
    assert int(page.headers["content-length"]) == len(page.content)
    served = await client.get(css.local_url)
    assert (served.status_code, served.content) == (200, b".graphiql-container{}")
    assert served.headers["content-type"].startswith("text/css")
    assert integrity_of(served.content) == integrity_of(b".graphiql-container{}")
    assert (await client.get("/static/vendor/../../../pyproject.toml")).status_code == 404
    assert (await client.get("/static/vendor/react@18.2.0/none.js")).status_code == 404
