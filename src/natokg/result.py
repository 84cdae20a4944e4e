r"""The result of a query: column names and rows of RDF terms, and their conversions.

Formats
-------
Two kinds of output, for two kinds of reader:

- for people (`QueryResult.to_markdown`, and the command line's table): IRIs compact
  (``nkgid:japan``) where a prefix is known, literals as their text;
- for programs (`QueryResult.to_csv`, `QueryResult.to_tsv`, `QueryResult.to_json`,
  `QueryResult.to_dataframe`): IRIs in full, literals as their text.

The JSON document is a stable contract::

    {"columns": ["nation", "label"],
     "rows": [["https://w3id.org/natokg/id/japan", "Japan"], ...]}

``columns`` lists the variables in the query's order; each row has one cell per column:
``null`` when unbound, a JSON number for ``xsd:integer``, ``xsd:decimal``, ``xsd:double`` and
``xsd:float`` (and their derived integer types), ``true``/``false`` for ``xsd:boolean``, and a
string otherwise (a full IRI, a blank node as ``_:id``, a literal's text without its language
tag or datatype). An ASK query gives the one column ``ask`` and one row ``[true]`` or
``[false]``; CONSTRUCT and DESCRIBE give the columns ``subject``, ``predicate``, ``object``.

CSV follows RFC 4180 (comma, double quotes, CRLF line ends), with the column names as its
first line and an empty cell for an unbound value. TSV uses a tab, a newline line end and
escapes ``\t``, ``\n``, ``\r`` and ``\\`` in cells.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = ["QueryResult", "compact", "python_value", "text_value"]

Cell = Node | None

_INTEGER_TYPES = {
    XSD.integer,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.nonPositiveInteger,
    XSD.negativeInteger,
    XSD.unsignedLong,
    XSD.unsignedInt,
    XSD.unsignedShort,
    XSD.unsignedByte,
}
_FLOAT_TYPES = {XSD.decimal, XSD.double, XSD.float}
# A local name that reads well after a prefix (a subset of SPARQL's PN_LOCAL).
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_value(node: Cell) -> str:
    """Return a cell as programs read it: a full IRI, ``_:id``, a literal's text, or ``""``.

    Examples
    --------
    >>> text_value(URIRef("https://w3id.org/natokg/id/japan"))
    'https://w3id.org/natokg/id/japan'
    >>> text_value(None)
    ''
    """
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def python_value(node: Cell) -> str | int | float | bool | None:
    """Return a cell as a JSON-ready Python value (see the module's contract).

    Examples
    --------
    >>> python_value(Literal(3))
    3
    >>> python_value(Literal("Japan", lang="en"))
    'Japan'
    """
    if isinstance(node, Literal) and node.datatype is not None:
        value = node.value
        try:
            if node.datatype in _INTEGER_TYPES and isinstance(value, int):
                return int(value)
            if node.datatype in _FLOAT_TYPES and isinstance(value, int | float | Decimal):
                number = float(value)
                return number if math.isfinite(number) else text_value(node)
            if node.datatype == XSD.boolean and isinstance(value, bool):
                return value
        except (TypeError, ValueError, OverflowError):
            return text_value(node)
    return None if node is None else text_value(node)


def compact(node: Cell, namespaces: Mapping[str, str]) -> str:
    """Return a cell as people read it: ``nkgid:japan`` where a prefix fits, else the text.

    Parameters
    ----------
    node
        An RDF term or None.
    namespaces
        Prefix -> namespace IRI.

    Returns
    -------
    str

    Examples
    --------
    >>> compact(URIRef("https://w3id.org/natokg/id/japan"), {"nkgid": "https://w3id.org/natokg/id/"})
    'nkgid:japan'
    """
    if isinstance(node, URIRef):
        text = str(node)
        best: tuple[str, str] | None = None
        for prefix, namespace in namespaces.items():
            fits = namespace and text.startswith(namespace) and _LOCAL.match(text[len(namespace) :])
            if fits and (best is None or len(namespace) > len(best[1])):
                best = (prefix, namespace)
        return text if best is None else f"{best[0]}:{text[len(best[1]) :]}"
    return text_value(node)


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT query (or the answer of an ASK, the triples of a CONSTRUCT).

    Attributes
    ----------
    columns
        The variable names, in the query's order.
    rows
        One tuple per solution, one RDF term (or None when unbound) per column.
    query_id
        The named query's id, or None for an ad hoc query.
    namespaces
        Prefix -> namespace, used to show IRIs compactly.

    Examples
    --------
    >>> result = QueryResult(("n",), ((Literal(1),), (Literal(2),)))
    >>> len(result), result.columns
    (2, ('n',))
    >>> result.to_json()
    '{"columns": ["n"], "rows": [[1], [2]]}'
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    query_id: str | None = None
    namespaces: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Cell, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Cell]]:
        """Return the rows as dictionaries, column name -> RDF term (or None)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def values(self) -> list[list[str | int | float | bool | None]]:
        """Return the rows with JSON-ready Python values (see `python_value`)."""
        return [[python_value(cell) for cell in row] for row in self.rows]

    def column(self, name: str) -> list[Cell]:
        """Return the cells of one column.

        Raises
        ------
        KeyError
            If there is no such column.
        """
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; columns are {', '.join(self.columns)}")
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def compact_rows(self) -> list[list[str]]:
        """Return the rows as people read them (compact IRIs, literal text, ``""`` for unbound)."""
        return [[compact(cell, self.namespaces) for cell in row] for row in self.rows]

    def to_json(self, *, indent: int | None = None) -> str:
        """Return ``{"columns": [...], "rows": [[...], ...]}`` (see the module's contract)."""
        document = {"columns": list(self.columns), "rows": self.values()}
        return json.dumps(document, ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        """Return RFC 4180 CSV: a header line, then one line per row, full IRIs."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([text_value(cell) for cell in row] for row in self.rows)
        return buffer.getvalue()

    def to_tsv(self) -> str:
        r"""Return tab-separated values; ``\t``, ``\n``, ``\r`` and ``\\`` in cells are escaped."""
        lines = ["\t".join(c.translate(_TSV_ESCAPES) for c in self.columns)]
        lines += ["\t".join(text_value(cell).translate(_TSV_ESCAPES) for cell in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """Return a GitHub-flavoured Markdown table, compact IRIs; ``|`` and newlines escaped."""

        def cell(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")

        lines = ["| " + " | ".join(cell(c) for c in self.columns) + " |"]
        lines.append("|" + "|".join(" --- " for _ in self.columns) + "|")
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.compact_rows()]
        return "\n".join(lines) + "\n"

    def _repr_markdown_(self) -> str:  # shown by Jupyter
        return self.to_markdown()

    def to_dataframe(self) -> Any:
        """Return a pandas DataFrame (``pip install 'natokg[pandas]'``), cells as in `values`.

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        try:
            pandas = importlib.import_module("pandas")
        except ImportError:
            raise ImportError("QueryResult.to_dataframe needs pandas: pip install 'natokg[pandas]'") from None
        return pandas.DataFrame(self.values(), columns=list(self.columns))

    def to_graph(self) -> Graph:
        """Return the triples of a CONSTRUCT or DESCRIBE result as a graph.

        Raises
        ------
        ValueError
            If the result is not a graph result.
        """
        if self.columns != ("subject", "predicate", "object"):
            raise ValueError("only a CONSTRUCT or DESCRIBE result holds triples")
        graph = Graph()
        for prefix, namespace in self.namespaces.items():
            graph.bind(prefix, namespace)
        for s, p, o in self.rows:
            if s is not None and p is not None and o is not None:
                graph.add((s, p, o))
        return graph

    @property
    def ask(self) -> bool | None:
        """The answer of an ASK query; None for other results."""
        if self.columns == ("ask",) and len(self.rows) == 1:
            value = self.rows[0][0]
            if isinstance(value, Literal) and isinstance(value.value, bool):
                return value.value
        return None
