"""The wheel ships what the gap analysis needs: its weights, its queries, the scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import REPO


@pytest.mark.slow
def test_the_wheel_ships_the_weights_the_queries_and_the_scenarios(tmp_path: Path) -> None:
    """Builds the wheel and finds weights.toml, the projection queries and both scenarios in it."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("natokg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "natokg/analysis/weights.toml",
        "natokg/analysis/projection-claims.rq",
        "natokg/analysis/projection-types.rq",
        "natokg/cli_analysis.py",
        "natokg/_data/scenarios/rok-joins-sto-eop.ttl",
        "natokg/_data/scenarios/nato-japan-space-cooperation.ttl",
    }
    assert expected <= names
