"""Locate the data folders (ontology, graph, queries, scenarios).

In a checkout they sit at the repository root, beside ``src/``; in an installed wheel
they are shipped inside the package as ``natokg/_data/<folder>`` (hatchling
``force-include``). Every listing is sorted by file name, so loads are deterministic.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

__all__ = [
    "DataFolder",
    "check_queries",
    "data_dir",
    "data_root",
    "graph_files",
    "ontology_files",
    "scenario_files",
    "shapes_file",
]

DataFolder = Literal["ontology", "graph", "queries", "scenarios"]

SHAPES_NAME = "shapes.ttl"


def _checkout_root() -> Path | None:
    """Return the repository root when this module runs from a source checkout."""
    package_dir = Path(__file__).resolve().parent
    src_dir = package_dir.parent
    root = src_dir.parent
    if src_dir.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def data_root() -> Path:
    """Return the folder that holds ``ontology/``, ``graph/``, ``queries/`` and ``scenarios/``.

    Returns
    -------
    Path
        The repository root in a checkout, else the wheel's ``natokg/_data`` folder.

    Examples
    --------
    >>> (data_root() / "ontology").is_dir()
    True
    """
    root = _checkout_root()
    if root is not None:
        return root
    # A wheel installs to a plain directory, where files() is a real filesystem path.
    return Path(str(files("natokg") / "_data"))


def data_dir(name: DataFolder) -> Path:
    """Return one data folder.

    Parameters
    ----------
    name
        ``"ontology"``, ``"graph"``, ``"queries"`` or ``"scenarios"``.

    Returns
    -------
    Path
        The folder, which exists.

    Raises
    ------
    FileNotFoundError
        If the folder is missing (a broken checkout or install).
    """
    folder = data_root() / name
    if not folder.is_dir():
        raise FileNotFoundError(f"natokg data folder {name!r} not found at {folder}")
    return folder


def _sorted_files(folder: Path, pattern: str) -> tuple[Path, ...]:
    return tuple(sorted((p for p in folder.glob(pattern) if p.is_file()), key=lambda p: p.name))


def ontology_files() -> tuple[Path, ...]:
    """Return the ontology's Turtle files (the TBox and SKOS schemes), without the shapes.

    Returns
    -------
    tuple of Path
        ``ontology/*.ttl`` except ``shapes.ttl``, sorted by name.
    """
    return tuple(p for p in _sorted_files(data_dir("ontology"), "*.ttl") if p.name != SHAPES_NAME)


def shapes_file() -> Path:
    """Return the SHACL shapes file, ``ontology/shapes.ttl``.

    Returns
    -------
    Path
        The shapes file (it may not exist yet in an early checkout).
    """
    return data_dir("ontology") / SHAPES_NAME


def graph_files() -> tuple[Path, ...]:
    """Return the fact files, ``graph/*.ttl``, sorted by name.

    Returns
    -------
    tuple of Path
        The files; empty if the folder holds none.
    """
    return _sorted_files(data_dir("graph"), "*.ttl")


def check_queries() -> tuple[Path, ...]:
    """Return the check queries, ``queries/checks/*-violation.rq``, sorted by name.

    Returns
    -------
    tuple of Path
        SELECT queries that must each return zero rows.
    """
    checks = data_dir("queries") / "checks"
    return _sorted_files(checks, "*-violation.rq") if checks.is_dir() else ()


def scenario_files() -> tuple[Path, ...]:
    """Return the what-if overlays, ``scenarios/*.ttl``, sorted by name.

    Returns
    -------
    tuple of Path
        The overlay files; empty if there are none yet.
    """
    return _sorted_files(data_dir("scenarios"), "*.ttl")
