"""Named SPARQL queries: discover them, read their headers, bind parameters, run them safely.

The library lives in ``queries/{reports,gaps,checks}/*.rq``; a file's name is its id. Each
file starts with a header of ``#+`` comment lines (the grlc convention, so the file stays valid
SPARQL), a small subset of YAML::

    #+ summary: A partner's memberships of NATO frameworks, with their dates
    #+ kind: report            # report | gap | check | construct
    #+ tags: [partners, frameworks]
    #+ params:
    #+   partner: {type: iri, class: nkg:Nation, required: false, doc: restrict to one nation}
    #+   as_of: {type: date, doc: "only what was in force at this date (YYYY, YYYY-MM or YYYY-MM-DD)"}

Each parameter is a variable of the query (``?partner``), pre-bound with ``initBindings``:
values are RDF terms, never text pasted into the query (`natokg.params` converts them).

Every query runs under a time limit (`DEFAULT_TIMEOUT` seconds unless told otherwise) in a
worker process that is killed when the limit passes, so a runaway query never takes the
caller down with it. Ad hoc queries (`sparql`) may not reach off this machine or change
anything: ``SERVICE``, ``FROM``/``FROM NAMED``, ``LOAD`` and every SPARQL Update are refused.
"""

from __future__ import annotations

import difflib
import multiprocessing
import re
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from typing import Literal as TypingLiteral

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Node

from natokg import resources
from natokg._workers import worker_for
from natokg.load import load_graph
from natokg.params import (
    DEFAULT_TIMEOUT,
    KINDS,
    PARAM_TYPES,
    Param,
    ParameterError,
    QueryError,
    Resolver,
    convert,
    expand_curie,
    valid_name,
)
from natokg.result import QueryResult
from natokg.store import (
    MemoryStore,
    RemoteAccessError,
    Store,
    refuse_remote_access,
    union_graph,
)

if TYPE_CHECKING:  # the SPARQL engine is imported on first use: it is slow to import
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "DEFAULT_PREFIXES",
    "DEFAULT_TIMEOUT",
    "KINDS",
    "MAX_NESTING",
    "NamedQuery",
    "QueryFileError",
    "QueryTimeoutError",
    "ReadOnlyError",
    "bind_params",
    "check_sparql",
    "declared_prefixes",
    "get_query",
    "list_queries",
    "open_graph",
    "parse_query_file",
    "prepare_sparql",
    "run_query",
    "sparql",
]


#: How deeply brackets (``{``, ``(``, ``[``) may nest in a query; deeper is a syntax error.
MAX_NESTING = 16

#: Prefixes known to every ad hoc query and used to show IRIs compactly.
DEFAULT_PREFIXES: Mapping[str, str] = {
    "dcterms": "http://purl.org/dc/terms/",
    "nkg": "https://w3id.org/natokg/ontology#",
    "nkgid": "https://w3id.org/natokg/id/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_HEADER_LINE = re.compile(r"^#\+(.*)$")
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_TOP_KEYS = {"summary", "kind", "tags", "params", "description"}
_PARAM_KEYS = {"type", "required", "doc", "default", "class", "values"}
_RESERVED = {"params", "timeout", "store", "query"}
InferMode = TypingLiteral["rdfs", "owlrl"]


class QueryFileError(QueryError):
    """A query file's ``#+`` header is malformed; the message names the file and line."""


class QueryTimeoutError(QueryError):
    """A query ran longer than its time limit and was stopped."""


class ReadOnlyError(QueryError):
    """A SPARQL Update (``INSERT``, ``DELETE``, ``CLEAR`` ...) was given where only queries run."""


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library, with its header.

    Attributes
    ----------
    id
        The file name without ``.rq``.
    path
        The file.
    kind
        ``report``, ``gap``, ``check`` or ``construct``.
    summary
        One line: what the query answers.
    tags
        Keywords to filter by.
    params
        The declared parameters, in header order.
    text
        The whole file (header included: it is made of SPARQL comments).
    description
        Optional longer text.
    """

    id: str
    path: Path
    kind: str
    summary: str
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    text: str = field(default="", repr=False)
    description: str = ""

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes the query declares."""
        return declared_prefixes(self.text)

    def param(self, name: str) -> Param:
        """Return the parameter called `name`.

        Raises
        ------
        ParameterError
            If the query has no such parameter.
        """
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "no parameters"
        raise ParameterError(name, f"unknown parameter for query {self.id!r}; it takes {known}")


# ---------------------------------------------------------------------------
# The library
# ---------------------------------------------------------------------------


def list_queries(*, kind: str | None = None, tag: str | None = None) -> tuple[NamedQuery, ...]:
    """Return the named queries of the library, sorted by id.

    Parameters
    ----------
    kind
        Keep only queries of this kind (``report``, ``gap``, ``check``, ``construct``).
    tag
        Keep only queries with this tag.

    Returns
    -------
    tuple of NamedQuery

    Raises
    ------
    QueryFileError
        If a query file's header is malformed.

    Examples
    --------
    >>> ids = [q.id for q in list_queries(kind="report")]
    >>> "partner-frameworks" in ids
    True
    """
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    found = [q for q in _library() if (kind is None or q.kind == kind) and (tag is None or tag in q.tags)]
    return tuple(found)


def get_query(query_id: str) -> NamedQuery:
    """Return the named query `query_id`.

    Raises
    ------
    QueryError
        If there is no such query (the message suggests close ids).

    Examples
    --------
    >>> get_query("partner-frameworks").kind
    'report'
    """
    for query in _library():
        if query.id == query_id:
            return query
    ids = [q.id for q in _library()]
    close = difflib.get_close_matches(query_id, ids, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise QueryError(f"unknown query {query_id!r}{hint} (`natokg queries` lists them)")


def _library() -> tuple[NamedQuery, ...]:
    root = resources.data_dir("queries")
    return _load_library(tuple(sorted(root.glob("*/*.rq"))))


@cache
def _load_library(paths: tuple[Path, ...]) -> tuple[NamedQuery, ...]:
    queries = [parse_query_file(path) for path in paths]
    seen: dict[str, Path] = {}
    for query in queries:
        if query.id in seen:
            raise QueryFileError(f"{query.path}: query id {query.id!r} is also used by {seen[query.id]}")
        seen[query.id] = query.path
    return tuple(sorted(queries, key=lambda q: q.id))


def parse_query_file(path: str | PathLike[str]) -> NamedQuery:
    """Read a query file and its ``#+`` header.

    Parameters
    ----------
    path
        A ``.rq`` file.

    Returns
    -------
    NamedQuery

    Raises
    ------
    QueryFileError
        If the file cannot be read or its header is malformed (names the file and line).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{file}: cannot read: {exc}") from None
    header = _parse_header(file, text)
    prefixes = declared_prefixes(text)

    def fail(line: int, message: str) -> NoReturn:
        raise QueryFileError(f"{file}:{line}: {message}")

    summary, kind = header.get("summary"), header.get("kind")
    if not isinstance(summary, _Value) or not isinstance(summary.value, str) or not summary.value:
        fail(header.line("summary"), "the header needs '#+ summary: <one line>'")
    if not isinstance(kind, _Value) or kind.value not in KINDS:
        fail(header.line("kind"), f"the header needs '#+ kind: <{' | '.join(KINDS)}>'")
    tags = header.get("tags")
    tag_list: tuple[str, ...] = ()
    if tags is not None:
        if not isinstance(tags, _Value) or not isinstance(tags.value, list):
            fail(header.line("tags"), "tags must be a list: [a, b]")
        tag_list = tuple(str(t) for t in tags.value)
    params = tuple(
        _param(file, line, name, spec, prefixes, text) for name, (line, spec) in header.params.items()
    )
    description = header.get("description")
    return NamedQuery(
        id=file.stem,
        path=file,
        kind=str(kind.value),
        summary=str(summary.value),
        tags=tag_list,
        params=params,
        text=text,
        description=str(description.value) if isinstance(description, _Value) else "",
    )


def declared_prefixes(text: str) -> dict[str, str]:
    """Return the ``PREFIX`` declarations of a query (comments ignored)."""
    return dict(_declared_prefixes(text))


@lru_cache(maxsize=256)  # read on every run of a named query
def _declared_prefixes(text: str) -> tuple[tuple[str, str], ...]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return tuple((m.group(1) or "", m.group(2)) for m in _PREFIX_DECL.finditer(body))


# ---------------------------------------------------------------------------
# The header: a small subset of YAML (flow lists and maps, quoted or plain scalars)
# ---------------------------------------------------------------------------


@dataclass
class _Value:
    value: Any
    line: int


@dataclass
class _Header:
    entries: dict[str, _Value]
    params: dict[str, tuple[int, Any]]
    first_line: int

    def get(self, key: str) -> _Value | None:
        return self.entries.get(key)

    def line(self, key: str) -> int:
        entry = self.entries.get(key)
        return entry.line if entry else self.first_line


def _parse_header(file: Path, text: str) -> _Header:
    entries: dict[str, _Value] = {}
    params: dict[str, tuple[int, Any]] = {}
    in_params = False
    first = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _HEADER_LINE.match(raw)
        if match is None:
            if raw.strip() and not raw.lstrip().startswith("#"):
                break  # the header ends where the query starts
            continue
        first = first or number
        body = _strip_comment(match.group(1))
        if not body.strip():
            continue
        indented = body.startswith("  ") or body.startswith("\t")
        key, sep, rest = body.strip().partition(":")
        if not sep:
            raise QueryFileError(f"{file}:{number}: expected 'key: value', got {body.strip()!r}")
        key, rest = key.strip(), rest.strip()
        if indented and in_params:
            if not valid_name(key):
                raise QueryFileError(f"{file}:{number}: {key!r} is not a valid parameter name")
            if key in params:
                raise QueryFileError(f"{file}:{number}: parameter {key!r} is declared twice")
            params[key] = (number, _flow(file, number, rest))
            continue
        if indented:
            raise QueryFileError(f"{file}:{number}: unexpected indented line (only params have entries)")
        if key not in _TOP_KEYS:
            raise QueryFileError(
                f"{file}:{number}: unknown header key {key!r}; expected {', '.join(sorted(_TOP_KEYS))}"
            )
        if key in entries:
            raise QueryFileError(f"{file}:{number}: {key!r} is given twice")
        in_params = key == "params"
        if in_params and rest and rest != "{}":
            raise QueryFileError(f"{file}:{number}: list each parameter on its own '#+   name: {{...}}' line")
        value = _flow(file, number, rest) if rest.startswith(("[", "{", '"', "'")) else rest
        entries[key] = _Value(value, number)
    if not first:
        raise QueryFileError(f"{file}:1: no '#+' header (it needs at least '#+ summary:' and '#+ kind:')")
    return _Header(entries, params, first)


def _strip_comment(text: str) -> str:
    """Drop a YAML comment (``#`` after whitespace, outside quotes)."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1].isspace()):
            return text[:index].rstrip()
    return text


# A plain scalar may hold ':' when no space follows it (``nkg:Nation``), as in YAML.
_PLAIN = r"""(?:[^{}\[\],:"'\s]|:(?=[^\s{}\[\],]))(?:[^{}\[\],:]|:(?=[^\s{}\[\],]))*"""
_TOKEN = re.compile(rf"""\s*(?:("(?:[^"\\]|\\.)*")|('(?:[^']|'')*')|({_PLAIN})|([{{}}\[\],:]))""")


def _flow(file: Path, line: int, text: str) -> Any:
    """Parse a flow value: ``{k: v, ...}``, ``[a, b]``, a quoted or a plain scalar."""
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryFileError(f"{file}:{line}: cannot read {text[position:]!r}")
        position = match.end()
        double, single, plain, punct = match.groups()
        if double is not None:
            tokens.append(("str", double[1:-1].encode().decode("unicode_escape")))
        elif single is not None:
            tokens.append(("str", single[1:-1].replace("''", "'")))
        elif punct is not None:
            tokens.append(("punct", punct))
        elif plain is not None and plain.strip():
            tokens.append(("plain", plain.strip()))
    if not tokens:
        return ""
    value, end = _flow_value(file, line, tokens, 0)
    if end != len(tokens):
        raise QueryFileError(f"{file}:{line}: unexpected {tokens[end][1]!r} after the value")
    return value


def _flow_value(file: Path, line: int, tokens: list[tuple[str, str]], index: int) -> tuple[Any, int]:
    def fail(message: str) -> NoReturn:
        raise QueryFileError(f"{file}:{line}: {message}")

    if index >= len(tokens):
        fail("the value ends too early")
    kind, text = tokens[index]
    if kind == "str":
        return text, index + 1
    if kind == "plain":
        return _scalar(text), index + 1
    if text == "[":
        items: list[Any] = []
        index += 1
        while index < len(tokens) and tokens[index] != ("punct", "]"):
            item, index = _flow_value(file, line, tokens, index)
            items.append(item)
            if index < len(tokens) and tokens[index] == ("punct", ","):
                index += 1
        if index >= len(tokens):
            fail("a list '[' is not closed")
        return items, index + 1
    if text == "{":
        mapping: dict[str, Any] = {}
        index += 1
        while index < len(tokens) and tokens[index] != ("punct", "}"):
            key_kind, key = tokens[index]
            if key_kind == "punct":
                fail(f"expected a key, got {key!r}")
            if index + 1 >= len(tokens) or tokens[index + 1] != ("punct", ":"):
                fail(f"expected ':' after {key!r}")
            value, index = _flow_value(file, line, tokens, index + 2)
            if key in mapping:
                fail(f"{key!r} is given twice")
            mapping[key] = value
            if index < len(tokens) and tokens[index] == ("punct", ","):
                index += 1
        if index >= len(tokens):
            fail("a map '{' is not closed")
        return mapping, index + 1
    fail(f"unexpected {text!r}")


def _scalar(text: str) -> Any:
    lowered = text.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered in {"null", "~"}:
        return None
    return text


def _param(file: Path, line: int, name: str, spec: Any, prefixes: Mapping[str, str], text: str) -> Param:
    def fail(message: str) -> NoReturn:
        raise QueryFileError(f"{file}:{line}: parameter {name!r}: {message}")

    if not isinstance(spec, dict):
        fail("expected {type: ..., doc: ...}")
    unknown = set(spec) - _PARAM_KEYS
    if unknown:
        fail(f"unknown field {sorted(unknown)[0]!r}; expected {', '.join(sorted(_PARAM_KEYS))}")
    kind = spec.get("type")
    if kind not in PARAM_TYPES:
        fail(f"type must be one of {', '.join(PARAM_TYPES)}")
    if name in _RESERVED:
        fail(f"the name is reserved ({', '.join(sorted(_RESERVED))})")
    if not re.search(rf"[?$]{re.escape(name)}\b", _body(text)):
        fail(f"the query never uses ?{name}")
    required = spec.get("required", False)
    if not isinstance(required, bool):
        fail("required must be true or false")
    doc = spec.get("doc")
    if not isinstance(doc, str) or not doc:
        fail("doc: say in a few words what it does")
    names = {**DEFAULT_PREFIXES, **prefixes}
    cls = spec.get("class")
    if cls is not None:
        if kind != "iri" or not isinstance(cls, str):
            fail("class applies to iri parameters only, as a CURIE")
        expanded = expand_curie(cls, names)
        if expanded is None:
            fail(f"class {cls!r} is not a CURIE with a declared prefix")
        cls = str(expanded)
    values = spec.get("values")
    if kind == "enum":
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            fail("an enum needs values: [a, b, ...]")
        values = [str(expand_curie(v, names) or v) for v in values]
    elif values is not None:
        fail("values applies to enum parameters only")
    default = spec.get("default")
    if default is not None:
        if required:
            fail("a required parameter cannot have a default")
        default = str(default)
    return Param(
        name=name,
        type=str(kind),
        required=required,
        doc=doc,
        default=default,
        cls=cls,
        values=tuple(values or ()),
    )


def _body(text: str) -> str:
    """Return the query without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# ---------------------------------------------------------------------------
# Opening the graph
# ---------------------------------------------------------------------------


def open_graph(
    data: Iterable[str | PathLike[str]] | None = None,
    *,
    infer: InferMode | None = None,
    store: str | Store | None = None,
) -> Store:
    """Load the shipped ontology and graph (or other data files) into a store to query.

    Parameters
    ----------
    data
        Data files to load instead of the shipped ``graph/*.ttl`` (the ontology is always loaded).
    infer
        ``"rdfs"`` or ``"owlrl"``: add the RDFS or OWL 2 RL closure (owlrl), so that
        queries see inferred types and properties too. Takes a few seconds (the closure
        is kept in memory, whatever the store).
    store
        A store that already holds the graph, or its spec (``"oxigraph:build/store"``,
        ``"sparql:http://..."``; see `natokg.stores.open_store`): it is opened as it is,
        nothing is loaded into it. None or ``"memory"``: load the files into memory.

    Returns
    -------
    Store

    Raises
    ------
    LoadError
        If a file cannot be loaded.
    StoreError
        If the store cannot be opened.
    ValueError
        For an unknown `infer` mode, or `data` given together with a store.

    Examples
    --------
    >>> store = open_graph()
    >>> len(store) > 1000
    True
    """
    if store is None or store == "memory":
        opened = load_graph(data).store
    else:
        if data is not None:
            raise ValueError(
                "a store already holds its data: load files into it with load_graph(data, store=...)"
            )
        if isinstance(store, str):
            from natokg.stores import open_store

            store = open_store(store)
        opened = store
    if infer is None:
        return opened
    return _inferred(opened, infer)


def _inferred(store: Store, mode: str) -> Store:
    import owlrl  # a few seconds to import and run; only when asked for

    semantics = {"rdfs": owlrl.RDFS_Semantics, "owlrl": owlrl.OWLRL_Semantics}.get(mode)
    if semantics is None:
        raise ValueError(f"unknown inference {mode!r}; expected rdfs or owlrl")
    graph: Graph = union_graph(store)
    owlrl.DeductiveClosure(semantics).expand(graph)
    inferred = MemoryStore()
    inferred.add_graph(graph)
    return inferred


# ---------------------------------------------------------------------------
# Checking a query before it runs
# ---------------------------------------------------------------------------


def check_sparql(text: str, *, graphs: Collection[Node] | None = None) -> None:
    """Check that `text` is one read-only, local SPARQL 1.1 query.

    Parameters
    ----------
    text
        The query.
    graphs
        The names of the graphs the store holds: ``FROM``/``FROM NAMED`` of these is allowed.
        None (the default) refuses every dataset clause.

    Raises
    ------
    QueryError
        On a syntax error (with line and column), brackets nested deeper than
        `MAX_NESTING`, any SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR`` ...;
        `ReadOnlyError` except for ``LOAD``), ``SERVICE``, or a dataset clause (``FROM``,
        ``FROM NAMED``) naming a graph not in `graphs`.

    Examples
    --------
    >>> check_sparql("SELECT * WHERE { ?s ?p ?o }")
    >>> check_sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    natokg.params.QueryError: SERVICE is not allowed: natokg never queries other endpoints
    """
    _check(text, line_offset=0, graphs=graphs)


def prepare_sparql(text: str, *, graphs: Collection[Node] | None = None) -> Query:
    """Check `text` as `check_sparql` does and return it parsed.

    Returns
    -------
    rdflib.plugins.sparql.sparql.Query
        Its ``algebra.name`` tells the form: ``SelectQuery``, ``AskQuery``,
        ``ConstructQuery`` or ``DescribeQuery``.

    Raises
    ------
    QueryError
        As `check_sparql`.

    Examples
    --------
    >>> prepare_sparql("ASK { ?s ?p ?o }").algebra.name
    'AskQuery'
    """
    return _check(text, line_offset=0, graphs=graphs)


def _check(text: str, *, line_offset: int, graphs: Collection[Node] | None = None) -> Query:
    return _checked(text, line_offset, None if graphs is None else frozenset(graphs))


# Parsing is most of the cost of a small query (pyparsing); a server sees the same texts
# again and again. Only successes are cached; rdflib does not change a parsed query.
@lru_cache(maxsize=256)
def _checked(text: str, line_offset: int, graphs: frozenset[Node] | None) -> Query:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    if not text.strip():
        raise QueryError("the query is empty")
    _check_nesting(text, line_offset)
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        _refuse_update(text)
        line = max(1, exc.lineno - line_offset)
        raise QueryError(f"syntax error at line {line}, column {exc.col}: {exc.msg}") from None
    except RecursionError:
        raise QueryError(
            f"syntax error: the query is nested too deeply (over {MAX_NESTING} levels)"
        ) from None
    try:
        query = translateQuery(parsed)
    except RecursionError:
        raise QueryError(
            f"syntax error: the query is nested too deeply (over {MAX_NESTING} levels)"
        ) from None
    except Exception as exc:  # rdflib raises plain Exceptions for semantic errors
        raise QueryError(f"invalid query: {exc}") from None
    try:
        refuse_remote_access(query, graphs)
    except RemoteAccessError as exc:
        raise QueryError(str(exc)) from None
    return query


def _refuse_update(text: str) -> None:
    """Raise a clear error when `text` is a SPARQL Update rather than a query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except (ParseException, RecursionError):
        return
    operations = [getattr(op, "name", "") for op in update.get("request") or []]
    if "Load" in operations:
        raise QueryError("LOAD is not allowed: natokg never fetches graphs, and queries are read-only")
    raise ReadOnlyError(
        "SPARQL Update (INSERT, DELETE, CLEAR, DROP, ...) is not allowed: queries are read-only"
    )


def _check_nesting(text: str, line_offset: int) -> None:
    """Refuse brackets nested deeper than `MAX_NESTING` (rdflib's parser would recurse too deep)."""
    depth = 0
    line, column = 1, 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            end = index + len(quote)
            while end < length and not text.startswith(quote, end):
                end += 2 if text[end] == "\\" else 1
            line += text.count("\n", index, end)
            index = end + len(quote)
            continue
        elif char in "({[":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(
                    f"syntax error at line {max(1, line - line_offset)}, column {column}: "
                    f"brackets nested deeper than {MAX_NESTING} levels"
                )
        elif char in ")}]":
            depth = max(0, depth - 1)
        index += 1


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def run_query(
    store: Store,
    query: str | NamedQuery,
    /,
    params: Mapping[str, object] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    **kwargs: object,
) -> QueryResult:
    """Run a named query of the library with keyword parameters.

    Parameters
    ----------
    store
        The graph (`open_graph`).
    query
        A query id (``"partner-frameworks"``) or a `NamedQuery`.
    params
        Parameter values by name (as an alternative to keywords).
    timeout
        Seconds before the query is stopped; None for no limit (and no worker process).
    **kwargs
        Parameter values by name: text as typed on the command line (``partner="ROK"``),
        Python numbers, bools and dates, or rdflib terms.

    Returns
    -------
    QueryResult

    Raises
    ------
    ParameterError
        For a missing required parameter, an unknown one, or a value that does not fit.
    QueryTimeoutError
        If the query ran out of time.
    QueryError
        If the query is unknown or fails.

    Examples
    --------
    >>> store = open_graph()
    >>> result = run_query(store, "partner-frameworks", partner="ROK", as_of="2016")
    >>> result.columns[:4]
    ('partner', 'framework', 'role', 'since')
    >>> [row[1:4] for row in result.compact_rows() if row[1] == "nkgid:ipcp"]
    [['nkgid:ipcp', 'nkg:PartnerRole', '2012']]
    """
    named = query if isinstance(query, NamedQuery) else get_query(query)
    values = {**(params or {}), **kwargs}
    bindings = bind_params(store, named, values)
    _check(named.text, line_offset=0)
    prefixes = {**DEFAULT_PREFIXES, **named.prefixes}
    return _execute(store, named.text, bindings, timeout, query_id=named.id, namespaces=prefixes)


def bind_params(store: Store, query: NamedQuery, values: Mapping[str, object]) -> dict[str, Identifier]:
    """Convert `values` into the initial bindings of `query`, checking every parameter.

    Returns
    -------
    dict
        Variable name -> RDF term, for the parameters given (or defaulted).

    Raises
    ------
    ParameterError
        See `run_query`.
    """
    for name in values:
        query.param(name)  # raises for an unknown parameter
    prefixes = {**DEFAULT_PREFIXES, **query.prefixes}
    resolver = _lazy_resolver(store)
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        value = values.get(param.name)
        if value is None:
            if param.required:
                raise ParameterError(param.name, f"missing: query {query.id!r} requires it ({param.doc})")
            if param.default is None:
                continue
            value = param.default
        bindings[param.name] = convert(param, value, prefixes=prefixes, resolver=resolver)
    return bindings


def sparql(
    store: Store,
    text: str,
    /,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run an ad hoc, read-only SPARQL 1.1 query.

    The prefixes of `DEFAULT_PREFIXES` (``nkg:``, ``nkgid:``, ``rdfs:``, ``skos:`` ...) are
    declared for you; a ``PREFIX`` in the query overrides them.

    Parameters
    ----------
    store
        The graph (`open_graph`).
    text
        A SELECT, ASK, CONSTRUCT or DESCRIBE query.
    bindings
        Variable name -> RDF term, pre-bound with ``initBindings``.
    timeout
        Seconds before the query is stopped; None for no limit.

    Returns
    -------
    QueryResult

    Raises
    ------
    QueryError
        For a syntax error, a refused query (update, ``LOAD``, ``SERVICE``, ``FROM``), a
        failure, or a timeout (`QueryTimeoutError`).

    Examples
    --------
    >>> store = open_graph()
    >>> sparql(store, "ASK { nkgid:japan a nkg:Nation }").ask
    True
    """
    prologue = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in DEFAULT_PREFIXES.items())
    full = f"{prologue}\n{text}"
    if not text.strip():
        raise QueryError("the query is empty")
    _check(full, line_offset=1)
    checked: dict[str, Identifier] = {}
    for name, term in (bindings or {}).items():
        if not valid_name(name) or not isinstance(term, Identifier):
            raise ParameterError(name, "bindings map variable names to rdflib terms")
        checked[name] = term
    namespaces = {**DEFAULT_PREFIXES, **declared_prefixes(text)}
    return _execute(store, full, checked, timeout, query_id=None, namespaces=namespaces)


#: Resolvers of stores that name an unchanging snapshot (an Oxigraph generation), kept from
#: one query to the next: their answers cannot change, and checking a parameter costs two
#: queries, more than a small query itself. Only the newest few: each may index every label.
_SNAPSHOT_RESOLVERS: dict[Any, Resolver] = {}
_SNAPSHOT_RESOLVERS_KEPT = 4
_snapshot_lock = threading.Lock()


def _lazy_resolver(store: Store) -> Any:
    snapshot = getattr(store, "snapshot", None)
    if snapshot is not None:
        with _snapshot_lock:
            found = _SNAPSHOT_RESOLVERS.pop(snapshot, None) or _resolver(store, remember=True)
            _SNAPSHOT_RESOLVERS[snapshot] = found  # now the newest
            while len(_SNAPSHOT_RESOLVERS) > _SNAPSHOT_RESOLVERS_KEPT:
                del _SNAPSHOT_RESOLVERS[next(iter(_SNAPSHOT_RESOLVERS))]
        return lambda: found
    made: list[Resolver] = []

    def get() -> Resolver:
        if not made:
            made.append(_resolver(store))
        return made[0]

    return get


def _resolver(store: Store, *, remember: bool = False) -> Resolver:
    """Return a resolver asking `store`; with `remember`, each answer is kept (an unchanging store)."""
    properties = f"<{RDFS.label}> <{SKOS.prefLabel}> <{SKOS.altLabel}>"
    every_label = f"SELECT ?e ?label WHERE {{ VALUES ?p {{ {properties} }} ?e ?p ?label FILTER(isIRI(?e)) }}"

    def labels() -> list[tuple[URIRef, str]]:
        return [(row[0], str(row[1])) for row in _rows(store, every_label, {}) if isinstance(row[0], URIRef)]

    def is_instance(entity: URIRef, cls: URIRef) -> bool:
        return _ask(
            store, f"ASK {{ ?e <{RDF.type}>/<{RDFS.subClassOf}>* ?class }}", {"e": entity, "class": cls}
        )

    def exists(entity: URIRef) -> bool:
        return _ask(store, "ASK { { ?e ?p ?o } UNION { ?s ?p ?e } }", {"e": entity})

    if remember:
        is_instance, exists = _remembered(is_instance), _remembered(exists)
    return Resolver(labels, is_instance, exists)


def _remembered(ask: Any) -> Any:
    """Return `ask` keeping its answers (at most 10,000: parameters are few, but come from users)."""
    answers: dict[tuple[URIRef, ...], bool] = {}

    def remembered(*terms: URIRef) -> bool:
        answer = answers.get(terms)
        if answer is None:
            answer = answers[terms] = ask(*terms)
            if len(answers) > 10_000:
                answers.clear()
        return answer

    return remembered


def _rows(store: Store, text: str, bindings: Mapping[str, Identifier]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.query(text, bindings)]  # type: ignore[arg-type]


def _ask(store: Store, text: str, bindings: Mapping[str, Identifier]) -> bool:
    return bool(store.query(text, bindings).askAnswer)


# What a query produced, in a form that crosses a process boundary (rdflib terms pickle).
Outcome = tuple[str, Any]


def _execute(
    store: Store,
    text: str,
    bindings: Mapping[str, Identifier],
    timeout: float | None,
    *,
    query_id: str | None,
    namespaces: Mapping[str, str],
) -> QueryResult:
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, got {timeout!r}")
    if timeout is None or getattr(store, "limits_its_own_queries", False):
        outcome = _evaluate(store, text, bindings, timeout)
    else:
        outcome = _in_worker(store, text, bindings, timeout)
    status, payload = outcome
    if status == "timeout":
        raise QueryTimeoutError(_stopped_message(timeout))
    if status == "error":
        raise QueryError(f"the query failed: {payload}")
    columns, rows = payload
    return QueryResult(tuple(columns), tuple(rows), query_id=query_id, namespaces=dict(namespaces))


def _evaluate(
    store: Store, text: str, bindings: Mapping[str, Identifier], timeout: float | None = None
) -> Outcome:
    """Run the query here and now; every failure becomes an ``("error", message)`` outcome.

    A `timeout` goes to a store that keeps time limits itself (``limits_its_own_queries``);
    its running out is a ``("timeout", message)`` outcome.
    """
    try:
        if timeout is None:
            result = store.query(text, bindings)
        else:
            result = store.query(text, bindings, timeout=timeout)  # type: ignore[call-arg]
        return "ok", _materialize(result)
    except TimeoutError as exc:
        return "timeout", str(exc)
    except RecursionError:
        return "error", f"the query is nested too deeply to evaluate (over {MAX_NESTING} levels)"
    except Exception as exc:  # rdflib raises many kinds while evaluating; report, never crash
        return "error", f"{type(exc).__name__}: {exc}"


def _materialize(result: Result) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    if result.type == "ASK":
        return ["ask"], [(Literal(bool(result.askAnswer)),)]
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        graph = result.graph
        triples = sorted(graph, key=lambda t: tuple(term.n3() for term in t)) if graph is not None else []
        return ["subject", "predicate", "object"], [tuple(t) for t in triples]
    columns = [str(v) for v in result.vars or []]
    return columns, [tuple(row) for row in result]  # type: ignore[arg-type]


def _stopped_message(timeout: float | None) -> str:
    return (
        f"the query was stopped after {timeout:g} s (the time limit); "
        "narrow it, or raise the limit with --timeout"
    )


def _start_method() -> str:
    # fork shares the loaded graph with the worker at no cost; spawn (where fork is missing)
    # ships it as N-Quads.
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _in_worker(store: Store, text: str, bindings: Mapping[str, Identifier], timeout: float) -> Outcome:
    """Run the query in a child process; kill it when `timeout` seconds pass.

    A store with an immutable snapshot (Oxigraph) reuses one long-lived child
    (`natokg._workers`); any other store forks a child for the query.
    """
    stopped = QueryTimeoutError(_stopped_message(timeout))
    if getattr(store, "snapshot", None) is not None:  # one long-lived worker per snapshot
        started = time.monotonic()
        worker = worker_for(store, _evaluate, wait=timeout)
        if worker is not None:
            try:
                answer = worker.run(text, bindings, max(timeout - (time.monotonic() - started), 0.001))
            finally:
                worker.busy.release()
            if answer is not None:
                return answer
            raise stopped
        if "fork" in multiprocessing.get_all_start_methods():
            raise stopped  # waited the whole time limit for the worker
    method = _start_method()
    context: Any = multiprocessing.get_context(method)
    reader, writer = context.Pipe(duplex=False)
    if method == "fork":
        process = context.Process(
            target=_fork_worker, args=(writer, store, text, dict(bindings)), daemon=True
        )
    else:
        data = store.dataset().serialize(format="nquads", encoding="utf-8")
        process = context.Process(
            target=_spawn_worker, args=(writer, data, text, dict(bindings)), daemon=True
        )
    process.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise stopped
        try:
            outcome: Outcome = reader.recv()
        except EOFError:
            process.join(5)
            raise QueryError(
                f"the query process ended without an answer (exit code {process.exitcode})"
            ) from None
        return outcome
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()


def _fork_worker(conn: Any, store: Store, text: str, bindings: Mapping[str, Identifier]) -> None:
    try:
        conn.send(_evaluate(store, text, bindings))
    finally:
        conn.close()


def _spawn_worker(conn: Any, data: bytes, text: str, bindings: Mapping[str, Identifier]) -> None:
    from rdflib import Dataset

    try:
        dataset = Dataset(default_union=True)
        dataset.parse(data=data, format="nquads")
        store = MemoryStore()
        store.add_graph(dataset)
        conn.send(_evaluate(store, text, bindings))
    finally:
        conn.close()
