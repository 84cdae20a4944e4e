"""A remote SPARQL 1.1 endpoint as a natokg store: Virtuoso, Fuseki, Oxigraph server, GraphDB.

Queries go over the SPARQL 1.1 Protocol (form POST), updates too; the store refuses the same
queries `MemoryStore` refuses (``SERVICE``, ``FROM``) before anything is sent. Parameters travel
as a ``VALUES`` block of RDF terms (`natokg.store.bind_values`), never as pasted text.
When the store is given a `graph`, it reads that graph only (a ``FROM`` clause of its own:
with the protocol's ``default-graph-uri``, Virtuoso 7.2 gets ``MINUS`` wrong) and writes into it.

What an endpoint returns is taken as it comes, with one exception: a literal typed
``xsd:string`` becomes a simple literal, the same RDF 1.1 term that rdflib writes without a
datatype (Virtuoso types the strings its functions return). A result that the endpoint
capped (Virtuoso's ``X-SPARQL-MaxRows``) is an error, never silently short.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier

from natokg import __version__
from natokg.credentials import masked
from natokg.sparql_text import check_iri, with_default_graph
from natokg.store import StoreError, bind_values, prepare_local_query

__all__ = ["DEFAULT_TIMEOUT", "SparqlStore", "SparqlStoreError", "SparqlTimeoutError", "make_auth"]

#: Seconds an HTTP request to the endpoint may take.
DEFAULT_TIMEOUT = 300.0

_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
_GRAPH_FORMATS = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle"}
_SIMPLE = {str(XSD.string), str(RDF.langString)}

AuthArg = httpx.Auth | tuple[str, str] | None


class SparqlStoreError(StoreError, RuntimeError):
    """The endpoint could not be reached, refused a request or answered something unusable."""


class SparqlTimeoutError(SparqlStoreError, TimeoutError):
    """The endpoint did not answer within the time given."""


def make_auth(user: str | None, password: str | None, scheme: str = "digest") -> httpx.Auth | None:
    """Return the HTTP authentication for `user`, or None when there is no user.

    Parameters
    ----------
    user, password
        The account; a password without a user is an error.
    scheme
        ``"digest"`` (Virtuoso's ``/sparql-auth`` accepts nothing else) or ``"basic"``
        (Fuseki's default; send it over HTTPS or loopback only).

    Returns
    -------
    httpx.Auth or None

    Examples
    --------
    >>> type(make_auth("dba", "secret")).__name__
    'DigestAuth'
    """
    if user is None:
        if password is not None:
            raise ValueError("a password was given without a user")
        return None
    if password is None:
        raise ValueError(f"no password for user {user!r}")
    if scheme == "digest":
        return httpx.DigestAuth(user, password)
    if scheme == "basic":
        return httpx.BasicAuth(user, password)
    raise ValueError(f"unknown authentication scheme {scheme!r}; expected digest or basic")


def check_url(url: str, what: str = "endpoint") -> str:
    """Return `url` if it is an ``http(s)://host/...`` URL, else raise `ValueError`."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{what} {masked(url)!r} is not an http:// or https:// URL")
    if parts.username or parts.password:
        raise ValueError(f"{what} {masked(url)!r}: give the user and password as options, not in the URL")
    return url


class SparqlStore:
    """A SPARQL 1.1 endpoint behind natokg's `Store` interface.

    Parameters
    ----------
    query_url
        The query endpoint (Virtuoso: ``http://HOST:8890/sparql``).
    update_url
        The update endpoint (Virtuoso: ``http://HOST:8890/sparql-auth``, with Digest auth);
        None makes the store read-only.
    auth
        An `httpx.Auth` (see `make_auth`) or a ``(user, password)`` pair for HTTP Basic;
        used for every request.
    graph
        A named graph IRI: when given, queries read this graph only (as their default graph)
        and `add_graph` writes into it. Without it, queries read the endpoint's default
        graph, which on Virtuoso is the union of all graphs, its own system graphs included.
    timeout
        Seconds an HTTP request may take.

    Examples
    --------
    A store needs a running endpoint; this one is only built, not used:

    >>> store = SparqlStore("http://127.0.0.1:8890/sparql", graph="https://w3id.org/natokg/graph")
    >>> store.graph
    'https://w3id.org/natokg/graph'
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        auth: AuthArg = None,
        graph: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.query_url = check_url(query_url, "query endpoint")
        self.update_url = None if update_url is None else check_url(update_url, "update endpoint")
        self.graph = None if graph is None else check_iri(graph, "graph IRI")
        self.timeout = timeout
        self._auth = auth
        self._client: httpx.Client | None = None
        self._pid = 0

    #: The query layer hands this store a query's time limit instead of running the query in
    #: a child process: killing a child would not stop the endpoint's work either, and
    #: forking one costs more than many queries take.
    limits_its_own_queries = True

    def __repr__(self) -> str:
        return f"SparqlStore({self.query_url!r}, {self.update_url!r}, graph={self.graph!r})"

    def with_graph(self, graph: str | None) -> SparqlStore:
        """Return a store on the same endpoints and account that reads and writes `graph`."""
        return SparqlStore(
            self.query_url, self.update_url, auth=self._auth, graph=graph, timeout=self.timeout
        )

    # -- HTTP ---------------------------------------------------------------------------------

    def client(self) -> httpx.Client:
        """Return this process's HTTP client (a forked query worker gets its own connections)."""
        if self._client is None or self._pid != os.getpid():
            self._client = httpx.Client(
                auth=self._auth,
                timeout=self.timeout,
                follow_redirects=False,
                headers={"User-Agent": f"natokg/{__version__}"},
            )
            self._pid = os.getpid()
        return self._client

    def close(self) -> None:
        """Close the HTTP connections (the store can still be used; it reconnects)."""
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = None

    def request(
        self, method: str, url: str, *, what: str, accept: str = "*/*", **kwargs: Any
    ) -> httpx.Response:
        """Send one request; raise `SparqlStoreError` for a transport error or an HTTP error status.

        Parameters
        ----------
        method, url
            The request.
        what
            What the request does, for the error message (``"query"``, ``"upload"``).
        accept
            The ``Accept`` header.
        **kwargs
            Passed to `httpx.Client.request` (``data``, ``content``, ``params``, ``headers``).
        """
        headers = {"Accept": accept, **kwargs.pop("headers", {})}
        try:
            response = self.client().request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise SparqlTimeoutError(f"{what} at {url}: no answer in time ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise SparqlStoreError(f"{what} at {url}: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 400:
            raise SparqlStoreError(f"{what} at {url}: HTTP {response.status_code}: {_excerpt(response)}")
        return response

    # -- the Store interface ------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        init_bindings: Mapping[str, Identifier] | None = None,
        *,
        timeout: float | None = None,
    ) -> Result:
        """Run a SPARQL 1.1 query at the endpoint.

        Parameters
        ----------
        sparql
            A SELECT, ASK, CONSTRUCT or DESCRIBE query.
        init_bindings
            Values for variables (IRIs or literals), sent as a ``VALUES`` block.
        timeout
            Seconds to wait for the answer (default: the store's `timeout`).

        Returns
        -------
        rdflib.query.Result

        Raises
        ------
        RemoteAccessError
            If the query uses ``SERVICE`` or ``FROM``/``FROM NAMED``.
        SparqlStoreError
            If the endpoint fails, refuses the query or caps its result
            (`SparqlTimeoutError` when it does not answer in time).
        """
        form = prepare_local_query(sparql).algebra.name
        try:  # the FROM clause first: the text without values is the same from one call to the next
            text = sparql if self.graph is None else with_default_graph(sparql, self.graph)
            text = bind_values(text, init_bindings or {})
        except ValueError as exc:  # SparqlTextError included
            raise SparqlStoreError(str(exc)) from None
        data = {"query": text}
        graph_form = form in {"ConstructQuery", "DescribeQuery"}
        response = self.request(
            "POST",
            self.query_url,
            what="query",
            data=data,
            accept=_GRAPH_TYPES if graph_form else _RESULTS_JSON,
            **({} if timeout is None else {"timeout": timeout}),
        )
        if response.status_code == 206 or response.headers.get("X-SQL-State") == "S1TAT":
            raise SparqlStoreError(
                f"query at {self.query_url}: the endpoint returned a partial result (Virtuoso's "
                "anytime query, cut short by its time limit); the answer would be incomplete"
            )
        capped = response.headers.get("X-SPARQL-MaxRows")
        if capped is not None:
            raise SparqlStoreError(
                f"query at {self.query_url}: the endpoint capped the result at {capped} rows "
                "(Virtuoso's [SPARQL] ResultSetMaxRows); the answer may be incomplete"
            )
        if graph_form:
            result = Result("CONSTRUCT")
            result.graph = _parse_graph(response)
            return result
        return _parse_json(response)

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update at the update endpoint.

        Raises
        ------
        SparqlStoreError
            If the store is read-only or the endpoint refuses the update.
        """
        if self.update_url is None:
            raise SparqlStoreError(f"{self!r} is read-only: give it an update endpoint")
        self.request("POST", self.update_url, what="update", data={"update": text})

    def count(self, graph: str | None = None) -> int:
        """Return the number of triples in named graph `graph` (default: the store's graph)."""
        if graph is None:
            result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:
            result = self.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}"
            )
        rows = [tuple(row) for row in result]  # type: ignore[arg-type]
        try:
            return int(str(rows[0][0]))
        except (IndexError, TypeError, ValueError):
            raise SparqlStoreError(f"count at {self.query_url}: unexpected answer {rows!r}") from None

    def add_graph(self, graph: Graph) -> None:
        """Add every triple of `graph` to the store's graph, all or nothing.

        The triples go up in batches into a temporary graph, which one ``ADD`` operation
        then adds to the store's graph (the endpoint's default graph without one); named
        graphs of a `Dataset` are merged into it.

        Raises
        ------
        SparqlStoreError
            If the store is read-only or the endpoint fails; the store's graph is then unchanged.
        """
        from natokg.push import add_triples  # push builds on this module

        add_triples(self, graph, self.graph)

    def __len__(self) -> int:
        return self.count()

    def dataset(self) -> Dataset:
        """Return a copy of the store's graph (all of it) as the default graph of a `Dataset`.

        Raises
        ------
        SparqlStoreError
            If the endpoint fails, or returns fewer triples than it counts (a capped result).
        """
        expected = len(self)
        result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        graph = result.graph if result.graph is not None else Graph()
        if len(graph) != expected:
            raise SparqlStoreError(
                f"dataset at {self.query_url}: got {len(graph)} triples where the endpoint counts "
                f"{expected} (a capped result? raise Virtuoso's [SPARQL] ResultSetMaxRows)"
            )
        copy = Dataset(default_union=True)
        copy.namespace_manager = NamespaceManager(copy, bind_namespaces="core")
        copy.default_graph.addN((s, p, o, copy.default_graph) for s, p, o in graph)
        return copy


def _excerpt(response: httpx.Response, limit: int = 300) -> str:
    text = " ".join(response.text.split())
    return text[:limit] + ("..." if len(text) > limit else "") or response.reason_phrase


def _parse_json(response: httpx.Response) -> Result:
    try:
        document = response.json()
    except ValueError:
        raise SparqlStoreError(f"query at {response.url}: the answer is not SPARQL JSON results") from None
    if not isinstance(document, dict):
        raise SparqlStoreError(f"query at {response.url}: the answer is not SPARQL JSON results")
    if "boolean" in document:
        result = Result("ASK")
        result.askAnswer = bool(document["boolean"])
        return result
    try:
        names = document["head"]["vars"]
        rows = document["results"]["bindings"]
        result = Result("SELECT")
        result.vars = [Variable(name) for name in names]
        result.bindings = [{Variable(name): _term(cell) for name, cell in row.items()} for row in rows]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SparqlStoreError(f"query at {response.url}: malformed SPARQL JSON results ({exc})") from None
    return result


def _term(cell: Mapping[str, Any]) -> Identifier:
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in {"literal", "typed-literal"}:
        language = cell.get("xml:lang")
        datatype = cell.get("datatype")
        if language or datatype in _SIMPLE:
            datatype = None
        return Literal(value, lang=language or None, datatype=datatype)
    raise ValueError(f"unknown term type {kind!r}")


def _parse_graph(response: httpx.Response) -> Graph:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    fmt = _GRAPH_FORMATS.get(media)
    if fmt is None:
        raise SparqlStoreError(f"query at {response.url}: unexpected graph type {media or '(none)'!r}")
    graph = Graph()
    try:
        graph.parse(data=response.text, format=fmt)
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise SparqlStoreError(f"query at {response.url}: unreadable {fmt} answer ({exc})") from None
    return graph
