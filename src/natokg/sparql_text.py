"""RDF terms written as SPARQL and N-Triples text, and parameters bound as a ``VALUES`` block.

A remote endpoint cannot take rdflib's ``initBindings``: the values have to travel inside the
query text. They never do as pasted user text. Each value is an RDF term, written by
`sparql_term` (which checks every IRI and language tag and escapes every string), and
`bind_values` joins them as a ``VALUES`` block at the start of the query's outer ``WHERE``
group, then parses the result back and checks that the block holds exactly those terms, at
that place, and that nothing else changed. It is the form rdflib's ``initBindings`` and a
``VALUES`` join agree on for the library's queries (``tests/test_queries_differential.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pyparsing import ParseException
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier, Node

from natokg.params import valid_name

__all__ = ["SparqlTextError", "bind_values", "check_iri", "ntriples", "sparql_term", "with_default_graph"]

# IRIREF of SPARQL 1.1 and N-Triples: no spaces, controls, or <>"{}|^`\ inside.
_IRI = re.compile(r'^[^\x00-\x20<>"{}|^`\\]*$')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Where the VALUES block may sit: reached from the query only through these nodes' inner
# pattern (`p`, or the left side `p1` of OPTIONAL and MINUS, or either side of a join).
_THROUGH = {
    "SelectQuery": {"p"},
    "AskQuery": {"p"},
    "ConstructQuery": {"p"},
    "DescribeQuery": {"p"},
    "Project": {"p"},
    "Distinct": {"p"},
    "Reduced": {"p"},
    "Slice": {"p"},
    "OrderBy": {"p"},
    "Extend": {"p"},
    "Group": {"p"},
    "AggregateJoin": {"p"},
    "Filter": {"p"},
    "Join": {"p1", "p2"},
    "LeftJoin": {"p1"},
    "Minus": {"p1"},
    "ToMultiSet": {"p"},
}


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


def bind_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind variables of a query by a ``VALUES`` block at the start of its outer ``WHERE`` group.

    Parameters
    ----------
    text
        A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).
    bindings
        Variable name -> IRI or literal.

    Returns
    -------
    str
        The query with the block added; the rest of the text is unchanged.

    Raises
    ------
    SparqlTextError
        For a bad variable name or term, a query without a ``WHERE`` group, or when the
        result does not parse back to exactly this binding at the outer level.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("urn:a")})
    'SELECT ?o WHERE { VALUES (?s) { (<urn:a>) } ?s ?p ?o }'
    """
    if not bindings:
        return text
    for name in bindings:
        if not valid_name(name):
            raise SparqlTextError(f"{name!r} is not a variable name")
    names = sorted(bindings)
    row = " ".join(sparql_term(bindings[name]) for name in names)
    block = "VALUES (" + " ".join(f"?{name}" for name in names) + ") { (" + row + ") }"
    position = _where_group(text)[1]
    bound = f"{text[:position]} {block}{text[position:]}"
    expected = {Variable(name): bindings[name] for name in names}
    _verify(text, bound, expected)
    return bound


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
    position = _where_group(text)[0]
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


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """Yield ``(token, end)`` for the brackets and words of a query.

    Comments, strings and IRIs are skipped: a bracket or a keyword means nothing in them.
    """
    index, length = 0, len(text)
    word = re.compile(r"[?$]?[A-Za-z_][\w.-]*(?::[\w.%-]*)?|:[\w.%-]*")
    iri = re.compile(r'<[^\x00-\x20<>"{}|^`\\]*>')
    while index < length:
        char = text[index]
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end + 1
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            end = index + len(quote)
            while end < length and not text.startswith(quote, end):
                end += 2 if text[end] == "\\" else 1
            index = end + len(quote)
        elif char == "<" and (match := iri.match(text, index)):
            index = match.end()
        elif char in "{}()":
            index += 1
            yield char, index
        elif match := word.match(text, index):
            index = match.end()
            yield match.group(), index
        else:
            index += 1


def _where_group(text: str) -> tuple[int, int]:
    """Return where the query's outer ``WHERE`` clause starts, and the position after its ``{``.

    The clause starts at its keyword, or at its ``{`` when the keyword is left out.
    """
    form = ""
    depth = 0
    template = False  # inside, or just before, a CONSTRUCT template
    where = -1
    for token, end in _tokens(text):
        if not form:
            if token.upper() in _FORMS:
                form = token.upper()
                template = form == "CONSTRUCT"
            continue
        if token in "({":
            if depth == 0 and token == "{" and not template:
                return (where if where >= 0 else end - 1), end
            depth += 1
        elif token in ")}":
            depth -= 1
            if depth == 0:
                template = False
        elif depth == 0:
            template = False  # CONSTRUCT WHERE { ... } has no template
            where = end - len(token) if token.upper() == "WHERE" else -1
    raise SparqlTextError("the query has no WHERE group")


def _verify(original: str, bound: str, expected: Mapping[Variable, Identifier]) -> None:
    """Check that `bound` parses, with `expected` as one more VALUES block at the outer level."""
    try:
        before = list(_values_nodes(translateQuery(parseQuery(original)).algebra, outer=True))
        after = list(_values_nodes(translateQuery(parseQuery(bound)).algebra, outer=True))
    except (ParseException, RecursionError, ValueError) as exc:
        raise SparqlTextError(f"parameters cannot be bound to this query: {exc}") from None
    added = [(rows, outer) for rows, outer in after if (rows, outer) not in before]
    if len(after) != len(before) + 1 or not any(outer and rows == [dict(expected)] for rows, outer in added):
        raise SparqlTextError("parameters cannot be bound safely to this query (the VALUES block misplaced)")


def _values_nodes(node: Any, *, outer: bool) -> Iterator[tuple[list[dict[Variable, Identifier]], bool]]:
    """Yield each VALUES table of an algebra tree and whether it is joined at the outer level."""
    if isinstance(node, CompValue):
        if node.name == "values":
            yield [dict(row) for row in node.get("res") or []], outer
            return
        through = _THROUGH.get(node.name, set())
        for key, child in node.items():
            yield from _values_nodes(child, outer=outer and key in through)
    elif isinstance(node, list | tuple):
        for child in node:
            yield from _values_nodes(child, outer=False)
