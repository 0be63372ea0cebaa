"""Returns racing for the same shipped goods: never more back than went out (both databases)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from core import Database
from core.documents.models import DocKind
from core.errors import CoreError
from core.orders.integrity import verify_stock
from core.people.security import Actor
from core.returns import CustomerReturnCreate, list_returns, open_return, receive_return
from tests.core.returns.support import shop

RACERS = 6


def test_racing_returns_never_exceed_what_shipped(db: Database) -> None:
    with db.write() as session:
        sold = shop(session)  # 4 chains shipped on order line 2
        actor: Actor = sold.b.actor
        order_id = sold.shipped.id
    start = threading.Barrier(RACERS)

    def one(_: int) -> str:
        start.wait()
        try:
            with db.write() as session:
                doc = open_return(
                    session,
                    actor=actor,
                    data=CustomerReturnCreate(
                        order_id=order_id, reason="race", lines=[{"line_no": 2, "quantity": 2}]
                    ),
                )
                receive_return(session, actor=actor, number=doc.number)
        except CoreError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(one, range(RACERS)))
    assert outcomes.count("ok") == 2, outcomes
    assert set(outcomes) - {"ok"} <= {"return-exceeds-shipped", "busy"}, outcomes
    with db.read() as session:
        docs, total = list_returns(session, kind=DocKind.CUSTOMER_RETURN)
        assert total == 2 and all(d.status == "received" for d in docs)
        assert verify_stock(session).ok
