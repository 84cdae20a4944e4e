"""What starting the command line costs: heavy modules are imported only by the commands that use them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support import clean_env

#: Slow to import, and needed only by some commands (timings in benchmarks/startup.py).
HEAVY = ["rdflib.plugins.sparql", "pyshacl", "owlrl", "scipy", "pydantic", "httpx"]


def imported_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=clean_env(), check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", ["import natokg", "import natokg.cli"])
def test_importing_natokg_imports_no_heavy_module(code: str) -> None:
    """Imports neither the SPARQL engine, pySHACL, OWL-RL, SciPy, pydantic nor the HTTP client."""
    modules = imported_after(code)
    assert [name for name in HEAVY if name in modules] == []


def test_the_api_is_still_complete_after_a_lazy_import() -> None:
    """Resolves every name of natokg.__all__ on first use, the function validate over its module."""
    modules = imported_after(
        "import natokg, natokg.validate\n"
        "assert callable(natokg.validate) and natokg.validate.__name__ == 'validate'\n"
        "assert all(getattr(natokg, name) is not None for name in natokg.__all__)"
    )
    assert "rdflib.plugins.sparql" in modules
