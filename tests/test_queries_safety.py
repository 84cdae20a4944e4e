"""Ad hoc queries are local and read-only, runaway ones are stopped, and bad input never crashes."""

from __future__ import annotations

import multiprocessing
import time

import pytest

import natokg
from natokg import queries
from natokg._workers import stop_all
from natokg.queries import MAX_NESTING

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def store() -> natokg.Store:
    return natokg.open_graph()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
        (
            "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <urn:x> { ?s ?p ?o } } } }",
            "SERVICE is not allowed",
        ),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM / FROM NAMED is not allowed"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM / FROM NAMED"),
        ("ASK FROM <file:///etc/passwd> { ?s ?p ?o }", "FROM / FROM NAMED is not allowed"),
        ("LOAD <http://example.org/data.ttl>", "LOAD is not allowed"),
        ("LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:g>", "LOAD is not allowed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update"),
        ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update"),
        ("CLEAR ALL", "SPARQL Update"),
        ("DROP DEFAULT", "SPARQL Update"),
        ("PREFIX x: <urn:x#> INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }", "SPARQL Update"),
    ],
)
def test_remote_access_and_updates_are_refused(store: natokg.Store, text: str, message: str) -> None:
    """Refuses SERVICE, FROM, FROM NAMED, LOAD and every update with a clear message."""
    before = len(store)
    with pytest.raises(natokg.QueryError, match=message):
        natokg.sparql(store, text)
    assert len(store) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("SELECT * WHERE { ?s ?p }", "syntax error at line 1"),
        ("SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTER(\n}", "syntax error at line 4"),
        ("this is not SPARQL", "syntax error at line 1, column 1"),
    ],
)
def test_malformed_queries_get_a_positioned_syntax_error(
    store: natokg.Store, text: str, message: str
) -> None:
    """Reports an empty or malformed query as an error, with the line and column of the user's text."""
    with pytest.raises(natokg.QueryError, match=message):
        natokg.sparql(store, text)


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 200, 5000])
@pytest.mark.parametrize("bracket", ["{}", "()", "[]"])
def test_deep_nesting_is_a_syntax_error_not_a_crash(store: natokg.Store, depth: int, bracket: str) -> None:
    """Refuses brackets nested deeper than MAX_NESTING as a syntax error, never a RecursionError."""
    inner = {"{}": "?s ?p ?o", "()": "1", "[]": "<urn:p> 1"}[bracket]
    if bracket == "{}":
        text = "SELECT * WHERE " + "{ " * depth + inner + " }" * depth
    elif bracket == "()":
        text = "SELECT * WHERE { FILTER" + "(" * depth + inner + ")" * depth + " }"
    else:
        text = "SELECT * WHERE { ?s <urn:q> " + "[ <urn:p> " * depth + "1" + " ]" * depth + " }"
    with pytest.raises(natokg.QueryError, match=r"syntax error.*nested deeper than"):
        natokg.sparql(store, text)


def test_nesting_up_to_the_limit_runs(store: natokg.Store) -> None:
    """Runs a query whose brackets nest exactly MAX_NESTING deep; brackets inside strings do not count."""
    groups = "SELECT * WHERE " + "{ " * MAX_NESTING + "?s ?p ?o " + "} " * MAX_NESTING + "LIMIT 1"
    assert len(natokg.sparql(store, groups)) == 1
    parens = "ASK { FILTER" + "(" * (MAX_NESTING - 1) + "1 = 1" + ")" * (MAX_NESTING - 1) + " }"
    assert natokg.sparql(store, parens).ask is True
    quoted = 'ASK { FILTER ("' + "{(" * 100 + '" != "") }'
    assert natokg.sparql(store, quoted).ask is True


def test_runaway_query_is_stopped_and_the_process_stays_usable(store: natokg.Store) -> None:
    """Stops a query at its time limit, kills its worker, and answers the next query normally."""
    stop_all()  # the long-lived workers of Oxigraph stores that other tests opened
    started = time.monotonic()
    with pytest.raises(natokg.QueryTimeoutError, match="stopped after 1 s"):
        natokg.sparql(store, RUNAWAY, timeout=1.0)
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []
    assert natokg.sparql(store, "ASK { nkgid:japan a nkg:Nation }").ask is True
    with pytest.raises(natokg.QueryTimeoutError):
        natokg.run_query(store, "partner-frameworks", timeout=0.001)
    assert len(natokg.run_query(store, "partner-frameworks", partner="ROK")) > 0


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_time_limit_must_be_positive(store: natokg.Store, timeout: float) -> None:
    """Refuses a zero or negative time limit (None means no limit)."""
    with pytest.raises(natokg.QueryError, match="positive number of seconds"):
        natokg.sparql(store, "ASK {}", timeout=timeout)


def test_evaluation_errors_are_reported_not_raised_raw(store: natokg.Store) -> None:
    """Turns an error raised while rdflib evaluates into a QueryError naming it."""
    # rdflib (7.x) raises NotBoundError for a DISTINCT GROUP_CONCAT over an unbound variable.
    text = "SELECT (GROUP_CONCAT(DISTINCT ?x) AS ?all) WHERE { OPTIONAL { ?s <urn:nothing> ?x } }"
    with pytest.raises(natokg.QueryError, match="the query failed: NotBoundError"):
        natokg.sparql(store, text)


def test_spawned_worker_answers_like_a_forked_one(
    store: natokg.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gives the same rows when the worker is spawned (platforms without fork) as when it is forked."""
    forked = natokg.run_query(store, "quick-facts")
    monkeypatch.setattr(queries, "_start_method", lambda: "spawn")
    spawned = natokg.run_query(store, "quick-facts", timeout=120)
    assert spawned.rows == forked.rows


def test_unknown_query_id_suggests_close_ones() -> None:
    """Refuses an unknown query id and suggests the nearest ids."""
    with pytest.raises(
        natokg.QueryError, match="unknown query 'partner-framework'; did you mean partner-frameworks"
    ):
        natokg.get_query("partner-framework")


def test_inference_adds_the_rdfs_closure() -> None:
    """Finds organisations typed only by a subclass once the RDFS closure is added."""
    count = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
    plain = natokg.sparql(natokg.open_graph(), count).rows[0][0]
    inferred = natokg.sparql(natokg.open_graph(infer="rdfs"), count).rows[0][0]
    assert int(plain) == 0  # type: ignore[call-overload]
    assert int(inferred) > 40  # type: ignore[call-overload]


def test_unknown_inference_is_refused() -> None:
    """Refuses an inference mode other than rdfs and owlrl."""
    with pytest.raises(ValueError, match="unknown inference"):
        natokg.open_graph(infer="magic")  # type: ignore[arg-type]
