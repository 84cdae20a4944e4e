"""Run time of each notebook in ``notebooks/``, top to bottom on a fresh kernel (a script, not a test).

Runs every notebook ``--runs`` times exactly as the test suite does (``tests/notebook_support.py``:
nbclient, a kernel of this interpreter, natokg from this checkout) and prints, per notebook, its
code cells and the fastest and median wall time, kernel start included. Each must stay under a
minute (issue 7).

Usage::

    .venv/bin/python benchmarks/notebooks.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from notebook_support import code_cells, execute, notebook_paths, read

#: The budget of issue 7: each notebook runs in under a minute.
BUDGET = 60.0


def main() -> None:
    """Time each notebook and print a table."""
    parser = argparse.ArgumentParser(description="Run time of each notebook.")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"{'notebook':<32} {'cells':>5} {'min s':>7} {'median s':>9}  under {BUDGET:.0f} s")
    for path in notebook_paths():
        times = [execute(read(path)).seconds for _ in range(args.runs)]
        cells = len(code_cells(read(path)))
        verdict = "yes" if max(times) < BUDGET else "NO"
        print(f"{path.name:<32} {cells:>5} {min(times):>7.1f} {statistics.median(times):>9.1f}  {verdict}")


if __name__ == "__main__":
    main()
