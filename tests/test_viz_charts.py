"""The static charts: valid, non-empty PNG and SVG, the same bytes for the same input, readable content."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.patches import Rectangle
from PIL import Image
from typer.testing import CliRunner

from natokg import load_graph
from natokg.analysis.gaps import technology_gaps
from natokg.analysis.project import KG, project
from natokg.charts import heatmap, indicators_chart, save_figure, top_gaps_chart
from natokg.cli import app
from natokg.store import Store

PNG = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()


@pytest.fixture(scope="module")
def store() -> Store:
    return load_graph().store


@pytest.fixture(scope="module")
def kg(store: Store) -> KG:
    return project(store)


def draw(kind: str, store: Store, kg: KG, path: Path) -> Path:
    if kind == "heatmap":
        return heatmap(kg, path)
    if kind == "indicators":
        return indicators_chart(store, path)
    return top_gaps_chart(kg, path, top=10)


def check_file(path: Path) -> None:
    """Assert that `path` is a valid, non-trivial PNG or SVG."""
    data = path.read_bytes()
    assert len(data) > 5_000
    if path.suffix == ".png":
        assert data.startswith(PNG)
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.width > 600
            assert image.height > 400
    else:
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 50


def test_an_svg_chart_is_valid_and_the_same_twice(kg: KG, tmp_path: Path) -> None:
    """Writes a valid SVG chart, byte-identical on a second run (no date, fixed ids)."""
    first, second = top_gaps_chart(kg, tmp_path / "a.svg"), top_gaps_chart(kg, tmp_path / "b.svg")
    check_file(first)
    assert first.read_bytes() == second.read_bytes()
    assert b"<dc:date>" not in first.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["heatmap", "indicators", "gaps"])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_every_chart_is_valid_and_deterministic(
    kind: str, suffix: str, store: Store, kg: KG, tmp_path: Path
) -> None:
    """Writes each chart as valid, non-empty PNG and SVG, and the same bytes when drawn again."""
    first = draw(kind, store, kg, tmp_path / f"first{suffix}")
    second = draw(kind, store, kg, tmp_path / f"second{suffix}")
    check_file(first)
    assert first.read_bytes() == second.read_bytes()


def test_the_heatmap_shows_strength_coverage_and_outlines_the_gaps(kg: KG) -> None:
    """Draws three panels over the partners' claimed technologies and outlines each open gap in each."""
    figure = heatmap(kg)
    panels = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["Strength S", "Coverage C", "Gap score"]
    found = technology_gaps(kg, include_covered=True)
    assert len(panels[0].get_yticklabels()) == len({g.technology for g in found})
    assert {t.get_text() for t in panels[0].get_xticklabels()} == {g.partner_label for g in found}
    outlines = [p for ax in panels for p in ax.patches if isinstance(p, Rectangle)]
    assert len(outlines) == 3 * len(technology_gaps(kg))
    assert "Source: the natokg graph" in (figure.get_suptitle() or "")


def test_the_top_gaps_chart_has_one_bar_per_gap_with_its_score(kg: KG) -> None:
    """Draws the top gaps as bars of their score, labelled partner: technology, with S, W and C beside."""
    figure = top_gaps_chart(kg, top=5)
    (ax,) = figure.axes
    gaps = technology_gaps(kg)[:5]
    assert [round(bar.get_width(), 4) for bar in ax.patches] == [round(g.score, 4) for g in gaps]
    labels = [f"{g.partner_label}: {g.technology_label}" for g in gaps]
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    notes = [t.get_text() for t in ax.texts]
    assert notes[0].startswith(f"{gaps[0].score:.2f} = S {gaps[0].strength:.2f} x W")


def test_the_indicators_chart_has_a_panel_per_quick_fact(store: Store) -> None:
    """Draws one panel per quick-facts indicator with Japan, the ROK and Singapore, and names the report."""
    figure = indicators_chart(store)
    panels = [ax for ax in figure.axes if ax.get_title()]
    assert len(panels) == 7
    robots = next(ax for ax in panels if ax.get_title() == "IFR robot density")
    assert [t.get_text() for t in robots.get_xticklabels()] == ["Japan", "ROK", "Singapore"]
    assert [bar.get_height() for bar in robots.patches] == [364.0, 868.0, 918.0]
    assert "NATO PA Science and Technology Committee" in (figure.get_suptitle() or "")


def test_bad_chart_arguments_raise(kg: KG, tmp_path: Path) -> None:
    """Refuses a file that is neither .png nor .svg, and a top below 1."""
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save_figure(top_gaps_chart(kg, top=1), tmp_path / "chart.pdf")
    with pytest.raises(ValueError, match="top must be 1 or more"):
        top_gaps_chart(kg, top=0)
    assert list(tmp_path.iterdir()) == []


def test_chart_command_writes_png_and_svg(tmp_path: Path) -> None:
    """Writes the chart named on the command line, in the format of the file's suffix."""
    result = runner.invoke(app, ["chart", "gaps", "-o", str(tmp_path / "gaps.svg"), "--top", "3"])
    assert result.exit_code == 0, result.output
    check_file(tmp_path / "gaps.svg")
    assert "wrote" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chart", "heatmap", "-o", "{tmp}/chart.pdf"], "give a .png or .svg file name"),
        (["chart", "heatmap", "-o", "{tmp}/folder.png"], "is a directory"),
        (["chart", "pie", "-o", "{tmp}/chart.png"], "Invalid value"),
        (["chart", "gaps", "-o", "{tmp}/chart.png", "--top", "0"], "Invalid value"),
        (["chart", "heatmap", "-o", "{tmp}/chart.png", "{tmp}/missing.ttl"], "missing.ttl"),
    ],
)
def test_chart_command_refuses_bad_input_with_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    """Exits 2 with a message naming the problem, and writes no chart."""
    (tmp_path / "folder.png").mkdir()
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.png"]
