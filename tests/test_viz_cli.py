"""natokg viz: writes the page, resolves names like the other commands, refuses bad input with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from natokg.cli import app
from support import FIXTURES, RunNatokg
from viz_support import page_data, parse

ID = "https://w3id.org/natokg/id/"
runner = CliRunner()


def test_viz_writes_network_html_in_the_current_folder(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Writes network.html by default and says what it drew on stderr, nothing on stdout."""
    done = run_natokg("viz", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "wrote network.html: the whole graph, 196 nodes" in done.stderr
    data = page_data((tmp_path / "network.html").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 196


@pytest.mark.slow
def test_viz_views_resolve_names_like_the_other_commands(tmp_path: Path) -> None:
    """Accepts labels, acronyms, slugs and nkgid: names for --focus, --partner and --technology."""
    out = tmp_path / "view.html"
    for args, must in [
        (["--focus", "ATLA", "--depth", "1"], ID + "atla"),
        (["--focus", "nkgid:dapa"], ID + "dapa"),
        (["--partner", "Republic of Korea", "--technology", "5g"], ID + "5g"),
        (["--scenario", "rok-joins-sto-eop", "--partner", "rok"], ID + "sto-eop"),
    ]:
        result = runner.invoke(app, ["viz", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        assert must in {node["id"] for node in page_data(out.read_text(encoding="utf-8"))["nodes"]}


def test_viz_says_when_it_cuts_a_view(tmp_path: Path) -> None:
    """Prints and shows a note when --max-nodes leaves nodes out."""
    result = runner.invoke(app, ["viz", "-o", str(tmp_path / "n.html"), "--max-nodes", "40"])
    assert result.exit_code == 0, result.output
    assert "note: This view holds 196 nodes" in " ".join(result.stderr.split())
    assert 'id="natokg-note"' in (tmp_path / "n.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "Atlantis"], "no entity named 'Atlantis' in the graph"),
        (["--focus", "ATLAS"], "did you mean 'atla'"),
        (["--partner", "Mars"], "no partner named 'Mars'"),
        (["--technology", "Japan"], "no technology named 'Japan'"),
        (["--scenario", "nope"], "nope: no such scenario"),
        (["--depth", "-1"], "Invalid value"),
        (["--max-nodes", "0"], "Invalid value"),
        (["--config", "{tmp}/missing.toml"], "missing.toml"),
        (["{tmp}/missing.ttl"], "missing.ttl"),
        ([str(FIXTURES / "invalid" / "malformed.ttl")], "malformed.ttl"),
        (["-o", "{tmp}"], "is a directory"),
    ],
)
def test_viz_refuses_bad_input_with_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    """Exits 2 with a message naming the problem and leaves the existing page as it was."""
    page = tmp_path / "network.html"
    page.write_text("old page", encoding="utf-8")
    result = runner.invoke(app, ["viz", "-o", str(page), *(a.format(tmp=tmp_path) for a in args)])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split())
    assert page.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.html"]


def test_viz_of_hostile_data_writes_escaped_html(tmp_path: Path) -> None:
    """Renders a data file full of markup into a page whose only tags are the template's."""
    out = tmp_path / "hostile.html"
    result = runner.invoke(app, ["viz", str(FIXTURES / "viz" / "hostile.ttl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    tags = parse(html).tags
    assert not [tag for tag, _ in tags if tag in {"img", "iframe", "a", "link", "object"}]
    assert len([tag for tag, _ in tags if tag == "script"]) == 3
    assert "<script>window.__xss=1</script>" not in html


def test_help_lists_viz_and_chart() -> None:
    """Lists both commands in the top-level help and documents their options."""
    result = runner.invoke(app, ["--help"])
    assert "viz" in result.output
    assert "chart" in result.output
    viz = runner.invoke(app, ["viz", "--help"])
    for option in ["--focus", "--depth", "--partner", "--technology", "--scenario", "--max-nodes", "-o"]:
        assert option in viz.output
