"""The office's master-data pages in a real headless Chromium: a style and its size run added
and found again by an attribute, a bin added and seen in the tree (and its labels printed), a
supplier added, changed and retired; each role sees only the forms it may use; the pages fit a
390 px wide screen."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.web.browser.conftest import sign_in
from tests.web.browser.server import LiveServer


@contextmanager
def api(server: LiveServer, username: str) -> Iterator[httpx.Client]:
    """The REST API as one demo user."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        token = http.post("/api/auth/token",
                          data={"username": username, "password": "facet-demo"})
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield http


def choose(page: Any, dropdown: str, text: str) -> None:
    """Pick the option showing ``text`` in the Dash dropdown ``dropdown`` (typing to narrow)."""
    page.click(f"#{dropdown}")
    page.locator(".dash-dropdown-search").fill(text)
    page.locator("[role=option]", has_text=text).first.click()
    page.keyboard.press("Escape")


def row(page: Any, grid: str, row_id: str, search: bool = False) -> Any:
    """The grid row whose id (its code) is ``row_id``, once it is drawn (``search``: typed
    into the grid's filter box first, as the row may be on another page)."""
    if search:
        page.fill(f"#{grid}-q", row_id)
    found = page.locator(f"#{grid} .ag-center-cols-container .ag-row[row-id='{row_id}']")
    found.wait_for()
    return found


def test_a_style_with_a_size_run_is_found_by_its_stone(page: Any, server: LiveServer,
                                                       shots: Path) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    style, stone = f"ST{tag}", f"spinel{tag.lower()}"
    sign_in(page, server, "manager", "/catalogue")
    page.fill("#cat-st-code", style)
    page.fill("#cat-st-name", "Nova ring")
    page.fill("#cat-st-category", "ring")
    page.click("#cat-st-add")
    page.wait_for_selector(f"#cat-st-msg .msg-ok >> text={style}")
    choose(page, "cat-run-style", style)
    for key, value in (("prefix", f"{style}-W"), ("sizes", "6 7 7.5"), ("metal", "gold"),
                       ("colour", "white"), ("purity", "Au585"), ("stone", stone),
                       ("carat", "0.3"), ("gross", "3.1"), ("net", "2.8"), ("price", "890")):
        page.fill(f"#cat-run-{key}", value)
    page.click("#cat-run-go")
    page.wait_for_selector(f"#cat-run-msg .msg-ok >> text={style}-W-7.5")

    choose(page, "cat-f-stone", stone)
    page.wait_for_selector("#cat-count >> text=SKUs found: 3")
    page.wait_for_function(f"""() => {{
        const ids = [...document.querySelectorAll(
            '#cat-grid .ag-center-cols-container .ag-row')].map(r => r.getAttribute('row-id'));
        return ids.length === 3 && ids.every(id => id.startsWith('{style}-W-'));
    }}""")

    row(page, "cat-grid", f"{style}-W-7").locator(".ag-cell").first.click()
    page.wait_for_selector(f"#cat-sku-code >> text={style}-W-7")
    page.fill("#cat-sku-price", "910")
    page.click("#cat-sku-save")
    page.wait_for_selector("#cat-sku-msg .msg-ok")
    with api(server, "manager") as http:
        sku = http.get(f"/api/skus/{style}-W-7").json()
    assert (sku["price"], sku["stone_type"], sku["size"]) == ("910.00", stone, "7")
    page.screenshot(path=str(shots / "catalogue.png"), full_page=True)

    # The same run again is refused whole, with the API's reason on the page.
    page.click("#cat-run-go")
    page.wait_for_selector("#cat-run-msg .msg-error >> text=sku-exists")


def test_a_new_bin_appears_in_the_tree_and_its_label_prints(page: Any, server: LiveServer,
                                                            shots: Path) -> None:
    with api(server, "manager") as http:
        level = next(n for n in http.get("/api/locations/tree").json() if n["tier"] == "level")
    code = f"{level['code']}-T{uuid.uuid4().hex[:4].upper()}"
    sign_in(page, server, "manager", "/locations")
    page.wait_for_selector("#loc-tree .md-tree")
    page.fill("#loc-new-code", code)
    choose(page, "loc-new-parent", level["code"])
    page.fill("#loc-new-capacity", "12")
    page.fill("#loc-new-digits", "47")
    page.click("#loc-new-go")
    page.wait_for_selector(f"#loc-new-msg .msg-ok >> text={code}")

    # Open the branches down to the level and choose it: the new bin is among its bins.
    for ancestor in _ancestors(server, level["code"]):
        node = page.locator(f"#loc-tree .md-node:has(strong:text-is('{ancestor}'))")
        details = node.locator("xpath=ancestor::details[1]")
        if details.count() and details.get_attribute("open") is None:
            node.click()
    page.locator(f"#loc-tree .md-node:has(strong:text-is('{level['code']}'))").click()
    page.wait_for_selector(f"#loc-tree .md-node.selected:has(strong:text-is('{level['code']}'))")
    page.wait_for_selector(f"#loc-title >> text={level['code']}")
    new = row(page, "loc-grid", code)
    assert "12" in new.inner_text() and "47" in new.inner_text()
    new.locator("input[type=checkbox]").check()
    page.wait_for_selector(f"#loc-ed-code >> text={code}")
    page.fill("#loc-ed-capacity", "20")
    page.click("#loc-ed-go")
    page.wait_for_selector("#loc-ed-msg .msg-ok")
    with page.expect_download() as download:
        page.click("#loc-lbl-go")
    assert download.value.suggested_filename == "location-labels-1.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    with api(server, "manager") as http:
        assert http.get(f"/api/locations/{code}").json()["capacity"] == 20
    page.screenshot(path=str(shots / "locations.png"), full_page=True)

    # A node of the tree is changed the same way: its name.
    new.locator("input[type=checkbox]").uncheck()
    page.locator(f"#loc-tree .md-node:has(strong:text-is('{level['code']}'))").click()
    # The bin's code starts with the level's, so a substring match would find the bin's editor
    # and its "saved" message still showing: wait for the level's own (a function, not an
    # expression: the page's CSP forbids eval).
    page.wait_for_function(
        "(level) => document.querySelector('#loc-ed-code')?.innerText.trim() === level",
        arg=level["code"])
    page.fill("#loc-ed-name", "Level one, left")
    page.click("#loc-ed-go")
    page.wait_for_function(
        "([level, bin]) => { const m = document.querySelector('#loc-ed-msg .msg-ok');"
        " return !!m && m.innerText.includes(level) && !m.innerText.includes(bin); }",
        arg=[level["code"], code])
    with api(server, "manager") as http:
        assert http.get(f"/api/locations/{level['code']}").json()["name"] == "Level one, left"


def _ancestors(server: LiveServer, code: str) -> list[str]:
    """The codes from the root down to ``code``'s parent."""
    with api(server, "manager") as http:
        parents = {n["code"]: n["parent"] for n in http.get("/api/locations/tree").json()}
    chain: list[str] = []
    parent = parents[code]
    while parent:
        chain.insert(0, parent)
        parent = parents[parent]
    return chain


def test_a_supplier_is_added_changed_and_retired(page: Any, server: LiveServer,
                                                 shots: Path) -> None:
    code = f"SUP-{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, server, "manager", "/suppliers")
    page.fill("#sup-new-code", code)
    page.fill("#sup-new-name", "Bangkok Gem Cutters")
    page.fill("#sup-new-country", "th")
    page.click("#sup-new-go")
    page.wait_for_selector(f"#sup-new-msg .msg-ok >> text={code}")
    row(page, "sup-grid", code, search=True).locator(".ag-cell").first.click()
    page.wait_for_selector(f"#sup-ed-code >> text={code}")
    page.fill("#sup-ed-contact", "Somchai, +66 2 555 0101")
    page.click("#sup-ed-go")
    page.wait_for_selector("#sup-ed-msg .msg-ok")
    page.wait_for_selector(f"#sup-grid .ag-row[row-id='{code}'] >> text=Somchai, +66 2 555 0101")
    page.click("#sup-ed-toggle")
    page.wait_for_selector("#sup-ed-toggle >> text=Activate")
    with api(server, "manager") as http:
        stored = http.get(f"/api/suppliers/{code}").json()
    assert (stored["country"], stored["contact"], stored["active"]) == (
        "TH", "Somchai, +66 2 555 0101", False)

    # A supplier with history: its purchase orders and lots with their QC.
    with api(server, "manager") as http:
        lot = http.get("/api/lots", params={"limit": 1}).json()["items"][0]
        orders = http.get("/api/purchase-orders",
                          params={"supplier": lot["supplier"], "limit": 500}).json()["items"]
    row(page, "sup-grid", lot["supplier"], search=True).locator(".ag-cell").first.click()
    assert lot["qc_result"] in row(page, "sup-lots", lot["code"]).inner_text()
    for order in orders[:3]:
        row(page, "sup-orders", order["number"])
    page.screenshot(path=str(shots / "suppliers.png"), full_page=True)


def test_each_role_sees_the_forms_it_may_use(page: Any, server: LiveServer) -> None:
    sign_in(page, server, "picker", "/catalogue")
    page.wait_for_selector("#cat-grid .ag-row")
    assert page.locator("#cat-run-go").count() == 0 and page.locator("#cat-st-add").count() == 0
    assert page.locator("#nav-suppliers").count() == 0 and page.locator("#nav-users").count() == 0
    page.goto(server.url + "/locations")
    page.wait_for_selector("#loc-grid .ag-row")
    assert page.locator("#loc-new-go").count() == 0 and page.locator("#loc-lbl-go").count() == 0
    assert page.locator("#loc-grid .ag-header-cell[col-id='check_digits']").count() == 0
    page.goto(server.url + "/suppliers")
    page.wait_for_selector("text=may not open Suppliers")

    page.click("#signout")
    page.wait_for_selector("#signin-user")
    sign_in(page, server, "clerk", "/locations")
    page.wait_for_selector("#loc-grid .ag-row")
    assert page.locator("#loc-lbl-go").count() == 1 and page.locator("#loc-new-go").count() == 0
    page.goto(server.url + "/suppliers")
    page.wait_for_selector("#sup-grid .ag-row")
    assert page.locator("#sup-new-go").count() == 1 and page.locator("#sup-ed-go").count() == 0


def test_the_pages_fit_a_phone(browser: Any, server: LiveServer, shots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        sign_in(tab, server, "admin", "/catalogue")
        for path, ready in (("/catalogue", "#cat-grid .ag-row"),
                            ("/locations", "#loc-grid .ag-row"),
                            ("/suppliers", "#sup-grid .ag-row"), ("/users", "#us-grid .ag-row")):
            tab.goto(server.url + path)
            tab.wait_for_selector(ready)
            wide = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{path} scrolls sideways by {wide} px at 390 px"
            tab.screenshot(path=str(shots / f"{path.strip('/')}-phone.png"))
    finally:
        context.close()
