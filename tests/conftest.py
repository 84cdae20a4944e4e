"""Shared fixtures: running the command line in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, RunNatokg, clean_env


@pytest.fixture(autouse=True, scope="session")
def _projection_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the projection cache of every test (and child process) out of the user's home."""
    os.environ["NATOKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("natokg-cache"))
    os.environ.pop("NATOKG_NO_CACHE", None)


@pytest.fixture
def run_natokg() -> RunNatokg:
    """Run ``python -m natokg ARGS`` in a child process; stdout and stderr kept apart."""

    def run(
        *args: str | os.PathLike[str],
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "natokg", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or REPO,
            env=clean_env(**(env or {})),
            timeout=300,
            check=False,
        )

    return run
