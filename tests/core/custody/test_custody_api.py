"""Custody over HTTP and the CLI: roles, stable codes, nothing half-posted, the reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from core import Database
from tests.core.custody.support import WEIGHT_G, moves, shop
from tests.http import api_client, error_code, login
from web.cli.main import app


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, list[str], list[str]]]:
    with db.write() as session:
        made = shop(session, pieces=3)
        made.b.user("cleo", "clerk")
        made.b.user("pia", "picker")
        made.b.user("fin", "finance_auditor")
    with api_client(db_url) as c:
        yield c, made.pieces, made.bins


def _moves(db: Database) -> int:
    with db.read() as session:
        return moves(session)


def test_memo_over_http_and_the_cli(
    client: tuple[TestClient, list[str], list[str]], db: Database, db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c, pieces, bins = client
    clerk, picker, fin = login(c, "cleo"), login(c, "pia"), login(c, "fin")
    due = (date.today() + timedelta(days=3)).isoformat()
    body = {"kind": "memo", "partner": "SHOP1", "due_on": due, "terms": "sale or return",
            "serials": pieces}
    assert c.post("/api/custody/out", json=body, headers=picker).status_code == 403
    before = _moves(db)
    unknown = c.post("/api/custody/out", json={**body, "partner": "NOBODY"}, headers=clerk)
    assert unknown.status_code == 404 and error_code(unknown) == "unknown-partner"
    past = c.post("/api/custody/out", json={**body, "due_on": "2020-01-01"}, headers=clerk)
    assert past.status_code == 422 and error_code(past) == "due-date-past"
    assert _moves(db) == before
    made = c.post("/api/custody/out", json=body, headers=clerk)
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    assert made.json()["counts"] == {"out": 3} and made.json()["location"] == "CUST-SHOP1"

    bad = c.post(f"/api/custody/{number}/back", headers=clerk,
                 json={"bin": bins[0], "pieces": [{"serial": pieces[0], "weight_g": 0}]})
    assert bad.status_code == 422
    back = c.post(f"/api/custody/{number}/back", headers=clerk,
                  json={"bin": bins[0], "pieces": [{"serial": pieces[0], "weight_g": WEIGHT_G}]})
    assert back.status_code == 200, back.text
    sold = c.post(f"/api/custody/{number}/sell", headers=clerk, json={"serials": [pieces[1]]})
    assert sold.status_code == 200 and sold.json()["counts"] == {"back": 1, "sold": 1, "out": 1}
    again = c.post(f"/api/custody/{number}/sell", headers=clerk, json={"serials": [pieces[1]]})
    assert again.status_code == 409 and error_code(again) == "piece-not-out"
    missing = c.get("/api/custody/MEMO-999999", headers=clerk)
    assert missing.status_code == 404 and error_code(missing) == "unknown-custody-document"

    later = (date.today() + timedelta(days=10)).isoformat()
    late = c.get("/api/custody/overdue", params={"on": later}, headers=picker).json()["items"]
    assert [(r["number"], r["pieces_out"], r["days_overdue"]) for r in late] == [(number, 1, 7)]
    assert c.get("/api/custody/overdue", headers=picker).json()["items"] == []
    values = c.get("/api/custody/value-by-partner", headers=clerk).json()["items"]
    assert [(v["partner"], v["pieces"], v["value"]) for v in values] == [("SHOP1", 1, 950.0)]
    assert c.get("/api/custody/valuation", headers=clerk).status_code == 403
    valued = c.get("/api/custody/valuation", headers=fin).json()
    assert valued["owned_out_on_memo"] == 950.0 and valued["pieces"]["out_on_memo"] == 1
    listed = c.get("/api/custody", params={"partner": "shop1"}, headers=picker).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == number

    monkeypatch.setenv("FACET_DATABASE_URL", db_url)
    runner = CliRunner()
    shown = runner.invoke(app, ["custody", "overdue", "--on", later])
    assert shown.exit_code == 0 and number in shown.output, shown.output
    checked = runner.invoke(app, ["custody", "check-overdue"])
    assert checked.exit_code == 0 and "0 overdue alert(s) raised" in checked.output
    assert "SHOP1" in runner.invoke(app, ["custody", "value"]).output
