"""The SPARQL 1.1 Protocol: what a request asks for, and in which media type to answer.

`read_operation` turns a request to the endpoint into an `Operation` (a query, an update or
a request for the service description) or raises `ProtocolError` with the status code to
answer, as Oxigraph does: 400 for a malformed request, 413 for a body over the cap, 415 for a
content type the protocol does not know (or a charset other than UTF-8). `negotiate` picks
the response's media type from the ``Accept`` header, or None for a 406.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from starlette.requests import Request

__all__ = [
    "ANSWER_TYPES",
    "GRAPH_TYPES",
    "Operation",
    "ProtocolError",
    "negotiate",
    "parse_params",
    "read_body",
    "read_operation",
]

#: SELECT and ASK answers: media type -> result format (the first is the default).
ANSWER_TYPES: Mapping[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
#: CONSTRUCT and DESCRIBE answers (and the service description): media type -> rdflib format.
GRAPH_TYPES: Mapping[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}

_MAX_FIELDS = 100
# An absolute IRI without the characters SPARQL's IRIREF forbids.
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')


class ProtocolError(Exception):
    """A request the endpoint cannot answer; `status` is the HTTP status code."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Operation:
    """What a request to the endpoint asks for.

    Attributes
    ----------
    kind
        ``query``, ``update`` or ``description`` (a GET with no query).
    text
        The query or update.
    default_graphs, named_graphs
        ``default-graph-uri`` and ``named-graph-uri``: the dataset of a query.
    using_graphs
        ``using-graph-uri`` and ``using-named-graph-uri`` of an update.
    method
        ``GET`` or ``POST``.
    """

    kind: Literal["query", "update", "description"]
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    method: str = "GET"


def parse_params(raw: str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` text, strictly (UTF-8, at most 100 fields).

    Raises
    ------
    ProtocolError
        400 when it is not UTF-8 or has too many fields.

    Examples
    --------
    >>> parse_params("query=ASK%20%7B%7D&x=1")
    [('query', 'ASK {}'), ('x', '1')]
    """
    try:
        return parse_qsl(
            raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=_MAX_FIELDS
        )
    except UnicodeDecodeError:
        raise ProtocolError(400, "the parameters are not valid UTF-8") from None
    except ValueError:
        raise ProtocolError(400, f"too many parameters (at most {_MAX_FIELDS})") from None


async def read_body(request: Request, limit: int) -> bytes:
    """Read the request body, refusing it (413) as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ProtocolError(400, "bad Content-Length")
        if int(declared) > limit:
            raise ProtocolError(413, f"the request body is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_operation(request: Request, *, max_body: int) -> Operation:
    """Return what a GET or POST to the endpoint asks for.

    Raises
    ------
    ProtocolError
        For a malformed request (see the module's description).
    """
    try:
        query_string = request.scope.get("query_string", b"").decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the URL is not valid UTF-8") from None
    params = parse_params(query_string)
    if request.method == "GET":
        return _operation(params, method="GET")
    media_type, charset = _content_type(request.headers.get("content-type"))
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"only UTF-8 is accepted, not {charset}")
    body = await read_body(request, max_body)
    if media_type == "application/x-www-form-urlencoded":
        return _operation(params + parse_params(_utf8(body)), method="POST")
    if media_type in ("application/sparql-query", "application/sparql-update"):
        if _values(params, "query") or _values(params, "update"):
            raise ProtocolError(400, "give the query in the body or in the URL, not both")
        name = "query" if media_type == "application/sparql-query" else "update"
        return _operation([*params, (name, _utf8(body))], method="POST")
    if media_type is None:
        raise ProtocolError(415, "a POST needs a Content-Type (application/sparql-query or a form)")
    raise ProtocolError(
        415,
        f"unsupported content type {media_type}; use application/sparql-query, "
        "application/sparql-update or application/x-www-form-urlencoded",
    )


def _operation(params: list[tuple[str, str]], *, method: str) -> Operation:
    queries, updates = _values(params, "query"), _values(params, "update")
    default = _graphs(params, "default-graph-uri")
    named = _graphs(params, "named-graph-uri")
    using = _graphs(params, "using-graph-uri") + _graphs(params, "using-named-graph-uri")
    if queries and updates:
        raise ProtocolError(400, "give either a query or an update, not both")
    if len(queries) > 1 or len(updates) > 1:
        raise ProtocolError(400, "give one query (or update) per request")
    if updates:
        if default or named:
            raise ProtocolError(400, "default-graph-uri and named-graph-uri are for queries")
        return Operation("update", updates[0].lstrip("\ufeff"), using_graphs=using, method=method)
    if using:
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are for updates")
    if not queries:
        if default or named or method == "POST":
            raise ProtocolError(400, "no query: give it as the 'query' parameter")
        return Operation("description")
    return Operation("query", queries[0].lstrip("\ufeff"), default, named, method=method)


def _values(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _graphs(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...]:
    graphs = _values(params, name)
    for iri in graphs:
        if not _IRI.match(iri):
            raise ProtocolError(400, f"{name}: not an absolute IRI: {iri[:100]!r}")
    return tuple(dict.fromkeys(graphs))


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8") from None


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.strip():
        return None, None
    media_type, *rest = header.split(";")
    charset = None
    for param in rest:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """Return the offer that `accept` prefers (the first offer on a tie), or None for a 406.

    Parameters
    ----------
    accept
        The ``Accept`` header; missing or empty accepts the first offer.
    offers
        Media types the server can produce, the default first.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["application/sparql-results+json",
    ...     "application/sparql-results+xml", "text/csv"])
    'application/sparql-results+xml'
    >>> negotiate("image/png", ["text/turtle"]) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges: list[tuple[str, str, float]] = []
    for item in accept.split(",")[:50]:
        media_range, *params = item.split(";")
        kind, _, sub = media_range.strip().lower().partition("/")
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind:
            ranges.append((kind, sub or "*", quality))
    best: tuple[float, int, str] | None = None
    for position, offer in enumerate(offers):
        kind, _, sub = offer.partition("/")
        matches = [
            (specificity, quality)
            for r_kind, r_sub, quality in ranges
            for specificity in [_specificity(r_kind, r_sub, kind, sub)]
            if specificity >= 0
        ]
        if not matches:
            continue
        quality = max(matches)[1]  # the most specific range decides
        if quality > 0 and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, offer)
    return best[2] if best else None


def _specificity(r_kind: str, r_sub: str, kind: str, sub: str) -> int:
    if r_kind == kind and r_sub == sub:
        return 2
    if r_kind == kind and r_sub == "*":
        return 1
    if r_kind == "*" and r_sub == "*":
        return 0
    return -1
