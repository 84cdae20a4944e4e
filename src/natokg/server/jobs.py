"""What the endpoint's worker processes run: each job takes the store first, returns a `Reply`.

Jobs run in a `natokg.workers.WorkerPool` worker, under the time limit; they catch what a
bad query may raise and answer with a status code, so that only a bug becomes a 500.
The server process never touches the store itself: after an update the workers hold the
new copy, and the server's own is out of date.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from natokg.params import ParameterError, QueryError
from natokg.queries import MAX_NESTING, ReadOnlyError, prepare_sparql, run_query
from natokg.result import QueryResult
from natokg.server.protocol import ANSWER_TYPES, GRAPH_TYPES, negotiate
from natokg.server.results import serialize_result
from natokg.store import RemoteAccessError, Store

__all__ = ["Reply", "apply_update", "graph_names", "network_page", "run_named", "run_sparql"]

# rdflib would fetch ``FROM <url>`` from the web; the endpoint builds every dataset itself,
# from graphs of the store only, and this switch makes sure rdflib never tries.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_OFFERS = {
    "SelectQuery": list(ANSWER_TYPES),
    "AskQuery": ["application/sparql-results+json", "application/sparql-results+xml", "application/json"],
}
_API_FORMATS = {"application/json": "json", "text/csv": "csv", "text/tab-separated-values": "tsv"}
# The empty pattern lists the named graphs without reading their triples.
_GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Reply:
    """A job's answer: a status code, a body (or an error message) and the row-cap flag."""

    status: int
    body: bytes = b""
    message: str = ""
    truncated: bool = False
    parameter: str | None = None
    media_type: str = ""


def graph_names(store: Store) -> frozenset[URIRef]:
    """Return the names of the store's named graphs."""
    return frozenset(row[0] for row in store.query(_GRAPH_NAMES) if isinstance(row[0], URIRef))  # type: ignore[index]


def run_sparql(
    store: Store,
    text: str,
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
    accept: str | None,
    max_rows: int,
    graphs: frozenset[URIRef],
) -> Reply:
    """Check a query, pick the media type `accept` prefers, run it and serialize its result.

    Parameters
    ----------
    store
        The store.
    text
        The query.
    default_graphs, named_graphs
        A dataset given by the protocol; it replaces the query's own ``FROM``/``FROM NAMED``.
        Either is built from the store's graphs, never fetched.
    accept
        The request's ``Accept`` header.
    max_rows
        The row cap.
    graphs
        The names of the store's graphs (`graph_names`): only these may be named.

    Returns
    -------
    Reply
        403 for an update, 400 for a bad or refused query, 406 for an unmet ``Accept``.
    """
    try:
        query = prepare_sparql(text, graphs=graphs)
    except ReadOnlyError as exc:
        return Reply(403, message=str(exc))
    except QueryError as exc:
        return Reply(400, message=str(exc))
    for name in default_graphs + named_graphs:
        if URIRef(name) not in graphs:
            return Reply(400, message=f"no graph <{name}> in the store (natokg never fetches graphs)")
    offers = _OFFERS.get(query.algebra.name, list(GRAPH_TYPES))
    media = negotiate(accept, offers)
    if media is None:
        return Reply(406, message=f"cannot answer this query as {accept}; acceptable: {', '.join(offers)}")
    fmt = ANSWER_TYPES[media] if media in ANSWER_TYPES else GRAPH_TYPES[media]
    try:
        clauses = [CompValue("DatasetClause", default=URIRef(g)) for g in default_graphs]
        clauses += [CompValue("DatasetClause", named=URIRef(g)) for g in named_graphs]
        clauses = clauses or list(query.algebra["datasetClause"] or [])
        if clauses:
            # A copy: the checked query is cached and shared, so it is never changed.
            algebra = CompValue(query.algebra.name, **{**query.algebra, "datasetClause": clauses})
            names = [c["default"] if "default" in c else c["named"] for c in clauses]
            result: Result = _dataset(store, names).query(Query(query.prologue, algebra))
        else:
            result = store.query(text)
        body, truncated = serialize_result(result, fmt, max_rows)
    except RecursionError:
        return Reply(400, message=f"the query is nested too deeply (over {MAX_NESTING} levels)")
    except RemoteAccessError as exc:
        return Reply(400, message=str(exc))
    except Exception as exc:  # rdflib raises plain exceptions while evaluating; answer, never crash
        return Reply(400, message=f"the query failed: {type(exc).__name__}: {exc}"[:500])
    return Reply(200, body, truncated=truncated, media_type=media)


def _dataset(store: Store, names: Iterable[URIRef]) -> Dataset:
    """Copy the named graphs `names` (checked to be in the store) out of the store."""
    local = Dataset()
    for name in dict.fromkeys(names):
        graph = store.query(_GRAPH_TRIPLES, {"g": name}).graph
        target = local.graph(name)
        if graph is not None:
            target.addN((s, p, o, target) for s, p, o in graph)
    return local


def run_named(store: Store, query_id: str, params: Mapping[str, str], media: str, max_rows: int) -> Reply:
    """Run a named query with text parameters (as the command line takes them).

    `media` is ``application/json`` (the ``{"columns", "rows"}`` document of
    `natokg.result`, with ``query`` and ``truncated``), ``text/csv`` or
    ``text/tab-separated-values``.
    """
    fmt = _API_FORMATS[media]
    try:
        result = run_query(store, query_id, dict(params), timeout=None)
    except ParameterError as exc:
        return Reply(400, message=str(exc), parameter=exc.param)
    except QueryError as exc:
        return Reply(400, message=str(exc))
    truncated = len(result) > max_rows
    capped = QueryResult(result.columns, result.rows[:max_rows], query_id, result.namespaces)
    if fmt == "csv":
        body = capped.to_csv()
    elif fmt == "tsv":
        body = capped.to_tsv()
    else:
        document = {
            "query": query_id,
            "columns": list(capped.columns),
            "rows": capped.values(),
            "truncated": truncated,
        }
        body = json.dumps(document, ensure_ascii=False)
    return Reply(200, body.encode("utf-8"), truncated=truncated, media_type=media)


def apply_update(store: Store, text: str) -> int:
    """Apply a checked update to the store; return its new size. Raises on failure."""
    update = getattr(store, "update", None)
    if update is None:
        raise QueryError("this store cannot be updated")
    update(text)
    return len(store)


def network_page(store: Store) -> Reply:
    """Render the network page of issue 6 (`natokg.viz.network_html`), or 404 without it."""
    try:  # issue 6's module; this adapter stays tiny on purpose
        network_html = importlib.import_module("natokg.viz").network_html
    except (ImportError, AttributeError):
        return Reply(404, message="the network page is not part of this build (natokg.viz is missing)")
    return Reply(200, str(network_html(store)).encode("utf-8"))
