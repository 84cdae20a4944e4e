"""Benchmark the network page on synthetic graphs of growing size (a script, not a test).

For each size a seeded synthetic graph (benchmarks/synthetic.py) is projected, the page is
rendered (`natokg.viz.network_page`, with its default cap of 1,500 nodes) and, when Debian's
chromium is installed, opened in headless Chromium (Playwright) until vis-network has laid it
out and stopped its physics. It prints the graph's size, what the page draws, the time of
each stage and the page's size.

Usage::

    .venv/bin/python benchmarks/bench_viz.py                   # 10k, 30k, 60k, 100k triples
    .venv/bin/python benchmarks/bench_viz.py 60000 --no-browser
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def one(size: int, browser: Any, max_nodes: int) -> dict[str, Any]:
    """Generate, project, render and (with a browser) lay out one graph; return the figures."""
    from synthetic import generate

    from natokg import resources
    from natokg.analysis.project import project_graphs
    from natokg.load import parse_file
    from natokg.viz import network_page

    row: dict[str, Any] = {"size": size}
    start = time.perf_counter()
    graph = generate(size)
    G = project_graphs([*(parse_file(p) for p in resources.ontology_files()), graph])
    row["project"] = time.perf_counter() - start
    row["graph"] = f"{G.number_of_nodes():,} / {G.number_of_edges():,}"
    start = time.perf_counter()
    page = network_page(G, max_nodes=max_nodes)
    row["render"] = time.perf_counter() - start
    row["drawn"] = f"{page.nodes:,} / {page.edges:,}"
    row["mb"] = len(page.html.encode()) / 1e6
    row["layout"] = None
    if browser is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "network.html"
            path.write_text(page.html, encoding="utf-8")
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            tab.goto(path.as_uri())
            tab.wait_for_selector("#natokg-loading", state="hidden", timeout=600_000)
            row["layout"] = time.perf_counter() - start
            tab.close()
    return row


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 30_000, 60_000, 100_000])
    parser.add_argument("--max-nodes", type=int, default=1500)
    parser.add_argument("--no-browser", action="store_true", help="Only render, do not open the page.")
    args = parser.parse_args()
    chromium = None if args.no_browser else shutil.which("chromium")
    rows = []
    if chromium:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            rows = [one(size, browser, args.max_nodes) for size in args.sizes]
            browser.close()
    else:
        rows = [one(size, None, args.max_nodes) for size in args.sizes]
    print(f"{'triples':>9} {'nodes / edges':>17} {'drawn':>15} {'project s':>9} {'render s':>8} "
          f"{'page MB':>7} {'layout s':>8}")  # fmt: skip
    for r in rows:
        layout = "-" if r["layout"] is None else f"{r['layout']:.1f}"
        print(
            f"{r['size']:>9,} {r['graph']:>17} {r['drawn']:>15} {r['project']:>9.1f} "
            f"{r['render']:>8.1f} {r['mb']:>7.1f} {layout:>8}"
        )
    print(f"(cap: {args.max_nodes:,} nodes; 'layout': until vis-network stabilised and stopped)")


if __name__ == "__main__":
    main()
