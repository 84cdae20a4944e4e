"""Every shipped Turtle file is standard Turtle, as an independent parser (rapper) reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import REPO, require_tool

SHIPPED_TTL = sorted(
    p for folder in ["ontology", "graph", "scenarios"] for p in (REPO / folder).glob("*.ttl")
)


@pytest.mark.parametrize("path", SHIPPED_TTL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rapper_parses_shipped_turtle(path: Path) -> None:
    """Parses the file with rapper -c -i turtle without an error or a warning."""
    rapper = require_tool("rapper")
    result = subprocess.run(
        [rapper, "-c", "-i", "turtle", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
