"""The command line: exit codes, stdout for data, stderr for messages, colour rules."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from natokg.cli import app
from natokg.load import load_graph
from natokg.store import union_graph
from support import FIXTURES, REPO, RunNatokg

COMMANDS = ["info", "validate", "export"]
ANSI = re.compile(r"\x1b\[")
SGR = re.compile(r"\x1b\[[0-9;]*m")
# An SGR sequence that sets a colour (30-37, 38;..., 40-47, 48;..., 90-97, 100-107).
ANSI_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")
runner = CliRunner()


@pytest.mark.parametrize("args", [[], *([c] for c in COMMANDS)])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works_everywhere(args: list[str], flag: str) -> None:
    """Prints usage and exits 0 for --help and -h on the app and every command."""
    result = runner.invoke(app, [*args, flag])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_no_arguments_shows_help() -> None:
    """Shows the usage when called without a command."""
    result = runner.invoke(app, [])
    assert "Usage" in result.output


def test_version_matches_the_package_metadata() -> None:
    """Prints the version declared in pyproject.toml."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"natokg {declared}"


@pytest.mark.parametrize(
    ("fixture", "code", "stdout_has"),
    [
        ("valid/minimal.ttl", 0, "conforms: no problems found"),
        ("valid/bom.ttl", 0, "conforms: no problems found"),
        ("invalid/claim-without-source.ttl", 1, "claim-without-source.ttl:10: Violation"),
        ("invalid/bad-datatype.ttl", 1, "sh:DatatypeConstraintComponent"),
        ("invalid/undeclared-term.ttl", 1, "term=nkg:notARealTerm"),
    ],
)
def test_validate_exit_code_on_graphs(
    run_natokg: RunNatokg, fixture: str, code: int, stdout_has: str
) -> None:
    """Exits 0 for a conforming graph and 1 for violations, reporting on stdout."""
    result = run_natokg("validate", FIXTURES / fixture)
    assert result.returncode == code, result.stdout + result.stderr
    assert stdout_has in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("argument", "stderr_has"),
    [
        (
            "tests/fixtures/invalid/malformed.ttl",
            "tests/fixtures/invalid/malformed.ttl:7:27: bad syntax",
        ),
        ("tests/fixtures/invalid/empty.ttl", "tests/fixtures/invalid/empty.ttl: is empty"),
        ("tests/fixtures/no-such-file.ttl", "tests/fixtures/no-such-file.ttl: no such file"),
        ("tests/fixtures", "tests/fixtures: is a directory"),
        ("https://example.org/graph.ttl", "https://example.org/graph.ttl: looks like a URL"),
    ],
)
def test_validate_exits_2_on_unusable_input(run_natokg: RunNatokg, argument: str, stderr_has: str) -> None:
    """Exits 2 and names the file (and line and column) on stderr when input is unusable."""
    result = run_natokg("validate", argument)
    assert result.returncode == 2
    assert result.stdout == ""
    assert stderr_has in result.stderr
    assert "Traceback" not in result.stderr


def test_unusable_input_wins_over_valid_files(run_natokg: RunNatokg) -> None:
    """Exits 2 when one of several files is unusable, even if the others are fine."""
    result = run_natokg("validate", FIXTURES / "valid" / "minimal.ttl", FIXTURES / "invalid" / "empty.ttl")
    assert result.returncode == 2


def test_info_counts_claims_and_sources(run_natokg: RunNatokg) -> None:
    """Prints the triples, the claims per kind and the share of sources cited."""
    result = run_natokg("info", FIXTURES / "valid" / "minimal.ttl")
    assert result.returncode == 0, result.stderr
    assert re.search(r"nkg:CapabilityClaim\s+1\b", result.stdout)
    assert re.search(r"nkg:Nation\s+1\b", result.stdout)
    assert "Sources cited by a claim: 1 of 1 (100%)" in result.stdout
    assert result.stderr == ""


def test_export_to_stdout_is_data_only(run_natokg: RunNatokg) -> None:
    """Writes the export to stdout, and nothing else there."""
    fixture = FIXTURES / "valid" / "minimal.ttl"
    result = run_natokg("export", "-f", "nt", fixture)
    assert result.returncode == 0, result.stderr
    exported = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(exported, union_graph(load_graph([fixture]).store))


def test_export_to_file(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Writes the export to the -o file, creating its folder, and says so on stderr."""
    target = tmp_path / "build" / "natokg.ttl"
    result = run_natokg("export", "--format", "ttl", "-o", target, FIXTURES / "valid" / "bom.ttl")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "wrote" in result.stderr
    assert len(Graph().parse(target, format="turtle")) > 0


def test_export_to_a_directory_is_refused(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Exits 2 when -o names a directory."""
    result = run_natokg("export", "-o", tmp_path)
    assert result.returncode == 2
    assert "is a directory" in result.stderr


def test_export_of_bad_input_leaves_existing_file(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Leaves an existing export untouched when the input cannot be loaded."""
    target = tmp_path / "natokg.ttl"
    target.write_text("previous\n")
    result = run_natokg("export", "-o", target, FIXTURES / "invalid" / "malformed.ttl")
    assert result.returncode == 2
    assert target.read_text() == "previous\n"


def test_output_has_no_colour_when_piped(run_natokg: RunNatokg) -> None:
    """Writes no escape codes when stdout and stderr are not terminals."""
    info = run_natokg("info", FIXTURES / "valid" / "minimal.ttl")
    error = run_natokg("validate", FIXTURES / "invalid" / "malformed.ttl")
    assert not ANSI.search(info.stdout + error.stderr)


def test_force_color_turns_colour_on(run_natokg: RunNatokg) -> None:
    """Colours messages when FORCE_COLOR says the output is a terminal."""
    result = run_natokg("validate", FIXTURES / "invalid" / "malformed.ttl", env={"FORCE_COLOR": "1"})
    assert ANSI_COLOUR.search(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "tests/fixtures/invalid/malformed.ttl"],
        ["info", "tests/fixtures/valid/minimal.ttl"],
        ["export", "-f", "nt", "tests/fixtures/valid/minimal.ttl", "-o", "build/test-no-color.nt"],
    ],
)
def test_no_color_turns_styles_off(run_natokg: RunNatokg, args: list[str], tmp_path: Path) -> None:
    """Writes no escape codes at all under NO_COLOR, even on a forced terminal."""
    args = [str(tmp_path / "out.nt") if a.startswith("build/") else a for a in args]
    result = run_natokg(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not ANSI.search(result.stdout + result.stderr)


def test_report_is_coloured_on_a_terminal_only(run_natokg: RunNatokg) -> None:
    """Colours the validation report on a (forced) terminal and drops every style under NO_COLOR."""
    fixture = FIXTURES / "invalid" / "claim-without-source.ttl"
    coloured = run_natokg("validate", fixture, env={"FORCE_COLOR": "1"})
    plain = run_natokg("validate", fixture, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ANSI_COLOUR.search(coloured.stdout)
    assert not ANSI.search(plain.stdout)
    assert SGR.sub("", coloured.stdout) == plain.stdout


def test_no_color_help_has_no_colour(run_natokg: RunNatokg) -> None:
    """Prints help without colours under NO_COLOR, even on a forced terminal."""
    result = run_natokg("validate", "--help", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert result.returncode == 0
    assert not ANSI_COLOUR.search(result.stdout)


def test_coverage_lists_every_paragraph(run_natokg: RunNatokg) -> None:
    """Prints one row per paragraph with its claim count and exits 0 on the shipped graph."""
    result = run_natokg("coverage", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Paragraph 64" in result.stdout
    assert re.search(r"\b6[0-4] of 64 paragraphs cited by a claim", result.stdout)
    assert "0 with neither" in result.stdout


def test_coverage_exits_1_when_a_paragraph_has_no_claim_and_no_reason(run_natokg: RunNatokg) -> None:
    """Exits 1 and flags the paragraph when no claim cites it and no reason is recorded."""
    result = run_natokg(
        "coverage",
        FIXTURES / "invalid" / "paragraph-out-of-range.ttl",
        env={"NO_COLOR": "1", "COLUMNS": "200"},
    )
    assert result.returncode == 1
    assert "no claim and no recorded reason" in result.stdout
