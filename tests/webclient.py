"""A TestClient that behaves like a browser on Samband's pages (issue 10): it talks https
(the session cookie is Secure), and a form it posts to a page carries the CSRF token from its
``samband_csrf`` cookie, as the page's hidden field would, with the page's Origin. Before its
first page it has no cookie yet, so it loads one first.

Use ``TestClient`` itself (base_url="https://testserver") to post without a token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from samband.web import csrf

BASE_URL = "https://testserver"


class WebClient(TestClient):
    def __init__(self, app: Any, **kwargs: Any) -> None:
        kwargs.setdefault("base_url", BASE_URL)
        super().__init__(app, **kwargs)

    def csrf_token(self) -> str:
        """The browser's CSRF cookie; without one yet, a page is loaded first (any answer
        outside /api/ sets it)."""
        for _ in range(2):
            for cookie in self.cookies.jar:
                if cookie.name == csrf.COOKIE:
                    return str(cookie.value)
            super().request("GET", "/health")
        raise AssertionError("the app set no CSRF cookie")

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        path = urlsplit(str(url)).path
        if method.upper() in csrf.UNSAFE and not path.startswith(("/api/", "/fhir/")):
            token = self.csrf_token()
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault("origin", BASE_URL)
            data = kwargs.get("data")
            if isinstance(data, dict):
                kwargs["data"] = {csrf.FIELD: token, **data}
            elif data is None and kwargs.get("content") is None and kwargs.get("json") is None:
                kwargs["data"] = {csrf.FIELD: token}
            else:
                headers.setdefault("x-csrf-token", token)
            kwargs["headers"] = headers
        return super().request(method, url, **kwargs)
