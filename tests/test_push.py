"""``natokg.push``: replaces a named graph atomically, in batches, verified, against a real Virtuoso."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import natokg
from natokg.push import INSERT_DATA_BATCH_SIZE, PushError, push
from natokg.store import union_graph
from natokg.store_sparql import SparqlStore, make_auth
from support import Virtuoso, canonical_graph, http_server

EX = "urn:ex:"
P = URIRef(EX + "p")


def small_graph(tag: str, size: int = 25) -> Graph:
    graph = Graph()
    for i in range(size):
        graph.add((URIRef(f"{EX}{tag}{i}"), P, Literal(f"{tag} {i}")))
    return graph


@pytest.fixture
def writer(virtuoso: Virtuoso) -> SparqlStore:
    return SparqlStore(
        virtuoso.update_url, virtuoso.update_url, auth=make_auth(virtuoso.user, virtuoso.password)
    )


@pytest.fixture
def target(writer: SparqlStore) -> Iterator[str]:
    """A fresh graph IRI, dropped after the test."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    yield graph
    writer.update(f"DROP SILENT GRAPH <{graph}>")


def content(virtuoso: Virtuoso, graph: str) -> Graph:
    return union_graph(SparqlStore(virtuoso.query_url, graph=graph))


def temporary_graphs(writer: SparqlStore) -> list[str]:
    rows = writer.query(
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), "urn:uuid:")) }'
    )
    return [str(row[0]) for row in rows]  # type: ignore[index]


@pytest.mark.slow
@pytest.mark.parametrize("upload", ["graph-store", "insert-data"])
def test_push_replaces_the_graph_with_the_shipped_graph(
    virtuoso: Virtuoso, writer: SparqlStore, target: str, upload: str
) -> None:
    """Pushes every triple of the shipped graph, by Graph Store POST or by INSERT DATA, and counts them."""
    memory = natokg.load_graph().store
    writer.update(f"INSERT DATA {{ GRAPH <{target}> {{ <{EX}old> <{EX}p> 'stale' }} }}")
    sent: list[tuple[int, int]] = []
    result = push(
        memory,
        writer,
        target,
        graph_store=virtuoso.graph_store_url if upload == "graph-store" else None,
        batch_size=2000,
        progress=lambda done, total: sent.append((done, total)),
    )
    assert result.triples == len(memory) == writer.count(target)
    size = 2000 if upload == "graph-store" else INSERT_DATA_BATCH_SIZE
    assert result.batches == len(sent) == -(-len(memory) // size)
    assert sent[-1] == (len(memory), len(memory))
    assert isomorphic(canonical_graph(content(virtuoso, target)), canonical_graph(union_graph(memory)))
    assert result.temporary not in temporary_graphs(writer)


@pytest.mark.slow
def test_pushing_again_gives_the_same_graph(virtuoso: Virtuoso, writer: SparqlStore, target: str) -> None:
    """Leaves the same count and an isomorphic graph when the same data is pushed twice."""
    graph = small_graph("a")
    push(graph, writer, target, graph_store=virtuoso.graph_store_url, batch_size=7)
    first = content(virtuoso, target)
    push(graph, writer, target, graph_store=virtuoso.graph_store_url, batch_size=7)
    assert writer.count(target) == len(graph)
    assert isomorphic(content(virtuoso, target), first)


@pytest.mark.slow
def test_blank_nodes_survive_batches_of_one(virtuoso: Virtuoso, writer: SparqlStore, target: str) -> None:
    """Keeps chains of blank nodes intact even when every batch holds one triple."""
    graph = small_graph("b", 3)
    head, middle, tail = BNode(), BNode(), BNode()
    graph.add((URIRef(EX + "b0"), P, head)).add((head, P, middle)).add((middle, P, tail))
    graph.add((tail, P, Literal("end"))).add((BNode(), P, Literal("lonely")))
    push(graph, writer, target, graph_store=virtuoso.graph_store_url, batch_size=1)
    assert isomorphic(content(virtuoso, target), graph)


@pytest.mark.slow
def test_a_failing_batch_leaves_the_previous_graph(
    virtuoso: Virtuoso, writer: SparqlStore, target: str
) -> None:
    """Leaves the previous graph intact, and no temporary graph, when the store fails the third batch."""
    before = small_graph("before")
    push(before, writer, target, graph_store=virtuoso.graph_store_url)
    uploads = 0

    def proxy(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        nonlocal uploads
        if method == "POST" and "Authorization" in headers:
            uploads += 1
            if uploads == 3:
                return (
                    500,
                    {"Content-Type": "text/plain"},
                    b"Virtuoso 40001 Error SR172: Transaction deadlocked",
                )
        forwarded = {
            k: v for k, v in headers.items() if k.lower() not in {"host", "content-length", "connection"}
        }
        answer = httpx.request(method, virtuoso.url + path, headers=forwarded, content=body, timeout=60)
        kept = {k: v for k, v in answer.headers.items() if k.lower() in {"content-type", "www-authenticate"}}
        return answer.status_code, kept, answer.content

    with (
        http_server(proxy) as url,
        pytest.raises(PushError, match=r"HTTP 500.*deadlocked.*nothing was replaced"),
    ):
        push(
            small_graph("after", 40),
            writer,
            target,
            graph_store=url + "/sparql-graph-crud-auth",
            batch_size=10,
        )
    assert uploads == 3
    assert isomorphic(content(virtuoso, target), before)
    assert temporary_graphs(writer) == []


@pytest.mark.slow
def test_an_interrupted_push_leaves_the_previous_graph(
    virtuoso: Virtuoso, writer: SparqlStore, target: str
) -> None:
    """Leaves the previous graph intact, and no temporary graph, when the push is stopped midway."""
    before = small_graph("before")
    push(before, writer, target, graph_store=virtuoso.graph_store_url)

    def interrupt(done: int, total: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(
            small_graph("after", 40),
            writer,
            target,
            graph_store=virtuoso.graph_store_url,
            batch_size=10,
            progress=interrupt,
        )
    assert isomorphic(content(virtuoso, target), before)
    assert temporary_graphs(writer) == []


@pytest.mark.slow
def test_a_wrong_password_changes_nothing(virtuoso: Virtuoso, writer: SparqlStore, target: str) -> None:
    """Fails with the store's 401 and leaves the graph as it was when the password is wrong."""
    before = small_graph("before")
    push(before, writer, target, graph_store=virtuoso.graph_store_url)
    intruder = SparqlStore(virtuoso.update_url, virtuoso.update_url, auth=make_auth(virtuoso.user, "wrong"))
    with pytest.raises(PushError, match="HTTP 401"):
        push(small_graph("after"), intruder, target, graph_store=virtuoso.graph_store_url)
    assert isomorphic(content(virtuoso, target), before)


@pytest.mark.slow
def test_basic_auth_is_refused_by_virtuoso(virtuoso: Virtuoso, writer: SparqlStore, target: str) -> None:
    """Fails with a clear HTTP error where the store accepts Digest authentication only."""
    basic = SparqlStore(
        virtuoso.update_url, virtuoso.update_url, auth=make_auth(virtuoso.user, virtuoso.password, "basic")
    )
    with pytest.raises(PushError, match="HTTP 401"):
        push(small_graph("x"), basic, target)


@pytest.mark.parametrize(
    ("graph", "store_graph", "message"),
    [
        ("not an iri", None, "graph IRI"),
        ("urn:g> } DROP ALL #", None, "graph IRI"),
        ("urn:g", "urn:other", "without a graph"),
    ],
    ids=["no-scheme", "closing-bracket", "store-with-graph"],
)
def test_bad_targets_are_refused_before_anything_is_sent(
    graph: str, store_graph: str | None, message: str
) -> None:
    """Refuses a bad graph IRI, or a store bound to a graph, before sending anything."""
    nowhere = "http://127.0.0.1:9/sparql"  # nothing listens: a request would fail otherwise
    with pytest.raises(PushError, match=message):
        push(small_graph("x"), SparqlStore(nowhere, nowhere, graph=store_graph), graph)


@pytest.mark.slow
def test_push_from_an_oxigraph_store_gives_the_same_graph(
    virtuoso: Virtuoso, writer: SparqlStore, target: str, tmp_path: Path
) -> None:
    """Pushes an Oxigraph store's triples, read without a Dataset copy, as the memory store's."""
    from natokg.resources import graph_files, ontology_files
    from natokg.store_oxigraph import OxigraphStore

    memory = natokg.load_graph().store
    oxigraph = OxigraphStore(tmp_path / "store")
    oxigraph.bulk_load([*ontology_files(), *graph_files()])
    result = push(oxigraph, writer, target, graph_store=virtuoso.graph_store_url)
    assert result.triples == len(union_graph(memory)) == writer.count(target)
    assert isomorphic(canonical_graph(content(virtuoso, target)), canonical_graph(union_graph(memory)))
