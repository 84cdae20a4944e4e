"""Store specs: memory, oxigraph:PATH and sparql:QUERY_URL[,UPDATE_URL], and their errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from natokg.store import MemoryStore, StoreError
from natokg.store_oxigraph import OxigraphStore
from natokg.stores import StoreSpec, open_store, parse_store_spec


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
    ],
)
def test_bad_specs_are_refused(spec: str, message: str) -> None:
    """Refuses a malformed spec with a message that names it and lists the accepted forms."""
    with pytest.raises(StoreError, match=message) as caught:
        parse_store_spec(spec)
    assert repr(spec) in str(caught.value)
    assert "oxigraph:PATH" in str(caught.value)


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
