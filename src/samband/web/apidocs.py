"""The API documentation, served by Samband alone (issue 10): /docs (Swagger UI), its script
and style from the installed ``fastapi-offline`` package under /static/apidocs/, started by
our own /static/apidocs.js. Nothing is loaded from a CDN, and the page has no inline script
(the Content-Security-Policy allows scripts from Samband only), which is why FastAPI's own
get_swagger_ui_html (an inline script) is not used.

/redoc is off: ReDoc fetches its logo from its CDN and starts its search in a blob: worker,
both of which the policy refuses; Swagger UI and /openapi.json cover the same."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/apidocs"  # fastapi-offline's copy of swagger-ui-dist

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  {head}
</head>
<body>
  <div id="{element}" data-openapi-url="{openapi_url}"></div>
  {scripts}
</body>
</html>
"""


def assets_dir() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI) -> None:
    """Mount the assets and add /docs (the app is made with docs_url=None and
    redoc_url=None). Call before /static is mounted: the first matching mount wins."""
    app.mount(ASSETS, StaticFiles(directory=str(assets_dir())), name="apidocs")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            _PAGE.format(
                title=f"{app.title} – API",
                head=f'<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">\n'
                f'  <link rel="icon" href="{ASSETS}/favicon.png">',
                element="swagger-ui",
                openapi_url=openapi_url,
                scripts=f'<script src="{ASSETS}/swagger-ui-bundle.js"></script>\n'
                '  <script src="/static/apidocs.js"></script>',
            )
        )
