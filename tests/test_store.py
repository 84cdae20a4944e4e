"""The in-memory store: atomic adds, safe queries, copies that do not leak."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from natokg.store import (
    MemoryStore,
    RemoteAccessError,
    Store,
    bind_values,
    refuse_remote_text,
    union_graph,
)

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


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?o WHERE { ?s ?p ?o }",
        "SELECT ?o { ?s ?p ?o }",
        "PREFIX ex: <urn:ex#>\n# WHERE { commented\nSELECT ?o ('WHERE {' AS ?t) WHERE {\n ?s ex:where ?o }",
        "SELECT ?o WHERE { { SELECT ?s ?o WHERE { ?s ?p ?o } } }",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        'SELECT ?o WHERE { ?s ?p ?o FILTER(?o != "}") }',
    ],
)
def test_values_join_the_outer_where_group(sparql: str) -> None:
    """Joins bound values at the top of the outer WHERE group, whatever braces strings and comments hold."""
    bound = bind_values(sparql, {"s": A, "w": Literal('x" } ?s ?p ?o . { "')})
    where = URIRef("urn:ex#where")
    store = MemoryStore()
    store.add_graph(Graph().add((A, where, C)).add((A, where, D)).add((B, where, C)))
    plain = store.query(sparql)
    result = store.query(bound)
    if result.type == "ASK":
        assert result.askAnswer is True
    elif result.type == "CONSTRUCT":
        assert result.graph is not None
        assert {s for s, _, _ in result.graph} == {A}
    else:
        assert len(result) == 2
        assert len(plain) == 3


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"s": BNode()}, "only an IRI or a literal"),
        ({"not a name": A}, "not a variable name"),
    ],
)
def test_unbindable_values_are_refused(bindings: dict[str, Any], message: str) -> None:
    """Refuses a blank node (a VALUES block cannot hold one) and a bad variable name."""
    with pytest.raises(ValueError, match=message):
        bind_values("SELECT * WHERE { ?s ?p ?o }", bindings)


def test_a_construct_template_is_not_the_where_group() -> None:
    """Refuses to bind into a CONSTRUCT that has a template and no WHERE group."""
    with pytest.raises(ValueError, match="no WHERE group"):
        bind_values("CONSTRUCT { ?s ?p ?o }", {"s": A})


def test_remote_text_is_refused_every_time() -> None:
    """Refuses SERVICE in a query text on every call, its verdict remembered."""
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        with pytest.raises(RemoteAccessError):
            refuse_remote_text(text)
    refuse_remote_text("SELECT * WHERE { ?s ?p ?o }")
