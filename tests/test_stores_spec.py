"""Store specs: memory, oxigraph:PATH and sparql:QUERY_URL[,UPDATE_URL][,KEY=VALUE...], and their errors."""

from __future__ import annotations

import base64
import doctest
import importlib
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from natokg.store import MemoryStore, StoreError
from natokg.store_oxigraph import OxigraphStore
from natokg.store_sparql import SparqlStore
from natokg.stores import StoreSpec, open_store, parse_store_spec
from support import Responder, http_server

Q = "http://127.0.0.1:8890/sparql"
U = "http://127.0.0.1:8890/sparql-auth"
G = "https://w3id.org/natokg/graph"
PASSWORD = "s3cret-Pa55"


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("memory", StoreSpec("memory")),
        (" memory ", StoreSpec("memory")),
        ("oxigraph:build/store", StoreSpec("oxigraph", path=Path("build/store"))),
        ("oxigraph:/tmp/a:b", StoreSpec("oxigraph", path=Path("/tmp/a:b"))),
        (
            "sparql:http://127.0.0.1:8890/sparql",
            StoreSpec("sparql", query_url="http://127.0.0.1:8890/sparql"),
        ),
        (
            "sparql:http://127.0.0.1:3030/ds/query,http://127.0.0.1:3030/ds/update",
            StoreSpec(
                "sparql",
                query_url="http://127.0.0.1:3030/ds/query",
                update_url="http://127.0.0.1:3030/ds/update",
            ),
        ),
        (f"sparql:{Q},graph={G}", StoreSpec("sparql", query_url=Q, graph=G)),
        (
            f"sparql:{Q},{U},graph={G},user=dba,password-file=/run/pw",
            StoreSpec(
                "sparql", query_url=Q, update_url=U, graph=G, user="dba", password_file=Path("/run/pw")
            ),
        ),
        (
            f"sparql:{Q},auth=digest,password-file=pw,user=dba",
            StoreSpec("sparql", query_url=Q, user="dba", password_file=Path("pw"), auth="digest"),
        ),
        (
            "sparql:https://store.example.org/q,user=a,password-file=pw,auth=basic",
            StoreSpec(
                "sparql",
                query_url="https://store.example.org/q",
                user="a",
                password_file=Path("pw"),
                auth="basic",
            ),
        ),
        (
            "sparql:http://localhost:3030/ds,http://[::1]:3030/ds,user=a,password-file=pw,auth=basic",
            StoreSpec(
                "sparql",
                query_url="http://localhost:3030/ds",
                update_url="http://[::1]:3030/ds",
                user="a",
                password_file=Path("pw"),
                auth="basic",
            ),
        ),
        (
            "sparql:http://store.example.org/q,user=a,password-file=pw",
            StoreSpec("sparql", query_url="http://store.example.org/q", user="a", password_file=Path("pw")),
        ),
        (f"sparql:{Q},graph=urn:x-natokg:g", StoreSpec("sparql", query_url=Q, graph="urn:x-natokg:g")),
    ],
)
def test_specs_parse(spec: str, parsed: StoreSpec) -> None:
    """Parses each accepted form of spec into its parts."""
    assert parse_store_spec(spec) == parsed


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "unknown kind of store"),
        ("Memory", "unknown kind of store"),
        ("oxigraph", "unknown kind of store"),
        ("oxigraph:", "needs the store's folder"),
        ("fuseki:http://127.0.0.1/ds", "unknown kind of store"),
        ("sparql:", "not an http\\(s\\) URL"),
        ("sparql:file:///etc/passwd", "not an http\\(s\\) URL"),
        ("sparql:http:///no-host", "not an http\\(s\\) URL"),
        ("sparql:http://a/q,http://a/u,http://a/x", "at most one update URL"),
        (f"sparql:graph={G}", "needs a query URL first"),
        (f"sparql:{Q},graph={G},colour=red", "unknown field 'colour='"),
        (f"sparql:{Q},Graph={G}", "not an http\\(s\\) URL"),
        (f"sparql:{Q},graph={G},graph={G}", "graph= is given twice"),
        (f"sparql:{Q},graph=", "graph= has no value"),
        (f"sparql:{Q},user=,password-file=pw", "user= has no value"),
        (f"sparql:{Q},graph={G},{U}", f"URL '{U}' after a key=value field"),
        (f"sparql:{Q},graph=not an iri", "graph IRI 'not an iri' is not an absolute IRI"),
        (f"sparql:{Q},graph=urn:g> }} DROP ALL #", "graph IRI"),
        (f"sparql:{Q},graph=relative/graph", "graph IRI"),
        (f"sparql:{Q},user=dba", "user= needs password-file="),
        (f"sparql:{Q},password-file=pw", "password-file= needs user="),
        (f"sparql:{Q},auth=digest", "auth= needs user= and password-file="),
        (f"sparql:{Q},user=dba,password-file=pw,auth=ntlm", "auth= must be digest or basic"),
        (
            "sparql:http://store.example.org/q,user=dba,password-file=pw,auth=basic",
            "basic auth over plain http would send the password in clear",
        ),
        (
            "sparql:https://store.example.org/q,http://store.example.org/u,user=a,password-file=pw,auth=basic",
            "update endpoint http://store.example.org/u: basic auth over plain http",
        ),
    ],
)
def test_bad_specs_are_refused(spec: str, message: str) -> None:
    """Refuses a malformed spec with a message that names it and lists the accepted forms."""
    with pytest.raises(StoreError, match=message) as caught:
        parse_store_spec(spec)
    assert repr(spec) in str(caught.value)
    assert "oxigraph:PATH" in str(caught.value)


def test_a_password_in_the_url_is_refused_and_never_shown() -> None:
    """Refuses a URL that carries a user and password, and leaves the password out of the message."""
    with pytest.raises(StoreError, match="user= and password-file=, not in the URL") as caught:
        parse_store_spec(f"sparql:http://dba:{PASSWORD}@127.0.0.1:8890/sparql,graph={G}")
    assert PASSWORD not in str(caught.value)
    assert "http://***@127.0.0.1:8890/sparql" in str(caught.value)


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the password file"),
        ("", "must hold one line"),
        ("\n", "must hold one line"),
        (f"{PASSWORD}\nmore\n", "must hold one line"),
        (b"\xff\xfe" + PASSWORD.encode(), "cannot read the password file"),
    ],
    ids=["missing", "empty", "blank-line", "two-lines", "not-utf-8"],
)
def test_bad_password_files_are_refused(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    """Refuses a missing, empty, multi-line or undecodable password file, naming the spec and the file."""
    path = tmp_path / "password"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    spec = f"sparql:{Q},user=dba,password-file={path}"
    with pytest.raises(StoreError, match=message) as caught:
        open_store(spec)
    assert repr(spec) in str(caught.value)
    assert str(path) in str(caught.value)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    "extra",
    [
        "auth=ntlm",
        "graph=not an iri",
        "auth=basic,graph=urn:g",
        "colour=red",
    ],
)
def test_the_password_is_never_in_an_error(password_file: Path, extra: str) -> None:
    """Keeps the password out of the message of a spec refused beside a good password file."""
    host = "http://store.example.org/q" if "basic" in extra else Q
    with pytest.raises(StoreError) as caught:
        open_store(f"sparql:{host},user=dba,password-file={password_file},{extra}")
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(caught.value)


def test_the_password_is_never_in_a_repr(password_file: Path) -> None:
    """Keeps the password out of the repr of the parsed spec and of the opened store."""
    spec = f"sparql:{Q},{U},graph={G},user=dba,password-file={password_file}"
    store = open_store(spec)
    assert isinstance(store, SparqlStore)
    for text in (repr(parse_store_spec(spec)), str(parse_store_spec(spec)), repr(store), str(store)):
        assert PASSWORD not in text


def test_a_tilde_in_the_password_file_is_the_home_folder() -> None:
    """Expands ~ in password-file= as the shell would."""
    parsed = parse_store_spec(f"sparql:{Q},user=dba,password-file=~/pw")
    assert parsed.password_file == Path.home() / "pw"


def stand_in(seen: list[tuple[dict[str, str], bytes]], *, digest: bool) -> Responder:
    """Return an endpoint that records each request (challenging for Digest auth first) and answers ASK."""

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        seen.append((headers, body))
        if digest and "Authorization" not in headers:
            challenge = 'Digest realm="natokg", nonce="abc123", qop="auth", algorithm=MD5'
            return 401, {"WWW-Authenticate": challenge}, b""
        return 200, {"Content-Type": "application/sparql-results+json"}, b'{"boolean": true}'

    return answer


def test_an_opened_spec_reads_its_graph_with_digest_auth(password_file: Path) -> None:
    """Opens a store that names its graph in each query and answers a Digest challenge as the user."""
    seen: list[tuple[dict[str, str], bytes]] = []
    with http_server(stand_in(seen, digest=True)) as url:
        account = f"user=dba,password-file={password_file}"
        store = open_store(f"sparql:{url}/sparql,{url}/update,graph={G},{account}")
        assert isinstance(store, SparqlStore)
        assert (store.query_url, store.update_url, store.graph) == (f"{url}/sparql", f"{url}/update", G)
        assert store.query("ASK { ?s ?p ?o }").askAnswer is True
    headers, body = seen[-1]
    assert headers["Authorization"].startswith('Digest username="dba"')
    assert PASSWORD not in headers["Authorization"]
    assert f"FROM <{G}>" in parse_qs(body.decode())["query"][0]


def test_an_opened_spec_sends_basic_auth_on_loopback(password_file: Path) -> None:
    """Sends the user and password as HTTP Basic auth when the spec asks for it."""
    seen: list[tuple[dict[str, str], bytes]] = []
    with http_server(stand_in(seen, digest=False)) as url:
        store = open_store(f"sparql:{url}/sparql,user=dba,password-file={password_file},auth=basic")
        assert store.query("ASK { ?s ?p ?o }").askAnswer is True
    expected = base64.b64encode(f"dba:{PASSWORD}".encode()).decode()
    assert [headers["Authorization"] for headers, _ in seen] == [f"Basic {expected}"]


def test_open_store_opens_each_backend(tmp_path: Path) -> None:
    """Opens a memory store and an Oxigraph store, creating nothing on disk."""
    assert isinstance(open_store("memory"), MemoryStore)
    store = open_store(f"oxigraph:{tmp_path / 'new'}")
    assert isinstance(store, OxigraphStore)
    assert not (tmp_path / "new").exists()


def test_missing_sparql_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names the spec when the SPARQL store module cannot be imported."""
    monkeypatch.setitem(sys.modules, "natokg.store_sparql", None)
    spec = "sparql:http://127.0.0.1:9/sparql"
    with pytest.raises(StoreError, match="SPARQL endpoint store is not available") as caught:
        open_store(spec)
    assert spec in str(caught.value)


def test_missing_pyoxigraph_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Says how to install pyoxigraph when it is missing."""
    monkeypatch.setitem(sys.modules, "pyoxigraph", None)
    with pytest.raises(StoreError, match=r"natokg\[oxigraph\]"):
        open_store("oxigraph:build/store")


@pytest.mark.parametrize("module", ["natokg.stores", "natokg.credentials"])
def test_docstring_examples_run(module: str) -> None:
    """Runs every docstring example of the module without a failure."""
    assert doctest.testmod(importlib.import_module(module)).failed == 0
