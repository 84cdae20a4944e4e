"""The Oxigraph store answers every named query and the projection exactly as the memory store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import natokg
from natokg import resources
from natokg.analysis.project import project, project_graphs, project_rows, projection_rows
from natokg.analysis.scenarios import read_overlay
from natokg.load import parse_file
from natokg.queries import get_query
from natokg.store_oxigraph import OxigraphStore
from test_analysis_project import same_projection
from test_queries_differential import CASES


@pytest.fixture(scope="module")
def memory() -> natokg.Store:
    return natokg.open_graph()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    store = OxigraphStore(tmp_path_factory.mktemp("queries") / "store")
    store.bulk_load([*resources.ontology_files(), *resources.graph_files()])
    return store


@pytest.mark.parametrize(("query_id", "params"), CASES, ids=[f"{q}-{i}" for i, (q, _) in enumerate(CASES)])
def test_named_queries_return_the_same_rows(
    memory: natokg.Store, oxigraph: OxigraphStore, query_id: str, params: dict[str, object]
) -> None:
    """Returns the same columns and rows, in the same order, as the memory store."""
    query = get_query(query_id)
    expected = natokg.run_query(memory, query, params, timeout=None)
    got = natokg.run_query(oxigraph, query, params)  # with the time limit: a forked worker
    assert got.columns == expected.columns
    assert got.rows == expected.rows


def test_the_projection_is_the_same(oxigraph: OxigraphStore) -> None:
    """Builds the same projection from the Oxigraph store as from the parsed files."""
    files = [*resources.ontology_files(), *resources.graph_files()]
    assert same_projection(project(oxigraph), project_graphs([parse_file(path) for path in files]))


def test_an_overlay_projects_as_if_it_were_loaded(oxigraph: OxigraphStore) -> None:
    """Projects a store with a scenario overlay as the files and the overlay together."""
    overlay = read_overlay("rok-joins-sto-eop")
    files = [*resources.ontology_files(), *resources.graph_files()]
    expected = project_graphs([*(parse_file(path) for path in files), overlay.graph])
    got = project_rows(projection_rows(oxigraph), [overlay.graph])
    assert same_projection(got, expected)
    assert not nx.utils.graphs_equal(got, project(oxigraph))


def test_data_of_other_files_round_trips(tmp_path: Path, memory: natokg.Store) -> None:
    """Loads TriG, N-Quads, JSON-LD and RDF/XML with Oxigraph's parsers as rdflib reads them."""
    from rdflib.compare import isomorphic

    from natokg.store import union_graph

    source = union_graph(memory)
    files = []
    for fmt, suffix in [("trig", ".trig"), ("nquads", ".nq"), ("json-ld", ".jsonld"), ("xml", ".rdf")]:
        path = tmp_path / f"graph{suffix}"
        path.write_bytes(memory.dataset().serialize(format=fmt, encoding="utf-8") if fmt != "xml" else b"")
        if fmt == "xml":
            path.write_bytes(source.serialize(format="xml", encoding="utf-8"))
        files.append(path)
    for path in files:
        store = OxigraphStore(tmp_path / f"store-{path.suffix[1:]}")
        store.bulk_load([path])
        assert isomorphic(union_graph(store), source), path.name
