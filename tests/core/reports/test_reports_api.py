"""The reports over HTTP: the list, JSON, CSV and XLSX answers, roles and stable error codes."""

from __future__ import annotations

import csv
import io
import zipfile

from core import Database
from tests.core.api.test_api_core import api, error_code, login, seed


def test_reports_answer_as_json_csv_and_xlsx(db: Database, db_url: str) -> None:
    seed(db)
    with api(db_url) as client:
        manager, auditor, picker = login(client, "mia"), login(client, "fay"), login(client, "pia")
        listed = client.get("/api/reports", headers=auditor).json()["items"]
        assert {"best-sellers", "dead-stock", "shrinkage", "reorder"} <= {r["name"] for r in listed}
        assert client.get("/api/reports/ageing", headers=picker).status_code == 403
        body = client.get("/api/reports/ageing", headers=manager).json()
        assert body["columns"][:3] == ["age", "lots", "units"] and body["total"] == 5
        assert sum(r["units"] for r in body["items"]) == 13  # 3 rings and 10 chains
        answer = client.get("/api/reports/ageing", headers=manager, params={"format": "csv"})
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert [r["age"] for r in rows] == [r["age"] for r in body["items"]]
        assert rows[0]["units"] == "13"
        book = client.get("/api/reports/ageing", headers=manager, params={"format": "xlsx"})
        with zipfile.ZipFile(io.BytesIO(book.content)) as workbook:
            assert "xl/worksheets/sheet1.xml" in workbook.namelist()
            assert "0-30 days" in workbook.read("xl/sharedStrings.xml").decode()
            assert "<v>13</v>" in workbook.read("xl/worksheets/sheet1.xml").decode()
        for metal, units in (("gold", 13), ("silver", 0)):  # the seed holds only gold
            ageing = client.get("/api/reports/ageing", headers=manager, params={"metal": metal})
            assert sum(r["units"] for r in ageing.json()["items"]) == units


def test_report_errors_have_stable_codes(db: Database, db_url: str) -> None:
    seed(db)
    with api(db_url) as client:
        manager = login(client, "mia")
        missing = client.get("/api/reports/no-such-report", headers=manager)
        assert missing.status_code == 404 and error_code(missing) == "unknown-report"
        backwards = client.get("/api/reports/turnover", headers=manager, params={
            "since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"})
        assert backwards.status_code == 422 and error_code(backwards) == "bad-period"
        group = client.get("/api/reports/shrinkage", headers=manager, params={"by": "colour"})
        assert group.status_code == 422 and error_code(group) == "bad-group"
        fmt = client.get("/api/reports/ageing", headers=manager, params={"format": "pdf"})
        assert fmt.status_code == 422
        for days in (0, 400):
            window = client.get("/api/reports/traced-variances", headers=manager,
                                params={"trace_days": days})
            assert window.status_code == 422 and error_code(window) == "bad-option"
        assert client.get("/api/reports/traced-variances", headers=manager,
                          params={"trace_days": 7}).status_code == 200
