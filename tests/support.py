"""Helpers the tests share: repository paths, child-process environment, system tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The type of the ``run_natokg`` fixture: ``run(*args, cwd=None, env=None)``.
RunNatokg = Callable[..., subprocess.CompletedProcess[str]]


def require_tool(name: str) -> str:
    """Return the path of system tool `name`; skip the test when it is missing.

    In CI (``CI=true``) a missing tool fails the test instead: CI installs it
    (``make system-deps``), so a skip there would hide a broken setup.
    """
    path = shutil.which(name)
    if path is None:
        reason = f"system tool {name!r} is not installed (make system-deps installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have it")
        pytest.skip(reason)
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """Return the environment for a child process: no colour settings, natokg importable."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.update(extra)
    return env
