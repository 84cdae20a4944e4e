"""The visualisation commands: ``natokg viz`` (the network page) and ``natokg chart`` (PNG or SVG).

pyvis, matplotlib and the analysis are imported inside the commands, so that the rest of
the command line starts fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from natokg._cli_app import MEMORY, PathsArgument, StoreOption, app, console, fail, load
from natokg.cli_analysis import ConfigOption, PartnerOption, ScenarioOption, TechnologyOption

if TYPE_CHECKING:
    from natokg.analysis.config import Config

__all__ = ["ChartKind"]


class ChartKind(StrEnum):
    """The charts `natokg chart` draws."""

    heatmap = "heatmap"
    indicators = "indicators"
    gaps = "gaps"


def _config(config_file: Path | None) -> Config:
    from natokg.analysis.config import ConfigError, load_config

    try:
        return load_config(config_file)
    except ConfigError as exc:
        fail(str(exc))


def _writable(output: Path) -> None:
    if output.is_dir():
        fail(f"{output}: is a directory; give a file name")


@app.command()
def viz(
    paths: PathsArgument = None,
    store_spec: StoreOption = MEMORY,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML page to write (atomically).")
    ] = Path("network.html"),
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus", help='Show one entity\'s neighbourhood: IRI, nkgid:slug, slug or label ("ATLA").'
        ),
    ] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, help="The neighbourhood's radius, in links.")] = 2,
    partner: PartnerOption = None,
    technology: TechnologyOption = None,
    scenario: ScenarioOption = None,
    max_nodes: Annotated[
        int,
        typer.Option(
            "--max-nodes", min=1, help="Past this many nodes, show the best-linked ones and say so."
        ),
    ] = 1500,
    config_file: ConfigOption = None,
) -> None:
    """Write the cooperation network as one HTML page that works offline.

    Nodes by kind (sized by their number of links), edges by relation, the gaps as a
    dashed overlay; hover for the claims with paragraph and quote; search and filters.
    Options narrow the view together: --focus (with --depth), --partner, --technology;
    --scenario draws a what-if overlay.
    """
    from natokg.load import LoadError
    from natokg.viz import write_network

    _writable(output)
    config = _config(config_file)
    store = load(paths, store_spec).store
    try:
        page = write_network(
            output,
            store,
            focus=focus,
            depth=depth,
            partner=partner,
            technology=technology,
            scenario=scenario,
            max_nodes=max_nodes,
            config=config,
        )
    except (ValueError, LoadError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    err = console(stderr=True)
    err.print(
        f"wrote {escape(str(output))}: {escape(page.title)}, {page.nodes} nodes, "
        f"{page.edges} edges ({page.gaps} gaps)",
        soft_wrap=True,
    )
    if page.note:
        err.print(f"[yellow]note:[/] {escape(page.note)}", soft_wrap=True)


@app.command()
def chart(
    kind: Annotated[ChartKind, typer.Argument(help="heatmap, indicators or gaps.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The .png or .svg file to write (atomically).")
    ],
    paths: PathsArgument = None,
    store_spec: StoreOption = MEMORY,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="gaps: how many.")] = 15,
    config_file: ConfigOption = None,
) -> None:
    """Draw a chart as PNG or SVG (by the suffix of --output).

    heatmap: strength against coverage for every partner and technology, gaps outlined;
    indicators: the report's quick facts side by side; gaps: the top gaps with their scores.
    """
    from natokg.charts import FORMATS, heatmap, indicators_chart, top_gaps_chart

    if output.suffix.lower() not in FORMATS:
        fail(f"{output}: give a .png or .svg file name")
    _writable(output)
    config = _config(config_file)
    store = load(paths, store_spec).store
    try:
        if kind is ChartKind.heatmap:
            heatmap(store, output, config=config)
        elif kind is ChartKind.indicators:
            indicators_chart(store, output)
        else:
            top_gaps_chart(store, output, top=top, config=config)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    console(stderr=True).print(f"wrote {escape(str(output))}", soft_wrap=True)
