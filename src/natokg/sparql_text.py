"""RDF terms written as SPARQL and N-Triples text, and parameters bound as a ``VALUES`` block.

A remote endpoint or Oxigraph cannot take rdflib's ``initBindings``: the values have to travel
inside the query text. They never do as pasted user text. Each value is an RDF term, written
by `sparql_term` (which checks every IRI and language tag and escapes every string), and
`natokg.store.bind_values` joins them as a ``VALUES`` block at the start of the query's outer
``WHERE`` group. `with_default_graph` adds a ``FROM`` clause and checks, by parsing the
result, that it is the query's one dataset clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pyparsing import ParseException
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from natokg.store import where_clause

__all__ = ["SparqlTextError", "check_iri", "ntriples", "sparql_term", "with_default_graph"]

# IRIREF of SPARQL 1.1 and N-Triples: no spaces, controls, or <>"{}|^`\ inside.
_IRI = re.compile(r'^[^\x00-\x20<>"{}|^`\\]*$')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class SparqlTextError(ValueError):
    """A term cannot be written as SPARQL, or parameters cannot be bound to a query safely."""


def check_iri(iri: str, what: str = "IRI") -> str:
    """Return `iri` if it is an absolute IRI that SPARQL and N-Triples can carry, else raise.

    Parameters
    ----------
    iri
        The IRI.
    what
        What it is, for the error message (``"graph IRI"``).

    Raises
    ------
    SparqlTextError
        If `iri` is relative or holds a space, a control character, a backslash or one of
        ``<>"{}|^```.

    Examples
    --------
    >>> check_iri("https://w3id.org/natokg/id/japan")
    'https://w3id.org/natokg/id/japan'
    """
    if not _IRI.match(iri) or not _SCHEME.match(iri):
        raise SparqlTextError(f"{what} {iri!r} is not an absolute IRI (or holds a character IRIs forbid)")
    return iri


def sparql_term(term: Node) -> str:
    r"""Write an IRI or a literal in the syntax SPARQL and N-Triples share.

    Parameters
    ----------
    term
        A `URIRef` or a `Literal`.

    Returns
    -------
    str

    Raises
    ------
    SparqlTextError
        For a blank node, a variable, an IRI that `check_iri` refuses, or a bad language tag.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> sparql_term(URIRef("urn:x"))
    '<urn:x>'
    >>> print(sparql_term(Literal('say "hi"', lang="en")))
    "say \"hi\""@en
    """
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        text = '"' + _escape(str(term)) + '"'
        if term.language:
            if not _LANGUAGE.match(term.language):
                raise SparqlTextError(f"bad language tag {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{check_iri(str(term.datatype), 'datatype IRI')}>"
        return text
    raise SparqlTextError(f"cannot write {type(term).__name__} {term!r} as a SPARQL term")


def _escape(text: str) -> str:
    r"""Escape a string for a SPARQL or N-Triples literal between double quotes.

    SPARQL expands ``\uXXXX`` everywhere before it parses, so a "u" after an escaped backslash
    would start one: that "u" is written as a code point escape itself. Code point escapes take
    the 8-digit form: rdflib reads ``\u`` followed by 8 hex digits as one code point.
    """
    out = []
    after_backslash = False
    for char in text:
        if after_backslash and char in "uU":
            out.append(f"\\U{ord(char):08X}")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(char)
        after_backslash = char == "\\"
    return "".join(out)


def ntriples(triples: Iterable[tuple[Node, Node, Node]], bnodes: dict[BNode, str] | None = None) -> str:
    """Write `triples` as N-Triples; blank nodes get short labels that stay the same across calls.

    Parameters
    ----------
    triples
        The triples.
    bnodes
        Blank node -> label, shared between calls that must agree (it is filled in).

    Returns
    -------
    str

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> print(ntriples([(URIRef("urn:a"), URIRef("urn:b"), Literal(1))]), end="")
    <urn:a> <urn:b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
    """
    labels = {} if bnodes is None else bnodes

    def write(term: Node) -> str:
        if isinstance(term, BNode):
            return "_:" + labels.setdefault(term, f"b{len(labels)}")
        return sparql_term(term)

    return "".join(f"{write(s)} {write(p)} {write(o)} .\n" for s, p, o in triples)


@lru_cache(maxsize=256)  # checked by parsing, and the same few texts come back
def with_default_graph(text: str, graph: str) -> str:
    """Make named graph `graph` the query's default graph, by a ``FROM`` clause.

    The protocol's ``default-graph-uri`` would say the same, but Virtuoso 7.2 then gets
    ``MINUS`` wrong (it removes rows at random); with ``FROM`` it answers right.

    Parameters
    ----------
    text
        A query without a dataset clause of its own.
    graph
        The graph IRI.

    Returns
    -------
    str

    Raises
    ------
    SparqlTextError
        For a bad IRI, a query that has a dataset clause already, or one without a ``WHERE``
        group.

    Examples
    --------
    >>> with_default_graph("SELECT * WHERE { ?s ?p ?o }", "urn:g")
    'SELECT * FROM <urn:g> WHERE { ?s ?p ?o }'
    """
    iri = check_iri(graph, "graph IRI")
    try:
        position = where_clause(text)
    except ValueError as exc:
        raise SparqlTextError(str(exc)) from None
    result = f"{text[:position]}FROM <{iri}> {text[position:]}"
    try:
        clause = translateQuery(parseQuery(result)).algebra.get("datasetClause") or []
    except (ParseException, RecursionError, ValueError) as exc:
        raise SparqlTextError(f"cannot add a default graph to this query: {exc}") from None
    # CompValue.get returns the key itself for a missing key: test with `in`.
    found = [(c["default"] if "default" in c else None, "named" in c) for c in clause]  # noqa: SIM401
    if found != [(URIRef(iri), False)]:
        raise SparqlTextError(
            "cannot add a default graph to this query (FROM misplaced, or one there already)"
        )
    return result
