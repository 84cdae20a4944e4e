"""The gap-analysis notebooks: committed clean and thin, and run top to bottom on a fresh kernel.

The fast tests read the committed files. The slow ones execute every notebook with nbclient on
a kernel of this interpreter; any error, a failed check cell included, fails the test, and so
does anything a cell writes to stderr (warnings). Run with ``-s`` to see each notebook's run
time; ``benchmarks/notebooks.py`` prints them as a table.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode

from notebook_support import (
    NOTEBOOKS,
    Run,
    code_cells,
    execute,
    notebook_paths,
    python_of,
    read,
    stderr_of,
    with_parameters,
)
from support import REPO, require_tool

EXPECTED = ["01-explore-the-graph", "02-cooperation-gaps", "03-what-if", "04-indicators"]
#: A notebook stays thin: anything longer than this belongs in the package.
LONGEST_DEFINITION = 5
PATHS = notebook_paths()
#: Paragraphs the report has (the seed report: 1 to 64).
PARAGRAPHS = range(1, 65)


def test_the_four_notebooks_are_committed() -> None:
    """Finds the four notebooks of issue 7, named NN-verb-object."""
    assert [path.stem for path in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_a_committed_notebook_has_no_outputs_or_execution_counts(path: Path) -> None:
    """Keeps outputs and execution counts out of the committed notebook."""
    dirty = [cell.id for cell in code_cells(read(path)) if cell.outputs or cell.execution_count is not None]
    assert dirty == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_the_first_code_cell_holds_the_parameters(path: Path) -> None:
    """Tags the first code cell, and only it, as the parameters, which assign literal values."""
    cells = code_cells(read(path))
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell.metadata.get("tags", [])]
    assert tagged == [0]
    body = python_of(cells[0]).body
    assert body
    for statement in body:
        assert isinstance(statement, ast.Assign), ast.unparse(statement)
        ast.literal_eval(statement.value)  # a literal: papermill and the test can override it


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_notebook_checks_results_the_report_supports(path: Path) -> None:
    """Has an assertion cell, and every assertion cell cites the paragraphs it checks."""
    checks = [
        cell
        for cell in code_cells(read(path))
        if any(isinstance(node, ast.Assert) for node in ast.walk(python_of(cell)))
    ]
    assert checks
    assert [cell.id for cell in checks if not re.search(r"¶ \d", cell.source)] == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_no_code_cell_defines_a_long_function(path: Path) -> None:
    """Defines no function or class longer than five lines in any code cell."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    long = [
        f"{cell.id}: line {node.lineno}"
        for cell in code_cells(read(path))
        for node in ast.walk(python_of(cell))
        if isinstance(node, kinds) and (node.end_lineno or node.lineno) - node.lineno + 1 > LONGEST_DEFINITION
    ]
    assert long == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_a_notebook_uses_only_the_public_api(path: Path) -> None:
    """Imports no private natokg module or name and reads no private attribute."""
    private = []
    for cell in code_cells(read(path)):
        for node in ast.walk(python_of(cell)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("natokg"):
                names = [*(node.module or "").split("."), *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [part for alias in node.names for part in alias.name.split(".")]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            else:
                continue
            private += [f"{cell.id}: {name}" for name in names if name.startswith("_")]
    assert private == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_reading_cites_paragraphs_of_the_report(path: Path) -> None:
    """Cites at least one paragraph in every reading, and only paragraphs the report has."""
    readings = [
        cell
        for cell in read(path).cells
        if cell.cell_type == "markdown" and cell.source.startswith("**Reading")
    ]
    assert readings
    assert [cell.id for cell in readings if "¶ " not in cell.source] == []
    cited = [
        int(n) for cell in read(path).cells for n in re.findall(r"\d+", " ".join(_citations(cell.source)))
    ]
    assert cited
    assert [n for n in cited if n not in PARAGRAPHS] == []


def _citations(text: str) -> list[str]:
    """Return what follows each ¶: numbers, ranges (with an en dash or a hyphen) and commas."""
    return re.findall(r"¶ ([\d\u2013\-, ]+)", text)


def test_the_notebooks_extra_installs_jupyterlab_apart_from_dev() -> None:
    """Puts JupyterLab in the notebooks extra and the notebook runner in dev, not JupyterLab."""
    import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    names = {extra: {re.split(r"[<>=\[ ]", spec)[0] for spec in specs} for extra, specs in extras.items()}
    assert "jupyterlab" in names["notebooks"]
    assert {"nbclient", "nbformat", "ipykernel"} <= names["dev"]
    assert "jupyterlab" not in names["dev"]


# ---------------------------------------------------------------------------
# Executed (slow): a kernel start and the analysis take several seconds per notebook
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_of() -> Callable[[str], Run]:
    """Return a function that runs a notebook once per module and keeps the result."""
    runs: dict[str, Run] = {}

    def run(stem: str) -> Run:
        if stem not in runs:
            runs[stem] = execute(read(NOTEBOOKS / f"{stem}.ipynb"))
        return runs[stem]

    return run


def _ran_every_cell(notebook: NotebookNode) -> bool:
    return all(cell.execution_count is not None for cell in code_cells(notebook))


@pytest.mark.slow
@pytest.mark.parametrize("stem", EXPECTED)
def test_a_notebook_runs_top_to_bottom_on_a_fresh_kernel(stem: str, run_of: Callable[[str], Run]) -> None:
    """Runs every cell in order without an error, a failed check or a warning."""
    run = run_of(stem)
    print(f"\n{stem}.ipynb ran in {run.seconds:.1f} s")
    assert _ran_every_cell(run.notebook)
    assert stderr_of(run.notebook) == []
    assert [o for cell in code_cells(run.notebook) for o in cell.outputs if o.output_type == "error"] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stem", "values"),
    [
        ("01-explore-the-graph", {"PARTNER": "ROK", "MIN_WEIGHT": 0.5}),
        ("02-cooperation-gaps", {"PARTNER": "Singapore", "TOP": 5, "EXPLAIN": ("Japan", "AI")}),
    ],
    ids=["01-rok", "02-singapore"],
)
def test_a_notebook_runs_with_other_parameters(stem: str, values: dict[str, object]) -> None:
    """Runs a notebook with its parameters changed, its checks still holding."""
    run = execute(with_parameters(read(NOTEBOOKS / f"{stem}.ipynb"), **values))
    assert _ran_every_cell(run.notebook)
    assert stderr_of(run.notebook) == []
    injected = run.notebook.cells[[c.cell_type for c in run.notebook.cells].index("code") + 1]
    assert "injected-parameters" in injected.metadata["tags"]


@pytest.mark.slow
def test_a_failing_check_fails_the_run() -> None:
    """Raises on the first failing assertion cell, naming it, and runs no cell after it."""
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("PARTNER = 'Japan'"),
        nbformat.v4.new_code_cell("assert PARTNER == 'ROK', 'the check about the ROK fails'"),
        nbformat.v4.new_code_cell("print('after the failed check')"),
    ]
    with pytest.raises(CellExecutionError, match="the check about the ROK fails"):
        execute(notebook)
    assert notebook.cells[2].execution_count is None


@pytest.mark.slow
def test_the_kernel_is_this_interpreter_with_this_checkout() -> None:
    """Runs the notebooks on this interpreter, importing natokg from this checkout's src."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import sys, natokg\nprint(sys.executable)\nprint(natokg.__file__)")
    ]
    run = execute(notebook)
    executable, module = run.notebook.cells[0].outputs[0].text.split()
    assert executable == sys.executable
    assert Path(module).resolve() == (REPO / "src" / "natokg" / "__init__.py").resolve()


@pytest.mark.slow
def test_the_inline_network_view_draws_offline_in_chromium(
    run_of: Callable[[str], Run], tmp_path: Path
) -> None:
    """Draws the network of notebook 01's inline view in Chromium, with every network request refused."""
    chromium = require_tool("chromium")
    from playwright.sync_api import Route, sync_playwright

    run = run_of("01-explore-the-graph")
    snippets = [
        output.data["text/html"]
        for cell in code_cells(run.notebook)
        for output in cell.outputs
        if "text/html" in output.get("data", {}) and output.data["text/html"].startswith("<iframe srcdoc=")
    ]
    assert len(snippets) == 1
    page_file = tmp_path / "output.html"
    page_file.write_text(f"<!DOCTYPE html><html><body>{snippets[0]}</body></html>", encoding="utf-8")
    refused: list[str] = []
    errors: list[str] = []

    def route(request: Route) -> None:
        if request.request.url == page_file.as_uri():
            request.continue_()
        else:
            refused.append(request.request.url)
            request.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", route)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_file.as_uri())
            view = page.frame_locator("iframe")
            view.locator("#natokg-loading").wait_for(state="hidden", timeout=90_000)
            box = view.locator("#natokg-network canvas").bounding_box()
            heading = view.locator("h1").inner_text()
        finally:
            browser.close()
    assert box is not None
    assert min(box["width"], box["height"]) > 100
    assert "Japan" in heading
    assert refused == []
    assert errors == []
