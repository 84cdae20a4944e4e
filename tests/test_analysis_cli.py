"""The gap analysis commands: the JSON contract, formats, errors, and byte-identical output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natokg.analysis.config import default_config
from natokg.cli import app
from support import FIXTURES, RunNatokg

ID = "https://w3id.org/natokg/id/"
COMMANDS = ["gaps", "channels", "brokers", "suggest", "robustness", "scenario", "gap-report"]
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_analysis_command_has_help(command: str) -> None:
    """Prints usage and exits 0 for --help on every analysis command."""
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "Usage" in out


def test_gaps_json_follows_the_contract() -> None:
    """Prints an object with the ranked gaps and the weights used (params)."""
    code, out, _ = invoke("gaps", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["params"] == default_config().as_dict()
    scores = [gap["score"] for gap in data["gaps"]]
    assert scores == sorted(scores, reverse=True)
    first = data["gaps"][0]
    for key in ["partner", "technology", "partner_label", "technology_label", "score"]:
        assert key in first
    for key in ["strength", "coverage", "priority", "evidence"]:
        assert key in first
    assert first["partner"] == ID + "japan"
    assert first["evidence"]["strength"][0]["paragraphs"] == [17]
    assert ID + "sweden" in data["partners_without_claims"]


def test_gaps_filters_by_partner_and_technology_names() -> None:
    """Accepts labels and acronyms for --partner and --technology."""
    code, out, _ = invoke("gaps", "-p", "ROK", "-t", "semiconductors", "-f", "json")
    assert code == 0
    (gap,) = json.loads(out)["gaps"]
    assert gap["partner"] == ID + "rok"
    assert gap["coverage"] == 0.0


def test_gaps_explain_shows_the_evidence() -> None:
    """Shows strength, coverage and priority evidence for one partner and technology."""
    code, out, _ = invoke("gaps", "--explain", "Japan", "space-technologies", "-f", "json")
    assert code == 0
    gap = json.loads(out)["gap"]
    assert gap["coverage"] == 0.6
    claims = [item["claim"] for item in gap["evidence"]["coverage"]]
    assert ID + "coop-jaxa-nasa-artemis-joint-missions" in claims
    code, text, _ = invoke("gaps", "--explain", "ROK", "semiconductors")
    assert code == 0
    assert "Strength S = 1.00" in text
    assert "none found" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gaps", "-p", "Atlantis"], "no partner named 'Atlantis'"),
        (["gaps", "-t", "robotix"], "did you mean 'robotics'"),
        (["gaps", "--scenario", "nope"], "nope: no such scenario"),
        (["gaps", "--explain", "Japan", "robotics", "-f", "csv"], "not csv"),
        (["suggest", "--method", "magic"], "--method must be one of"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args: list[str], message: str) -> None:
    """Exits 2 and names the bad value for an unknown partner, technology, scenario or method."""
    code, _, err = invoke(*args)
    assert code == 2
    assert message in err


def test_a_config_file_changes_the_weights_used(tmp_path: Path) -> None:
    """Uses the weights of --config and reports them in params."""
    config = tmp_path / "w.toml"
    config.write_text("[coverage.counterpart]\nally = 1.0\n", encoding="utf-8")
    code, out, _ = invoke(
        "gaps", "--config", str(config), "-p", "Japan", "-t", "space-technologies", "-f", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["params"]["coverage"]["counterpart"]["ally"] == 1.0
    assert data["gaps"] == []  # JAXA's work with NASA now covers Japan's space technologies fully


def test_a_bad_config_file_exits_2_naming_it(tmp_path: Path) -> None:
    """Exits 2 and names the file and the setting of a bad configuration."""
    config = tmp_path / "w.toml"
    config.write_text("[priority]\nnope = 1.0\n", encoding="utf-8")
    code, _, err = invoke("gaps", "--config", str(config))
    assert code == 2
    assert "unknown setting 'priority.nope'" in err
    assert "w.toml" in err


def test_gaps_csv_and_markdown() -> None:
    """Writes one CSV row per gap and a Markdown table."""
    code, out, _ = invoke("gaps", "-f", "csv", "-n", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("rank,partner,partner_label,technology")
    assert len(lines) == 4
    code, out, _ = invoke("gaps", "-f", "md", "-n", "2")
    assert code == 0
    assert out.startswith("| # | partner |")


def test_gaps_on_other_data_files() -> None:
    """Analyses the data files given instead of the shipped graph."""
    code, out, _ = invoke("gaps", str(FIXTURES / "analysis" / "tiny.ttl"), "-f", "json")
    assert code == 0
    labels = [g["technology_label"] for g in json.loads(out)["gaps"]]
    assert labels == ["Tiny tech B", "Tiny tech A"]


def test_output_goes_to_a_file(tmp_path: Path) -> None:
    """Writes the output to -o and says so on stderr."""
    target = tmp_path / "out" / "gaps.json"
    code, out, err = invoke("gaps", "-f", "json", "-o", str(target))
    assert code == 0
    assert out == ""
    assert "wrote" in err
    assert json.loads(target.read_text(encoding="utf-8"))["gaps"]
    code, _, err = invoke("gaps", "-o", str(tmp_path))
    assert code == 2
    assert "is a directory" in err


def test_channels_with_the_rok_sto_eop_scenario() -> None:
    """Drops the ROK's STO-EOP channel gap under the rok-joins-sto-eop scenario."""
    code, out, _ = invoke("channels", "-p", "ROK", "-f", "json")
    assert code == 0
    before = {g["channel"] for g in json.loads(out)["channel_gaps"]}
    code, out, _ = invoke("channels", "-p", "ROK", "-f", "json", "--scenario", "rok-joins-sto-eop")
    assert code == 0
    after = {g["channel"] for g in json.loads(out)["channel_gaps"]}
    assert before - after == {ID + "sto-eop", ID + "stb"}  # the PII's EOP gap stays (para 54)


@pytest.mark.parametrize("command", ["channels", "brokers", "suggest", "robustness"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md"])
def test_every_command_prints_every_format(command: str, fmt: str) -> None:
    """Prints each analysis in each format without error."""
    extra = ["--samples", "3"] if command == "robustness" else []
    extra += ["--no-evaluate"] if command == "suggest" and fmt != "json" else []
    code, out, err = invoke(command, "-f", fmt, *extra)
    assert code == 0, err
    assert out.strip()
    if fmt == "json":
        json.loads(out)


def test_scenario_lists_and_compares() -> None:
    """Lists the shipped scenarios, and shows what one changes."""
    code, out, _ = invoke("scenario", "-f", "json")
    assert code == 0
    assert {s["name"] for s in json.loads(out)} >= {"rok-joins-sto-eop", "nato-japan-space-cooperation"}
    code, out, _ = invoke("scenario", "nato-japan-space-cooperation", "-f", "json")
    assert code == 0
    changes = {g["technology"]: g["change"] for g in json.loads(out)["technology_gaps"]}
    assert changes[ID + "space-technologies"] == "closed"
    code, out, _ = invoke("scenario", "rok-joins-sto-eop")
    assert code == 0
    assert "channel gap closed" in out


def test_the_gap_report_cites_paragraphs_and_covers_every_part(tmp_path: Path) -> None:
    """Writes a Markdown report with the top gaps, channel gaps, brokers, links, robustness and what-ifs."""
    target = tmp_path / "gap-report.md"
    code, _, _ = invoke("gap-report", "-o", str(target), "--samples", "5")
    assert code == 0
    text = target.read_text(encoding="utf-8")
    for heading in [
        "# natokg gap report",
        "## Top technology gaps",
        "### Japan: robotics",
        "## Channel gaps",
        "## Partner agencies without a NATO counterpart",
        "## Brokers between NATO and the partners",
        "## Likely missing links",
        "## Robustness of the ranking",
        "## What if",
    ]:
        assert heading in text
    assert "| 1 | Japan | robotics | 0.90 | 1.00 | 0.90 | 0.00 | none | ¶ 16, 17, 22 |" in text
    assert "Australia, New Zealand, Sweden" in text


def test_gaps_json_is_byte_identical_across_runs(run_natokg: RunNatokg) -> None:
    """Prints the same bytes in two separate processes (different hash seeds)."""
    first = run_natokg("gaps", "--format", "json", env={"PYTHONHASHSEED": "1"})
    second = run_natokg("gaps", "--format", "json", env={"PYTHONHASHSEED": "2"})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_the_other_json_outputs_are_byte_identical_across_runs(run_natokg: RunNatokg) -> None:
    """Prints the same channel, broker and suggestion JSON in two separate processes."""
    for command in (["channels"], ["brokers"], ["suggest"], ["scenario", "rok-joins-sto-eop"]):
        first = run_natokg(*command, "-f", "json", env={"PYTHONHASHSEED": "3"})
        second = run_natokg(*command, "-f", "json", env={"PYTHONHASHSEED": "4"})
        assert first.returncode == 0, first.stderr
        assert first.stdout == second.stdout, command
