"""The live twin in a real headless Chromium: a pick confirmed through the API moves the
picker's marker on the floor plan and the 3D racks (pushed over /ws/events and restyled in the
browser, no reload), open picks are shown at their bins, the page fits a phone; and the
overview's charts keep their height at 1400 x 900 and 390 x 844."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer
from tests.web.browser.test_orders_pages import Client, _free_sku, _pieces_at

#: Where the picker trace puts each picker: {name: bin} (the trace is found by its uid).
PICKERS_JS = """() => {
  const gd = document.querySelector('#tw-graph .js-plotly-plot');
  const t = gd && gd.data && gd.data.find(d => d.uid === 'tw-pickers');
  if (!t) { return null; }
  const where = {};
  (t.text || []).forEach((name, k) => { where[name] = t.customdata[k][0]; });
  return {where: where, type: t.type};
}"""
OPEN_JS = """() => {
  const gd = document.querySelector('#tw-graph .js-plotly-plot');
  const t = gd && gd.data && gd.data.find(d => d.uid === 'tw-open');
  return t ? Object.fromEntries((t.customdata || []).map(r => [r[0], r[1]])) : null;
}"""


def _open_list(manager: Client, picker: str) -> dict[str, Any]:
    """A new order of one free piece, allocated, on a pick list assigned to ``picker``, in a
    bin other than where the picker stands now (so confirming it moves them)."""
    here = {p["picker"]: p["location"] for p in manager.get("/api/twin/live")["pickers"]}
    sku = _free_sku(manager, not_at=frozenset({here[picker]} if picker in here else ()))
    tag = uuid.uuid4().hex[:6]
    order = manager.post("/api/orders", {"channel": f"tw-{tag}", "external_id": f"TW-{tag}",
                                         "customer_name": "Twin Test",
                                         "lines": [{"sku": sku, "quantity": 1}]})
    manager.post(f"/api/orders/{order['id']}/allocate")
    return dict(manager.post("/api/picklists", {"order_ids": [order["id"]], "picker": picker}))


def _confirm(server: LiveServer, picker: Client, manager: Client, line: dict[str, Any]) -> float:
    """Confirm a pick line as the picker does; the monotonic time just before posting."""
    digits = manager.get(f"/api/locations/{line['from_location']}")["check_digits"]
    pieces = _pieces_at(server, line["from_location"], line["sku"], line["lot"])
    started = time.monotonic()
    picker.post(f"/api/picks/{line['id']}/confirm", {
        "quantity": line["quantity"], "serials": pieces[:line["quantity"]],
        "check_digits": digits})
    return started


def _moved_within(page: Any, name: str, code: str, started: float) -> float:
    """Seconds from ``started`` until the page shows ``name`` at ``code`` (fails after 15 s:
    the event moves it at once, the page's 5 s re-read of /api/twin/live at the latest; a busy
    CI machine drawing 3D in software WebGL needs the margin. The delay is printed, not timed
    here: speed is the benches' business)."""
    page.wait_for_function(
        f"() => {{ const p = ({PICKERS_JS})(); return p && p.where[{name!r}] === {code!r}; }}",
        timeout=15_000, polling="raf")
    return time.monotonic() - started


@pytest.mark.parametrize("view", ["plan", "3d"])
def test_a_confirmed_pick_moves_the_picker_on_the_twin(page: Any, server: LiveServer,
                                                       shots: Path, view: str) -> None:
    manager, picker = Client(server, "manager"), Client(server, "picker2")
    pick_list = _open_list(manager, "picker2")
    line = pick_list["lines"][0]
    sign_in(page, server, "manager", "/twin")
    page.wait_for_selector("#live-status.live")
    if view == "3d":
        page.click("#tw-view input[value='3d']")
    page.wait_for_function(f"() => {{ const p = ({PICKERS_JS})(); return p && "
                           f"p.type === {'scatter3d' if view == '3d' else 'scatter'!r}; }}")
    page.wait_for_timeout(1500)  # the first draw settles (3D: software WebGL here)
    open_before = page.evaluate(OPEN_JS).get(line["from_location"], 0)
    assert open_before >= 1  # the bin of the open line is highlighted
    assert page.evaluate(PICKERS_JS)["where"].get("picker2") != line["from_location"]

    delay = _moved_within(page, "picker2", line["from_location"],
                          _confirm(server, picker, manager, line))
    print(f"\n{view}: picker marker moved {delay * 1000:.0f} ms after the pick was posted")
    assert page.evaluate(OPEN_JS).get(line["from_location"], 0) == open_before - 1
    assert "picker2 · " + line["from_location"] in page.inner_text("#tw-who")
    if view == "plan":
        page.screenshot(path=str(shots / "twin-live.png"), full_page=True)


def test_the_twin_fits_a_phone(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        sign_in(tab, server, "manager", "/twin")
        tab.wait_for_function(f"() => ({PICKERS_JS})() !== null")
        width = tab.evaluate("document.querySelector('#twin-page').scrollWidth")
        assert width <= 390, f"the twin page is {width} px wide on a 390 px screen"
        assert tab.locator("#tw-graph").bounding_box()["height"] >= 300
    finally:
        context.close()


CHART_HEIGHTS_JS = """() => ['ov-moves', 'ov-orders', 'ov-alerts'].map(id => {
  const g = document.getElementById(id), plot = g.querySelector('.nsewdrag');
  return [id, g.getBoundingClientRect().height,
          plot ? plot.getBoundingClientRect().height : null];
})"""


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)])
def test_overview_charts_keep_their_height(browser: Any, server: LiveServer, shots: Path,
                                           width: int, height: int) -> None:
    """The charts collapsed to 27 px (a 7 px plot) whatever the data: the responsive Graph
    took 100 % of a card with no height of its own."""
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(tab, server, "manager", "/")
        tab.wait_for_selector("#ov-moves .main-svg")
        tab.wait_for_selector("#ov-orders .main-svg")
        tab.wait_for_function(f"() => ({CHART_HEIGHTS_JS})().every(c => c[1] >= 200)",
                              timeout=10_000)
        for element, box, plot in tab.evaluate(CHART_HEIGHTS_JS):
            assert box >= 200, f"{element} is {box} px tall"
            assert plot is None or plot >= 100, f"{element}'s plot area is {plot} px tall"
        assert tab.evaluate("document.querySelector('#overview-page').scrollWidth") <= width
        suffix = "" if width > 600 else "-phone"
        tab.screenshot(path=str(shots / f"overview{suffix}.png"), full_page=True)
    finally:
        context.close()
    assert not errors, errors
