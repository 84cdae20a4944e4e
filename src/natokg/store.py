"""Triple stores behind one small interface.

`Store` is what the rest of natokg talks to; `MemoryStore` is rdflib's in-memory store.
An Oxigraph store and a remote SPARQL 1.1 store implement the same four members later.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier, Node

if TYPE_CHECKING:  # the SPARQL engine is imported on the first query: it is slow to import
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "MemoryStore",
    "RemoteAccessError",
    "Store",
    "prepare_local_query",
    "refuse_remote_access",
    "to_quads",
    "union_graph",
]

Quad = tuple[Node, Node, Node, Graph]


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
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    query = translateQuery(parseQuery(sparql))
    refuse_remote_access(query)
    return query


def refuse_remote_access(query: Query) -> None:
    """Raise `RemoteAccessError` if a parsed `query` uses ``SERVICE`` or ``FROM``/``FROM NAMED``.

    The one place that decides what counts as reaching off this machine; both the
    store and the query layer's checks call it.
    """
    if query.algebra.get("datasetClause"):
        raise RemoteAccessError("FROM / FROM NAMED is not allowed: natokg never fetches graphs")
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
