"""POST /api/imports/{kind} and the templates on the real app: reports, 422s, junk files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.builders import Builder
from tests.core.imports.files import catalogue_rows, csv_bytes, spoil, xlsx_bytes
from tests.http import api_client, error_code, login


@pytest.fixture
def client(db_url: str) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    db = Database(db_url)
    with db.write() as session:
        b = Builder(session)
        b.user("mia", "manager")
        b.user("pia", "picker")
    db.dispose()
    with api_client(db_url) as http:
        yield http, login(http, "mia"), login(http, "pia")


def _post(
    http: TestClient, headers: dict[str, str], kind: str, name: str, content: bytes, **params: str
) -> Any:
    return http.post(
        f"/api/imports/{kind}", params=params, headers=headers, files={"file": (name, content)}
    )


def test_upload_dry_run_rejects_then_imports_and_junk_is_422(
    client: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    http, mia, pia = client
    rows = catalogue_rows(60, prefix="API")
    broken = spoil(rows, every=20)
    content = csv_bytes(rows)
    assert _post(http, pia, "catalogue", "c.csv", content).status_code == 403
    answer = _post(http, mia, "catalogue", "c.csv", content)
    assert answer.status_code == 422
    assert error_code(answer) == "import-rejected"
    report = answer.json()["report"]
    assert sorted({r["line"] for r in report["rejected"]}) == broken
    good = xlsx_bytes(catalogue_rows(60, prefix="API"))
    dry = _post(http, mia, "catalogue", "c.xlsx", good, dry_run="true")
    assert dry.status_code == 200 and dry.json()["imported"] == 0
    done = _post(http, mia, "catalogue", "c.xlsx", good)
    assert done.status_code == 200 and done.json()["imported"] == 60
    listed = http.get("/api/skus", params={"q": "API-00001"}, headers=mia).json()
    assert listed["total"] == 10
    part = _post(
        http, mia, "catalogue", "c.csv", csv_bytes(catalogue_rows(61, prefix="API")), partial="true"
    )
    assert part.status_code == 200 and part.json()["imported"] == 1
    assert part.json()["rejected_rows"] == 60
    _junk_and_templates(http, mia)


JUNK = [
    ("stock", "f.csv", bytes(range(256)) * 8, "unreadable-file"),
    ("stock", "f.csv", b"", "empty-file"),
    ("stock", "f.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unreadable-file"),
    ("widgets", "f.csv", b"sku\n", "invalid-request"),
    ("stock", "f.exe", b"MZ\x90\x00", "unsupported-file"),
    (
        "stock",
        "f.csv",
        b"sku,location,lot,quantity\nA," + b"B" * 200_000 + b",L,1\n",
        "import-rejected",
    ),
    ("catalogue", "f.csv", b"sku,location,lot,quantity\nA,B,L,1\n", "unknown-column"),
]


def _junk_and_templates(http: TestClient, mia: dict[str, str]) -> None:
    for kind, name, content, code in JUNK:
        answer = _post(http, mia, kind, name, content)
        assert answer.status_code == 422, (name, code)
        assert error_code(answer) == code
    csv = http.get("/api/imports/stock/template", params={"format": "csv"}, headers=mia)
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("sku,location,lot")
    xlsx = http.get("/api/imports/serials/template", params={"format": "xlsx"}, headers=mia)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        http.get("/api/imports/stock/template", params={"format": "pdf"}, headers=mia).status_code
        == 422
    )
