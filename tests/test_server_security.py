"""The endpoint's hardening, tested over loopback against a live server with the shipped graph."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib.plugins.sparql

from natokg.server import jobs
from serverkit import LiveServer, listener, live_server, natokg_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Every triple with every triple with every triple: hours for rdflib, past any time limit.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(natokg_store(), timeout=3.0, workers=2, max_body=4096) as running:
        yield running


def _get(server: LiveServer, query: str, **kwargs: object) -> httpx.Response:
    return httpx.get(server.url + "/sparql", params={"query": query}, timeout=60, **kwargs)  # type: ignore[arg-type]


def _count(server: LiveServer) -> int:
    response = _get(server, COUNT)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _short_error(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/plain")
    assert len(response.text) < 600
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


def _zygote_children(server: LiveServer) -> set[int]:
    zygote = server.app.state.pool._zygote.pid  # type: ignore[attr-defined]
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == zygote and fields[0] != "Z":
            children.add(int(stat.parent.name))
    return children


def test_rdflib_never_loads_graphs_in_the_endpoint() -> None:
    """Switches off rdflib's loading of FROM graphs from the web wherever the endpoint runs queries."""
    assert jobs.rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False
    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_from_a_file_is_refused(server: LiveServer, query: str) -> None:
    """Answers 400 to FROM or FROM NAMED of a local file, naming the graph."""
    response = _get(server, query)
    assert response.status_code == 400
    assert "file:///etc/passwd" in response.text
    _short_error(response)


def test_from_a_loopback_url_is_refused_and_never_fetched(server: LiveServer) -> None:
    """Answers 400 to FROM, FROM NAMED and protocol graphs on a loopback listener, which receives nothing."""
    with listener() as (port, received):
        url = f"http://127.0.0.1:{port}/graph"
        answers = [
            _get(server, f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"),
            _get(server, f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
            httpx.get(server.url + "/sparql", params={"query": "ASK {}", "default-graph-uri": url}),
            httpx.get(server.url + "/sparql", params={"query": "ASK {}", "named-graph-uri": url}),
        ]
    assert [r.status_code for r in answers] == [400, 400, 400, 400]
    assert received == []


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_service_is_refused_and_never_called(server: LiveServer, silent: str) -> None:
    """Answers 400 to SERVICE (SILENT too: never a silent no-op); the loopback listener receives nothing."""
    with listener() as (port, received):
        response = _get(
            server, f"SELECT * WHERE {{ SERVICE {silent}<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
        )
    assert response.status_code == 400
    assert "SERVICE" in response.text
    assert received == []


@pytest.mark.parametrize("field", ["update", "query"])
def test_load_is_refused_and_never_fetched(server: LiveServer, field: str) -> None:
    """Answers 400 to LOAD, sent as an update or as a query, and the listener receives nothing."""
    with listener() as (port, received):
        response = httpx.post(
            server.url + "/sparql", data={field: f"LOAD <http://127.0.0.1:{port}/data.ttl>"}
        )
    assert response.status_code == 400
    assert "LOAD" in response.text
    assert received == []


def test_drop_all_by_form_post_is_refused(server: LiveServer) -> None:
    """Answers 403 to DROP ALL by form POST, and the graph keeps every triple."""
    before = _count(server)
    response = httpx.post(server.url + "/sparql", data={"update": "DROP ALL"})
    assert response.status_code == 403
    assert "read-only" in response.text
    _short_error(response)
    assert _count(server) == before > 1000


@pytest.mark.parametrize("depth", [17, 300])
def test_deeply_nested_query_is_refused(server: LiveServer, depth: int) -> None:
    """Answers 400 to brackets nested past the limit (300 braces included), then answers the next query."""
    query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    response = httpx.post(
        server.url + "/sparql", content=query, headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert "nested" in response.text
    _short_error(response)
    assert _count(server) > 0


def test_query_past_the_time_limit_is_killed(server: LiveServer) -> None:
    """Answers 503 to a cross product past the time limit, kills its worker, and answers the next query."""
    before = _zygote_children(server)
    response = _get(server, CROSS_PRODUCT)
    assert response.status_code == 503
    assert "time limit" in response.text
    _short_error(response)
    assert _count(server) > 0
    after = _zygote_children(server)
    assert len(after) <= 2
    assert before - after  # the worker that ran the cross product is gone


def test_slow_query_does_not_block_a_fast_one(server: LiveServer) -> None:
    """Answers a fast query while a slow one is still running in another worker."""
    slow: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: slow.append(_get(server, CROSS_PRODUCT)))
    thread.start()
    try:
        fast = _get(server, "ASK { ?s ?p ?o }")
        still_running = thread.is_alive()
    finally:
        thread.join(60)
    assert fast.status_code == 200
    assert fast.json()["boolean"] is True
    assert still_running
    assert slow[0].status_code == 503


@pytest.mark.parametrize(
    "host", ["attacker.example", "attacker.example:7878", "127.0.0.1.nip.io", "localhost.:80"]
)
def test_spoofed_host_is_refused(server: LiveServer, host: str) -> None:
    """Answers 403 to a Host header that does not name this machine (DNS rebinding)."""
    for path in ["/", "/sparql?query=ASK%7B%7D", "/api/queries"]:
        response = httpx.get(server.url + path, headers={"host": host})
        assert response.status_code == 403, path
        assert "host" in response.text
        _short_error(response)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_host_names_are_accepted(server: LiveServer, host: str) -> None:
    """Answers requests whose Host header is a loopback name, with the server's port."""
    response = httpx.get(
        server.url + "/sparql", params={"query": "ASK {}"}, headers={"host": f"{host}:{server.port}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_foreign_origin_is_refused(server: LiveServer, method: str) -> None:
    """Answers 403, with no CORS header, to a request from another site's page."""
    response = httpx.request(
        method,
        server.url + "/sparql",
        params={"query": "ASK {}"} if method == "GET" else None,
        data={"query": "ASK {}"} if method == "POST" else None,
        headers={"origin": "https://attacker.example"},
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    _short_error(response)


def test_own_origin_is_accepted(server: LiveServer) -> None:
    """Answers a request from the server's own query page."""
    response = httpx.post(server.url + "/sparql", data={"query": "ASK {}"}, headers={"origin": server.url})
    assert response.status_code == 200


def test_cors_allows_only_the_given_origin() -> None:
    """Answers the --cors origin, its preflight included, with CORS headers, and refuses any other."""
    allowed = "https://analyst.example"
    with live_server(natokg_store(), cors=allowed, workers=1) as running:
        preflight = httpx.options(
            running.url + "/sparql",
            headers={
                "origin": allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        simple = httpx.get(running.url + "/sparql", params={"query": "ASK {}"}, headers={"origin": allowed})
        other = httpx.get(
            running.url + "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://x.example"}
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == allowed
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == allowed
    assert other.status_code == 403


def test_oversized_body_is_refused(server: LiveServer) -> None:
    """Answers 413 to a body over the cap, whether its length is declared or it comes in chunks."""
    query = "ASK {}" + " " * 5000
    declared = httpx.post(
        server.url + "/sparql", content=query, headers={"content-type": "application/sparql-query"}
    )

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    chunked = httpx.post(
        server.url + "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )
    assert declared.status_code == 413
    assert chunked.status_code == 413
    _short_error(declared)


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/sparql-query", "ASK { ?s ?p 'caf\xe9' }".encode("latin-1"), 400),
        ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%E9%22%20%7D", 400),
        ("application/sparql-query; charset=ISO-8859-1", b"ASK {}", 415),
        ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415),
    ],
)
def test_non_utf8_body_is_refused(server: LiveServer, content_type: str, body: bytes, status: int) -> None:
    """Answers 400 to a body that is not UTF-8, and 415 to a declared charset other than UTF-8."""
    response = httpx.post(server.url + "/sparql", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    _short_error(response)


def test_responses_carry_security_headers(server: LiveServer) -> None:
    """Sends nosniff, no-referrer and a Content-Security-Policy with every response, errors included."""
    for response in [httpx.get(server.url + "/"), _get(server, "ASK {"), httpx.get(server.url + "/nope")]:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "default-src" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path", ["/static/../pages.py", "/static/%2e%2e/pages.py", "/static/..%2fapp.py", "/static//etc/passwd"]
)
def test_static_files_stay_in_their_folder(server: LiveServer, path: str) -> None:
    """Answers 404 to a path that tries to leave the static folder."""
    response = httpx.get(server.url + path)
    assert response.status_code == 404
    assert "import" not in response.text
