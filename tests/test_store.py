"""The in-memory store: atomic adds, safe queries, copies that do not leak."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from natokg.store import MemoryStore, RemoteAccessError, Store, union_graph

A, B, C, D = (URIRef(f"urn:{x}") for x in "abcd")


def small_graph() -> Graph:
    """Return a two-triple graph."""
    graph = Graph()
    graph.add((A, B, C))
    graph.add((A, B, D))
    return graph


def test_memory_store_is_a_store() -> None:
    """Satisfies the Store protocol."""
    assert isinstance(MemoryStore(), Store)


def test_add_graph_counts_triples_once() -> None:
    """Counts each triple once, however often it is added."""
    store = MemoryStore()
    store.add_graph(small_graph())
    store.add_graph(small_graph())
    assert len(store) == 2


def test_failed_add_leaves_store_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rolls back the triples already added when adding fails part-way."""
    store = MemoryStore()
    store.add_graph(Graph().add((C, B, A)))
    backend = store._ds.store
    real_add = backend.add
    calls = {"n": 0}

    def failing_add(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real_add(*args, **kwargs)

    monkeypatch.setattr(backend, "add", failing_add)
    with pytest.raises(OSError, match="disk full"):
        store.add_graph(small_graph())
    monkeypatch.undo()
    assert isomorphic(union_graph(store), Graph().add((C, B, A)))


def test_query_binds_parameters_as_terms() -> None:
    """Binds a parameter as an RDF term, not as text."""
    store = MemoryStore()
    store.add_graph(small_graph())
    rows = store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", {"s": A})
    assert [row[0] for row in rows] == [C, D]  # type: ignore[index]
    injected = Literal('x" } ?s ?p ?o . { "')
    assert list(store.query("SELECT ?o WHERE { ?s ?p ?o }", {"s": injected})) == []


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/q> { ?s ?p ?o } } }",
        "SELECT * FROM <http://127.0.0.1:9/graph.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_remote_queries_are_refused(sparql: str) -> None:
    """Refuses SERVICE and FROM, which would make rdflib fetch from the network."""
    with pytest.raises(RemoteAccessError):
        MemoryStore().query(sparql)


def test_default_graph_is_the_union() -> None:
    """Answers queries over named graphs and the default graph together."""
    dataset = Dataset()
    dataset.graph(URIRef("urn:g")).add((A, B, C))
    dataset.default_graph.add((A, B, D))
    store = MemoryStore()
    store.add_graph(dataset)
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert [int(row[0]) for row in rows] == [2]  # type: ignore[index, call-overload]
    assert len(store) == 2


def test_dataset_is_a_copy() -> None:
    """Returns a copy: changing it does not change the store."""
    store = MemoryStore()
    store.add_graph(small_graph())
    copy = store.dataset()
    copy.default_graph.add((D, D, D))
    assert len(store) == 2


def test_prefixes_follow_the_data() -> None:
    """Keeps the prefixes bound in the added graphs."""
    graph = small_graph()
    graph.bind("nkgid", "https://w3id.org/natokg/id/")
    store = MemoryStore()
    store.add_graph(graph)
    assert ("nkgid", URIRef("https://w3id.org/natokg/id/")) in set(union_graph(store).namespaces())
