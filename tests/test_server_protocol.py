"""The SPARQL 1.1 Protocol at /sparql, the named-query API and the documents the endpoint serves."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from openapi_spec_validator import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from natokg.queries import get_query, list_queries
from natokg.server.guard import host_allowed
from natokg.server.protocol import ProtocolError, negotiate, parse_params
from serverkit import LiveServer, live_server, natokg_store

NKG = "https://w3id.org/natokg/ontology#"
NKGID = "https://w3id.org/natokg/id/"
NATIONS = f"""PREFIX nkg: <{NKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?nation ?label WHERE {{ ?nation a nkg:Nation ; rdfs:label ?label }} ORDER BY ?label"""
JAPAN = f"CONSTRUCT {{ <{NKGID}japan> ?p ?o }} WHERE {{ <{NKGID}japan> ?p ?o }}"
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(natokg_store(), max_rows=50) as running:
        yield running


def _sparql(server: LiveServer, query: str, accept: str | None = None) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return httpx.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=60)


def _labels(server: LiveServer) -> list[str]:
    response = _sparql(server, NATIONS)
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


@pytest.mark.parametrize(("media", "fmt"), SELECT_TYPES.items())
def test_select_in_each_result_format(server: LiveServer, media: str, fmt: str) -> None:
    """Answers SELECT in each SPARQL result format asked for, with the same rows as JSON."""
    response = _sparql(server, NATIONS, media)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    labels = [str(row[1]) for row in result]  # type: ignore[index]
    assert labels == _labels(server)
    assert "Japan" in labels


def test_select_defaults_to_json(server: LiveServer) -> None:
    """Answers SELECT as SPARQL JSON results when the client states no preference."""
    response = _sparql(server, NATIONS, "*/*")
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert response.json()["head"]["vars"] == ["nation", "label"]


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_json_and_xml(server: LiveServer, media: str) -> None:
    """Answers ASK true and false in JSON and XML."""
    yes = _sparql(server, f"ASK {{ <{NKGID}japan> a <{NKG}Nation> }}", media)
    no = _sparql(server, f"ASK {{ <{NKGID}narnia> a <{NKG}Nation> }}", media)
    fmt = SELECT_TYPES[media]
    assert Result.parse(io.BytesIO(yes.content), format=fmt).askAnswer is True
    assert Result.parse(io.BytesIO(no.content), format=fmt).askAnswer is False


def test_ask_as_csv_is_not_acceptable(server: LiveServer) -> None:
    """Answers 406 to ASK with only CSV acceptable (CSV has no boolean form)."""
    assert _sparql(server, "ASK {}", "text/csv").status_code == 406


@pytest.mark.parametrize(("media", "fmt"), GRAPH_TYPES.items())
def test_construct_in_each_rdf_syntax(server: LiveServer, media: str, fmt: str) -> None:
    """Answers CONSTRUCT in each RDF syntax asked for, with the same graph as Turtle."""
    response = _sparql(server, JAPAN, media)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    graph = Graph().parse(data=response.content, format=fmt)
    turtle = Graph().parse(data=_sparql(server, JAPAN).content, format="turtle")
    assert isomorphic(graph, turtle)
    assert (
        URIRef(f"{NKGID}japan"),
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Japan", lang="en"),
    ) in graph


def test_describe_defaults_to_turtle(server: LiveServer) -> None:
    """Answers DESCRIBE as Turtle by default."""
    response = _sparql(server, f"DESCRIBE <{NKGID}japan>")
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=response.content, format="turtle")) > 0


def test_graph_query_with_result_types_only_is_not_acceptable(server: LiveServer) -> None:
    """Answers 406 to CONSTRUCT when only SPARQL result formats are acceptable."""
    response = _sparql(server, JAPAN, "application/sparql-results+json")
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_post_forms_answer_as_get(server: LiveServer) -> None:
    """Answers a form POST and a direct POST with the same rows as a GET."""
    form = httpx.post(server.url + "/sparql", data={"query": NATIONS})
    direct = httpx.post(
        server.url + "/sparql", content=NATIONS.encode(), headers={"content-type": "application/sparql-query"}
    )
    expected = _labels(server)
    for response in (form, direct):
        assert [b["label"]["value"] for b in response.json()["results"]["bindings"]] == expected


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "params": {"query": "SELECT * {"}}, 400),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "GET", "params": {"default-graph-uri": "urn:x"}}, 400),
        ({"method": "GET", "params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
        ({"method": "POST", "content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ({"method": "POST", "content": b"ASK {}"}, 415),
        ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ({"method": "PUT", "content": b"ASK {}"}, 405),
        ({"method": "DELETE"}, 405),
    ],
)
def test_malformed_requests_get_their_status(
    server: LiveServer, request_args: dict[str, object], status: int
) -> None:
    """Answers malformed protocol requests with 400, 405 or 415 and a one-line message."""
    method = str(request_args.pop("method"))
    response = httpx.request(method, server.url + "/sparql", **request_args)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.text.count("\n") <= 1


def test_syntax_error_names_line_and_column(server: LiveServer) -> None:
    """Answers 400 to a syntax error with its line and column."""
    response = _sparql(server, "SELECT ?s\nWHERE { ?s ?p }")
    assert response.status_code == 400
    assert "line 2" in response.text


def test_update_sent_as_query_is_forbidden(server: LiveServer) -> None:
    """Answers 403 to an update sent in the query parameter."""
    response = _sparql(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert response.status_code == 403


def test_row_cap_cuts_and_says_so(server: LiveServer) -> None:
    """Cuts a SELECT at the row cap and flags it in a header, and leaves smaller answers unflagged."""
    big = _sparql(server, "SELECT ?s WHERE { ?s ?p ?o }")
    small = _sparql(server, NATIONS)
    assert len(big.json()["results"]["bindings"]) == 50
    assert big.headers["natokg-truncated"] == "true"
    assert big.headers["natokg-max-rows"] == "50"
    assert "natokg-truncated" not in small.headers
    construct = _sparql(server, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(Graph().parse(data=construct.content, format="nt")) == 50
    assert construct.headers["natokg-truncated"] == "true"


@pytest.mark.parametrize(("media", "fmt"), GRAPH_TYPES.items())
def test_service_description(server: LiveServer, media: str, fmt: str) -> None:
    """Describes the service on a GET without a query, in each RDF syntax asked for."""
    response = httpx.get(server.url + "/sparql", headers={"accept": media})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=fmt)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(server.url + "/sparql")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in graph


def test_query_list_has_every_named_query(server: LiveServer) -> None:
    """Lists every named query with its kind, summary, parameters and text."""
    listed = httpx.get(server.url + "/api/queries").json()
    assert [q["id"] for q in listed] == [q.id for q in list_queries()]
    frameworks = next(q for q in listed if q["id"] == "partner-frameworks")
    assert frameworks["kind"] == "report"
    assert [p["name"] for p in frameworks["params"]] == ["partner", "as_of"]
    assert frameworks["text"] == get_query("partner-frameworks").text


def test_named_query_takes_parameters_as_the_cli_does(server: LiveServer) -> None:
    """Runs a named query with a label and a date as parameters, as the command line takes them."""
    response = httpx.get(
        server.url + "/api/queries/partner-frameworks", params={"partner": "ROK", "as_of": "2016"}
    )
    document = response.json()
    assert response.status_code == 200
    assert document["columns"][:4] == ["partner", "framework", "role", "since"]
    ipcp = [row for row in document["rows"] if row[1] == f"{NKGID}ipcp"]
    assert [row[3] for row in ipcp] == ["2012"]
    assert {row[0] for row in document["rows"]} == {f"{NKGID}rok"}
    assert document["truncated"] is False


def test_named_query_as_csv(server: LiveServer) -> None:
    """Answers a named query as CSV with a header line when CSV is asked for."""
    response = httpx.get(
        server.url + "/api/queries/partner-frameworks",
        params={"partner": "Japan"},
        headers={"accept": "text/csv"},
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["partner", "framework"]
    assert {row[0] for row in rows[1:]} == {f"{NKGID}japan"}


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"partner": "Narnia"}, 400, "partner"),
        ({"as_of": "last year"}, 400, "as_of"),
        ({"colour": "blue"}, 400, "colour"),
    ],
)
def test_named_query_bad_parameters(
    server: LiveServer, params: dict[str, str], status: int, parameter: str
) -> None:
    """Answers 400 naming the parameter for an unknown label, a bad date or an unknown parameter."""
    response = httpx.get(server.url + "/api/queries/partner-frameworks", params=params)
    assert response.status_code == status
    assert response.json()["parameter"] == parameter


def test_unknown_named_query_is_not_found(server: LiveServer) -> None:
    """Answers 404 with a suggestion for an unknown query id."""
    response = httpx.get(server.url + "/api/queries/partner-framework")
    assert response.status_code == 404
    assert "partner-frameworks" in response.json()["error"]


def test_openapi_document_describes_every_named_query(server: LiveServer) -> None:
    """Describes each named query as an OpenAPI path with its declared parameters."""
    document = httpx.get(server.url + "/api/openapi.json").json()
    validate(document)  # raises on an invalid OpenAPI 3.1 document
    assert document["openapi"].startswith("3.1")
    for query in list_queries():
        operation = document["paths"][f"/api/queries/{query.id}"]["get"]
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in query.params]
        assert all(p["in"] == "query" for p in operation["parameters"])


def test_query_page_is_self_contained(server: LiveServer) -> None:
    """Serves the query page with its own script and style sheet only, under a strict policy."""
    page = httpx.get(server.url + "/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    links = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert links
    assert all(link.startswith("/") and not link.startswith("//") for link in links)
    script = httpx.get(server.url + "/static/app.js")
    style = httpx.get(server.url + "/static/app.css")
    assert script.status_code == style.status_code == 200
    assert "http" not in script.text
    assert "innerHTML" not in script.text
    assert "url(" not in style.text
    assert "@import" not in style.text


def test_network_page_answers_or_says_it_is_missing(server: LiveServer) -> None:
    """Serves issue 6's network page, or 404 with a short message where natokg.viz is missing."""
    response = httpx.get(server.url + "/network")
    try:
        import natokg.viz  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        assert response.status_code == 404
        assert "natokg.viz" in response.text
    else:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")


def test_negotiate_follows_quality_and_order() -> None:
    """Picks the acceptable offer of highest quality, the server's order breaking ties."""
    offers = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
    assert negotiate(None, offers) == offers[0]
    assert negotiate("text/*", offers) == "text/csv"
    assert negotiate("application/*;q=0.5, text/csv;q=0.4", offers) == offers[0]
    assert negotiate("text/csv;q=0, */*;q=0.1", offers) == offers[0]
    assert negotiate("application/sparql-results+xml, */*;q=0.1", offers) == offers[1]
    assert negotiate("text/csv;q=0", offers) is None
    assert negotiate("image/png", offers) is None


def test_parse_params_is_strict() -> None:
    """Refuses parameters that are not UTF-8 or too many of them."""
    assert parse_params("a=%C3%A9") == [("a", "é")]
    with pytest.raises(ProtocolError, match="UTF-8"):
        parse_params("a=%E9")
    with pytest.raises(ProtocolError, match="too many"):
        parse_params("&".join(f"p{i}=1" for i in range(200)))


def test_host_allowed_accepts_loopback_and_listed_names() -> None:
    """Accepts loopback names and listed hosts, and refuses anything else."""
    assert host_allowed("localhost", [])
    assert host_allowed("[::1]:7878", [])
    assert host_allowed("kg.example", ["kg.example"])
    assert not host_allowed("kg.example:81", ["kg.example:80"])
    assert not host_allowed("", [])
    assert not host_allowed("127.0.0.1:http", [])
    assert not host_allowed("evil.example", ["kg.example"])
