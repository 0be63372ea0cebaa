"""Finance documents and custody: consigned pieces are the supplier's until bought, memo, repair
and assay pieces stay ours, and the registers agree with the custody valuation. Both databases.

The worked example (catalogue price 950.00 a pendant, no purchase orders):

- February: three owned pendants P0-P2 in the first bin (owned stock 2,850.00).
- 2 March: three pendants in on consignment (CS-0..CS-2); P0 and P1 out on memo to SHOP1,
  P2 out to the repairer.
- 4 March: CS-0 bought at 500.00 (supplier's invoice INV-77).
- 5 March: CS-1 sent back; P1 back from memo, P2 back from repair and out to assay (still
  there at the end of the month).
- 6 March: P0 sold on its memo; CS-0 out on a second memo, sold on 7 March.

The receipt register holds only the purchase (1 piece, 500.00, dated 4 March); the issue
register the two sales (P0 at 950.00, CS-0 at its purchase cost 500.00, each with its sale
value); nothing else is booked, and 2,850 + 500 - 1,450 = 1,900 is what the valuation owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core import Database
from core.custody import (
    BackIn,
    ConsignmentIn,
    ConsignmentPieceIn,
    CustodyKind,
    CustodyOut,
    PieceWeight,
    PurchaseIn,
    PurchasePiece,
    SaleIn,
    SendBackIn,
    buy,
    custody_reads,
    get_custody,
    hand_out,
    receive_consignment,
    sell,
    send_back,
    take_back,
    valuation,
)
from core.documents.models import Document
from core.errors import NotFoundError
from core.people.service import system_actor
from core.reports.finance import (
    NOT_OWNED_SOURCES,
    FinanceDocument,
    FinanceKind,
    finance_document,
    register,
)
from core.reports.finance_files import line_rows, rows_csv
from tests.builders import at, clock
from tests.core.custody.support import WEIGHT_G, shop

DUE = date(2026, 3, 31)
MARCH = {"since": date(2026, 3, 1), "until": date(2026, 3, 31)}
CENTS = Decimal("0.01")


@dataclass
class Month:
    """The document numbers and places of the worked example."""

    consignment: str
    memo: str
    repair: str
    assay: str
    memo2: str
    sale_p0: str
    sale_cs0: str
    bins: list[str]
    owned: list[str]
    february_owned: float


def _number(s: Session, document_id: int) -> str:
    return s.get_one(Document, document_id).number


def _out(s: Session, kind: str, partner: str, serials: list[str]) -> str:
    custody = hand_out(
        s,
        actor=system_actor(s),
        data=CustodyOut(kind=kind, partner=partner, due_on=DUE, serials=serials),
    )
    return _number(s, custody.document_id)


def _make_month(db: Database) -> Month:
    with clock(at(2, 20)), db.write() as s:
        made = shop(s, pieces=3)
        bins, owned = made.bins, made.pieces
        february_owned = valuation(s).owned_total
    with clock(at(3, 2)), db.write() as s:
        custody = receive_consignment(
            s,
            actor=system_actor(s),
            data=ConsignmentIn(
                partner="CONSIGN",
                due_on=DUE,
                terms="sale or return",
                bin=bins[1],
                pieces=[
                    ConsignmentPieceIn(serial=f"CS-{i}", sku="PEND-1", weight_g=WEIGHT_G)
                    for i in range(3)
                ],
            ),
        )
        consignment = _number(s, custody.document_id)
        memo = _out(s, "memo", "SHOP1", owned[:2])
        repair = _out(s, "repair", "FIXIT", owned[2:])
    with clock(at(3, 4)), db.write() as s:
        buy(
            s,
            actor=system_actor(s),
            number=consignment,
            data=PurchaseIn(
                pieces=[PurchasePiece(serial="CS-0", unit_cost=500.0)], reference="INV-77"
            ),
        )
    with clock(at(3, 5)), db.write() as s:
        actor = system_actor(s)
        send_back(s, actor=actor, number=consignment, data=SendBackIn(serials=["CS-1"]))
        take_back(
            s,
            actor=actor,
            number=memo,
            data=BackIn(bin=bins[0], pieces=[PieceWeight(serial=owned[1], weight_g=WEIGHT_G)]),
        )
        take_back(
            s,
            actor=actor,
            number=repair,
            data=BackIn(bin=bins[0], pieces=[PieceWeight(serial=owned[2], weight_g=WEIGHT_G)]),
        )
        assay = _out(s, "assay", "FIXIT", owned[2:])
    with clock(at(3, 6)), db.write() as s:
        sale_p0 = sell(
            s, actor=system_actor(s), number=memo, data=SaleIn(serials=[owned[0]])
        ).number
        memo2 = _out(s, "memo", "SHOP1", ["CS-0"])
    with clock(at(3, 7)), db.write() as s:
        sale_cs0 = sell(
            s, actor=system_actor(s), number=memo2, data=SaleIn(serials=["CS-0"])
        ).number
    return Month(
        consignment, memo, repair, assay, memo2, sale_p0, sale_cs0, bins, owned, february_owned
    )


@pytest.fixture
def month(db: Database) -> Month:
    """The worked example, posted."""
    return _make_month(db)


def _lines(doc: FinanceDocument) -> list[tuple[object, ...]]:
    return [
        (
            ln.sku,
            ln.serials,
            ln.quantity,
            ln.unit_value,
            ln.value,
            ln.basis,
            ln.from_location,
            ln.to_location,
            ln.unit_price,
            ln.sale_value,
        )
        for ln in doc.lines
    ]


def test_consignment_kind_is_the_one_finance_leaves_out() -> None:
    # core.reports sits below core.custody, so it names the custody kind by value.
    assert CustodyKind.CONSIGNMENT.value in NOT_OWNED_SOURCES
    assert not {k.value for k in CustodyKind if k != CustodyKind.CONSIGNMENT} & NOT_OWNED_SOURCES


def test_receipts_book_the_purchase_not_the_consignment(db: Database, month: Month) -> None:
    with db.read() as s:
        receipts = register(s, kind=FinanceKind.RECEIPT, **MARCH)
        assert len(receipts.documents) == 1
        doc = receipts.documents[0]
        assert doc.number.startswith("RCV-") and doc.source == "receipt"
        assert doc.date == at(3, 4)
        assert doc.counterparty == f"SUP1 Supplier SUP1 / {month.consignment}"
        assert doc.reference == "INV-77"
        assert doc.reason == "consignment-purchase"
        assert _lines(doc) == [
            (
                "PEND-1",
                ("CS-0",),
                1,
                Decimal("500.00"),
                Decimal("500.00"),
                "purchase-cost",
                "V-SUPPLIER",
                month.bins[1],
                None,
                None,
            )
        ]
        assert doc.lines[0].lot == month.consignment
        assert receipts.totals() == {
            "documents": 1,
            "lines": 1,
            "quantity": 1,
            "value": Decimal("500.00"),
        }
        # The same document on its own, and the custody piece names it as what settled it.
        assert finance_document(s, number=doc.number) == doc
        pieces = custody_reads(s, [get_custody(s, month.consignment)])[0].pieces
        settled = {p.serial: (p.state, p.settled_by, p.unit_cost) for p in pieces}
        assert settled == {
            "CS-0": ("purchased", doc.number, 500.0),
            "CS-1": ("returned", None, None),
            "CS-2": ("consigned", None, None),
        }


def test_consignment_in_and_back_are_no_finance_documents(db: Database, month: Month) -> None:
    with db.read() as s:
        for kind in FinanceKind:
            numbers = [d.number for d in register(s, kind=kind, **MARCH).documents]
            assert month.consignment not in numbers
            assert not {month.memo, month.repair, month.assay, month.memo2} & set(numbers)
        for number in (month.consignment, month.memo, month.repair, month.assay, month.memo2):
            with pytest.raises(NotFoundError) as caught:
                finance_document(s, number=number)
            assert caught.value.code == "not-a-finance-document"
        assert register(s, kind=FinanceKind.TRANSFER, **MARCH).documents == ()
        assert register(s, kind=FinanceKind.ADJUSTMENT, **MARCH).documents == ()


def test_memo_sales_are_issues_at_cost_with_sale_value(db: Database, month: Month) -> None:
    with db.read() as s:
        issues = register(s, kind=FinanceKind.ISSUE, **MARCH)
        assert [d.number for d in issues.documents] == [month.sale_p0, month.sale_cs0]
        p0, cs0 = issues.documents
        assert (p0.date, cs0.date) == (at(3, 6), at(3, 7))
        price = Decimal("950.00")
        assert _lines(p0) == [
            (
                "PEND-1",
                (month.owned[0],),
                1,
                price,
                price,
                "catalogue-price",
                "CUST-SHOP1",
                "V-CUSTOMER",
                price,
                price,
            )
        ]
        assert _lines(cs0) == [
            (
                "PEND-1",
                ("CS-0",),
                1,
                Decimal("500.00"),
                Decimal("500.00"),
                "purchase-cost",
                "CUST-SHOP1",
                "V-CUSTOMER",
                price,
                price,
            )
        ]
        assert p0.reference == month.memo and cs0.reference == month.memo2
        assert p0.counterparty == f"SHOP1 / {month.memo}"
        assert cs0.counterparty == f"SHOP1 / {month.memo2}"
        assert issues.totals() == {
            "documents": 2,
            "lines": 2,
            "quantity": 2,
            "value": Decimal("1450.00"),
            "sale_value": Decimal("1900.00"),
        }


def test_registers_agree_with_the_valuation(db: Database, month: Month) -> None:
    with db.read() as s:
        value = valuation(s)
        receipts = register(s, kind=FinanceKind.RECEIPT, **MARCH).totals()["value"]
        issues = register(s, kind=FinanceKind.ISSUE, **MARCH).totals()["value"]
        adjusted = register(s, kind=FinanceKind.ADJUSTMENT, **MARCH).totals()["value"]
        assert month.february_owned == 3 * 950.0
        owned = Decimal(str(month.february_owned)) + receipts - issues + adjusted
        assert owned == Decimal("1900.00")
        assert Decimal(str(value.owned_total)).quantize(CENTS) == owned
        # Still ours: P1 in the bin and P2 at the assay lab; the one piece still consigned is
        # at its memo value and in no register.
        assert (value.owned_in_warehouse, value.owned_out_for_repair) == (950.0, 950.0)
        assert value.consigned_not_owned == 950.0 and value.pieces["consigned"] == 1


def test_the_purchase_in_the_csv(db: Database, month: Month) -> None:
    with db.read() as s:
        receipts = register(s, kind=FinanceKind.RECEIPT, **MARCH)
        text = rows_csv(line_rows(FinanceKind.RECEIPT, receipts.documents, receipts.totals()))
    header, line, total = text.strip().split("\n")
    assert header.split(",")[:6] == [
        "document",
        "date",
        "kind",
        "counterparty",
        "reference",
        "reason",
    ]
    assert line.startswith(f"{receipts.documents[0].number},2026-03-04T09:00:00+00:00,receipt,")
    assert f"SUP1 Supplier SUP1 / {month.consignment},INV-77,consignment-purchase" in line
    assert ",CS-0,V-SUPPLIER," in line and ",1,500.00,500.00,purchase-cost," in line
    assert total.startswith("TOTAL,") and ",1,,500.00,,CNY" in total


def test_sold_before_bought_is_flagged_then_valued_at_its_purchase(db: Database) -> None:
    """Sale or return: a consigned piece sold off a memo before anyone bought it shows as an
    issue at its memo value flagged ``consigned``; once bought, the same issue is at the
    purchase cost and the receipt is dated at the purchase. Owned stock never moves."""
    with clock(at(2, 20)), db.write() as s:
        made = shop(s, pieces=1)
        before = valuation(s).owned_total
    with clock(at(3, 2)), db.write() as s:
        custody = receive_consignment(
            s,
            actor=system_actor(s),
            data=ConsignmentIn(
                partner="CONSIGN",
                due_on=DUE,
                bin=made.bins[1],
                pieces=[ConsignmentPieceIn(serial="CS-7", sku="PEND-1")],
            ),
        )
        consignment = _number(s, custody.document_id)
        memo = _out(s, "memo", "SHOP1", ["CS-7"])
    with clock(at(3, 3)), db.write() as s:
        sale = sell(s, actor=system_actor(s), number=memo, data=SaleIn(serials=["CS-7"])).number
    with db.read() as s:
        (issue,) = register(s, kind=FinanceKind.ISSUE, **MARCH).documents
        assert issue.number == sale
        assert [(ln.serials, ln.basis, ln.value, ln.sale_value) for ln in issue.lines] == [
            (("CS-7",), "consigned", Decimal("950.00"), Decimal("950.00"))
        ]
        assert register(s, kind=FinanceKind.RECEIPT, **MARCH).documents == ()
    with clock(at(3, 9)), db.write() as s:
        buy(
            s,
            actor=system_actor(s),
            number=consignment,
            data=PurchaseIn(pieces=[PurchasePiece(serial="CS-7", unit_cost=400.0)]),
        )
    with db.read() as s:
        (issue,) = register(s, kind=FinanceKind.ISSUE, **MARCH).documents
        assert [(ln.basis, ln.unit_value, ln.value) for ln in issue.lines] == [
            ("purchase-cost", Decimal("400.00"), Decimal("400.00"))
        ]
        (receipt,) = register(s, kind=FinanceKind.RECEIPT, **MARCH).documents
        assert (receipt.date, receipt.reference, receipt.value) == (
            at(3, 9),
            consignment,
            Decimal("400.00"),
        )
        assert [(ln.serials, ln.from_location, ln.to_location) for ln in receipt.lines] == [
            (("CS-7",), "V-SUPPLIER", "V-CUSTOMER")
        ]
        value = valuation(s)
        assert value.owned_total == before == 950.0
        assert receipt.value - issue.value == Decimal("0.00")
        assert value.consigned_not_owned == 0.0
