"""Real SPARQL clients against the real server on loopback: SPARQLWrapper, rdflib's SPARQLStore, curl."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from serverkit import LiveServer, live_server, natokg_store
from support import require_tool

NKGID = "https://w3id.org/natokg/id/"
NATIONS = """PREFIX nkg: <https://w3id.org/natokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?nation ?label WHERE { ?nation a nkg:Nation ; rdfs:label ?label } ORDER BY ?label"""
JAPAN = f"CONSTRUCT {{ <{NKGID}japan> ?p ?o }} WHERE {{ <{NKGID}japan> ?p ?o }}"
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(natokg_store()) as running:
        yield running


@pytest.fixture(scope="module")
def expected(server: LiveServer) -> list[tuple[str, str]]:
    """The nations and labels, read with rdflib's own parser of the JSON results."""
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(NATIONS)
    wrapper.setReturnFormat(JSON)
    document = wrapper.query().convert()
    rows = [(b["nation"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]]  # type: ignore[index]
    assert (f"{NKGID}japan", "Japan") in rows
    return rows


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server: LiveServer, expected: list[tuple[str, str]], method: str) -> None:
    """Gives SPARQLWrapper the nations as JSON, by GET and by POST."""
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(NATIONS)
    wrapper.setReturnFormat(JSON)
    if method == "POST":
        wrapper.setMethod(POST)
    document = wrapper.query().convert()
    rows = [(b["nation"]["value"], b["label"]["value"]) for b in document["results"]["bindings"]]  # type: ignore[index]
    assert rows == expected


def test_sparqlwrapper_xml(server: LiveServer, expected: list[tuple[str, str]]) -> None:
    """Gives SPARQLWrapper the nations as SPARQL XML results."""
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(NATIONS)
    wrapper.setReturnFormat(XML)
    document = wrapper.query().convert()
    results = document.getElementsByTagName("result")  # type: ignore[union-attr]
    labels = [r.getElementsByTagName("literal")[0].firstChild.data for r in results]
    assert labels == [label for _, label in expected]


def test_sparqlwrapper_csv(server: LiveServer, expected: list[tuple[str, str]]) -> None:
    """Gives SPARQLWrapper the nations as CSV."""
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(NATIONS)
    wrapper.setReturnFormat(CSV)
    data = wrapper.query().convert()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))  # type: ignore[union-attr]
    assert rows[0] == ["nation", "label"]
    assert [tuple(r) for r in rows[1:]] == expected


def test_sparqlwrapper_construct_turtle(server: LiveServer) -> None:
    """Gives SPARQLWrapper a CONSTRUCT as Turtle."""
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(JAPAN)
    wrapper.setReturnFormat(TURTLE)
    data = wrapper.query().convert()
    graph = Graph().parse(data=data, format="turtle")  # type: ignore[arg-type]
    assert (URIRef(f"{NKGID}japan"), LABEL, Literal("Japan", lang="en")) in graph


def test_rdflib_sparqlstore(server: LiveServer, expected: list[tuple[str, str]]) -> None:
    """Answers rdflib's SPARQLStore: SELECT, ASK and CONSTRUCT through a Graph on the endpoint."""
    graph = Graph(SPARQLStore(server.url + "/sparql"))
    rows = [(str(row[0]), str(row[1])) for row in graph.query(NATIONS)]  # type: ignore[index]
    assert rows == expected
    assert graph.query(f"ASK {{ <{NKGID}japan> ?p ?o }}").askAnswer is True
    constructed = graph.query(JAPAN).graph
    assert constructed is not None
    assert (URIRef(f"{NKGID}japan"), LABEL, Literal("Japan", lang="en")) in constructed
    assert (URIRef(f"{NKGID}japan"), LABEL, Literal("Japan", lang="en")) in graph


SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def _curl(server: LiveServer, query: str, accept: str, *, post: bool) -> tuple[str, str, bytes]:
    curl = require_tool("curl")
    args = [curl, "--silent", "--show-error", "--max-time", "60", "-H", f"Accept: {accept}"]
    args += ["--data-urlencode", f"query={query}"]
    if not post:
        args.append("--get")
    args += ["--write-out", "\n%{http_code} %{content_type}", server.url + "/sparql"]
    result = subprocess.run(args, capture_output=True, check=True, timeout=120)
    body, _, status_line = result.stdout.rpartition(b"\n")
    status, _, content_type = status_line.decode().partition(" ")
    return status, content_type, body


@pytest.mark.parametrize("post", [False, True], ids=["GET", "POST"])
@pytest.mark.parametrize(("media", "fmt"), SELECT_FORMATS.items())
def test_curl_select(
    server: LiveServer, expected: list[tuple[str, str]], media: str, fmt: str, post: bool
) -> None:
    """Gives curl the nations in each SPARQL result format, by GET and by form POST."""
    status, content_type, body = _curl(server, NATIONS, media, post=post)
    assert status == "200"
    assert content_type.split(";")[0] == media
    result = Result.parse(io.BytesIO(body), format=fmt)
    assert [(str(r[0]), str(r[1])) for r in result] == expected  # type: ignore[index]


@pytest.mark.parametrize(("media", "fmt"), GRAPH_FORMATS.items())
def test_curl_construct(server: LiveServer, media: str, fmt: str) -> None:
    """Gives curl a CONSTRUCT in each RDF syntax."""
    status, content_type, body = _curl(server, JAPAN, media, post=False)
    assert status == "200"
    assert content_type.split(";")[0] == media
    graph = Graph().parse(data=body, format=fmt)
    assert (URIRef(f"{NKGID}japan"), LABEL, Literal("Japan", lang="en")) in graph


def test_curl_ask_and_errors(server: LiveServer) -> None:
    """Gives curl ASK as JSON, 406 for an unknown media type and 400 for bad syntax."""
    status, _, body = _curl(server, "ASK { ?s ?p ?o }", "application/sparql-results+json", post=False)
    assert status == "200"
    assert json.loads(body) == {"head": {}, "boolean": True}
    assert _curl(server, "ASK {}", "image/png", post=False)[0] == "406"
    assert _curl(server, "ASK {", "application/sparql-results+json", post=False)[0] == "400"
