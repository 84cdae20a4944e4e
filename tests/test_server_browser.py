"""The query page in a real browser: headless Chromium (the system's), driven by Playwright."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from serverkit import LiveServer, live_server, natokg_store, require_chromium

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(natokg_store()) as running:
        yield running


@pytest.mark.slow
def test_query_page_runs_an_example_offline(server: LiveServer) -> None:
    """Loads the page with nothing from elsewhere, runs an example, shows, sorts and downloads its rows."""
    chromium = require_chromium()
    from playwright.sync_api import Route, sync_playwright

    foreign: list[str] = []
    problems: list[str] = []

    def only_our_origin(route: Route) -> None:
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        try:
            context = browser.new_context(accept_downloads=True)
            context.route("**/*", only_our_origin)
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server.url + "/")
            page.click("#examples button[data-query='partner-frameworks']")
            assert "PREFIX nkg:" in page.input_value("#query")
            assert page.locator("#highlight .tok-keyword").count() > 0
            page.click("#run")
            page.wait_for_selector("#results table tbody tr")
            headers = page.locator("#results th").all_text_contents()
            rows = page.locator("#results tbody tr").count()
            status = page.text_content("#status") or ""
            cells = page.locator("#results tbody td").all_text_contents()

            page.click("#results th:nth-child(7)")  # "paragraph": ascending, then descending
            page.click("#results th:nth-child(7)")
            paragraphs = [
                int(t) for t in page.locator("#results tbody td:nth-child(7)").all_text_contents() if t
            ]
            sort_state = page.get_attribute("#results th:nth-child(7)", "aria-sort")

            with page.expect_download() as download_info:
                page.click("#download-csv")
            path = download_info.value.path()
            downloaded = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        finally:
            browser.close()
    assert foreign == []
    assert problems == []
    assert headers[:4] == ["partner", "framework", "role", "since"]
    assert rows > 5
    assert status.startswith(f"{rows} rows")
    assert "https://w3id.org/natokg/id/japan" in cells
    assert headers[6] == "paragraph"
    assert sort_state == "descending"
    assert len(paragraphs) > 5
    assert paragraphs == sorted(paragraphs, reverse=True)
    assert downloaded[0] == headers
    assert len(downloaded) == rows + 1
