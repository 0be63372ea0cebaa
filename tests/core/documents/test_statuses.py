"""DocStatus and LineStatus: the stored values and the API values are the strings of before."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core import CoreSettings, Database
from core.documents.models import FINAL_DOC_STATUSES, DocStatus, Document, LineStatus
from core.documents.schemas import DocumentRead
from core.locations.models import Location
from core.orders.allocation import allocate_order
from core.orders.models import OrderStatus
from core.orders.picking import create_pick_list, pick_list_read
from core.orders.picks import confirm_pick
from core.orders.schemas import PickListRead, PickResultRead
from tests.builders import PASSWORD, Builder, label_digits
from tests.core.orders.support import order, stock_lot
from web.app import Settings, create_app

#: The strings the database and the API held before the enums: they must not change.
DOC_VALUES = {"open", "done", "received", "shipped", "posted", "counted", "recount", "approved",
              "closed", "cancelled"}
LINE_VALUES = {"open", "done", "short", "cancelled", "variance", "adjusted", "closed"}


def test_enum_values_are_the_strings_of_before() -> None:
    """Every member's value is one of the old strings, and it prints and serialises as it."""
    assert {s.value for s in DocStatus} == DOC_VALUES
    assert {s.value for s in LineStatus} == LINE_VALUES
    assert {str(s) for s in FINAL_DOC_STATUSES} == DOC_VALUES - {"open", "counted", "recount"}
    for member in [*DocStatus, *LineStatus]:
        assert str(member) == f"{member}" == member.value
        assert json.dumps(member) == json.dumps(member.value)


def _raw_status(session: Session, table: str, row_id: int) -> object:
    session.flush()
    return session.execute(text(f"SELECT status FROM {table} WHERE id = :id"), {"id": row_id}
                           ).scalar_one()


def test_stored_values_round_trip(session: Session) -> None:
    """Documents and lines store the plain strings; reading them back equals the enums."""
    b = Builder(session)
    bins = b.warehouse()
    b.supplier()
    sku = b.sku("PEND-1")
    pia = b.user("pia", "picker")
    serials = stock_lot(session, b.actor, sku=sku, lot="L-1", qty=1, location=bins[0])
    o = order(session, b.actor, "7001", (sku, 1))
    allocate_order(session, actor=b.actor, order_id=o.id)
    doc = create_pick_list(session, actor=b.actor, order_ids=[o.id], picker="pia")
    line = doc.lines[0]
    assert _raw_status(session, "documents", doc.id) == "open"
    assert _raw_status(session, "document_lines", line.id) == "open"
    out = confirm_pick(session, actor=pia, line_id=line.id, quantity=1, serials=serials,
                       check_digits=label_digits(session, line.id))
    assert (out.line_status, out.pick_list_status, out.order_status) == (
        LineStatus.DONE, DocStatus.DONE, OrderStatus.PICKED)
    assert _raw_status(session, "documents", doc.id) == "done"
    assert _raw_status(session, "document_lines", line.id) == "done"
    session.expire_all()
    stored = session.scalar(select(Document).where(Document.id == doc.id))
    assert stored is not None and stored.status == DocStatus.DONE
    assert stored.lines[0].status == LineStatus.DONE
    view = pick_list_read(session, stored)
    assert view.status is DocStatus.DONE and view.lines[0].status is LineStatus.DONE
    assert view.model_dump(mode="json")["status"] == "done"


def test_openapi_lists_the_status_values() -> None:
    """The response schemas name the enums, whose values are the strings of before."""
    for model, field, values in ((PickListRead, "status", DOC_VALUES),
                                 (DocumentRead, "status", DOC_VALUES),
                                 (PickResultRead, "pick_list_status", DOC_VALUES)):
        schema = model.model_json_schema()
        ref = schema["properties"][field]["$ref"].rsplit("/", 1)[-1]
        assert set(schema["$defs"][ref]["enum"]) == values
    line_schema = PickListRead.model_json_schema()["$defs"]["PickLineRead"]
    ref = line_schema["properties"]["status"]["$ref"].rsplit("/", 1)[-1]
    assert set(PickListRead.model_json_schema()["$defs"][ref]["enum"]) == LINE_VALUES


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with db.write() as session:
        b = Builder(session)
        bins = b.warehouse()
        b.supplier()
        b.sku("CHAIN-1", serialised=False)
        b.stock("CHAIN-1", "L-2", 5, bins[1], serialised=False)
        b.user("cleo", "clerk")
        b.user("pia", "picker")
        digits = dict(session.execute(select(Location.code, Location.check_digits)).all())
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key="status-test-key" * 3))
    with TestClient(create_app(settings)) as api:
        yield api, {code: d for code, d in digits.items() if d}


def _login(api: TestClient, username: str) -> dict[str, str]:
    answer = api.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_api_values_are_unchanged(client: tuple[TestClient, dict[str, str]]) -> None:
    """Over HTTP a pick list, its lines and a pick result carry the same strings as before."""
    api, digits = client
    clerk, picker = _login(api, "cleo"), _login(api, "pia")
    made = api.post("/api/orders", headers=clerk, json={
        "channel": "shopify", "external_id": "7002", "customer_name": "Ada Lovelace",
        "lines": [{"sku": "CHAIN-1", "quantity": 5}]})
    assert made.status_code == 201, made.text
    assert api.post(f"/api/orders/{made.json()['id']}/allocate", headers=clerk).status_code == 200
    plist = api.post("/api/picklists", headers=picker,
                     json={"order_ids": [made.json()["id"]], "picker": "pia"})
    assert plist.status_code == 201, plist.text
    assert plist.json()["status"] == "open"
    line = plist.json()["lines"][0]
    assert line["status"] == "open"
    short = api.post(f"/api/picks/{line['id']}/short", headers=picker,
                     json={"found_quantity": 4, "check_digits": digits[line["from_location"]]})
    assert short.status_code == 200, short.text
    assert (short.json()["line"]["status"], short.json()["pick_list_status"],
            short.json()["order_status"]) == ("short", "done", "picked")
    listed = api.get("/api/picklists", params={"status": "done"}, headers=picker).json()
    assert [p["status"] for p in listed["items"]] == ["done"]
    spec = api.get("/openapi.json").json()["components"]["schemas"]
    assert set(spec["DocStatus"]["enum"]) == DOC_VALUES
    assert set(spec["LineStatus"]["enum"]) == LINE_VALUES
