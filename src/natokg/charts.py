"""Static charts (matplotlib): the partner x technology heatmap, the quick facts, the top gaps.

Each function draws on a new `matplotlib.figure.Figure` (no pyplot, so no GUI and no global
state) and either returns it or, given a path, writes it as PNG or SVG (by the suffix,
atomically) and returns the path. The same input gives the same bytes: PNG without the
software stamp, SVG with a fixed hash salt and no date. Colours are Okabe-Ito and cividis,
readable with colour-vision deficiencies; every title says the source.

>>> from natokg import load_graph
>>> figure = top_gaps_chart(load_graph().store, top=5)
>>> figure.axes[0].get_title(loc="left")
'Top 5 technology gaps: score = S x W x (1 - C)'
"""

from __future__ import annotations

import io
import math
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from natokg.analysis.config import Config
    from natokg.analysis.project import KG
    from natokg.store import Store

__all__ = ["FORMATS", "heatmap", "indicators_chart", "save_figure", "top_gaps_chart"]

#: File suffixes the charts are written as.
FORMATS = (".png", ".svg")

#: Okabe-Ito colours for the partners, in label order.
_PALETTE = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
_DPI = 150
# A fixed hash salt makes SVG ids reproducible; DejaVu Sans ships with matplotlib.
_RC: dict[Any, Any] = {
    "svg.hashsalt": "natokg",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


def save_figure(figure: Figure, path: str | PathLike[str]) -> Path:
    """Write `figure` to `path` as PNG or SVG (by the suffix), atomically and reproducibly.

    Raises
    ------
    ValueError
        If the suffix is neither ``.png`` nor ``.svg``.
    """
    import matplotlib

    from natokg.export import write_atomic

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{target}: a chart is written as .png or .svg, not {suffix or 'no suffix'!r}")
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Software": None} if suffix == ".png" else {"Date": None}
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format=suffix[1:], dpi=_DPI, metadata=metadata, bbox_inches="tight")
    write_atomic(target, buffer.getvalue())
    return target


def _figure(width: float, height: float) -> Figure:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height), dpi=_DPI, layout="constrained")


@overload
def _finish(figure: Figure, path: None) -> Figure: ...
@overload
def _finish(figure: Figure, path: str | PathLike[str]) -> Path: ...
def _finish(figure: Figure, path: str | PathLike[str] | None) -> Figure | Path:
    return figure if path is None else save_figure(figure, path)


def _source(source: Store | KG) -> tuple[KG, str]:
    from natokg._viz_view import graphs_of

    G, _, caption, _ = graphs_of(source)
    return G, caption


# ---------------------------------------------------------------------------
# Partner x technology
# ---------------------------------------------------------------------------


@overload
def heatmap(source: Store | KG, path: None = None, *, config: Config | None = None) -> Figure: ...
@overload
def heatmap(source: Store | KG, path: str | PathLike[str], *, config: Config | None = None) -> Path: ...
def heatmap(
    source: Store | KG, path: str | PathLike[str] | None = None, *, config: Config | None = None
) -> Figure | Path:
    """Draw strength against coverage for every partner and technology, with the gaps marked.

    Three panels share the rows (technologies a partner holds a capability claim on) and
    the columns (partners): the strength S, the coverage C, and the gap score
    S x W x (1 - C); a gap (score above 0) is outlined in all three.

    Parameters
    ----------
    source
        A store (``natokg.load_graph().store``) or its projection.
    path
        Where to write the chart (``.png`` or ``.svg``); None returns the figure.
    config
        Gap weights (default: the shipped ones).
    """
    import matplotlib
    import numpy as np
    from matplotlib.patches import Rectangle

    from natokg.analysis.gaps import technology_gaps

    G, caption = _source(source)
    found = technology_gaps(G, config, include_covered=True)
    partners = sorted({(g.partner_label, g.partner) for g in found})
    technologies = sorted({(g.technology_label.casefold(), g.technology_label, g.technology) for g in found})
    column = {iri: i for i, (_, iri) in enumerate(partners)}
    row = {iri: i for i, (_, _, iri) in enumerate(technologies)}
    shape = (max(len(technologies), 1), max(len(partners), 1))
    values = {name: np.full(shape, np.nan) for name in ("S", "C", "gap")}
    for gap in found:
        at = (row[gap.technology], column[gap.partner])
        values["S"][at], values["C"][at], values["gap"][at] = gap.strength, gap.coverage, gap.score
    figure = _figure(3.2 + 2.4 * len(partners), 1.6 + 0.24 * shape[0])
    panels = (
        ("S", "Strength S", "cividis", 1.0),
        ("C", "Coverage C", "cividis", 1.0),
        ("gap", "Gap score", "Oranges", max(0.01, float(np.nanmax(values["gap"], initial=0.0)))),
    )
    with matplotlib.rc_context(_RC):
        axes = figure.subplots(1, 3, sharey=True)
        for ax, (key, title, cmap, top) in zip(axes, panels, strict=True):
            grid = np.ma.masked_invalid(values[key])
            colours = matplotlib.colormaps[cmap].with_extremes(bad="#eeeeee")
            image = ax.imshow(grid, cmap=colours, vmin=0.0, vmax=top, aspect="auto", interpolation="nearest")
            ax.set_title(title)
            ax.set_xticks(range(len(partners)), [name for name, _ in partners], rotation=30, ha="right")
            ax.set_yticks(range(len(technologies)), [name for _, name, _ in technologies])
            for (r, c), value in np.ndenumerate(values[key]):
                if math.isnan(value):
                    continue
                dark = colours(value / top)[:3]
                light = sum(dark) / 3 > 0.55
                ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=7,
                        color="black" if light else "white")  # fmt: skip
                if values["gap"][r, c] > 0.00005:
                    ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="#D55E00", lw=1.8))
            figure.colorbar(image, ax=ax, shrink=0.5, pad=0.02)
        figure.suptitle(
            "Partner x technology: strength against coverage (outlined: a gap, score > 0; grey: no claim)\n"
            + caption,
            fontsize=9,
        )
    return _finish(figure, path)


# ---------------------------------------------------------------------------
# Quick facts
# ---------------------------------------------------------------------------


@overload
def indicators_chart(store: Store, path: None = None) -> Figure: ...
@overload
def indicators_chart(store: Store, path: str | PathLike[str]) -> Path: ...
def indicators_chart(store: Store, path: str | PathLike[str] | None = None) -> Figure | Path:
    """Draw the report's "Quick facts" indicators for Japan, the ROK and Singapore side by side.

    One panel per indicator (the named query ``quick-facts``); a rank says "1 = best".

    Parameters
    ----------
    store
        A store holding the data (the indicators are not part of the projection).
    path
        Where to write the chart (``.png`` or ``.svg``); None returns the figure.
    """
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    from natokg.analysis.project import local_name
    from natokg.info import source_line
    from natokg.queries import run_query
    from natokg.result import text_value

    result = run_query(store, "quick-facts")
    nations = (("Japan", 2), ("ROK", 4), ("Singapore", 6))
    rows = [[None if cell is None else text_value(cell) for cell in row] for row in result.rows]
    columns = 4
    lines = max(1, math.ceil(len(rows) / columns))
    figure = _figure(3.0 * columns, 0.6 + 2.3 * lines)
    with matplotlib.rc_context(_RC):
        axes = list(figure.subplots(lines, columns, squeeze=False).flat)
        for ax, row in zip(axes, rows, strict=False):
            unit = local_name(str(row[1])).removeprefix("unit-").replace("-", " ")
            rank = unit == "rank"
            values = [_number(row[column]) for _, column in nations]
            bars = ax.bar(
                [name for name, _ in nations],
                [0.0 if v is None else v for v in values],
                color=_PALETTE[: len(nations)],
            )
            for bar, value in zip(bars, values, strict=True):
                text = "n/a" if value is None else f"{value:g}"
                ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                            va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")  # fmt: skip
            ax.set_ylim(0, max((v or 0.0) for v in values) * 1.2 or 1)
            ax.set_title(_wrap(str(row[0]), 34), fontsize=8)
            ax.set_ylabel("rank (1 = best; lower is better)" if rank else unit, fontsize=8)
            if rank:
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.tick_params(labelsize=8)
        for ax in axes[len(rows) :]:
            ax.set_axis_off()
        figure.suptitle(
            "Quick facts: Japan, the Republic of Korea and Singapore "
            "(report boxes after paragraphs 18, 28, 38)\n" + source_line(store),
            fontsize=9,
        )
    return _finish(figure, path)


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


# ---------------------------------------------------------------------------
# Top gaps
# ---------------------------------------------------------------------------


@overload
def top_gaps_chart(
    source: Store | KG, path: None = None, *, top: int = 15, config: Config | None = None
) -> Figure: ...
@overload
def top_gaps_chart(
    source: Store | KG, path: str | PathLike[str], *, top: int = 15, config: Config | None = None
) -> Path: ...
def top_gaps_chart(
    source: Store | KG,
    path: str | PathLike[str] | None = None,
    *,
    top: int = 15,
    config: Config | None = None,
) -> Figure | Path:
    """Draw the top gaps as bars of their score, with S, W, C and the paragraphs beside each.

    Parameters
    ----------
    source
        A store or its projection.
    path
        Where to write the chart (``.png`` or ``.svg``); None returns the figure.
    top
        How many gaps.
    config
        Gap weights (default: the shipped ones).
    """
    import matplotlib
    from matplotlib.patches import Patch

    from natokg.analysis.gaps import technology_gaps
    from natokg.analysis.report import paragraphs_text

    if top < 1:
        raise ValueError(f"top must be 1 or more, not {top}")
    G, caption = _source(source)
    shown = technology_gaps(G, config)[:top]
    partners = sorted({g.partner_label for g in shown})
    colour = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(partners)}
    figure = _figure(9.0, 1.2 + 0.34 * max(len(shown), 1))
    with matplotlib.rc_context(_RC):
        ax = figure.subplots()
        labels = [f"{g.partner_label}: {g.technology_label}" for g in shown]
        positions = list(range(len(shown)))
        ax.barh(positions, [g.score for g in shown], color=[colour[g.partner_label] for g in shown])
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max((g.score for g in shown), default=1.0) * 2.6 or 1)
        for y, gap in zip(positions, shown, strict=True):
            note = (
                f"{gap.score:.2f} = S {gap.strength:.2f} x W {gap.priority:.2f} x (1 - C {gap.coverage:.2f})"
                f"   strength: {paragraphs_text(gap.strength_paragraphs)}"
            )
            ax.annotate(
                note, (gap.score, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7
            )
        ax.set_xlabel("gap score")
        ax.set_title(f"Top {len(shown)} technology gaps: score = S x W x (1 - C)", loc="left")
        figure.legend(
            handles=[Patch(color=colour[p], label=p) for p in partners],
            loc="outside lower center",
            ncols=max(1, len(partners)),
            fontsize=8,
            frameon=False,
        )
        ax.spines[["top", "right"]].set_visible(False)
        figure.suptitle(caption, fontsize=8, x=0.01, ha="left")
    return _finish(figure, path)
