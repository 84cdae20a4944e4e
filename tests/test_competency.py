"""Competency questions: what an analyst asks of the report, answered by the graph.

The questions, their SPARQL and the answers the report gives (with the paragraph) live in
``competency_questions.toml`` beside this file, so an analyst can read and extend them.
Each answer is compared as a set of rows unless the question says ``ordered = true``.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal

import natokg

QUESTIONS_FILE = Path(__file__).with_name("competency_questions.toml")
PREFIXES = """
PREFIX nkg: <https://w3id.org/natokg/ontology#>
PREFIX nkgid: <https://w3id.org/natokg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _questions() -> list[dict[str, Any]]:
    with QUESTIONS_FILE.open("rb") as handle:
        return list(tomllib.load(handle)["question"])


QUESTIONS = _questions()


@pytest.fixture(scope="module")
def store() -> natokg.Store:
    return natokg.load_graph().store


def _cell(value: object) -> str:
    """Render a result cell; numbers by value, so that 25.0 and 25 read alike."""
    if value is None:
        return ""
    if isinstance(value, Literal) and isinstance(value.value, int | float | Decimal):
        return format(Decimal(str(value.value)).normalize(), "f")
    return str(value)


def test_there_are_at_least_forty_questions() -> None:
    """Holds at least 40 competency questions, each with a unique id and a paragraph."""
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert all(q.get("paragraph") for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_graph_answers_as_the_report_does(store: natokg.Store, question: dict[str, Any]) -> None:
    """Answers the question with exactly the rows the report supports."""
    result = store.query(PREFIXES + question["sparql"])
    if result.type == "ASK":
        assert result.askAnswer is question["expected"], question["question"]
        return
    rows = [[_cell(value) for value in row] for row in result]  # type: ignore[union-attr]
    expected = [[str(v) for v in (row if isinstance(row, list) else [row])] for row in question["expected"]]
    if question.get("ordered", False):
        assert rows == expected, question["question"]
    else:
        assert sorted(rows) == sorted(expected), question["question"]
