"""The network page in a real browser: Debian's chromium, headless, driven by Playwright.

The browser is the system's (``make system-deps`` installs it); the tests never download one.
They skip when chromium is missing, and fail instead under ``CI=true``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from natokg import load_graph
from natokg.analysis._index import Index
from natokg.analysis.project import KG, project
from natokg.viz import network_html, notebook_iframe
from support import FIXTURES, REPO, require_tool
from viz_support import expected_edges, expected_gaps, page_data

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

# Each test lays out a page in a real browser: seconds each on a shared machine.
pytestmark = pytest.mark.slow

ID = "https://w3id.org/natokg/id/"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "build" / "network-screenshot.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def kg() -> KG:
    return project(load_graph().store)


@dataclass
class Opened:
    """A page opened from a file, with what it asked for and what it complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def drawn(self) -> dict[str, int]:
        """Return the nodes and edges vis-network draws now."""
        counts: dict[str, int] = self.page.evaluate("window.natokg.drawn()")
        return counts

    def settle(self, seconds: float = 0.4) -> None:
        """Give the page's debounced handlers time to run."""
        time.sleep(seconds)


def open_page(browser: Browser, path: Path) -> Opened:
    """Open `path` by its file:// URL, recording every request and refusing any that leaves the file."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    # The page hides its "laying out" note once vis-network has stabilised and stopped.
    page.wait_for_selector("#natokg-loading", state="hidden", timeout=120_000)
    return opened


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory, kg: KG) -> Path:
    path = tmp_path_factory.mktemp("viz") / "network.html"
    path.write_text(network_html(kg), encoding="utf-8")
    return path


def test_the_page_loads_offline_without_errors_and_draws_the_whole_graph(
    browser: Browser, whole: Path, kg: KG
) -> None:
    """Loads from file:// with no console error and no other request, then draws every node and edge."""
    opened = open_page(browser, whole)
    try:
        assert opened.errors == []
        assert opened.blocked == []
        assert {url for url in opened.requests if not url.startswith("data:")} == {whole.as_uri()}
        nodes = set(kg.nodes)
        expected = len(expected_edges(kg, nodes)) + len(expected_gaps(kg, nodes))
        assert opened.drawn() == {"nodes": kg.number_of_nodes(), "edges": expected}
        assert opened.page.evaluate("window.natokgNetwork.physics.options.enabled") is False
        SCREENSHOT.parent.mkdir(exist_ok=True)
        opened.page.screenshot(path=str(SCREENSHOT))
        assert SCREENSHOT.stat().st_size > 10_000
    finally:
        opened.page.close()


def test_search_and_filters_change_what_is_visible(browser: Browser, whole: Path, kg: KG) -> None:
    """Shows a search's matches with their neighbours, one partner's part, no gaps, no technologies."""
    opened = open_page(browser, whole)
    page = opened.page
    data = page_data(whole.read_text(encoding="utf-8"))
    everything = opened.drawn()
    try:
        page.fill("#natokg-search", "ATLA")
        opened.settle()
        matches = {n["id"] for n in data["nodes"] if "atla" in n["names"]}
        shown = set(matches)
        for edge in data["edges"]:
            if edge["from"] in matches:
                shown.add(edge["to"])
            if edge["to"] in matches:
                shown.add(edge["from"])
        assert ID + "atla" in matches
        assert opened.drawn()["nodes"] == len(shown) < everything["nodes"]
        assert set(page.evaluate("window.natokgNetwork.getSelectedNodes()")) == matches
        page.fill("#natokg-search", "")
        opened.settle()
        assert opened.drawn() == everything

        page.select_option("#natokg-partner", label="Japan")
        opened.settle(0.1)
        japan = Index(kg).actors_of(ID + "japan")
        reach = japan | {m for n in japan for m in (*kg.successors(n), *kg.predecessors(n))}
        assert opened.drawn()["nodes"] == len(reach) < everything["nodes"]
        with_gaps = opened.drawn()["edges"]
        page.uncheck("#natokg-gaps")
        opened.settle(0.1)
        assert opened.drawn()["edges"] == with_gaps - len(expected_gaps(kg, reach))

        page.click("#natokg-reset")
        page.uncheck("input.natokg-kind[value='technology']")
        opened.settle(0.1)
        technologies = sum(1 for _, d in kg.nodes(data=True) if d["kind"] == "technology")
        assert opened.drawn()["nodes"] == everything["nodes"] - technologies
        assert opened.errors == []
    finally:
        page.close()


def test_hostile_labels_run_no_script_and_show_as_text(browser: Browser, tmp_path: Path) -> None:
    """Shows <script>, <img onerror> and </script> labels, tooltips and titles as text; none of them runs."""
    path = tmp_path / "hostile.html"
    path.write_text(network_html(load_graph([FIXTURES / "viz" / "hostile.ttl"]).store), encoding="utf-8")
    opened = open_page(browser, path)
    page = opened.page
    try:
        assert opened.errors == []
        assert opened.blocked == []
        assert "<script>window.__xss=1</script> report" in page.inner_text("header")
        assert "<script>window.__xss=1</script>" in page.inner_text("#natokg-partner")
        tip = hover(page, ID + "x-partner")
        assert "<script>window.__xss=1</script>" in tip
        assert "</script><script>window.__xss=1</script>" in hover(page, ID + "x-tech")
        # Every tooltip, put into the document the way vis-network shows it.
        page.evaluate(
            """() => {
              const all = [...window.natokg.nodes.get(), ...window.natokg.edges.get()];
              all.forEach(item => document.body.appendChild(item.title));
            }"""
        )
        assert "<img src=x onerror=window.__xss=1> leads" in page.inner_text("body")
        assert "\u201c</script><img src=x onerror=window.__xss=1>\u201d" in page.inner_text("body")
        page.fill("#natokg-search", "<img")
        opened.settle()
        assert opened.drawn()["nodes"] > 0
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('img, iframe, svg[onload], a[href]').length") == 0
        assert opened.errors == []
    finally:
        page.close()


def hover(page: Page, node: str) -> str:
    """Move the mouse onto `node` and return the text of the tooltip vis-network shows."""
    point: dict[str, Any] = page.evaluate(
        """(id) => {
          const net = window.natokgNetwork;
          net.moveTo({position: net.getPositions([id])[id], scale: 1.5, animation: false});
          const p = net.canvasToDOM(net.getPositions([id])[id]);
          const box = document.getElementById("natokg-network").getBoundingClientRect();
          return {x: p.x + box.left, y: p.y + box.top};
        }""",
        node,
    )
    page.mouse.move(point["x"] + 40, point["y"] + 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
    return page.inner_text("div.vis-tooltip")


def test_the_notebook_iframe_shows_the_page(browser: Browser, kg: KG) -> None:
    """Draws the page inside the sandboxed iframe a notebook shows, with the same counts as the file."""
    html = network_html(kg, focus="ATLA", depth=1)
    data = page_data(html)
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.set_content(f"<!DOCTYPE html><html><body>{notebook_iframe(html, height=600)}</body></html>")
        frame = page.frames[1]
        frame.wait_for_selector("#natokg-loading", state="hidden", timeout=60_000)
        counts = frame.evaluate("window.natokg.drawn()")
        assert counts == {"nodes": len(data["nodes"]), "edges": len(data["edges"])}
        assert page.evaluate("typeof window.natokgNetwork") == "undefined"  # sandboxed: the notebook is apart
        assert errors == []
    finally:
        page.close()
