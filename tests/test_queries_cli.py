"""The query commands: `natokg queries`, `natokg query` and `natokg sparql`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natokg.cli import app
from natokg.queries import list_queries
from support import FIXTURES, RunNatokg

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout_bytes.decode(), result.stderr_bytes.decode()


@pytest.mark.parametrize("command", ["queries", "query", "sparql"])
def test_query_commands_have_help(command: str) -> None:
    """Prints usage for --help on each query command."""
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "Usage" in out


def test_queries_lists_every_query_in_an_aligned_table() -> None:
    """Lists every query with its kind and parameters, required ones starred, in aligned columns."""
    code, out, _ = invoke("queries")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.split()[:4] == ["id", "kind", "summary", "params"])
    kind_column = header.index("kind")
    for query in list_queries():
        line = next(line for line in lines if line.startswith(f" {query.id} "))
        assert line[kind_column:].startswith(query.kind)
    strengths = next(line for line in lines if line.startswith(" partner-strengths "))
    assert "partner*" in strengths


def test_queries_filters_by_kind_and_formats_as_json() -> None:
    """Lists only gap queries as JSON with the id, kind, summary and params columns."""
    code, out, _ = invoke("queries", "--kind", "gap", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["columns"] == ["id", "kind", "summary", "params"]
    assert {row[1] for row in document["rows"]} == {"gap"}
    assert len(document["rows"]) == len(list_queries(kind="gap"))


def test_queries_shows_one_query_in_full() -> None:
    """Shows a query's parameters with their types and its SPARQL text."""
    code, out, _ = invoke("queries", "partner-frameworks")
    assert code == 0
    assert "as_of" in out
    assert "date" in out
    assert "SELECT ?partner ?framework" in out


def test_query_runs_with_parameters_as_a_table() -> None:
    """Prints the ROK's frameworks as a table on stdout and the row count on stderr."""
    code, out, err = invoke("query", "partner-frameworks", "-p", "partner=ROK", "-p", "as_of=2016")
    assert code == 0, err
    assert "nkgid:ipcp" in out
    assert "2017-11" not in out
    assert "7 rows" in err


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "md"])
def test_query_formats_are_exact(fmt: str) -> None:
    """Writes CSV, TSV, JSON and Markdown with the columns and full or compact IRIs as documented."""
    code, out, _ = invoke("query", "framework-members", "-p", "framework=STO-EOP", "--format", fmt)
    assert code == 0
    columns = ["member", "stated", "role", "since", "renewed", "until", "paragraph"]
    japan = "https://w3id.org/natokg/id/japan"
    role = "https://w3id.org/natokg/ontology#MemberRole"
    if fmt == "csv":
        assert out == ",".join(columns) + "\r\n" + f"{japan},member,{role},2021-02,,,48\r\n"
        assert list(csv.reader(io.StringIO(out)))[1][0] == japan
    elif fmt == "tsv":
        assert out == "\t".join(columns) + "\n" + f"{japan}\tmember\t{role}\t2021-02\t\t\t48\n"
    elif fmt == "json":
        assert json.loads(out) == {
            "columns": columns,
            "rows": [[japan, "member", role, "2021-02", None, None, 48]],
        }
    else:
        assert out.splitlines() == [
            "| " + " | ".join(columns) + " |",
            "|" + "|".join(" --- " for _ in columns) + "|",
            "| nkgid:japan | member | nkg:MemberRole | 2021-02 |  |  | 48 |",
        ]


@pytest.mark.parametrize(
    ("name", "check"), [("out.csv", "member,stated"), ("out.json", '"columns"'), ("out.md", "| ---")]
)
def test_output_format_is_guessed_from_the_extension(tmp_path: Path, name: str, check: str) -> None:
    """Writes the file atomically in the format its extension names."""
    target = tmp_path / name
    code, out, err = invoke("query", "framework-members", "-p", "framework=STO-EOP", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert check in target.read_text(encoding="utf-8")
    assert "wrote 1 rows" in err or "wrote 1 row" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "partner-strengths"], "parameter 'partner': missing"),
        (["query", "partner-strengths", "-p", "partner=Japan", "-p", "colour=red"], "parameter 'colour'"),
        (["query", "partner-strengths", "-p", "partner"], "write it as NAME=VALUE"),
        (["query", "partner-strengths", "-p", "partner=Japan", "-p", "partner=ROK"], "given twice"),
        (["query", "partner-frameworks", "-p", "as_of=soon"], "parameter 'as_of': expected a date"),
        (["query", "partner-frameworks", "-o", "out.xlsx"], "cannot tell the format"),
        (["query", "partner-frameworks", "--data", "missing.ttl"], "missing.ttl: no such file"),
        (["sparql", "--file", "missing.rq"], "missing.rq: no such file"),
        (["sparql", "SELECT * WHERE { SERVICE <http://x.org/s> { ?s ?p ?o } }"], "SERVICE is not allowed"),
        (["sparql", "LOAD <http://x.org/data.ttl>"], "LOAD is not allowed"),
        (["sparql", "DELETE WHERE { ?s ?p ?o }"], "SPARQL Update"),
        (["sparql", "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"], "FROM / FROM NAMED"),
        (["sparql", "SELECT * WHERE " + "{" * 300 + "}" * 300], "nested deeper than"),
        (["sparql", "SELECT ?x WHERE { ?x }"], "syntax error at line 1"),
        (["sparql", "SELECT * WHERE { ?s ?p ?o }", "--file", "q.rq"], "either as an argument or with --file"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    """Exits 2 with an error on stderr naming what is wrong, and prints nothing on stdout."""
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(*args)
    assert code == 2
    assert message in " ".join(err.split())
    assert out == ""


def test_invalid_format_is_refused() -> None:
    """Refuses a format that is not table, csv, tsv, json or md."""
    result = runner.invoke(app, ["query", "quick-facts", "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_sparql_reads_the_query_from_stdin_and_from_a_file(tmp_path: Path) -> None:
    """Runs the same ad hoc query given on stdin, with -f FILE and as an argument."""
    text = "SELECT ?label WHERE { nkgid:rok rdfs:label ?label }"
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    outputs = {
        invoke("sparql", "--format", "csv", stdin=text)[1],
        invoke("sparql", "-", "--format", "csv", stdin=text)[1],
        invoke("sparql", "-f", str(path), "--format", "csv")[1],
        invoke("sparql", text, "--format", "csv")[1],
    }
    assert outputs == {"label\r\nRepublic of Korea\r\n"}


def test_sparql_refuses_empty_stdin() -> None:
    """Exits 2 when stdin holds no query."""
    code, _, err = invoke("sparql", stdin="  \n")
    assert code == 2
    assert "no query" in err


def test_sparql_on_other_data_with_inference() -> None:
    """Queries a fixture graph instead of the shipped one, over its RDFS closure."""
    text = "ASK { ?s a rdfs:Resource }"
    code, out, err = invoke(
        "sparql", text, "--data", str(FIXTURES / "valid" / "minimal.ttl"), "--infer", "rdfs"
    )
    assert code == 0, err
    assert "true" in out


def test_runaway_query_times_out_with_exit_2() -> None:
    """Stops a runaway ad hoc query at --timeout and exits 2 saying so."""
    code, _, err = invoke("sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1")
    assert code == 2
    assert "stopped after 1 s" in err


def test_query_in_a_child_process_reads_stdin(run_natokg: RunNatokg) -> None:
    """Runs `natokg sparql` as a real process fed on stdin, and `natokg query` beside it."""
    import subprocess
    import sys

    from support import REPO, clean_env

    done = subprocess.run(
        [sys.executable, "-m", "natokg", "sparql", "--format", "json"],
        input="ASK { nkgid:japan a nkg:Nation }",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=clean_env(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"columns": ["ask"], "rows": [[True]]}
    result = run_natokg("query", "quick-facts", "--format", "csv")
    assert result.returncode == 0
    assert "WIPO Global Innovation Index rank" in result.stdout
