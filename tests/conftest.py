"""Shared fixtures: running the command line in a child process; a Virtuoso to test against."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from support import (
    RunNatokg,
    Virtuoso,
    missing_component,
    run_natokg_process,
    start_virtuoso,
    stop_virtuoso,
    virtuoso_from_env,
)


@pytest.fixture(autouse=True, scope="session")
def _projection_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the projection cache of every test (and child process) out of the user's home."""
    os.environ["NATOKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("natokg-cache"))
    os.environ.pop("NATOKG_NO_CACHE", None)


@pytest.fixture
def run_natokg() -> RunNatokg:
    """Run ``python -m natokg ARGS`` in a child process; stdout and stderr kept apart."""
    return run_natokg_process


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso on loopback: the one .ci/run started (NATOKG_VIRTUOSO_*), else one of our own."""
    found = virtuoso_from_env()
    if found is not None:
        yield found
        return
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        missing_component(
            "Virtuoso is not installed and NATOKG_VIRTUOSO_URL is not set "
            '(apt-get install virtuoso-opensource, or eval "$(.ci/virtuoso start DIR)")'
        )
    directory = tmp_path_factory.mktemp("virtuoso")
    instance = start_virtuoso(directory)
    try:
        yield instance
    finally:
        stop_virtuoso(directory)
