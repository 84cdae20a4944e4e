"""Triple stores behind one small interface.

`Store` is what the rest of natokg talks to; `MemoryStore` is rdflib's in-memory store.
The Oxigraph store (`natokg.store_oxigraph`) and a remote SPARQL 1.1 store implement the
same four members; `natokg.stores.open_store` opens any of them from a spec string.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Node

if TYPE_CHECKING:  # the SPARQL engine is imported on the first query: it is slow to import
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query, Update

__all__ = [
    "MemoryStore",
    "RemoteAccessError",
    "Store",
    "StoreError",
    "bind_values",
    "prepare_local_query",
    "prepare_local_update",
    "refuse_remote_access",
    "refuse_remote_text",
    "to_quads",
    "union_graph",
]

Quad = tuple[Node, Node, Node, Graph]
_UPDATE_LOCK = threading.Lock()


class RemoteAccessError(ValueError):
    """A query asked for something off this machine (``SERVICE``, ``FROM <iri>``)."""


class StoreError(ValueError):
    """A store cannot be opened, read or written; the message names the store."""


@runtime_checkable
class Store(Protocol):
    """A triple store that natokg can load into and query.

    Optional attributes tune how natokg uses a store: ``exists`` (False for a store
    never written, so that commands reading it can say so), ``snapshot`` (a hashable
    name for content that never changes, so that queries reuse one worker process; see
    `natokg._workers`), ``limits_its_own_queries`` (True when `query` takes a ``timeout``
    and keeps it, so that no worker process is needed) and ``triples(predicates=None, *,
    distinct=True)`` (the triples, all or by predicate, read without the copy `dataset`
    makes; push and the gap analysis's projection use it).
    """

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

    def triples(
        self, predicates: Iterable[str] | None = None, *, distinct: bool = True
    ) -> Iterator[tuple[Node, Node, Node]]:
        """Yield each distinct triple once, whatever its graphs, without copying the store.

        Parameters
        ----------
        predicates
            Only the triples with one of these predicate IRIs (read from the index), or all.
        distinct
            Accepted for the `Store` protocol; rdflib yields each triple once anyway.

        Examples
        --------
        >>> from rdflib import Graph, URIRef
        >>> store = MemoryStore()
        >>> store.add_graph(Graph().add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))))
        >>> [str(term) for triple in store.triples() for term in triple]
        ['urn:a', 'urn:b', 'urn:c']
        """
        patterns = [None] if predicates is None else [URIRef(p) for p in sorted(predicates)]
        for predicate in patterns:
            for triple, _ in self._ds.store.triples((None, predicate, None), None):
                yield triple

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


def refuse_remote_text(sparql: str) -> None:
    """Raise `RemoteAccessError` if the query text uses ``SERVICE`` or ``FROM``/``FROM NAMED``.

    For stores that run the text on another engine (Oxigraph, a SPARQL endpoint): the text
    is parsed with rdflib once and the verdict is remembered, so a query that runs again
    pays nothing. A text rdflib cannot parse raises its parse error.

    Examples
    --------
    >>> refuse_remote_text("SELECT * WHERE { ?s ?p ?o }")
    >>> refuse_remote_text("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    natokg.store.RemoteAccessError: FROM / FROM NAMED is not allowed: natokg never fetches graphs
    """
    verdict = _remote_verdict(sparql)
    if verdict is not None:
        raise RemoteAccessError(verdict)


@lru_cache(maxsize=512)
def _remote_verdict(sparql: str) -> str | None:
    try:
        prepare_local_query(sparql)
    except RemoteAccessError as exc:
        return str(exc)
    return None


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


# The lexical pieces of a query that may hold a brace or the word WHERE without meaning them:
# comments, strings, IRIs, and words (keywords, variables, prefixed names, numbers).
_TOKEN = re.compile(
    r"#[^\n]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|[?$:\w][\w.:-]*"
)
_VARIABLE_NAME = re.compile(r"[A-Za-z_]\w*")


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    r"""Return `sparql` with `bindings` joined as a ``VALUES`` block at the top of its ``WHERE`` group.

    For engines without rdflib's ``initBindings`` (Oxigraph, a remote endpoint): the values
    are RDF terms written by `natokg.sparql_text.sparql_term` (every IRI and language tag
    checked, every string escaped, ``\u`` included), never text from the user, and the
    block joins the outer group, which means the same as pre-binding for the variables of
    its triple patterns and filters (``tests/test_queries_differential.py`` shows it for
    every named query). Strings, IRIs and comments are skipped when looking for the group.

    Parameters
    ----------
    sparql
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings
        Variable name -> IRI or literal (a VALUES block cannot hold a blank node).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For a blank node, a term `sparql_term` refuses (`SparqlTextError`), a bad variable
        name, or a query without a ``WHERE`` group.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("urn:a")})
    'SELECT ?o WHERE { VALUES (?s) { (<urn:a>) }\n ?s ?p ?o }'
    """
    if not bindings:
        return sparql
    from natokg.sparql_text import sparql_term  # with rdflib's SPARQL parser, which a query needs anyway

    names = sorted(bindings)
    for name in names:
        term = bindings[name]
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"not a variable name: {name!r}")
        if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
            raise ValueError(f"?{name}: only an IRI or a literal can be bound, got {term!r}")
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(sparql_term(bindings[name]) for name in names)  # checked and escaped
    block = f" VALUES ({variables}) {{ ({values}) }}\n"
    where, at, short = _where_group(sparql)
    if short:  # CONSTRUCT WHERE { T } takes triples only: write it as CONSTRUCT { T } WHERE { ... T }
        end = _closing(sparql, at)
        template = sparql[at:end]
        return f"{sparql[:where]}{{{template}}} {sparql[where:at]}{block}{sparql[at:]}"
    return f"{sparql[:at]}{block}{sparql[at:]}"


def where_clause(sparql: str) -> int:
    """Return where the query's outer ``WHERE`` clause starts: its keyword, or its ``{`` without one.

    Raises
    ------
    ValueError
        For a query without a ``WHERE`` group.

    Examples
    --------
    >>> where_clause("SELECT * WHERE { ?s ?p ?o }")
    9
    """
    return _where_group(sparql)[0]


@lru_cache(maxsize=256)  # the same few query texts come back again and again
def _where_group(sparql: str) -> tuple[int, int, bool]:
    """Find the ``{`` that opens the query's outer ``WHERE`` group.

    That is the ``{`` after the keyword WHERE at the top level, or else (SELECT, ASK and
    DESCRIBE may leave WHERE out) the first ``{`` at the top level.

    Returns
    -------
    tuple
        Where the keyword WHERE starts (or the group, without it), the index just after
        the ``{``, and whether the query is the short form ``CONSTRUCT WHERE { ... }``.
    """
    depth, index, first, where, previous, after_construct = 0, 0, -1, -1, "", False
    while index < len(sparql):
        token = _TOKEN.match(sparql, index)
        if token is not None:
            word = token.group().upper()
            if depth == 0 and word == "WHERE":
                where, after_construct = token.start(), previous == "CONSTRUCT"
            elif not word.startswith("#"):
                where = -1
            if not word.startswith("#"):
                previous = word
            index = token.end()
            continue
        char = sparql[index]
        if char == "{":
            if depth == 0 and where >= 0:
                return where, index + 1, after_construct
            if depth == 0 and first < 0:
                first = index + 1
            depth += 1
        elif char == "}":
            depth -= 1
        if not char.isspace():
            where = -1
            previous = char
        index += 1
    if first < 0 or _is_construct(sparql):
        raise ValueError("the query has no WHERE group to bind values in")
    return first - 1, first, False


def _closing(sparql: str, start: int) -> int:
    """Return the index of the ``}`` that closes the group opened just before `start`."""
    depth, index = 1, start
    while index < len(sparql):
        token = _TOKEN.match(sparql, index)
        if token is not None:
            index = token.end()
            continue
        if sparql[index] == "{":
            depth += 1
        elif sparql[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError("the query's WHERE group is not closed")


def _is_construct(sparql: str) -> bool:
    for token in _TOKEN.finditer(sparql):
        word = token.group().upper()
        if word in {"SELECT", "ASK", "DESCRIBE"}:
            return False
        if word == "CONSTRUCT":
            return True
    return False


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
