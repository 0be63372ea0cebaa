"""The assistant shows what the asker may see through the API (issue 13: check digits and
customers reached every role; a blind counter could ask for the bin's stock)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from assistant.chat import Assistant
from core import Actor, Database
from core.documents.counts import create_count
from core.documents.models import Document
from core.trace import locate


def _ask(assistant: Assistant, actor: Actor, text: str) -> dict[str, Any]:
    reply: dict[str, Any] = assistant.ask(text, actor=actor).as_dict()
    assert reply["error"] is None, reply
    return reply


def test_check_digits_only_for_the_roles_that_print_labels(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    office = _ask(assistant, actors["manager"], "where is lot G-2311")["data"]
    assert office and all(r["check_digits"] for r in office)
    for name in ("picker", "qc", "security", "auditor"):
        rows = _ask(assistant, actors[name], "where is lot G-2311")["data"]
        assert len(rows) == len(office) and all(r["check_digits"] is None for r in rows), name


def test_customers_only_for_the_roles_that_need_them(
    assistant: Assistant, actors: dict[str, Actor]
) -> None:
    def customers(name: str, text: str, kind: str) -> set[object]:
        rows = _ask(assistant, actors[name], text)["data"]
        return {r["customer"] for r in rows if r["kind"] == kind}

    assert None not in customers("manager", "pending orders", "order")
    assert customers("picker", "pending orders", "order") == {None}
    named = customers("manager", "what would a recall of lot G-2311 touch", "shipped")
    assert named and None not in named
    assert customers("qc", "what would a recall of lot G-2311 touch", "shipped") == {None}


def test_a_blind_counter_cannot_ask_for_the_bins_stock(
    assistant: Assistant, actors: dict[str, Actor], demo_db: Database
) -> None:
    with demo_db.read() as session:
        rows = locate(session, q="G-2311").rows
        where = str(rows[0]["location"])
    with demo_db.write() as session:  # a live count of that bin, given to the picker
        number = create_count(session, actor=actors["manager"], locations=[where],
                              assignee="picker").number
    try:
        lot = _ask(assistant, actors["picker"], "where is lot G-2311")
        assert lot["data"] and where not in {r["location"] for r in lot["data"]}
        refused = _ask(assistant, actors["picker"], f"where is {where}")
        assert refused["data"] == [] and "blind count" in refused["answer"]
        assert where in {r["location"] for r in _ask(
            assistant, actors["picker2"], "where is lot G-2311")["data"]}
    finally:  # let the other tests see the demo as it was
        with demo_db.write() as session:
            session.execute(update(Document).where(Document.number == number)
                            .values(status="cancelled"))
