"""Query results in the SPARQL 1.1 result formats and RDF syntaxes, cut at a row cap.

rdflib writes the JSON, XML and CSV result formats and the RDF syntaxes; the
tab-separated format (terms in Turtle syntax, ``?``-prefixed header) is written here.
"""

from __future__ import annotations

from itertools import islice

from rdflib import Graph, Variable
from rdflib.query import Result
from rdflib.term import Node

__all__ = ["serialize_result"]


def serialize_result(result: Result, fmt: str, max_rows: int) -> tuple[bytes, bool]:
    r"""Serialize at most `max_rows` rows (or triples) of `result`.

    Parameters
    ----------
    result
        A SELECT, ASK, CONSTRUCT or DESCRIBE result (rdflib evaluates SELECT lazily, so
        rows past the cap are never computed when the query has no ``ORDER BY``).
    fmt
        ``json``, ``xml``, ``csv`` or ``tsv`` for SELECT and ASK; an rdflib RDF syntax
        (``turtle``, ``nt``, ``json-ld``, ``xml``) for CONSTRUCT and DESCRIBE.
    max_rows
        The row cap.

    Returns
    -------
    tuple
        The bytes, and whether rows were cut.

    Examples
    --------
    >>> from rdflib import Graph
    >>> result = Graph().query("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    >>> serialize_result(result, "csv", 2)
    (b'n\r\n1\r\n2\r\n', True)
    """
    if result.type == "ASK":
        answer = Result("ASK")
        answer.askAnswer = bool(result.askAnswer)
        return _bytes(answer.serialize(format=fmt, encoding="utf-8")), False
    if result.type == "SELECT":
        variables = list(result.vars or [])
        rows = [row.asdict() for row in islice(result, max_rows + 1)]  # type: ignore[union-attr]
        truncated = len(rows) > max_rows
        bindings = [{Variable(k): v for k, v in row.items()} for row in rows[:max_rows]]
        if fmt == "tsv":
            return _tsv(variables, bindings), truncated
        capped = Result("SELECT")
        capped.vars = variables
        capped.bindings = bindings  # type: ignore[assignment]
        return _bytes(capped.serialize(format=fmt, encoding="utf-8")), truncated
    source = result.graph if result.graph is not None else Graph()
    triples = list(islice(source, max_rows + 1))
    graph = Graph()
    for prefix, namespace in source.namespaces():
        graph.bind(prefix, namespace, override=False)
    for triple in triples[:max_rows]:
        graph.add(triple)
    return graph.serialize(format=fmt, encoding="utf-8"), len(triples) > max_rows


def _bytes(data: bytes | None) -> bytes:
    return data or b""


def _tsv(variables: list[Variable], bindings: list[dict[Variable, Node]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in bindings:
        cells = [row[v].n3() if row.get(v) is not None else "" for v in variables]
        lines.append("\t".join(c.replace("\t", "\\t").replace("\n", "\\n") for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")
