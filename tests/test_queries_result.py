"""QueryResult: rows, columns and the documented conversions (CSV, TSV, JSON, Markdown, pandas)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import natokg
from natokg.result import QueryResult, compact

JAPAN = URIRef("https://w3id.org/natokg/id/japan")
NAMESPACES = {"nkgid": "https://w3id.org/natokg/id/"}
TRICKY = QueryResult(
    ("entity", "text", "n", "x", "flag", "missing"),
    (
        (
            JAPAN,
            Literal('a "quoted", tab\there\nnew line | pipe \\ back', lang="en"),
            Literal(3),
            Literal(Decimal("0.8"), datatype=XSD.decimal),
            Literal(True),
            None,
        ),
    ),
    namespaces=NAMESPACES,
)


def test_json_is_the_documented_contract() -> None:
    """Writes {"columns": [...], "rows": [[...]]} with numbers, booleans, null and full IRIs."""
    document = json.loads(TRICKY.to_json())
    assert document == {
        "columns": ["entity", "text", "n", "x", "flag", "missing"],
        "rows": [[str(JAPAN), 'a "quoted", tab\there\nnew line | pipe \\ back', 3, 0.8, True, None]],
    }


def test_csv_round_trips_through_a_csv_reader() -> None:
    """Writes RFC 4180 CSV that a reader turns back into the same cells."""
    text = TRICKY.to_csv()
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        list(TRICKY.columns),
        [str(JAPAN), 'a "quoted", tab\there\nnew line | pipe \\ back', "3", "0.8", "true", ""],
    ]


def test_tsv_escapes_tabs_newlines_and_backslashes() -> None:
    """Keeps one line per row by escaping tab, newline and backslash in cells."""
    lines = TRICKY.to_tsv().splitlines()
    assert len(lines) == 2
    assert lines[1].split("\t")[1] == 'a "quoted", tab\\there\\nnew line | pipe \\\\ back'


def test_markdown_escapes_pipes_and_shows_compact_iris() -> None:
    """Writes one table row per result row, pipes escaped and IRIs compact."""
    lines = TRICKY.to_markdown().splitlines()
    assert lines[0] == "| entity | text | n | x | flag | missing |"
    assert lines[2].startswith("| nkgid:japan | ")
    assert "\\|" in lines[2]
    assert len(lines) == 3


def test_dataframe_has_the_columns_and_python_values() -> None:
    """Converts to a pandas DataFrame with one column per variable."""
    frame = TRICKY.to_dataframe()
    assert list(frame.columns) == list(TRICKY.columns)
    assert frame.iloc[0]["n"] == 3
    assert frame.iloc[0]["entity"] == str(JAPAN)


def test_records_and_columns() -> None:
    """Gives rows as dictionaries and one column by name, refusing an unknown one."""
    assert TRICKY.records()[0]["entity"] == JAPAN
    assert TRICKY.column("n") == [Literal(3)]
    with pytest.raises(KeyError, match="no column 'nope'"):
        TRICKY.column("nope")


def test_compact_uses_the_longest_matching_prefix() -> None:
    """Shows an IRI with the longest prefix that fits, or in full when none does."""
    spaces = {"a": "urn:x:", "ab": "urn:x:y/"}
    assert compact(URIRef("urn:x:y/z"), spaces) == "ab:z"
    assert compact(URIRef("urn:x:q"), spaces) == "a:q"
    assert compact(URIRef("urn:other"), spaces) == "urn:other"
    assert compact(URIRef("urn:x:has space"), spaces) == "urn:x:has space"


def test_ask_and_construct_results() -> None:
    """Answers ASK as one boolean cell and CONSTRUCT as subject, predicate, object rows."""
    store = natokg.open_graph()
    ask = natokg.sparql(store, "ASK { nkgid:rok rdfs:label ?l }")
    assert ask.ask is True
    assert json.loads(ask.to_json()) == {"columns": ["ask"], "rows": [[True]]}
    construct = natokg.sparql(
        store, "CONSTRUCT { nkgid:rok rdfs:label ?l } WHERE { nkgid:rok rdfs:label ?l }"
    )
    assert construct.columns == ("subject", "predicate", "object")
    expected = Graph()
    expected.add(
        (
            URIRef("https://w3id.org/natokg/id/rok"),
            URIRef(str(natokg.queries.DEFAULT_PREFIXES["rdfs"]) + "label"),
            Literal("Republic of Korea", lang="en"),
        )
    )
    assert isomorphic(construct.to_graph(), expected)
    with pytest.raises(ValueError, match="only a CONSTRUCT"):
        ask.to_graph()
