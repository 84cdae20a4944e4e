"""Triple stores behind one small interface.

`Store` is what the rest of natokg talks to; `MemoryStore` is rdflib's in-memory store.
An Oxigraph store and a remote SPARQL 1.1 store implement the same four members later.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier, Node

if TYPE_CHECKING:  # the SPARQL engine is imported on the first query: it is slow to import
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query, Update

__all__ = [
    "MemoryStore",
    "RemoteAccessError",
    "Store",
    "prepare_local_query",
    "prepare_local_update",
    "refuse_remote_access",
    "to_quads",
    "union_graph",
]

Quad = tuple[Node, Node, Node, Graph]
_UPDATE_LOCK = threading.Lock()


class RemoteAccessError(ValueError):
    """A query asked for something off this machine (``SERVICE``, ``FROM <iri>``)."""


@runtime_checkable
class Store(Protocol):
    """A triple store that natokg can load into and query."""

    def add_graph(self, graph: Graph) -> None:
        """Add every triple (or quad, for a `Dataset`) of `graph`, all or nothing."""
        ...

    def query(self, sparql: str, init_bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run a SPARQL 1.1 query; `init_bindings` pre-binds variables (no text pasting)."""
        ...

    def __len__(self) -> int:
        """Return the number of quads (triples of all graphs)."""
        ...

    def dataset(self) -> Dataset:
        """Return a copy of the content as an rdflib `Dataset`, prefixes included."""
        ...


class MemoryStore:
    """rdflib's in-memory store; the default, right for graphs up to ~100k triples.

    The SPARQL default graph is the union of all graphs, as an analyst expects after
    loading a folder of files.

    Examples
    --------
    >>> from rdflib import Graph, URIRef
    >>> store = MemoryStore()
    >>> store.add_graph(Graph().add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))))
    >>> len(store)
    1
    """

    def __init__(self) -> None:
        self._ds = Dataset(default_union=True)
        self._ds.namespace_manager = NamespaceManager(self._ds, bind_namespaces="core")

    def add_graph(self, graph: Graph) -> None:
        """Add `graph` atomically: on any failure the store is left as it was.

        Parameters
        ----------
        graph
            A `Graph` (into the default graph) or a `Dataset` (its named graphs kept).
        """
        new = [(s, p, o, g) for s, p, o, g in to_quads(graph, self._ds) if (s, p, o) not in g]
        try:
            self._ds.addN(new)
        except BaseException:
            for s, p, o, g in new:
                g.remove((s, p, o))
            raise
        for prefix, namespace in graph.namespaces():
            self._ds.bind(prefix, namespace, override=False)

    def query(self, sparql: str, init_bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run a SPARQL query over the union of all graphs.

        Parameters
        ----------
        sparql
            A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).
        init_bindings
            Values for variables, bound as RDF terms.

        Returns
        -------
        rdflib.query.Result

        Raises
        ------
        RemoteAccessError
            If the query uses ``SERVICE`` or ``FROM``/``FROM NAMED``: natokg never fetches.
        """
        prepared = prepare_local_query(sparql)
        return self._ds.query(prepared, initBindings=dict(init_bindings or {}))

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (``INSERT``, ``DELETE``, ``CLEAR``, ``DROP`` ...).

        Not atomic: an operation that fails half-way leaves the earlier ones applied (the
        endpoint runs updates on a copy, so it is all or nothing there). Unlike a query, the
        ``WHERE`` clause of an update sees the default graph only, not the union: rdflib
        cannot insert into a union.

        Parameters
        ----------
        sparql
            The update request.

        Raises
        ------
        RemoteAccessError
            On ``LOAD``, ``SERVICE`` or ``USING`` (rdflib would fetch the graph).

        Examples
        --------
        >>> store = MemoryStore()
        >>> store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        >>> len(store)
        1
        """
        import rdflib.plugins.sparql

        request = prepare_local_update(sparql)
        with _UPDATE_LOCK:  # rdflib reads a module flag to pick the graph an update writes to
            union = rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION
            rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = False
            try:
                self._ds.update(request)
            finally:
                rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION = union

    def __len__(self) -> int:
        return sum(1 for _ in self._ds.quads((None, None, None, None)))

    def dataset(self) -> Dataset:
        """Return a copy of the content, with named graphs and prefixes.

        Returns
        -------
        Dataset
        """
        copy = Dataset(default_union=True)
        copy.namespace_manager = NamespaceManager(copy, bind_namespaces="core")
        copy.addN(to_quads(self._ds, copy))
        for prefix, namespace in self._ds.namespaces():
            copy.bind(prefix, namespace, override=False)
        return copy


def union_graph(store: Store) -> Graph:
    """Return all triples of `store`, whatever their graph, as one `Graph`.

    Parameters
    ----------
    store
        Any store.

    Returns
    -------
    Graph
        A new graph with the store's prefixes bound.
    """
    ds = store.dataset()
    graph = Graph(bind_namespaces="core")
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    for prefix, namespace in ds.namespaces():
        graph.bind(prefix, namespace, override=False)
    return graph


def prepare_local_query(sparql: str) -> Query:
    """Parse `sparql`, refusing anything that would reach off this machine.

    Parameters
    ----------
    sparql
        The query text.

    Returns
    -------
    rdflib.plugins.sparql.sparql.Query

    Raises
    ------
    RemoteAccessError
        On ``SERVICE`` or a dataset clause (rdflib would fetch ``FROM <url>``).
    """
    query = _translated(sparql)
    refuse_remote_access(query)
    return query


# Parsing is most of the cost of a small query (pyparsing), and a server sees the same texts
# again and again. Only successes are cached; rdflib's evaluation does not change a query.
@lru_cache(maxsize=256)
def _translated(sparql: str) -> Query:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(sparql))


def prepare_local_update(sparql: str) -> Update:
    """Parse a SPARQL 1.1 Update, refusing anything that would reach off this machine.

    Parameters
    ----------
    sparql
        The update request.

    Returns
    -------
    rdflib.plugins.sparql.sparql.Update

    Raises
    ------
    RemoteAccessError
        On ``LOAD``, ``SERVICE`` or ``USING`` (rdflib would fetch the graph).
    """
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    request = translateUpdate(parseUpdate(sparql))
    for operation in request.algebra:
        if operation.name == "Load":
            raise RemoteAccessError("LOAD is not allowed: natokg never fetches graphs")
        if "using" in operation and operation["using"]:  # noqa: RUF019 (CompValue.get returns the key)
            raise RemoteAccessError("USING is not allowed: rdflib would fetch the graph")
    if any(node.name == "ServiceGraphPattern" for node in _walk(request.algebra)):
        raise RemoteAccessError("SERVICE is not allowed: natokg never queries other endpoints")
    return request


def refuse_remote_access(query: Query, graphs: Collection[Node] | None = None) -> None:
    """Raise `RemoteAccessError` if a parsed `query` uses ``SERVICE`` or ``FROM``/``FROM NAMED``.

    The one place that decides what counts as reaching off this machine; the store, the
    query layer's checks and the SPARQL endpoint call it.

    Parameters
    ----------
    query
        A parsed query (`prepare_local_query`, or rdflib's ``translateQuery``).
    graphs
        The names of the graphs the store holds: ``FROM <g>`` and ``FROM NAMED <g>`` are then
        allowed for these (they select data already here); any other graph is refused, never
        fetched. None (the default) refuses every dataset clause.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> query = prepare_local_query("ASK { ?s ?p ?o }")
    >>> refuse_remote_access(query)
    >>> from rdflib.plugins.sparql.algebra import translateQuery
    >>> from rdflib.plugins.sparql.parser import parseQuery
    >>> query = translateQuery(parseQuery("ASK FROM <urn:g> { ?s ?p ?o }"))
    >>> refuse_remote_access(query, graphs={URIRef("urn:g")})
    >>> refuse_remote_access(query)
    Traceback (most recent call last):
    ...
    natokg.store.RemoteAccessError: FROM / FROM NAMED is not allowed: natokg never fetches graphs
    """
    # CompValue.get(key) returns the key itself when it is missing: test membership instead.
    clauses = query.algebra["datasetClause"] if "datasetClause" in query.algebra else None  # noqa: SIM401
    for clause in clauses or ():
        if graphs is None:
            raise RemoteAccessError("FROM / FROM NAMED is not allowed: natokg never fetches graphs")
        name = clause["default"] if "default" in clause else clause["named"]
        if name not in graphs:
            raise RemoteAccessError(
                f"FROM / FROM NAMED <{name}>: no such graph in the store (natokg never fetches graphs)"
            )
    if any(node.name == "ServiceGraphPattern" for node in _walk(query.algebra)):
        raise RemoteAccessError("SERVICE is not allowed: natokg never queries other endpoints")


def _walk(value: Any) -> Iterator[CompValue]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(value, CompValue):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _walk(child)


def to_quads(graph: Graph, target: Dataset) -> list[Quad]:
    """Return `graph`'s statements as quads addressed to `target`'s graphs.

    Parameters
    ----------
    graph
        A `Graph` (its triples go to the default graph) or a `Dataset`.
    target
        The dataset whose graphs the quads name.

    Returns
    -------
    list of tuple
        ``(s, p, o, graph_of_target)``.
    """
    if isinstance(graph, Dataset):
        quads: list[Quad] = []
        for s, p, o, name in graph.quads((None, None, None, None)):
            default = name is None or name == DATASET_DEFAULT_GRAPH_ID
            quads.append((s, p, o, target.default_graph if default else target.graph(name)))
        return quads
    return [(s, p, o, target.default_graph) for s, p, o in graph]
