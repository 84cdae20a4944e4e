"""The W3C SPARQL 1.1 Protocol tests (``../shared/w3c/sparql11-protocol/manifest.ttl``), replayed.

Each request of the manifest goes, over loopback, to a read-only endpoint whose store holds
data1.nt-data3.nt under the graph names the manifest gives (``ut:graphData``). Every query
test passes; every update test gets the read-only refusal (403), where the manifest expects
success, and its follow-up query (which checks what the update did) is not sent.

Adaptations, not exclusions:

- The requests go to the test server's own address, not ``www.example``: the Host check
  refuses foreign names, as it should.
- The manifest names ``data0.rdf`` as the default graph of six query tests but ships no
  file for it; the store holds a stand-in graph of the same shape. Without it, those
  requests get a 400 (a graph not in the store is never fetched), which a test below shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.query import Result

from serverkit import KASEI, W3C, LiveServer, live_server, require_w3c, w3c_store

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


@dataclass(frozen=True)
class Request:
    """One ``ht:Request`` of a test, with what its response must be."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[str]
    boolean: bool | None
    format: str | None


def _manifest() -> list[tuple[str, list[Request]]]:
    if not (W3C / "manifest.ttl").is_file():
        return []
    graph = Graph().parse(W3C / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[-1]
        connection = graph.value(test, MF.action)
        requests = [_request(graph, r) for r in Collection(graph, graph.value(connection, HT.requests))]
        tests.append((name, requests))
    return tests


def _request(graph: Graph, node: object) -> Request:
    body_node = graph.value(node, HT.body)  # type: ignore[arg-type]
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
    headers = []
    header_list = graph.value(node, HT.headers)  # type: ignore[arg-type]
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
    response = graph.value(node, HT.resp)  # type: ignore[arg-type]
    statuses = frozenset(str(s).rsplit("#", 1)[-1] for s in graph.objects(response, MF.expectedStatus))
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Request(
        method=str(graph.value(node, HT.methodName)),  # type: ignore[arg-type]
        path=str(graph.value(node, HT.absolutePath)),  # type: ignore[arg-type]
        headers=tuple(headers),
        body=body,
        statuses=statuses,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        format=str(fmt) if fmt is not None else None,
    )


TESTS = _manifest()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    require_w3c()
    with live_server(w3c_store()) as running:
        yield running


def _send(server: LiveServer, request: Request) -> httpx.Response:
    return httpx.request(
        request.method,
        server.url + request.path,
        headers=dict(request.headers),
        content=request.body,
        timeout=30,
    )


def _status_class(status: int) -> str:
    return f"StatusCode{status // 100}xx"


def _check_format(response: httpx.Response, request: Request) -> None:
    media = response.headers["content-type"].split(";")[0]
    if request.format == "RDF":
        syntax = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}[media]
        Graph().parse(data=response.content, format=syntax)
        return
    results = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"}
    if request.format == "tabular":
        results |= {"text/csv": "csv", "text/tab-separated-values": "tsv"}
    parsed = Result.parse(io.BytesIO(response.content), format=results[media])
    if request.boolean is not None:
        assert parsed.askAnswer is request.boolean


def test_manifest_is_present_and_complete() -> None:
    """Finds the 34 tests of the W3C protocol manifest beside the checkout."""
    require_w3c()
    assert len(TESTS) == 34
    names = [name for name, _ in TESTS]
    assert sum(n.startswith("query_") for n in names) == 13
    assert sum(n.startswith("update_") for n in names) == 7


@pytest.mark.parametrize(("name", "requests"), TESTS, ids=[name for name, _ in TESTS])
def test_w3c_protocol_test(server: LiveServer, name: str, requests: list[Request]) -> None:
    """Answers each manifest request as the manifest expects, or refuses an update as read-only."""
    if name.startswith("update_"):
        response = _send(server, requests[0])
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
        return
    for request in requests:
        response = _send(server, request)
        assert _status_class(response.status_code) in request.statuses, (response.status_code, response.text)
        if request.format is not None:
            _check_format(response, request)


def test_default_graph_missing_from_the_store_is_refused() -> None:
    """Answers 400 for a default-graph-uri the store does not hold, where data0.rdf has no stand-in."""
    require_w3c()
    with live_server(w3c_store(with_data0=False)) as running:
        response = httpx.get(
            running.url + "/sparql",
            params={"query": "ASK {}", "default-graph-uri": f"{KASEI}data0.rdf"},
        )
        present = httpx.get(
            running.url + "/sparql",
            params={"query": "ASK {}", "default-graph-uri": f"{KASEI}data1.rdf"},
        )
    assert response.status_code == 400
    assert "data0.rdf" in response.text
    assert present.status_code == 200


def test_protocol_dataset_replaces_the_query_dataset(server: LiveServer) -> None:
    """Uses the protocol's named graphs, not the query's FROM, and keeps the default graph empty."""
    query = (
        f"SELECT ?g ?s FROM <{KASEI}data3.rdf> WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }} }}"
    )
    response = httpx.get(
        server.url + "/sparql",
        params={"query": query, "named-graph-uri": [f"{KASEI}data1.rdf"]},
        headers={"accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    rows = [(b.get("g", {}).get("value"), b["s"]["value"]) for b in response.json()["results"]["bindings"]]
    assert rows == [(f"{KASEI}data1.rdf", f"{KASEI}data1.rdf")]
    assert URIRef(f"{KASEI}data3.rdf") not in {URIRef(s) for _, s in rows}
