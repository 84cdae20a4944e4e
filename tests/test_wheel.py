"""The wheel carries the data: installed anywhere, natokg validates and summarises the graph."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import REPO


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command, returning its result whatever the exit code."""
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    """Builds the wheel, installs it in a fresh venv and runs validate, info, viz and chart from elsewhere."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "NO_COLOR"}}
    dist = tmp_path / "dist"
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            dist,
            REPO,
        ],
        tmp_path,
        env,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("natokg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "natokg/_data/ontology/natokg.ttl",
        "natokg/_data/ontology/shapes.ttl",
        "natokg/_data/queries/checks/undeclared-term-violation.rq",
        "natokg/sparql/claims-per-kind.rq",
        "natokg/sparql/reports.rq",
        "natokg/templates/network.html.j2",
        "natokg/templates/network.js",
        "natokg/templates/network.css",
        "natokg/py.typed",
        "natokg/server/templates/index.html",
        "natokg/server/static/app.js",
        "natokg/server/static/app.css",
    ]:
        assert expected in names
    assert any(n.startswith("natokg/_data/graph/") and n.endswith(".ttl") for n in names)
    assert any(n.startswith("natokg/_data/scenarios/") for n in names)

    venv = tmp_path / "venv"
    created = run([sys.executable, "-m", "venv", venv], tmp_path, env)
    assert created.returncode == 0, created.stderr
    installed = run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], tmp_path, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    natokg = venv / "bin" / "natokg"
    validated = run([natokg, "validate"], elsewhere, env)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    info = run([natokg, "info"], elsewhere, env)
    assert info.returncode == 0, info.stderr
    assert "triples" in info.stdout
    # The page's template and vis-network's files come from the installed packages.
    page = run([natokg, "viz", "-o", "network.html", "--partner", "ROK"], elsewhere, env)
    assert page.returncode == 0, page.stderr
    assert "vis-network" in (elsewhere / "network.html").read_text(encoding="utf-8")
    chart = run([natokg, "chart", "heatmap", "-o", "heatmap.png"], elsewhere, env)
    assert chart.returncode == 0, chart.stderr
    assert (elsewhere / "heatmap.png").read_bytes().startswith(b"\x89PNG")
    located = run(
        [
            venv / "bin" / "python",
            "-c",
            "from natokg import resources; print(resources.data_root())",
        ],
        elsewhere,
        env,
    )
    assert Path(located.stdout.strip()).parts[-2:] == ("natokg", "_data")
