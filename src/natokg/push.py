"""Push the graph into a SPARQL 1.1 store, replacing a named graph atomically.

The triples go up in batches into a new temporary graph (``urn:uuid:...``), by the Graph Store
Protocol (``POST``) when a Graph Store endpoint is given, else by ``INSERT DATA``. When the
temporary graph holds exactly the triples sent, one SPARQL 1.1 Update operation,
``MOVE <temporary> TO <target>``, replaces the target, and the target's count is checked
again. One operation, not a sequence: Virtuoso commits each operation of a request on its
own (seen here: ``INSERT DATA {...}; DROP GRAPH <missing>`` kept the insert), while it runs
one ``MOVE`` as one transaction (killed with ``kill -9`` during a 300k-triple ``MOVE``, it came
back with the old target and the full source). Until the ``MOVE``, the target is untouched:
a failure drops the temporary graph and leaves the previous target as it was. Pushing the
same graph again gives the same target.

Blank nodes cannot cross requests (each request has its own blank nodes), so the triples
that share blank nodes travel in the same batch.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import BNode, Dataset, Graph
from rdflib.term import Node

from natokg.sparql_text import SparqlTextError, check_iri, ntriples
from natokg.store import Store
from natokg.store_sparql import SparqlStore, SparqlStoreError

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "INSERT_DATA_BATCH_SIZE",
    "PushError",
    "PushResult",
    "add_triples",
    "batches",
    "push",
]

#: Triples per request.
DEFAULT_BATCH_SIZE = 10_000

#: The most triples per ``INSERT DATA`` request: Virtuoso 7.2 refuses one of 2,000 triples of
#: this graph ("SP031: the length of generated SQL text has exceeded 10000 lines").
INSERT_DATA_BATCH_SIZE = 500

Triple = tuple[Node, Node, Node]
Progress = Callable[[int, int], None]


class PushError(SparqlStoreError):
    """A push failed; the message says whether the target graph was left as it was."""


@dataclass(frozen=True)
class PushResult:
    """What a push did.

    Attributes
    ----------
    graph
        The target graph IRI.
    triples
        Triples sent, and counted in the target afterwards.
    batches
        Requests used to send them.
    temporary
        The temporary graph IRI the batches went to (moved to the target, so gone now).
    """

    graph: str
    triples: int
    batches: int
    temporary: str


def batches(triples: Iterable[Triple], size: int) -> list[list[Triple]]:
    """Split `triples` into batches of about `size`, keeping triples that share blank nodes together.

    Parameters
    ----------
    triples
        The triples.
    size
        The most triples per batch, except that a group of triples linked by blank nodes
        is never split (a larger group gets a batch of its own).

    Returns
    -------
    list of list

    Examples
    --------
    >>> from rdflib import BNode, URIRef
    >>> b, p = BNode(), URIRef("urn:p")
    >>> [len(batch) for batch in batches([(URIRef("urn:a"), p, b), (b, p, URIRef("urn:c"))], 1)]
    [2]
    """
    if size < 1:
        raise ValueError(f"the batch size must be at least 1, got {size}")
    plain: list[Triple] = []
    groups: dict[BNode, list[Triple]] = {}
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    linked: list[tuple[Triple, BNode]] = []
    for triple in triples:
        nodes = [term for term in triple if isinstance(term, BNode)]
        if not nodes:
            plain.append(triple)
            continue
        first = root(nodes[0])
        for other in nodes[1:]:
            parent[root(other)] = first
        linked.append((triple, nodes[0]))
    for triple, node in linked:
        groups.setdefault(root(node), []).append(triple)

    result: list[list[Triple]] = []
    current: list[Triple] = []
    for group in [*groups.values(), *([t] for t in plain)]:
        if current and len(current) + len(group) > size:
            result.append(current)
            current = []
        current.extend(group)
    if current:
        result.append(current)
    return result


def push(
    source: Store | Graph,
    store: SparqlStore,
    graph: str,
    *,
    graph_store: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> PushResult:
    """Replace named graph `graph` of a SPARQL 1.1 store with all triples of `source`.

    Parameters
    ----------
    source
        A natokg store (all its triples, whatever their graph) or an rdflib graph.
    store
        The endpoint; it needs an update URL, and reads named graphs with ``GRAPH``
        (build it without a ``graph``).
    graph
        The target graph IRI.
    graph_store
        A SPARQL 1.1 Graph Store Protocol endpoint to ``POST`` the batches to (Virtuoso:
        ``http://HOST:8890/sparql-graph-crud-auth``); default: ``INSERT DATA`` at the update URL.
    batch_size
        Triples per request (at most `INSERT_DATA_BATCH_SIZE` without a Graph Store endpoint).
    progress
        Called after each batch with the triples sent so far and the total.

    Returns
    -------
    PushResult

    Raises
    ------
    PushError
        If any step fails; the message says whether the target is as it was before.
    """
    target = _checked(graph, "graph IRI")
    if store.graph is not None:
        raise PushError("push needs a store built without a graph (it names its graphs itself)")
    triples = _triples(source)
    temporary = f"urn:uuid:{uuid.uuid4()}"
    sent = _upload(store, triples, temporary, graph_store, batch_size, progress)
    try:
        store.update(f"MOVE <{temporary}> TO <{target}>")
    except SparqlStoreError as exc:
        _drop(store, temporary)
        raise PushError(f"{exc}; the target graph <{target}> is as it was") from None
    count = store.count(target)
    if count != len(triples):
        raise PushError(
            f"the target graph <{target}> holds {count} triples after the move where {len(triples)} "
            "were sent; the store changed it meanwhile, or lost triples"
        )
    return PushResult(target, len(triples), sent, temporary)


def add_triples(store: SparqlStore, source: Graph, graph: str | None) -> None:
    """Add the triples of `source` to `graph` of `store` (its default graph when None), all or nothing.

    Raises
    ------
    SparqlStoreError
        If a step fails; `graph` is then unchanged.
    """
    target = "DEFAULT" if graph is None else f"<{_checked(graph, 'graph IRI')}>"
    reader = store.with_graph(None)
    triples = _triples(source)
    if not triples:
        return
    temporary = f"urn:uuid:{uuid.uuid4()}"
    _upload(reader, triples, temporary, None, DEFAULT_BATCH_SIZE, None)
    try:
        reader.update(f"ADD <{temporary}> TO {target}")
    except SparqlStoreError as exc:
        _drop(reader, temporary)
        raise SparqlStoreError(f"{exc}; the graph is as it was") from None
    _drop(reader, temporary)


def _checked(iri: str, what: str) -> str:
    try:
        return check_iri(iri, what)
    except SparqlTextError as exc:
        raise PushError(str(exc)) from None


def _triples(source: Store | Graph) -> list[Triple]:
    if isinstance(source, Dataset):
        return list({(s, p, o): None for s, p, o, _ in source.quads((None, None, None, None))})
    if isinstance(source, Graph):
        return list(source)
    if hasattr(source, "triples"):  # the store's own reading, without a copy
        return list(source.triples())
    return _triples(source.dataset())


def _upload(
    store: SparqlStore,
    triples: list[Triple],
    temporary: str,
    graph_store: str | None,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """Send `triples` into graph `temporary` and check its count; return the number of batches.

    On any failure (an exception from `progress` included) the temporary graph is dropped.
    """
    parts = batches(
        triples, batch_size if graph_store is not None else min(batch_size, INSERT_DATA_BATCH_SIZE)
    )
    labels: dict[BNode, str] = {}
    done = 0
    try:
        for part in parts:
            try:
                body = ntriples(part, labels)
            except SparqlTextError as exc:
                raise PushError(f"cannot send the graph: {exc}") from None
            if graph_store is None:
                store.update(f"INSERT DATA {{ GRAPH <{temporary}> {{\n{body}}} }}")
            else:
                store.request(
                    "POST",
                    graph_store,
                    what="upload",
                    params={"graph": temporary},
                    content=body.encode("utf-8"),
                    headers={"Content-Type": "application/n-triples"},
                )
            done += len(part)
            if progress is not None:
                progress(done, len(triples))
        count = store.count(temporary)
        if count != len(triples):
            raise PushError(
                f"the store holds {count} triples in the temporary graph where {len(triples)} were sent "
                '(does it merge literals of equal value, such as "1.0" and "1.00"?); nothing was replaced'
            )
    except BaseException as exc:
        _drop(store, temporary)
        if isinstance(exc, SparqlStoreError) and not isinstance(exc, PushError):
            raise PushError(f"{exc}; nothing was replaced") from None
        raise
    return len(parts)


def _drop(store: SparqlStore, temporary: str) -> None:
    """Drop the temporary graph, as far as the store lets us (it may be what failed)."""
    with contextlib.suppress(SparqlStoreError):
        store.update(f"DROP SILENT GRAPH <{temporary}>")
