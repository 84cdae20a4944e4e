"""Validation: SHACL shapes and check queries, reported with files and lines."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from natokg import LoadError, Problem, ValidationReport, load_graph, validate
from natokg.store import MemoryStore
from support import FIXTURES


@functools.cache
def report_for(name: str) -> ValidationReport:
    """Validate the shipped ontology plus one fixture file (once per test run)."""
    loaded = load_graph([FIXTURES / name])
    return validate(loaded.store, locations=loaded.locations)


def in_file(report: ValidationReport, name: str) -> list[Problem]:
    """Return the problems located in the fixture file `name`."""
    return [p for p in report.problems if p.file is not None and p.file.endswith(name)]


@pytest.mark.parametrize("name", ["valid/minimal.ttl", "valid/bom.ttl"])
def test_valid_fixture_conforms(name: str) -> None:
    """Finds no problem in a valid fixture."""
    report = report_for(name)
    assert report.conforms, str(report)
    assert report.problems == ()


def test_claim_without_source_is_a_violation() -> None:
    """Reports a claim without nkg:source, naming the claim, its label, file and line."""
    report = report_for("invalid/claim-without-source.ttl")
    assert not report.conforms
    problems = [p for p in in_file(report, "claim-without-source.ttl") if p.path == "nkg:source"]
    assert problems, str(report)
    problem = problems[0]
    assert problem.focus_curie == "nkgid:cap-japan-robotics"
    assert problem.focus == "https://w3id.org/natokg/id/cap-japan-robotics"
    assert problem.label == "Japan: robotics"
    assert problem.line == 10
    assert problem.severity == "Violation"
    assert "MinCountConstraintComponent" in problem.rule


def test_bad_datatype_is_a_violation() -> None:
    """Reports a paragraph number written as a word as a datatype violation."""
    report = report_for("invalid/bad-datatype.ttl")
    assert not report.conforms
    rules = {p.rule for p in in_file(report, "bad-datatype.ttl") if p.value == '"seventeen"'}
    assert any("DatatypeConstraintComponent" in rule for rule in rules), str(report)


def test_undeclared_term_is_caught_by_a_check_query() -> None:
    """Reports a term of the nkg namespace that the ontology does not declare."""
    report = report_for("invalid/undeclared-term.ttl")
    assert not report.conforms
    problems = [p for p in in_file(report, "undeclared-term.ttl") if "notARealTerm" in (p.value or "")]
    assert problems, str(report)
    assert problems[0].rule == "checks/undeclared-term-violation.rq"
    assert problems[0].focus_curie == "nkgid:japan"


def test_check_query_rows_become_problems(tmp_path: Path) -> None:
    """Turns each row of a check query into a problem, using ?focus and ?message."""
    check = tmp_path / "no-japan-violation.rq"
    check.write_text(
        "#+ summary: Japan must not appear\n"
        "SELECT ?focus ?message WHERE {\n"
        "  BIND(<https://w3id.org/natokg/id/japan> AS ?focus) ?focus ?p ?o .\n"
        '  BIND("no Japan here" AS ?message)\n'
        "} LIMIT 1\n"
    )
    loaded = load_graph([FIXTURES / "valid" / "minimal.ttl"])
    report = validate(loaded.store, locations=loaded.locations, checks=[check])
    assert not report.conforms
    (problem,) = report.problems
    assert (problem.focus_curie, problem.message, problem.rule) == (
        "nkgid:japan",
        "no Japan here",
        f"{tmp_path.name}/no-japan-violation.rq",
    )
    assert problem.where.endswith("minimal.ttl:9")


def test_broken_check_query_is_an_error(tmp_path: Path) -> None:
    """Raises LoadError naming a check query that does not parse, rather than passing."""
    check = tmp_path / "broken-violation.rq"
    check.write_text("SELECT WHERE {")
    with pytest.raises(LoadError, match=r"broken-violation\.rq: check query failed"):
        validate(MemoryStore(), checks=[check])


def test_report_renders_one_block_per_problem() -> None:
    """Renders each problem as a block headed by file:line and severity, then a summary."""
    report = report_for("invalid/claim-without-source.ttl")
    text = str(report)
    blocks = text.split("\n\n")
    assert len(blocks) == len(report.problems) + 1
    assert "claim-without-source.ttl:10: Violation\n  focus    nkgid:cap-japan-robotics" in text
    assert blocks[-1].startswith("does not conform: ")


def test_problems_are_sorted_violations_first() -> None:
    """Orders problems by severity, then file and line."""
    report = report_for("invalid/bad-datatype.ttl")
    keys = [p.sort_key() for p in report.problems]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("name", "check", "needle"),
    [
        ("invalid/dangling-reference.ttl", "checks/dangling-reference-violation.rq", "nkgid:jpan"),
        ("invalid/duplicate-label.ttl", "checks/duplicate-label-violation.rq", "japan"),
        ("invalid/paragraph-out-of-range.ttl", "checks/paragraph-range-violation.rq", "65"),
        ("invalid/paragraph-out-of-range.ttl", "checks/uncovered-paragraph-violation.rq", "para-17"),
    ],
)
def test_check_query_catches_its_defect(name: str, check: str, needle: str) -> None:
    """Reports the defect a check query exists for, naming the offending node or value."""
    report = report_for(name)
    assert not report.conforms
    hits = [p for p in report.problems if p.rule == check]
    assert hits, str(report)
    assert any(needle in str(p) for p in hits), str(report)
