"""The public API and the data folders it finds."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import natokg
from natokg import resources
from support import REPO

# Every module of the package except __main__, which runs the command line on import.
MODULES = sorted(
    {"natokg"}
    | {m.name for m in pkgutil.walk_packages(natokg.__path__, "natokg.") if m.name != "natokg.__main__"}
)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_importable(name: str) -> None:
    """Lists __all__ in sorted order, and every name in it exists."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported)
    missing = [item for item in exported if not hasattr(module, item)]
    assert missing == []


def test_public_api_has_the_essentials() -> None:
    """Offers loading, validation, the store and the version at the top level."""
    for item in [
        "__version__",
        "load_graph",
        "validate",
        "ValidationReport",
        "LoadError",
        "MemoryStore",
    ]:
        assert item in natokg.__all__


def test_checkout_data_folders_are_found() -> None:
    """Finds the data folders at the root of a checkout."""
    assert resources.data_root() == REPO
    for name in ["ontology", "graph", "queries", "scenarios"]:
        assert resources.data_dir(name) == REPO / name  # type: ignore[arg-type]


def test_file_lists_are_sorted_and_complete() -> None:
    """Lists ontology, graph and check files sorted by name, shapes apart."""
    ontology = resources.ontology_files()
    assert [p.name for p in ontology] == sorted(p.name for p in ontology)
    assert resources.shapes_file().name == "shapes.ttl"
    assert resources.shapes_file() not in ontology
    assert {p.name for p in resources.graph_files()} == {p.name for p in (REPO / "graph").glob("*.ttl")}
    checks = resources.check_queries()
    assert checks
    assert all(p.name.endswith("-violation.rq") for p in checks)
    assert list(checks) == sorted(checks, key=lambda p: p.name)


def test_missing_folder_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """Raises FileNotFoundError naming a data folder that is missing."""
    monkeypatch.setattr(resources, "data_root", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="natokg data folder 'graph' not found"):
        resources.data_dir("graph")
