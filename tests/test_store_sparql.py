"""The remote SPARQL store: refusals before sending, answers read right, results never cut short."""

from __future__ import annotations

import doctest
import importlib
import json
import multiprocessing
import threading
import uuid
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import natokg
from natokg.store import RemoteAccessError, Store, union_graph
from natokg.store_sparql import SparqlStore, SparqlStoreError, make_auth
from support import Virtuoso, canonical_graph, http_server

# Nothing listens here: a request that were sent would fail with a connection error.
NOWHERE = "http://127.0.0.1:9/sparql"
EX = "urn:ex:"


@pytest.mark.parametrize("module", ["natokg.sparql_text", "natokg.store_sparql", "natokg.push"])
def test_docstring_examples_run(module: str) -> None:
    """Runs every docstring example of the module without a failure."""
    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_store_follows_the_store_protocol() -> None:
    """Implements natokg's Store protocol."""
    assert isinstance(SparqlStore(NOWHERE), Store)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
    ids=["service", "from", "from-named"],
)
def test_remote_access_is_refused_before_anything_is_sent(query: str) -> None:
    """Refuses SERVICE and FROM as the memory store does, without a request."""
    with pytest.raises(RemoteAccessError):
        SparqlStore(NOWHERE).query(query)


def test_updates_are_refused_as_queries() -> None:
    """Refuses a SPARQL Update given as a query, without a request."""
    with pytest.raises(Exception, match="Expected"):
        SparqlStore(NOWHERE).query("DROP ALL")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "not an http"),
        ("ftp://127.0.0.1/sparql", "not an http"),
        ("http:///sparql", "not an http"),
        ("http://dba:secret@127.0.0.1/sparql", "not in the URL"),
    ],
)
def test_endpoints_must_be_plain_http_urls(url: str, message: str) -> None:
    """Refuses endpoints that are not http(s) URLs, or that carry a password."""
    with pytest.raises(ValueError, match=message):
        SparqlStore(url)


def test_a_graph_iri_must_be_absolute_and_clean() -> None:
    """Refuses a graph IRI that could end the IRI early in the query text."""
    with pytest.raises(ValueError, match="graph IRI"):
        SparqlStore(NOWHERE, graph="urn:g> } DROP ALL #")


def test_read_only_store_refuses_writes() -> None:
    """Refuses updates and additions when the store has no update endpoint."""
    store = SparqlStore(NOWHERE)
    with pytest.raises(SparqlStoreError, match="read-only"):
        store.update("DROP ALL")
    with pytest.raises(SparqlStoreError, match="read-only"):
        store.add_graph(Graph().add((URIRef(EX + "a"), URIRef(EX + "p"), Literal(1))))


def test_authentication_options_are_checked() -> None:
    """Builds digest or basic auth for a user, and refuses a password without a user."""
    assert make_auth(None, None) is None
    assert type(make_auth("u", "p", "basic")).__name__ == "BasicAuth"
    with pytest.raises(ValueError, match="without a user"):
        make_auth(None, "p")
    with pytest.raises(ValueError, match="no password"):
        make_auth("u", None)
    with pytest.raises(ValueError, match="unknown"):
        make_auth("u", "p", "ntlm")


def test_unreachable_endpoint_gives_a_clear_error() -> None:
    """Names the endpoint and the connection failure when nothing answers."""
    with pytest.raises(SparqlStoreError, match=r"127\.0\.0\.1:9.*ConnectError"):
        SparqlStore(NOWHERE).query("ASK {}")


def results(document: object, status: int = 200, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return (
        status,
        {"Content-Type": "application/sparql-results+json", **headers},
        json.dumps(document).encode(),
    )


ONE_ROW = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:ex:a"}}]}}


def test_a_capped_result_is_an_error() -> None:
    """Refuses a result the endpoint says it capped (Virtuoso's X-SPARQL-MaxRows)."""
    with (
        http_server(lambda *_: results(ONE_ROW, **{"X-SPARQL-MaxRows": "1"})) as url,
        pytest.raises(SparqlStoreError, match="capped the result at 1 rows"),
    ):
        SparqlStore(url + "/sparql").query("SELECT ?s WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    "answer",
    [results(ONE_ROW, status=206), results(ONE_ROW, **{"X-SQL-State": "S1TAT"})],
    ids=["partial-content", "anytime-header"],
)
def test_a_partial_result_is_an_error(answer: tuple[int, dict[str, str], bytes]) -> None:
    """Refuses a result the endpoint cut short (Virtuoso's anytime queries: HTTP 206 or S1TAT)."""
    with (
        http_server(lambda *_: answer) as url,
        pytest.raises(SparqlStoreError, match="partial result"),
    ):
        SparqlStore(url + "/sparql").query("SELECT ?s WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, {"Content-Type": "text/plain"}, b"Virtuoso 37000 Error SP030"), "HTTP 500: Virtuoso 37000"),
        ((200, {"Content-Type": "application/sparql-results+json"}, b"{not json"), "not SPARQL JSON"),
        (results({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "x"}}]}}), "malformed"),
        ((200, {"Content-Type": "text/html"}, b"<html></html>"), "not SPARQL JSON"),
    ],
    ids=["server-error", "broken-json", "bad-term", "html"],
)
def test_unusable_answers_are_errors(answer: tuple[int, dict[str, str], bytes], message: str) -> None:
    """Turns an error status or an unreadable answer into an error that says what went wrong."""
    with http_server(lambda *_: answer) as url, pytest.raises(SparqlStoreError, match=message):
        SparqlStore(url + "/sparql").query("SELECT ?s WHERE { ?s ?p ?o }")


def test_requests_carry_the_query_the_graph_and_the_bindings() -> None:
    """Sends the query with its VALUES block and FROM clause, and reads typed terms back."""
    seen: list[bytes] = []

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        seen.append(body)
        return results(
            {
                "head": {"vars": ["o"]},
                "results": {
                    "bindings": [
                        {
                            "o": {
                                "type": "typed-literal",
                                "datatype": "http://www.w3.org/2001/XMLSchema#string",
                                "value": "x",
                            }
                        },
                        {"o": {"type": "literal", "xml:lang": "en", "value": "y"}},
                        {"o": {"type": "bnode", "value": "nodeID://b1"}},
                    ]
                },
            }
        )

    with http_server(answer) as url:
        rows = list(
            SparqlStore(url + "/sparql", graph="urn:g").query(
                "SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("urn:ex:a")}
            )
        )
    from urllib.parse import parse_qs

    sent = parse_qs(seen[0].decode())["query"][0]
    assert "FROM <urn:g>" in sent
    assert "VALUES (?s) { (<urn:ex:a>) }" in sent
    assert [row[0] for row in rows][:2] == [Literal("x"), Literal("y", lang="en")]  # type: ignore[index]


# ---------------------------------------------------------------------------
# Against a real Virtuoso
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso) -> Iterator[tuple[SparqlStore, natokg.Store]]:
    """The shipped graph, pushed to a fresh named graph; the reading store and the memory store."""
    from natokg.push import push

    memory = natokg.load_graph().store
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    writer = SparqlStore(
        virtuoso.update_url, virtuoso.update_url, auth=make_auth(virtuoso.user, virtuoso.password)
    )
    push(memory, writer, graph, graph_store=virtuoso.graph_store_url)
    yield SparqlStore(virtuoso.query_url, graph=graph), memory
    writer.update(f"DROP SILENT GRAPH <{graph}>")


@pytest.mark.slow
def test_length_and_content_match_the_memory_store(pushed: tuple[SparqlStore, natokg.Store]) -> None:
    """Counts the same triples as the memory store and returns an isomorphic graph."""
    remote, memory = pushed
    assert len(remote) == len(memory)
    assert isomorphic(canonical_graph(union_graph(remote)), canonical_graph(union_graph(memory)))


@pytest.mark.slow
def test_ask_construct_and_bindings_work_over_http(pushed: tuple[SparqlStore, natokg.Store]) -> None:
    """Answers ASK, CONSTRUCT and bound SELECT queries as the memory store does."""
    remote, memory = pushed
    japan = URIRef("https://w3id.org/natokg/id/japan")
    ask = "ASK { ?n a <https://w3id.org/natokg/ontology#Nation> }"
    assert remote.query(ask, {"n": japan}).askAnswer is True
    assert remote.query(ask, {"n": URIRef(EX + "nobody")}).askAnswer is False
    construct = "CONSTRUCT { ?n ?p ?o } WHERE { ?n ?p ?o }"
    assert isomorphic(
        canonical_graph(remote.query(construct, {"n": japan}).graph),
        canonical_graph(memory.query(construct, {"n": japan}).graph),
    )  # type: ignore[arg-type]
    label = "SELECT ?n WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    tricky = Literal('Japan") } } DROP ALL #', lang="en")
    assert list(remote.query(label, {"label": Literal("Japan", lang="en")})) == list(
        memory.query(label, {"label": Literal("Japan", lang="en")})
    )
    assert list(remote.query(label, {"label": tricky})) == []


@pytest.mark.slow
def test_queries_with_a_time_limit_give_the_same_rows(pushed: tuple[SparqlStore, natokg.Store]) -> None:
    """Runs a named query with and without its time limit over HTTP, with the memory store's rows."""
    remote, memory = pushed
    limited = natokg.run_query(remote, "partner-frameworks", partner="ROK")
    assert limited.rows == natokg.run_query(memory, "partner-frameworks", partner="ROK", timeout=None).rows
    again = natokg.run_query(remote, "partner-frameworks", partner="ROK", timeout=None)
    assert again.rows == limited.rows


def test_a_slow_endpoint_meets_the_time_limit_without_a_child_process() -> None:
    """Stops waiting for an endpoint at the query's time limit, in the calling process."""
    release = threading.Event()

    def slow(*_: object) -> tuple[int, dict[str, str], bytes]:
        release.wait(30)
        return results(ONE_ROW)

    with http_server(slow) as url:
        store = SparqlStore(url + "/sparql")
        children = set(multiprocessing.active_children())  # other tests' workers may live on
        try:  # the endpoint answers only once released: the error comes before any answer
            with pytest.raises(natokg.QueryTimeoutError, match=r"stopped after 0\.5 s"):
                natokg.sparql(store, "SELECT ?s WHERE { ?s ?p ?o }", timeout=0.5)
            assert set(multiprocessing.active_children()) <= children
        finally:
            release.set()
        assert len(natokg.sparql(store, "SELECT ?s WHERE { ?s ?p ?o }", timeout=5)) == 1


@pytest.mark.slow
def test_add_graph_adds_all_triples_to_the_store_graph(virtuoso: Virtuoso) -> None:
    """Adds a graph's triples to the store's graph, keeping what was there."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    store = SparqlStore(
        virtuoso.update_url,
        virtuoso.update_url,
        auth=make_auth(virtuoso.user, virtuoso.password),
        graph=graph,
    )
    first = Graph().add((URIRef(EX + "a"), URIRef(EX + "p"), Literal("one")))
    second = Graph().add((URIRef(EX + "b"), URIRef(EX + "p"), Literal("two", lang="en")))
    try:
        store.add_graph(first)
        store.add_graph(second)
        assert len(store) == 2
        assert isomorphic(union_graph(store), first + second)
    finally:
        store.update(f"DROP SILENT GRAPH <{graph}>")
