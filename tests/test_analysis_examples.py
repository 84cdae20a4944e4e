"""The runnable examples in the analysis modules' docstrings give the results they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "natokg.analysis",
    "natokg.analysis.channels",
    "natokg.analysis.config",
    "natokg.analysis.gaps",
    "natokg.analysis.links",
    "natokg.analysis.metrics",
    "natokg.analysis.project",
    "natokg.analysis.report",
    "natokg.analysis.robustness",
    "natokg.analysis.scenarios",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    """Runs every docstring example of the module without a failure."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_the_index_agrees_with_the_public_helpers() -> None:
    """Finds the same NATO side and nations with the cached index as with the plain helpers."""
    from natokg import resources
    from natokg.analysis._index import Index
    from natokg.analysis.project import counterpart, nations_of, project_graphs
    from natokg.load import parse_file

    G = project_graphs([parse_file(p) for p in (*resources.ontology_files(), *resources.graph_files())])
    index = Index(G)
    for node in G:
        assert index.side(node) == counterpart(G, node)
        assert set(index.owners(node)) == nations_of(G, node)
