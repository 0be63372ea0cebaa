"""Vault rules in routing: one visit to the vault, the escort rule, opening windows."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest

from tests.twin.conftest import assert_walkable
from twin.errors import VaultRuleError, VaultWindowError
from twin.generate import generate_layout
from twin.layout import Layout
from twin.routing import VaultRules, check_vault, route, route_vault_once, vault_entries


def vault_positions_contiguous(layout: Layout, order: tuple[str, ...]) -> bool:
    flags = [layout.location(c).kind == "vault" for c in order]
    first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
    return all(flags[first : last + 1])


def test_the_demo_route_enters_the_vault_once(demo_layout: Layout) -> None:
    vault = sorted(loc.code for loc in demo_layout.locations if loc.kind == "vault")
    others = ["A01-01-1L", "A08-15-5R", "R10-08-3L", "R09-02-1R"]
    picks = [vault[0], others[0], vault[-1], others[1], vault[20], others[2], others[3]]
    out = route_vault_once(demo_layout, picks, "s-shape")
    assert sorted(out.route.order) == sorted(picks)
    assert out.entries == 1
    assert vault_positions_contiguous(demo_layout, out.route.order)
    assert out.check.escort_required and out.check.rule == "two-person"
    assert out.check.min_people == 2 and set(out.check.vault_codes) == {vault[0], vault[-1],
                                                                        vault[20]}
    assert_walkable(demo_layout, out.route.path)
    body = out.to_dict()
    assert body["vault"]["entries"] == 1 and body["method"] == "s-shape+vault-once"


def test_two_vault_aisles_are_one_visit_and_other_legs_keep_out() -> None:
    layout = generate_layout(aisles=6, bays=6, levels=1, vault_aisles=2)
    picks = ["A05-R06-1", "A06-L01-1", "A04-R06-1", "A06-L04-1", "A03-L01-1", "A05-R02-1"]
    plain = route(layout, picks, "optimal")
    assert vault_entries(layout, plain) == 2  # the shortest tour goes in, out and in again
    out = route_vault_once(layout, picks, "optimal")
    assert out.entries == 1 and vault_positions_contiguous(layout, out.route.order)
    assert plain.length <= out.route.length < plain.length + 5
    assert sorted(out.route.order) == sorted(picks)
    assert_walkable(layout, out.route.path)
    no_vault = route_vault_once(layout, ["A01-R05-1", "A03-L04-1"])
    assert no_vault.entries == 0 and not no_vault.check.escort_required


def test_vault_windows_refuse_picks_when_the_vault_is_shut() -> None:
    layout = generate_layout(aisles=3, bays=4, levels=1, vault_aisles=1)
    rules = VaultRules(windows=((time(9), time(12)), (time(13), time(17))))
    vault_pick = ["A03-L01-1", "A01-L01-1"]
    assert check_vault(layout, vault_pick, rules, at=datetime(2026, 3, 2, 10)).escort_required
    with pytest.raises(VaultWindowError) as err:
        route_vault_once(layout, vault_pick, rules=rules, at=datetime(2026, 3, 2, 12, 30))
    assert err.value.code == "vault-window-closed" and "09:00-12:00" in err.value.message
    with pytest.raises(VaultRuleError, match="moment"):
        check_vault(layout, vault_pick, rules)
    # Lines outside the vault are never held by its windows.
    assert check_vault(layout, ["A01-L01-1"], rules, at=datetime(2026, 3, 2, 23)).rule == "none"
    night = VaultRules(min_people=1, windows=((time(22), time(6)),))
    single = check_vault(layout, vault_pick, night, at=datetime(2026, 3, 2, 2))
    assert (single.escort_required, single.rule) == (False, "single")
    for bad in ({"min_people": 0}, {"windows": ((time(9), time(9)),)}):
        with pytest.raises(VaultRuleError):
            VaultRules(**bad)


def test_the_route_api_applies_the_vault_rules() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from twin.layout import layout_to_dict
    from web.api.twin import router

    api = FastAPI()
    api.include_router(router)
    client = TestClient(api)
    layout = generate_layout(aisles=6, bays=6, levels=1, vault_aisles=2)
    picks = ["A05-R06-1", "A06-L01-1", "A04-R06-1", "A06-L04-1", "A03-L01-1", "A05-R02-1"]
    body: dict[str, Any] = {"layout": layout_to_dict(layout), "picks": picks,
            "vault": {"windows": [["08:00", "18:00"]], "at": "2026-03-02T09:30:00"}}
    res = client.post("/api/twin/route", json=body)
    assert res.status_code == 200, res.text
    vault = res.json()["vault"]
    assert vault["entries"] == 1 and vault["escort_required"] and vault["rule"] == "two-person"
    body["vault"]["at"] = "2026-03-02T19:00:00"
    res = client.post("/api/twin/route", json=body)
    assert res.status_code == 422 and res.json()["error"]["code"] == "vault-window-closed"
    body["vault"] = {"windows": [["09:00", "09:00"]], "at": "2026-03-02T09:00:00"}
    assert client.post("/api/twin/route", json=body).json()["error"]["code"] == "vault-rule"
