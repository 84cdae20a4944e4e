"""Start-up time of ``natokg gaps`` next to the floor any such tool pays (a script, not a test).

Runs, alternately, ``python -c "import rdflib, networkx"`` (the floor: the two libraries
every graph tool of this kind imports) and ``python -m natokg gaps`` on the shipped graph,
``python -m natokg --help`` (the shared command line's own start-up), and ``natokg gaps``
with its projection cache off (``NATOKG_NO_CACHE=1``: the Turtle parsed every time), each ``--runs``
times, and prints the median wall time of each and the ratio to the floor.

Usage::

    .venv/bin/python benchmarks/startup.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "floor: import rdflib, networkx": [sys.executable, "-c", "import rdflib, networkx"],
    "natokg --help": [sys.executable, "-m", "natokg", "--help"],
    "natokg gaps": [sys.executable, "-m", "natokg", "gaps"],
    "natokg gaps --format json": [sys.executable, "-m", "natokg", "gaps", "--format", "json"],
    "natokg gaps, cache off": [sys.executable, "-m", "natokg", "gaps"],
}
#: Extra environment per command: the last one parses the Turtle every time.
ENV = {"natokg gaps, cache off": {"NATOKG_NO_CACHE": "1"}}


def main() -> None:
    """Time each command and print the medians."""
    parser = argparse.ArgumentParser(description="Start-up time of natokg gaps.")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    envs = {name: {**os.environ, **ENV.get(name, {})} for name in COMMANDS}
    for name, command in COMMANDS.items():  # warm the caches (files, bytecode, projection) once
        subprocess.run(command, capture_output=True, check=True, env=envs[name])
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=envs[name])
            times[name].append(time.perf_counter() - start)
    floor = statistics.median(times["floor: import rdflib, networkx"])
    print(f"{'command':<34} {'median s':>9} {'x floor':>8}   runs")
    for name, values in times.items():
        median = statistics.median(values)
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:<34} {median:>9.3f} {median / floor:>8.2f}   {runs}")


if __name__ == "__main__":
    main()
