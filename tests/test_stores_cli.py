"""``natokg load --store`` and ``--store`` on the commands that read the graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

import natokg
from natokg.cli import app
from natokg.store import union_graph
from natokg.store_oxigraph import OxigraphStore

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the spec of an Oxigraph store filled with `natokg load`."""
    store = f"oxigraph:{tmp_path_factory.mktemp('cli') / 'store'}"
    code, _, err = invoke("load", "--store", store)
    assert code == 0, err
    assert "triples (before: 0); loaded" in err
    return store


# Each command, with the arguments that make its output comparable.
COMMANDS = [
    ["coverage"],
    ["gaps", "-f", "json"],
    ["gaps", "--explain", "ROK", "semiconductors", "-f", "json"],
    ["channels", "-f", "json"],
    ["brokers", "-f", "json"],
    ["suggest", "-f", "json"],
    ["robustness", "--samples", "3", "-f", "json"],
    ["scenario", "rok-joins-sto-eop", "-f", "json"],
    ["gap-report", "--samples", "3"],
    ["query", "partner-frameworks", "-p", "partner=ROK", "--format", "json"],
    ["query", "strong-without-cooperation", "--format", "csv"],
    ["sparql", "SELECT ?n WHERE { ?n a nkg:Nation } ORDER BY ?n", "--format", "csv"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_commands_print_the_same_from_the_store(spec: str, args: list[str]) -> None:
    """Prints the same output from the Oxigraph store as from the files loaded in memory."""
    code, expected, err = invoke(*args)
    assert code == 0, err
    code, got, err = invoke(*args, "--store", spec)
    assert code == 0, err
    assert got == expected


def test_info_names_the_store(spec: str) -> None:
    """Shows the store and its triples, then the same summary as in memory."""
    _, expected, _ = invoke("info")
    code, got, _ = invoke("info", "--store", spec)
    assert code == 0
    assert got.splitlines()[0] == f"{spec}, {len(natokg.open_graph())} triples"
    assert got.splitlines()[1:] == expected.splitlines()[1:]


def test_validate_and_export_read_the_store(spec: str) -> None:
    """Validates the store's graph and exports the very graph that is in memory."""
    code, out, _ = invoke("validate", "--store", spec)
    assert code == 0
    assert "conforms" in out
    code, out, _ = invoke("export", "-f", "nt", "--store", spec)
    assert code == 0
    _, expected, _ = invoke("export", "-f", "nt")
    assert isomorphic(Graph().parse(data=out, format="nt"), Graph().parse(data=expected, format="nt"))


def test_loading_again_changes_nothing(spec: str) -> None:
    """Keeps the same triples when the shipped graph is loaded a second time."""
    before = len(OxigraphStore(spec.removeprefix("oxigraph:")))
    code, _, err = invoke("load", "--store", spec)
    assert code == 0, err
    assert f"{before:,} triples (before: {before:,})" in err


def test_a_bad_file_changes_nothing(spec: str, tmp_path: Path) -> None:
    """Exits 2 naming the file and line of the error, and leaves the store as it was."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <urn:ex#> .\nex:a ex:b ex:c .\nex:a ex:b oops oops .\n", encoding="utf-8")
    before = union_graph(OxigraphStore(spec.removeprefix("oxigraph:")))
    code, _, err = invoke("load", "--store", spec, str(bad))
    assert code == 2
    assert f"{bad}:3:" in err
    assert isomorphic(union_graph(OxigraphStore(spec.removeprefix("oxigraph:"))), before)


def test_replace_keeps_only_the_new_files(tmp_path: Path) -> None:
    """Holds the ontology and the given file only, after --replace."""
    store = f"oxigraph:{tmp_path / 'store'}"
    assert invoke("load", "--store", store)[0] == 0
    data = tmp_path / "one.ttl"
    data.write_text(
        "@prefix nkg: <https://w3id.org/natokg/ontology#> .\n<https://w3id.org/natokg/id/x> a nkg:Nation .\n",
        encoding="utf-8",
    )
    code, _, err = invoke("load", "--store", store, "--replace", str(data))
    assert code == 0, err
    query = "SELECT ?n WHERE { ?n a nkg:Nation }"
    code, out, _ = invoke("sparql", query, "--format", "csv", "--store", store)
    assert code == 0
    assert out.split() == ["n", "https://w3id.org/natokg/id/x"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load"], "outlives the command"),
        (["load", "--store", "memory"], "outlives the command"),
        (["info", "--store", "nosuch:thing"], "unknown kind of store"),
        (["gaps", "--store", "oxigraph:"], "needs the store's folder"),
        (["query", "organisations", "--store", "oxigraph:{missing}"], "no store there yet"),
        (["gaps", "--store", "oxigraph:{missing}"], "no store there yet"),
        (["load", "--store", "oxigraph:{file}"], "is a file"),
        (["load", "--store", "oxigraph:{spec}", "http://127.0.0.1:9/data.ttl"], "looks like a URL"),
        (["load", "--store", "sparql:http://127.0.0.1:9/q,http://127.0.0.1:9/u"], "ConnectError"),
        (["info", "graph/nations.ttl", "--store", "oxigraph:{spec}"], "already holds its data"),
        (["gaps", "graph/nations.ttl", "--store", "oxigraph:{spec}"], "already holds its data"),
        (["query", "events", "--data", "graph/nations.ttl", "--store", "oxigraph:{spec}"], "holds its"),
    ],
)
def test_bad_store_arguments_exit_2(spec: str, tmp_path: Path, args: list[str], message: str) -> None:
    """Exits 2 with a clear message for a bad spec, a missing store, or files beside a store."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    where = {"missing": tmp_path / "missing", "file": tmp_path / "file", "spec": spec.split(":", 1)[1]}
    code, _, err = invoke(*(arg.format(**where) for arg in args))
    assert code == 2
    assert message in " ".join(err.split())
    assert not (tmp_path / "missing").exists()


def test_every_reading_command_takes_store() -> None:
    """Offers --store on every command that reads the graph."""
    for command in [
        *("info", "validate", "coverage", "export", "query", "sparql"),
        *("gaps", "channels", "brokers", "suggest", "robustness", "scenario", "gap-report", "load"),
    ]:
        code, out, _ = invoke(command, "--help")
        assert code == 0
        assert "--store" in out, command


def test_open_graph_opens_a_store_by_spec(spec: str) -> None:
    """Opens a filled store by its spec from the API, and refuses data files beside it."""
    store = natokg.open_graph(store=spec)
    assert natokg.sparql(store, "ASK { nkgid:rok a nkg:Nation }").ask
    with pytest.raises(ValueError, match="already holds its data"):
        natokg.open_graph(["graph/nations.ttl"], store=spec)
    rows = json.loads(natokg.run_query(store, "framework-members", framework="IPCP").to_json())
    assert rows
