"""Crash safety: a load killed with SIGKILL half-way leaves the Oxigraph store as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import natokg
from natokg import resources
from natokg.store import union_graph
from natokg.store_oxigraph import OxigraphStore
from support import clean_env

# The child loads a big file and says "loading" once a fifth of it is read; then it is killed.
CHILD = r"""
import sys
from natokg.stores import open_store

said = []

def progress(file, done, total):
    if not said and done >= total // 5:
        said.append(True)
        print("loading", flush=True)

open_store(sys.argv[1]).bulk_load([sys.argv[2]], progress=progress)
print("finished", flush=True)
"""


def big_file(folder: Path, triples: int = 400_000) -> Path:
    """Write a synthetic N-Triples file of `triples` statements (about 20 MB)."""
    path = folder / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(triples):
            out.write(f'<urn:syn:s{i}> <urn:syn:p{i % 7}> "synthetic value {i}" .\n')
    return path


def kill_mid_load(store: Path, data: Path) -> None:
    """Start a load of `data` into `store` in a child process and SIGKILL it half-way."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, f"oxigraph:{store}", str(data)],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "loading"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=120)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_killed_load_leaves_previous_content(tmp_path: Path) -> None:
    """Opens with the previous content after a load is killed, and loads again afterwards."""
    path = tmp_path / "store"
    store = OxigraphStore(path)
    store.bulk_load([*resources.ontology_files(), *resources.graph_files()])
    data = big_file(tmp_path)
    kill_mid_load(path, data)
    assert (path / "data-000002").is_dir()  # the killed load's half-built generation
    reopened = OxigraphStore(path)
    assert len(reopened) == len(natokg.open_graph())
    assert isomorphic(union_graph(reopened), union_graph(natokg.open_graph()))
    result = natokg.run_query(reopened, "partner-frameworks", partner="ROK")
    assert result.rows == natokg.run_query(natokg.open_graph(), "partner-frameworks", partner="ROK").rows
    small = tmp_path / "small.nt"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert reopened.bulk_load([small]) == len(natokg.open_graph()) + 1
    generations = sorted(p.name for p in path.iterdir() if p.name.startswith("data-"))
    assert generations == ["data-000001", "data-000003"]


@pytest.mark.slow
def test_killed_first_load_leaves_no_store(tmp_path: Path) -> None:
    """Leaves no store at all when the very first load is killed, and a later load succeeds."""
    path = tmp_path / "store"
    data = big_file(tmp_path)
    kill_mid_load(path, data)
    reopened = OxigraphStore(path)
    assert not reopened.exists
    assert len(reopened) == 0
    small = tmp_path / "small.nt"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert reopened.bulk_load([small]) == 1
