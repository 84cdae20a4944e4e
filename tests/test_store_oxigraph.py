"""The Oxigraph store: the Store protocol on disk and in memory, atomic writes, safe queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import natokg
from natokg.load import LoadError
from natokg.store import RemoteAccessError, Store, StoreError, union_graph
from natokg.store_oxigraph import MANIFEST, OxigraphStore

A, B, C, D = (URIRef(f"urn:{x}") for x in "abcd")


def small_graph() -> Graph:
    """Return a two-triple graph."""
    graph = Graph()
    graph.add((A, B, C))
    graph.add((A, B, D))
    return graph


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """Return an Oxigraph store on disk holding the shipped ontology and graph."""
    from natokg import resources

    store = OxigraphStore(tmp_path_factory.mktemp("oxigraph") / "store")
    store.bulk_load([*resources.ontology_files(), *resources.graph_files()])
    return store


@pytest.mark.parametrize("on_disk", [False, True])
def test_oxigraph_store_is_a_store(tmp_path: Path, on_disk: bool) -> None:
    """Satisfies the Store protocol, on disk and in memory."""
    assert isinstance(OxigraphStore(tmp_path / "s" if on_disk else None), Store)


@pytest.mark.parametrize("on_disk", [False, True])
def test_add_graph_counts_triples_once(tmp_path: Path, on_disk: bool) -> None:
    """Counts each triple once, however often it is added."""
    store = OxigraphStore(tmp_path / "s" if on_disk else None)
    store.add_graph(small_graph())
    store.add_graph(small_graph())
    assert len(store) == 2


def test_content_survives_reopening(tmp_path: Path) -> None:
    """Finds the same triples and prefixes after the store is opened again."""
    graph = small_graph()
    graph.bind("ex", "urn:ex#")
    OxigraphStore(tmp_path / "s").add_graph(graph)
    again = OxigraphStore(tmp_path / "s")
    assert isomorphic(union_graph(again), small_graph())
    assert again.prefixes()["ex"] == "urn:ex#"


def test_opening_creates_nothing(tmp_path: Path) -> None:
    """Leaves the disk untouched when a store that does not exist is opened and queried."""
    store = OxigraphStore(tmp_path / "missing")
    assert not store.exists
    assert len(store) == 0
    assert list(store.query("SELECT * WHERE { ?s ?p ?o }")) == []
    assert not (tmp_path / "missing").exists()


def test_shipped_graph_is_the_same_as_in_memory(shipped: OxigraphStore) -> None:
    """Holds the very graph the memory store holds, after a bulk load."""
    memory = natokg.open_graph()
    assert len(shipped) == len(memory)
    assert isomorphic(union_graph(shipped), union_graph(memory))


def test_decimals_read_back_as_rdflib_writes_them(tmp_path: Path) -> None:
    """Returns 1.0 for a decimal stored as 1.0, which Oxigraph writes as 1."""
    store = OxigraphStore(tmp_path / "s")
    store.add_graph(Graph().add((A, B, Literal("1.0", datatype=XSD.decimal))))
    assert [row[0] for row in store.query("SELECT ?o WHERE { ?s ?p ?o }")] == [  # type: ignore[index]
        Literal("1.0", datatype=XSD.decimal)
    ]


def test_query_binds_parameters_as_terms(tmp_path: Path) -> None:
    """Binds a parameter as an RDF term, not as text."""
    store = OxigraphStore(tmp_path / "s")
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
    """Refuses SERVICE and FROM, which Oxigraph would send over HTTP."""
    with pytest.raises(RemoteAccessError):
        OxigraphStore().query(sparql)


def test_default_graph_is_the_union(tmp_path: Path) -> None:
    """Answers queries over named graphs and the default graph together."""
    dataset = Dataset()
    dataset.graph(URIRef("urn:g")).add((A, B, C))
    dataset.default_graph.add((A, B, D))
    store = OxigraphStore(tmp_path / "s")
    store.add_graph(dataset)
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert [int(row[0]) for row in rows] == [2]  # type: ignore[index, call-overload]
    named = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [row[0] for row in named] == [URIRef("urn:g")]  # type: ignore[index]


def test_ask_and_construct_answer_rdflib_results() -> None:
    """Answers ASK with a boolean and CONSTRUCT with an rdflib graph."""
    store = OxigraphStore()
    store.add_graph(small_graph())
    assert store.query("ASK { ?s ?p <urn:c> }").askAnswer is True
    built = store.query("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }").graph
    assert built is not None
    assert isomorphic(built, Graph().add((C, B, A)).add((D, B, A)))


def test_dataset_is_a_copy_with_named_graphs(tmp_path: Path) -> None:
    """Returns a copy with the named graphs kept: changing it does not change the store."""
    dataset = Dataset()
    dataset.graph(URIRef("urn:g")).add((A, B, C))
    store = OxigraphStore(tmp_path / "s")
    store.add_graph(dataset)
    copy = store.dataset()
    assert {str(g.identifier) for g in copy.graphs() if len(g)} == {"urn:g"}
    copy.default_graph.add((D, D, D))
    assert len(store) == 1


def test_failed_add_leaves_store_unchanged(tmp_path: Path) -> None:
    """Keeps the previous content when a write fails part-way."""
    store = OxigraphStore(tmp_path / "s")
    store.add_graph(Graph().add((C, B, A)))
    bad = small_graph()
    bad.add((A, B, URIRef("urn:not an iri")))  # a term Oxigraph cannot hold fails the write
    with pytest.raises(StoreError, match="urn:not an iri"):
        store.add_graph(bad)
    for reopened in (store, OxigraphStore(tmp_path / "s")):
        assert isomorphic(union_graph(reopened), Graph().add((C, B, A)))
    assert sorted(p.name for p in (tmp_path / "s").iterdir() if p.name.startswith("data-")) == ["data-000001"]


def test_bad_file_leaves_store_unchanged(tmp_path: Path) -> None:
    """Names the file and line of a syntax error and keeps the previous content."""
    good = tmp_path / "good.nt"
    good.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:x> <urn:y> <urn:z> .\n<urn:x> <urn:y> oops .\n", encoding="utf-8")
    store = OxigraphStore(tmp_path / "s")
    store.bulk_load([good])
    with pytest.raises(LoadError) as caught:
        store.bulk_load([good, bad])
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{bad}:2:")
    assert isomorphic(union_graph(OxigraphStore(tmp_path / "s")), Graph().add((A, B, C)))
    assert sorted(p.name for p in (tmp_path / "s").iterdir() if p.name.startswith("data-")) == ["data-000001"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.ttl", None, "no such file"),
        ("empty.ttl", "  \n", "is empty"),
        ("data.csv", "a,b\n", "unknown file type"),
        ("remote.jsonld", '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "urn:a"}', "never fetches"),
        ("latin1.nt", b'<urn:a> <urn:b> "caf\xe9" .\n', "UTF-8"),
    ],
)
def test_unusable_files_are_refused(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    """Refuses a missing, empty, unknown, remote-context or non-UTF-8 file, loading nothing."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    store = OxigraphStore(tmp_path / "s")
    with pytest.raises(LoadError, match=message):
        store.bulk_load([path])
    assert not store.exists


def test_urls_are_refused(tmp_path: Path) -> None:
    """Refuses a URL in place of a file, before reading anything."""
    with pytest.raises(LoadError, match="looks like a URL"):
        OxigraphStore(tmp_path / "s").bulk_load(["http://127.0.0.1:9/data.ttl"])


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Loads a Turtle file that starts with a UTF-8 byte-order mark."""
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .\n")
    store = OxigraphStore(tmp_path / "s")
    store.bulk_load([path])
    assert isomorphic(union_graph(store), Graph().add((A, B, C)))


def test_replace_starts_from_empty(tmp_path: Path) -> None:
    """Replaces the content with --replace and adds to it otherwise."""
    first, second = tmp_path / "1.nt", tmp_path / "2.nt"
    first.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    second.write_text("<urn:a> <urn:b> <urn:d> .\n", encoding="utf-8")
    store = OxigraphStore(tmp_path / "s")
    assert store.bulk_load([first]) == 1
    assert store.bulk_load([second]) == 2
    assert store.bulk_load([second], replace=True) == 1
    assert isomorphic(union_graph(OxigraphStore(tmp_path / "s")), Graph().add((A, B, D)))


def test_old_generations_are_removed(tmp_path: Path) -> None:
    """Keeps the current generation and the one before it, and removes half-built ones."""
    store = OxigraphStore(tmp_path / "s")
    for triple in [(A, B, C), (A, B, D), (B, B, C)]:
        store.add_graph(Graph().add(triple))
    (tmp_path / "s" / "data-000009").mkdir()  # what a killed write leaves behind
    store.add_graph(Graph().add((C, C, C)))
    generations = sorted(p.name for p in (tmp_path / "s").iterdir() if p.name.startswith("data-"))
    assert generations == ["data-000003", "data-000010"]
    assert len(OxigraphStore(tmp_path / "s")) == 4


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    """Refuses to write while another writer holds the store's lock."""
    import fcntl

    store = OxigraphStore(tmp_path / "s")
    store.add_graph(small_graph())
    with (tmp_path / "s" / ".natokg-lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another process is writing"):
            store.add_graph(Graph().add((C, C, C)))
    assert len(OxigraphStore(tmp_path / "s")) == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("file", "is a file"),
        ("stranger", "not a natokg Oxigraph store"),
        ("garbled", "unreadable store manifest"),
        ("dangling", "is missing"),
    ],
)
def test_unusable_folders_are_refused(tmp_path: Path, setup: str, message: str) -> None:
    """Refuses a file, a folder of other things, and a broken manifest, naming the path."""
    path = tmp_path / "s"
    if setup == "file":
        path.write_text("not a store", encoding="utf-8")
    else:
        path.mkdir()
        if setup == "stranger":
            (path / "notes.txt").write_text("mine", encoding="utf-8")
        elif setup == "garbled":
            (path / MANIFEST).write_text("{not json", encoding="utf-8")
        else:
            (path / MANIFEST).write_text(json.dumps({"current": "data-000001"}), encoding="utf-8")
    with pytest.raises(StoreError, match=message) as caught:
        OxigraphStore(path)
    assert "s" in str(caught.value)


def test_runaway_query_is_stopped(shipped: OxigraphStore) -> None:
    """Stops a query that runs past its time limit on the Oxigraph store too."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(natokg.QueryTimeoutError):
        natokg.sparql(shipped, runaway, timeout=1.0)
    assert natokg.sparql(shipped, "ASK { nkgid:japan a nkg:Nation }").ask


def test_progress_is_reported(tmp_path: Path) -> None:
    """Reports the bytes read of each file until the whole file is read."""
    path = tmp_path / "data.nt"
    path.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(2000)), encoding="utf-8")
    seen: list[tuple[Any, ...]] = []
    OxigraphStore(tmp_path / "s").bulk_load([path], progress=lambda *args: seen.append(args))
    assert seen
    assert seen[-1] == (path, path.stat().st_size, path.stat().st_size)


def test_queries_reuse_one_worker_per_snapshot(tmp_path: Path) -> None:
    """Answers queries with time limits from one long-lived worker, and a new one after a write."""
    import multiprocessing

    from natokg._workers import stop_all

    stop_all()
    store = OxigraphStore(tmp_path / "s")
    store.add_graph(small_graph())
    assert len(natokg.sparql(store, "SELECT * WHERE { ?s ?p ?o }")) == 2
    first = {p.pid for p in multiprocessing.active_children()}
    assert len(natokg.sparql(store, "SELECT * WHERE { ?s ?p ?o }")) == 2
    assert {p.pid for p in multiprocessing.active_children()} == first
    assert len(first) == 1
    store.add_graph(Graph().add((C, C, C)))
    assert len(natokg.sparql(store, "SELECT * WHERE { ?s ?p ?o }")) == 3  # not the old snapshot's answer
    stop_all()
    assert multiprocessing.active_children() == []


def test_concurrent_queries_all_get_answers(shipped: OxigraphStore) -> None:
    """Answers queries from several threads at once, queued on the snapshot's one worker."""
    from concurrent.futures import ThreadPoolExecutor

    expected = natokg.run_query(shipped, "partner-frameworks", partner="ROK").rows
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: natokg.run_query(shipped, "partner-frameworks", partner="ROK"), range(8))
        )
    assert all(result.rows == expected for result in results)
