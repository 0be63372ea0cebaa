"""GET /api/reports/{name} takes the goods filters the chat uses: sku, size and colour."""

from __future__ import annotations

from typing import Any

import pytest

from core import Database
from tests.core.api.test_api_core import api, login, seed


@pytest.fixture
def client(db: Database, db_url: str) -> Any:
    seed(db)
    with api(db_url) as c:
        yield c


def _units(client: Any, headers: dict[str, str], **params: str) -> int:
    answer = client.get("/api/reports/ageing", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return sum(int(r["units"]) for r in answer.json()["items"])


def test_the_reports_route_takes_sku_size_and_colour(client: Any) -> None:
    auditor = login(client, "fay")
    every = _units(client, auditor)
    assert every == 13  # RING-1 (3 pieces) and CHAIN-1 (10)
    assert _units(client, auditor, sku="ring-1") == 3
    assert _units(client, auditor, sku="NO-SUCH") == 0
    assert _units(client, auditor, colour="no-such-colour") == 0
    assert _units(client, auditor, size="no-such-size") == 0
