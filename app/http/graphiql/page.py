"""The GraphiQL page at GET /graphql: every script and style from this gateway, none inline.

Its Content-Security-Policy lets the page load only this origin's files and talk only to this
origin (HTTP, WebSocket and Server-Sent Events); the fonts and icons GraphiQL's CSS carries
inline are data: URLs. The page script (static/ide/ticketgw-graphiql.js) builds the fetcher and
the transport switch; see there.
"""

from __future__ import annotations

from functools import cache
from html import escape

from starlette.responses import HTMLResponse

from app.http.graphiql.assets import own_assets, vendor_assets

# Order matters: React first, GraphiQL needs it, the plugin and our script need GraphiQL.
SCRIPTS = ("react", "react-dom", "graphiql", "explorer", "graphql-sse")
STYLES = ("graphiql-css", "explorer-css")

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


@cache
def page_html() -> str:
    vendor, own = vendor_assets(), own_assets()
    links = [
        f'<link rel="stylesheet" href="{vendor[r].url}" integrity="{vendor[r].integrity}">'
        for r in STYLES
    ] + [f'<link rel="stylesheet" href="{own["ticketgw-graphiql.css"].url}">']
    scripts = [
        f'<script src="{vendor[r].url}" integrity="{vendor[r].integrity}"></script>'
        for r in SCRIPTS
    ] + [f'<script src="{own["ticketgw-graphiql.js"].url}"></script>']
    head = "\n    ".join(links)
    body = "\n    ".join(scripts)
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>ticketgw GraphiQL</title>
    <link rel="icon" href="data:,">
    {head}
  </head>
  <body>
    <div id="graphiql">{escape("Loading GraphiQL...")}</div>
    {body}
  </body>
</html>
"""


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(
        page_html(),
        headers={
            "Content-Security-Policy": CSP,
            # The page itself is small and names its files by version: always revalidate it.
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
