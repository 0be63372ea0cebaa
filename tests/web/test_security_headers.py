"""Issue 13, security headers: on every answer (pages, assets, API, errors); HSTS only on HTTPS;
the Content-Security-Policy allows the pages' own inline scripts by hash and nothing inline
else. (The browser tests run the pages under this policy: a violation is a console error.)"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.core.api.test_api_core import api, login, seed

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db)
    with api(db_url) as c:
        yield c


def _check(answer: object) -> str:
    headers = answer.headers  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert headers[name] == value, name
    assert "microphone=(self)" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # plain HTTP
    csp = str(headers["content-security-policy"])
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    return csp


def test_every_kind_of_answer_has_the_headers(client: TestClient) -> None:
    manager = login(client, "mia")
    answers = [
        client.get("/"),  # a Dash page
        client.get("/assets/facet.css"),
        client.get("/api/health"),
        client.get("/api/stock", headers=manager),
        client.get("/api/stock"),  # 401
        client.get("/api/skus/NOPE", headers=manager),  # 404
        client.post("/api/adjustments", json={}, headers=manager),  # 422
        client.get("/docs"),
    ]
    for answer in answers:
        _check(answer)


def test_hsts_only_over_https(client: TestClient) -> None:
    secure = TestClient(client.app, base_url="https://testserver")
    answer = secure.get("/api/health")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_policy_allows_exactly_the_pages_inline_scripts(client: TestClient) -> None:
    page = client.get("/")
    csp = _check(page)
    script_src = re.search(r"script-src ([^;]+)", csp)
    assert script_src is not None
    sources = script_src.group(1).split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    html = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)  # IE-only conditional comments
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    executable = [body for attrs, body in inline if "application/json" not in attrs]
    assert executable  # the Dash renderer start and the clientside callbacks
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources, body[:80]


def test_the_api_documentation_may_load_its_cdn_scripts(client: TestClient) -> None:
    """Swagger UI loads from a CDN and starts inline; the app's pages may do neither."""
    docs = _check(client.get("/docs"))
    assert "https://cdn.jsdelivr.net" in docs and "'unsafe-inline'" in docs.split(";")[1]
    pages = _check(client.get("/"))
    assert "cdn.jsdelivr.net" not in pages
