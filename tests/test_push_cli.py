"""``natokg push``: options checked before anything is sent, clear errors, a verified push."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

import natokg
from natokg.cli import app
from natokg.store_sparql import SparqlStore
from support import FIXTURES, RunNatokg, Virtuoso

runner = CliRunner()
NOWHERE = "http://127.0.0.1:9/sparql"  # nothing listens here
GRAPH = "https://w3id.org/natokg/graph"


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text("secret\n", encoding="utf-8")
    return path


def test_help_lists_the_options() -> None:
    """Prints usage with the endpoint, graph and password-file options."""
    result = runner.invoke(app, ["push", "--help"])
    assert result.exit_code == 0
    assert all(option in result.output for option in ("--endpoint", "--graph", "--password-file"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint", "ftp://127.0.0.1/sparql", "--graph", GRAPH], "not an http"),
        (["--endpoint", NOWHERE, "--graph", "not an iri"], "graph IRI"),
        (["--endpoint", NOWHERE, "--graph", "urn:g> } DROP ALL #"], "graph IRI"),
        (["--endpoint", NOWHERE, "--graph", GRAPH, "--graph-store", "file:///tmp/x"], "not an http"),
        (["--endpoint", NOWHERE, "--graph", GRAPH, "--user", "dba"], "--password-file"),
        (["--endpoint", "http://dba:pw@127.0.0.1:9/sparql", "--graph", GRAPH], "not in the URL"),
        (
            [
                "--endpoint",
                "http://store.example.org/sparql",
                "--graph",
                GRAPH,
                "--user",
                "dba",
                "--auth",
                "basic",
            ],
            "in clear",
        ),
    ],
    ids=[
        "ftp-endpoint",
        "relative-graph",
        "graph-injection",
        "file-graph-store",
        "user-without-password",
        "password-in-url",
        "basic-over-http",
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(
    args: list[str], message: str, password_file: Path
) -> None:
    """Exits 2 with a message naming the bad option, before any request."""
    if "--auth" in args:
        args = [*args, "--password-file", str(password_file)]
    result = runner.invoke(app, ["push", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert ":pw@" not in result.output  # a password in a URL is never repeated


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the password file"), ("", "must hold one line"), ("a\nb\n", "must hold one line")],
    ids=["missing", "empty", "two-lines"],
)
def test_bad_password_files_are_refused(tmp_path: Path, content: str | None, message: str) -> None:
    """Exits 2 naming the password file when it is missing, empty or holds more than a line."""
    path = tmp_path / "password"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(
        app, ["push", "--endpoint", NOWHERE, "--graph", GRAPH, "--user", "dba", "--password-file", str(path)]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert str(path.name) in result.output


def test_missing_required_options_exit_2() -> None:
    """Exits 2 when the endpoint or the graph is missing."""
    assert runner.invoke(app, ["push", "--graph", GRAPH]).exit_code == 2
    assert runner.invoke(app, ["push", "--endpoint", NOWHERE]).exit_code == 2


def test_bad_data_files_are_refused_before_anything_is_sent() -> None:
    """Exits 2 naming the data file that does not load."""
    bad = FIXTURES / "invalid" / "malformed.ttl"
    result = runner.invoke(app, ["push", "--endpoint", NOWHERE, "--graph", GRAPH, str(bad)])
    assert result.exit_code == 2
    assert "malformed.ttl" in result.output


def test_an_unreachable_store_is_a_clear_error() -> None:
    """Exits 2 naming the endpoint when nothing answers there."""
    result = runner.invoke(app, ["push", "--endpoint", NOWHERE, "--graph", GRAPH])
    assert result.exit_code == 2
    assert "push failed" in result.output
    assert "127.0.0.1:9" in result.output


@pytest.mark.slow
def test_push_command_replaces_the_graph(virtuoso: Virtuoso, run_natokg: RunNatokg) -> None:
    """Pushes the shipped graph, prints the verified count on stdout and exits 0."""
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    try:
        result = run_natokg(*virtuoso.push_args(graph))
        assert result.returncode == 0, result.stderr
        count = SparqlStore(virtuoso.query_url, graph=graph).count()
        assert result.stdout.startswith(f"pushed {count} triples to <{graph}>")
        assert virtuoso.password not in result.stdout + result.stderr
    finally:
        virtuoso.drop(graph)


def test_a_store_that_is_not_there_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    """Exits 2 naming the empty Oxigraph store given with --store, and refuses files beside it."""
    spec = f"oxigraph:{tmp_path / 'none'}"
    result = runner.invoke(app, ["push", "--endpoint", NOWHERE, "--graph", GRAPH, "--store", spec])
    assert result.exit_code == 2
    assert "no store there yet" in result.output
    beside = runner.invoke(
        app,
        [
            "push",
            "--endpoint",
            NOWHERE,
            "--graph",
            GRAPH,
            "--store",
            spec,
            str(FIXTURES / "invalid" / "malformed.ttl"),
        ],
    )
    assert beside.exit_code == 2
    assert "already holds its data" in beside.output


@pytest.mark.slow
def test_push_from_an_oxigraph_store(virtuoso: Virtuoso, run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Pushes what `natokg load` put into an Oxigraph store: the memory push's count, nothing parsed again."""
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert run_natokg("load", "--store", spec).returncode == 0
    graph = f"https://w3id.org/natokg/test/{uuid.uuid4()}"
    try:
        result = run_natokg(*virtuoso.push_args(graph), "--store", spec)
        assert result.returncode == 0, result.stderr
        expected = len(list(natokg.load_graph().store.triples()))
        assert SparqlStore(virtuoso.query_url, graph=graph).count() == expected
        assert result.stdout.startswith(f"pushed {expected} triples to <{graph}>")
    finally:
        virtuoso.drop(graph)


def test_a_store_that_does_not_answer_is_a_clear_error() -> None:
    """Exits 2 naming the endpoint, without a traceback, when a reading command's store does not answer."""
    result = runner.invoke(app, ["info", "--store", "sparql:http://127.0.0.1:9/sparql"])
    assert result.exit_code == 2
    assert "cannot read the store" in result.output
    assert "Traceback" not in result.output
