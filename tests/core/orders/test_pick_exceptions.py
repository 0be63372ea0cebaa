"""Wrong picks caught: refused confirmations are kept as pick exceptions, and post nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.voice import Command, DialogueMachine, PickRejectedError, load_language
from core import CoreSettings, Database
from core.errors import NotFoundError, SerialError, ValidationFailed
from core.ledger.models import StockMove
from core.orders.allocation import allocate_order
from core.orders.exceptions import (
    PickExceptionQuery,
    list_pick_exceptions,
    record_pick_exception,
    refusal_kind,
)
from core.orders.integrity import verify_stock
from core.orders.models import PickException
from core.orders.picking import create_pick_list, pick_list_read
from tests.assistant.voice.test_core_backend import build_floor
from tests.builders import PASSWORD, Builder, label_digits
from tests.core.orders.support import order, stock_lot
from web.adapters.voice_backend import CorePickingBackend
from web.app import Settings, create_app


def _moves(session: Session) -> int:
    return session.scalar(select(func.count(StockMove.id))) or 0


def _exceptions(db: Database) -> list[tuple[str, str, str, str]]:
    """(kind, given, source, request_key or '') of every pick exception, oldest first."""
    with db.read() as session:
        rows = session.execute(select(PickException.kind, PickException.given,
                                      PickException.source, PickException.request_key)
                               .order_by(PickException.id)).all()
    return [(k, g, s, r or "") for k, g, s, r in rows]


# -- the service -------------------------------------------------------------------------------


def test_record_checks_kind_line_and_key(session: Session) -> None:
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku("PEND-1")
    pia = b.user("pia", "picker")
    stock_lot(session, b.actor, sku=sku, lot="L-1", qty=2, location=bins[0])
    sales = order(session, b.actor, "5001", (sku, 1))
    allocate_order(session, actor=b.actor, order_id=sales.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[sales.id], picker="pia")
    line = pick_list_read(session, doc).lines[0]
    with pytest.raises(ValidationFailed):
        record_pick_exception(session, actor=pia, line_id=line.id, kind="serials-required")
    with pytest.raises(NotFoundError):
        record_pick_exception(session, actor=pia, line_id=10**6, kind="wrong-check-digits")
    first = record_pick_exception(session, actor=pia, line_id=line.id, kind="wrong-check-digits",
                                  given=" 42 ", request_key="k-1")
    again = record_pick_exception(session, actor=pia, line_id=line.id,
                                  kind="wrong-check-digits", given="42", request_key="k-1")
    assert again.id == first.id and first.given == "42"
    items, total = list_pick_exceptions(session, PickExceptionQuery(user="pia"))
    assert total == 1 and items[0].location == bins[0] and items[0].pick_list == doc.number
    assert (items[0].sku, items[0].lot, items[0].source) == (sku, "L-1", "api")
    assert list_pick_exceptions(session, PickExceptionQuery(kind="wrong-serial"))[1] == 0
    assert refusal_kind(SerialError("x", code="serial-not-at-bin")) == "serial-not-at-bin"
    assert refusal_kind(SerialError("x", code="serials-required")) is None
    assert refusal_kind(ValueError("wrong-check-digits")) is None


# -- over HTTP ---------------------------------------------------------------------------------

USERS = {"mia": "manager", "cleo": "clerk", "pia": "picker", "fiona": "finance_auditor"}


def _login(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def floor_api(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """A ring line (bin 1) and a serialised pendant line (bin 3) on pia's pick list."""
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("RING-1", serialised=False)
        b.sku("PEND-1")
        b.stock("RING-1", "L-1", 5, bins[0], serialised=False)
        here = b.stock("PEND-1", "L-2", 2, bins[2])
        elsewhere = b.stock("PEND-1", "L-3", 1, bins[3])
        for name, role in USERS.items():
            b.user(name, role)
        sales = order(session, b.actor, "7001", ("RING-1", 2), ("PEND-1", 1))
        allocate_order(session, actor=b.actor, order_id=sales.id)
        doc = create_pick_list(session, actor=b.actor, order_ids=[sales.id], picker="pia")
        lines = {ln.sku: ln for ln in pick_list_read(session, doc).lines}
        digits = label_digits(session, lines["PEND-1"].id)  # what pia reads off the label
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="exceptions-key" * 3))
    with TestClient(create_app(settings)) as client:
        yield client, {"ring": lines["RING-1"], "pendant": lines["PEND-1"], "here": here,
                       "elsewhere": elsewhere, "pick_list": doc.number,
                       "pendant_digits": digits}


def test_refusals_over_http_are_recorded_and_post_nothing(
    floor_api: tuple[TestClient, dict[str, Any]], db: Database
) -> None:
    client, f = floor_api
    picker = _login(client, "pia")
    with db.read() as session:
        before = _moves(session)
    ring, pendant = f["ring"], f["pendant"]
    wrong = client.post(f"/api/picks/{ring.id}/confirm", headers=picker,
                        json={"quantity": 2, "check_digits": "00"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong-check-digits"
    other_bin = client.post(f"/api/picks/{pendant.id}/confirm", headers=picker,
                            json={"quantity": 1, "serials": [f["elsewhere"][0]],
                                  "check_digits": f["pendant_digits"]})
    assert other_bin.status_code == 409
    assert other_bin.json()["error"]["code"] in ("serial-wrong-lot", "serial-not-at-bin")
    short = client.post(f"/api/picks/{ring.id}/short", headers=picker,
                        json={"found_quantity": 1, "check_digits": "00"})
    assert short.status_code == 422
    # Not wrong picks: a missing serial, a closed line. They are refused and not recorded.
    assert client.post(f"/api/picks/{pendant.id}/confirm", headers=picker,
                       json={"quantity": 1, "check_digits": f["pendant_digits"]}
                       ).status_code == 409
    keyed = {**picker, "Idempotency-Key": "scan-77"}
    for _ in range(2):  # a retry of the same refused request is recorded once
        assert client.post(f"/api/picks/{ring.id}/confirm", headers=keyed,
                           json={"quantity": 2, "check_digits": "01"}).status_code == 422
    with db.read() as session:
        assert _moves(session) == before and verify_stock(session).ok
    kinds = _exceptions(db)
    assert [k[0] for k in kinds] == ["wrong-check-digits", other_bin.json()["error"]["code"],
                                     "wrong-check-digits", "wrong-check-digits"]
    assert [k[1] for k in kinds] == ["00", f["elsewhere"][0], "00", "01"]
    assert kinds[-1][3] == "scan-77"
    ok = client.post(f"/api/picks/{pendant.id}/confirm", headers=picker,
                     json={"quantity": 1, "serials": [f["here"][0]],
                           "check_digits": f["pendant_digits"]})
    assert ok.status_code == 200, ok.text


def test_managers_read_pick_exceptions_pickers_do_not(
    floor_api: tuple[TestClient, dict[str, Any]]
) -> None:
    client, f = floor_api
    picker = _login(client, "pia")
    for digits in ("00", "01", "02"):
        client.post(f"/api/picks/{f['ring'].id}/confirm", headers=picker,
                    json={"quantity": 2, "check_digits": digits})
    denied = client.get("/api/pick-exceptions", headers=picker)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert client.get("/api/pick-exceptions", headers=_login(client, "cleo")).status_code == 403
    for reader in ("mia", "fiona"):
        page = client.get("/api/pick-exceptions", headers=_login(client, reader),
                          params={"limit": 2})
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == 3 and [i["given"] for i in body["items"]] == ["02", "01"]
        item = body["items"][0]
        assert (item["user"], item["kind"], item["pick_list"], item["sku"], item["source"]) == (
            "pia", "wrong-check-digits", f["pick_list"], "RING-1", "api")
    manager = _login(client, "mia")
    filtered = client.get("/api/pick-exceptions", headers=manager,
                          params={"kind": "wrong-serial", "user": "pia"}).json()
    assert filtered == {"items": [], "total": 0}
    assert client.get("/api/pick-exceptions", headers=manager,
                      params={"offset": 2}).json()["items"][0]["given"] == "00"
    # The staff report (and so the Reports page, which shows the answer's columns) counts them.
    report = client.get("/api/reports/staff-performance", headers=manager).json()
    assert {"wrong_picks_caught", "variances_traced", "pick_accuracy"} <= set(report["columns"])
    (row,) = report["items"]
    assert (row["person"], row["lines"], row["wrong_picks_caught"], row["pick_accuracy"]) == (
        "pia", 0, 3, 0.0)
    exported = client.get("/api/reports/staff-performance", headers=manager,
                          params={"format": "csv"}).text.splitlines()
    assert "wrong_picks_caught" in exported[0].split(",") and len(exported) == 2


# -- from the voice dialogue -------------------------------------------------------------------


def test_voice_rejections_land_in_the_same_table(db: Database) -> None:
    floor = build_floor(db)
    backend = CorePickingBackend(db)
    machine = DialogueMachine(backend, load_language("en"))
    machine.start()
    for command in (Command("digits", "1001"), Command("ready"), Command("ready")):
        machine.handle(command)
    turn = machine.handle(Command("digits", "99"))  # wrong check digits for the ring's bin
    assert turn.prompt.keys[0] == "wrong_check" and turn.calls[0].action == "reject"
    assert turn.calls[0].ok
    pendant = str(floor.line_ids[1])
    backend.report_rejection("1001", pendant, kind="wrong-serial", given="K99Z")
    with pytest.raises(PickRejectedError):
        backend.report_rejection("1001", pendant, kind="no-such-kind", given="")
    # An unknown code is refused by the core but is no wrong pick: nothing recorded.
    with pytest.raises(PickRejectedError):
        backend.confirm_pick("1001", pendant, quantity=2, serials=("AUR-0001-K72A", "NOPE"),
                             idempotency_key="voice:x:0")
    assert _exceptions(db) == [("wrong-check-digits", "99", "voice", ""),
                               ("wrong-serial", "K99Z", "voice", "")]
    with db.read() as session:
        assert session.scalar(select(func.count(StockMove.id)).where(
            StockMove.reason == "pick")) == 0
