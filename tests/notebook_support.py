"""Read the notebooks in ``notebooks/`` and run them as CI does: top to bottom, on a fresh kernel.

The kernel is this interpreter's own (the native ipykernel spec of ``sys.executable``), never a
kernelspec that happens to be installed for the user or the system, and it imports natokg from
this checkout's ``src``. ``benchmarks/notebooks.py`` times the notebooks with the same code.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from support import REPO, clean_env

NOTEBOOKS = REPO / "notebooks"
#: Seconds one cell may take before the run fails (the whole notebook takes a few seconds).
CELL_TIMEOUT = 120


def notebook_paths() -> list[Path]:
    """Return the committed notebooks, sorted by name."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def read(path: Path) -> NotebookNode:
    """Return the notebook at `path`, validated against the nbformat schema."""
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    return notebook


def code_cells(notebook: NotebookNode) -> list[NotebookNode]:
    """Return the notebook's code cells, in order."""
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def python_of(cell: NotebookNode) -> ast.Module:
    """Return the syntax tree of a code cell, IPython magics (``%matplotlib inline``) made Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(cell.source))


@dataclass(frozen=True)
class Run:
    """A notebook run: the executed notebook (with its outputs) and its wall time in seconds."""

    notebook: NotebookNode
    seconds: float


def execute(notebook: NotebookNode, timeout: int = CELL_TIMEOUT) -> Run:
    """Run every cell of `notebook` in order on a fresh kernel; return it with its outputs.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell raises (a failed assertion included); the message shows the cell and the
        traceback.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    # No kernel directories: jupyter_client falls back to ipykernel's native spec, whose
    # "python" it replaces with sys.executable.
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    client = NotebookClient(
        notebook, km=manager, timeout=timeout, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    start = time.perf_counter()
    # cleanup_kc: shut the kernel down and close its sockets, although the client does not own it.
    client.execute(cleanup_kc=True, env=clean_env())
    return Run(notebook, time.perf_counter() - start)


def stderr_of(notebook: NotebookNode) -> list[str]:
    """Return what the cells wrote to stderr (warnings among it), as ``[cell id] text``."""
    return [
        f"[{cell.get('id', '?')}] {output.text}"
        for cell in code_cells(notebook)
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    ]


def with_parameters(notebook: NotebookNode, **values: object) -> NotebookNode:
    """Return a copy of `notebook` with `values` set after its parameters cell, as papermill does.

    The new cell is tagged ``injected-parameters`` and assigns each value's ``repr``.
    """
    import copy

    changed = copy.deepcopy(notebook)
    index = next(i for i, cell in enumerate(changed.cells) if "parameters" in cell.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell("\n".join(f"{name} = {value!r}" for name, value in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    changed.cells.insert(index + 1, cell)
    return changed
