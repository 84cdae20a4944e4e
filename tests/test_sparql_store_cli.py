"""On the command line, ``--store "sparql:URL,graph=G"`` reads what ``natokg push`` put into Virtuoso.

Each command runs in a child process, as an analyst would run it: every named query (with its
defaults, or its first example where a parameter is required) and ``natokg gaps`` print the
same JSON over the pushed graph as in memory, numbers compared by value and rows in the order
`test_virtuoso_equality` expects (it says why). ``natokg load`` fills a named graph with the
account given in the spec.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import natokg
from natokg.store_sparql import SparqlStore
from support import Virtuoso, run_natokg_process
from test_queries_differential import CASES
from test_virtuoso_equality import LONG_STRING_ORDER, VIRTUOSO_7_2_PLAN_BUGS

pytestmark = pytest.mark.slow


def first_cases() -> list[tuple[str, dict[str, object]]]:
    """Return one case a query: its defaults, else its first example that Virtuoso answers reliably."""
    chosen: dict[str, dict[str, object]] = {}
    for query_id, params in CASES:
        if (query_id, tuple(sorted(params.items()))) not in VIRTUOSO_7_2_PLAN_BUGS:
            chosen.setdefault(query_id, params)
    return list(chosen.items())


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso) -> Iterator[tuple[str, str]]:
    """The graph `natokg push` put into Virtuoso, and the spec that reads it."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    result = run_natokg_process(*virtuoso.push_args(graph))
    assert result.returncode == 0, result.stderr
    yield graph, f"sparql:{virtuoso.query_url},graph={graph}"
    virtuoso.drop(graph)


def json_output(*args: str) -> Any:
    """Run natokg with `args`; return its JSON output."""
    result = run_natokg_process(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def canonical(value: object) -> object:
    # Virtuoso writes 4.0 as 4, and may type a number otherwise: compare numbers by value.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    return value


@pytest.mark.parametrize(("query_id", "params"), first_cases(), ids=[case[0] for case in first_cases()])
def test_named_query_prints_memory_rows(
    pushed: tuple[str, str], query_id: str, params: dict[str, object]
) -> None:
    """Prints the columns and rows that the memory store prints, for the query over the pushed graph."""
    args = ["query", query_id, "--format", "json"]
    for name, value in params.items():
        args += ["-p", f"{name}={value}"]
    ours, theirs = json_output(*args, "--store", pushed[1]), json_output(*args)
    assert ours["columns"] == theirs["columns"]
    rows = [[[canonical(cell) for cell in row] for row in doc["rows"]] for doc in (ours, theirs)]
    if query_id in LONG_STRING_ORDER:
        rows = [sorted(side, key=repr) for side in rows]
    assert rows[0] == rows[1]


def test_every_named_query_runs_on_the_command_line() -> None:
    """Runs every query of the library once."""
    assert {query.id for query in natokg.list_queries()} == {query_id for query_id, _ in first_cases()}


def test_gaps_print_memory_gaps(pushed: tuple[str, str]) -> None:
    """Prints the same ranked gaps, with the same evidence, as the memory store."""
    ours = json_output("gaps", "--store", pushed[1], "--format", "json")
    assert ours["gaps"]
    assert ours == json_output("gaps", "--format", "json")


def test_load_fills_a_named_graph_with_the_spec_account(virtuoso: Virtuoso, pushed: tuple[str, str]) -> None:
    """Loads the shipped graph into the spec's named graph as the spec's user: the triples a push sends."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    account = f"user={virtuoso.user},password-file={virtuoso.password_file}"
    spec = f"sparql:{virtuoso.query_url},{virtuoso.update_url},graph={graph},{account}"
    try:
        result = run_natokg_process("load", "--store", spec)
        assert result.returncode == 0, result.stderr
        count = SparqlStore(virtuoso.query_url, graph=graph).count()
        assert count == SparqlStore(virtuoso.query_url, graph=pushed[0]).count()
        assert f"{count:,} triples (before: 0)" in " ".join(result.stderr.split())
        assert virtuoso.password not in result.stdout + result.stderr
    finally:
        virtuoso.drop(graph)


def test_load_without_the_account_changes_nothing(virtuoso: Virtuoso) -> None:
    """Exits 2 when the spec gives no account for Virtuoso's update endpoint, and writes nothing."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    result = run_natokg_process(
        "load", "--store", f"sparql:{virtuoso.query_url},{virtuoso.update_url},graph={graph}"
    )
    assert result.returncode == 2
    assert "401" in result.stderr
    assert SparqlStore(virtuoso.query_url, graph=graph).count() == 0
