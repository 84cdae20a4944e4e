"""The cooperation network as one standalone, offline, escaped HTML page (pyvis over vis-network).

This is the only module that writes HTML. pyvis's `Network` holds the nodes, edges and
options; the page is rendered with natokg's own Jinja2 template (autoescaped), not pyvis's:
pyvis 0.3.2 leaves its heading and menu ids unescaped and turns every tooltip into raw HTML
as soon as one title contains "href". Here every datum reaches the page as JSON through
``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``) and is put into the page by script
with ``textContent``, never as markup; vis-network's JavaScript and CSS are inlined from
the files the pyvis package installs, so the page loads nothing from the network and opens
by double-click, in JupyterLab and in VS Code (`notebook_iframe`).

>>> from natokg import load_graph
>>> page = network_page(load_graph().store, focus="ATLA", depth=1)
>>> page.html.startswith("<!DOCTYPE html>"), page.nodes > 1
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from natokg._viz_view import (
    EDGE_STYLES,
    NODE_STYLES,
    PageEdge,
    View,
    cap_edges,
    edge_tip,
    gap_tip,
    graphs_of,
    group_counts,
    merge_edges,
    node_group,
    node_tip,
    partner_options,
    partner_reach,
    select_view,
    technology_reach,
)

if TYPE_CHECKING:
    from markupsafe import Markup

    from natokg.analysis.config import Config
    from natokg.analysis.gaps import Gap
    from natokg.analysis.project import KG
    from natokg.store import Store

__all__ = [
    "DEFAULT_MAX_NODES",
    "InlineView",
    "NetworkPage",
    "network_html",
    "network_page",
    "notebook_iframe",
    "write_network",
]

#: Past this many nodes the default view shows the best-linked ones and says so.
DEFAULT_MAX_NODES = 1500
#: The vis-network build pyvis 0.3.2 ships (``pyvis/templates/lib/vis-9.1.2``).
_VIS_DIR = ("templates", "lib", "vis-9.1.2")
#: Above this many nodes, vis-network's "improved layout" (a slow initial placement) is off.
_IMPROVED_LAYOUT_LIMIT = 150
_LABEL_LENGTH = 40
#: The page draws at most this many edges per node it may draw (gaps included).
_EDGES_PER_NODE = 5


@dataclass(frozen=True)
class NetworkPage:
    """A rendered network page and what it shows.

    Attributes
    ----------
    html
        The standalone page.
    nodes, edges, gaps
        What it draws: nodes, edges (gaps included) and, of those edges, gaps.
    matched
        The nodes the view's filters matched (more than `nodes` when the view was cut).
    title
        The view, in words.
    note
        Set when the view was cut on a large graph.
    """

    html: str
    nodes: int
    edges: int
    gaps: int
    matched: int
    title: str
    note: str | None


def network_page(
    source: Store | KG,
    *,
    focus: str | None = None,
    depth: int = 2,
    partner: str | None = None,
    technology: str | None = None,
    scenario: str | PathLike[str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    config: Config | None = None,
) -> NetworkPage:
    """Render the network page of a view of the graph.

    Parameters
    ----------
    source
        A store holding the ontology and data (``natokg.load_graph().store``), or its
        projection (``natokg.analysis.project(store)``).
    focus
        Show one entity's neighbourhood: an IRI, ``nkgid:slug``, slug, label or acronym.
    depth
        The neighbourhood's radius in links, for `focus`.
    partner, technology
        Show one partner's or one technology's part of the graph (names as for `focus`).
        The options narrow the view together.
    scenario
        A what-if overlay (a shipped scenario's name or a ``.ttl`` file): its assumed claims
        are drawn as such, and the gaps it closes as closed. Needs a store as `source`.
    max_nodes
        Past this many nodes the view keeps the best-linked ones and the page says so.
    config
        Gap weights (default: the shipped ones).

    Returns
    -------
    NetworkPage

    Raises
    ------
    ValueError
        For an unknown or ambiguous name (`natokg.analysis.project.UnknownNodeError`), an
        unusable scenario (`natokg.analysis.scenarios.ScenarioError`), a scenario without a
        store, or a `depth` or `max_nodes` below 0 or 1.
    natokg.LoadError
        If the scenario file is not valid RDF (with file and line).
    """
    from natokg.analysis._index import Index
    from natokg.analysis.config import default_config
    from natokg.analysis.gaps import technology_gaps
    from natokg.analysis.project import NODE_KINDS, find_node

    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be 1 or more, not {max_nodes}")
    config = config or default_config()
    G, base, caption, scenario_label = graphs_of(source, scenario)
    index = Index(G)
    view = select_view(
        G,
        index,
        focus=find_node(G, focus, NODE_KINDS, "entity") if focus is not None else None,
        depth=depth,
        partner=find_node(G, partner, ["nation"], "partner") if partner is not None else None,
        technology=find_node(G, technology, ["technology"], "technology") if technology is not None else None,
        max_nodes=max_nodes,
    )
    inside = set(view.nodes)
    found = technology_gaps(G, config)
    gaps = [g for g in found if g.partner in inside and g.technology in inside]
    # With a scenario: the gaps it closes, and the scores before it, for the tooltips.
    before = {(g.partner, g.technology): g for g in technology_gaps(base, config)} if base is not None else {}
    still = {(g.partner, g.technology) for g in found}
    closed = [
        g for k, g in before.items() if k not in still and g.partner in inside and g.technology in inside
    ]
    edges, gaps, cut = cap_edges(merge_edges(G, view.nodes), gaps, _EDGES_PER_NODE * max_nodes)
    note = " ".join(text for text in (view.note, cut) if text) or None
    net, drawn_gaps = _network(G, view, edges, gaps, before, closed)
    data = _page_data(G, index, view, net, config)
    heading = "What-if: " + scenario_label if scenario_label else "The cooperation network"
    title = f"{view.title}; what-if: {scenario_label}" if scenario_label else view.title
    html = _render(
        title=f"natokg: {heading} - {view.title}",
        heading=heading,
        view=view,
        note=note,
        caption=caption,
        data=data,
        counts={"nodes": len(net.nodes), "edges": len(net.edges), "gaps": drawn_gaps},
    )
    return NetworkPage(html, len(net.nodes), len(net.edges), drawn_gaps, view.matched, title, note)


def network_html(
    source: Store | KG,
    *,
    focus: str | None = None,
    depth: int = 2,
    partner: str | None = None,
    technology: str | None = None,
    scenario: str | PathLike[str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    config: Config | None = None,
) -> str:
    """Return the network page as a standalone HTML document (see `network_page`).

    Examples
    --------
    >>> from natokg import load_graph
    >>> html = network_html(load_graph().store, partner="Singapore")
    >>> "https://" in html.split("<body", 1)[0]
    False
    """
    return network_page(
        source,
        focus=focus,
        depth=depth,
        partner=partner,
        technology=technology,
        scenario=scenario,
        max_nodes=max_nodes,
        config=config,
    ).html


def write_network(path: str | PathLike[str], source: Store | KG, **options: Any) -> NetworkPage:
    """Write the network page to `path` atomically; `options` as for `network_page`."""
    from natokg.export import write_atomic

    page = network_page(source, **options)
    write_atomic(Path(path), page.html.encode("utf-8"))
    return page


class InlineView(str):
    """An HTML snippet that Jupyter displays as HTML when it ends a cell (a `str` otherwise)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def notebook_iframe(html: str, *, height: int = 700) -> InlineView:
    """Return an ``<iframe srcdoc=...>`` that shows `html` in JupyterLab or VS Code.

    The page is escaped as an attribute value and runs sandboxed (scripts, no access to
    the notebook). A notebook shows it when it is the last expression of a cell, or with
    ``IPython.display.display(view)``.

    Examples
    --------
    >>> notebook_iframe('<p title="a&b">x</p>', height=100)[:61]
    '<iframe srcdoc="&lt;p title=&#34;a&amp;b&#34;&gt;x&lt;/p&gt;"'
    """
    from markupsafe import escape

    if height < 1:
        raise ValueError(f"height must be 1 or more, not {height}")
    return InlineView(
        f'<iframe srcdoc="{escape(html)}" sandbox="allow-scripts" title="natokg network" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #ccc;"></iframe>'
    )


# ---------------------------------------------------------------------------
# pyvis: nodes, edges, options
# ---------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 1].rstrip() + "\u2026"


def _network(
    G: KG,
    view: View,
    edges: list[PageEdge],
    gaps: list[Gap],
    before: Mapping[tuple[str, str], Gap],
    closed: list[Gap],
) -> tuple[Any, int]:
    """Return the pyvis `Network` of the view, and how many gap edges it holds."""
    from pyvis.network import Network

    net = Network(directed=True)
    # Size by degree centrality: the number of distinct neighbours in the whole projection.
    degrees = {n: len(set(G.successors(n)) | set(G.predecessors(n))) for n in view.nodes}
    anchors = set(view.anchors)
    for node in view.nodes:
        data = G.nodes[node]
        group = node_group(data)
        _, colour, shape = NODE_STYLES[group]
        names = [str(data.get("label", "")), *map(str, data.get("alt_labels", []))]
        net.add_node(
            node,
            label=_short(str(data.get("label") or node)) or "?",
            shape=shape,
            color={"background": colour, "border": "#000000" if node in anchors else "#333333"},
            borderWidth=4 if node in anchors else 1,
            value=degrees[node],
            kindKey=group,
            names=" ".join(names).lower(),
            tip=node_tip(G, node),
        )
    claims = G.graph.get("claims", {})
    weights = G.graph.get("level_weights", {})
    for number, edge in enumerate(edges):
        assumed = bool(edge.claims) and all(claims.get(c, {}).get("assumed_in") for c in edge.claims)
        style = "assumed" if assumed else edge.style
        _, colour, dashes, arrow = EDGE_STYLES[style]
        if edge.kind == "strong_in":
            width = 1 + 3 * max((float(weights.get(level, 0.5)) for level in edge.levels), default=0.5)
        else:
            width = 1 + 0.5 * min(len(edge.claims), 4)
        net.add_edge(
            edge.source,
            edge.target,
            id=f"e{number}",
            color={"color": colour, "highlight": colour, "hover": colour},
            dashes=dashes,
            width=round(width, 2),
            arrows={"to": {"enabled": arrow and not edge.symmetric, "scaleFactor": 0.5}},
            styleKey=style,
            tip=edge_tip(G, edge),
        )
    drawn = 0
    for style, found in (("gap", gaps), ("gap_closed", closed)):
        _, colour, dashes, _ = EDGE_STYLES[style]
        for gap in found:
            was = before.get((gap.partner, gap.technology))
            net.add_edge(
                gap.partner,
                gap.technology,
                id=f"g{drawn}",
                color={"color": colour, "highlight": colour, "hover": colour},
                dashes=dashes,
                width=round(1 + 7 * (was.score if style == "gap_closed" and was else gap.score), 2),
                arrows={"to": {"enabled": True, "scaleFactor": 0.5}},
                smooth={"enabled": True, "type": "curvedCW", "roundness": 0.3},
                styleKey=style,
                gap=True,
                tip=gap_tip(gap, was, closed=style == "gap_closed"),
            )
            drawn += 1
    big = len(view.nodes) > _IMPROVED_LAYOUT_LIMIT
    net.options = _options(len(view.nodes), big)
    return net, drawn


def _options(nodes: int, big: bool) -> dict[str, Any]:
    """Return vis-network's options: physics that stabilises, then stops (the page turns it off)."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": not big},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "centralGravity": 0.01,
                "springLength": 120,
                "springConstant": 0.05,
                "damping": 0.5,
                "avoidOverlap": 0.3,
            },
            "minVelocity": 1.5,
            "maxVelocity": 50,
            "stabilization": {
                "enabled": True,
                "iterations": 400 if nodes <= 300 else 250 if nodes <= 800 else 150,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": True,
        },
        "nodes": {
            "font": {"size": 13, "face": "sans-serif", "color": "#222222"},
            "scaling": {
                "min": 8,
                "max": 40,
                "label": {"enabled": True, "min": 11, "max": 26, "drawThreshold": 7},
            },
        },
        "edges": {"smooth": {"enabled": not big, "type": "continuous"}, "selectionWidth": 2},
    }


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def _page_data(G: KG, index: Any, view: View, net: Any, config: Config) -> dict[str, Any]:
    """Return everything the page's script needs, as JSON-ready data."""
    position = {node: number for number, node in enumerate(view.nodes)}

    def members(nodes: set[str]) -> list[int]:
        return sorted(position[n] for n in nodes if n in position)

    technologies = sorted(
        (n for n in view.nodes if G.nodes[n].get("kind") == "technology"),
        key=lambda n: (str(G.nodes[n].get("label", n)).casefold(), n),
    )
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "partners": [
            {"label": name, "members": members(partner_reach(G, index, iri))}
            for iri, name in partner_options(G, config, view.nodes)
        ],
        "technologies": [
            {"label": str(G.nodes[t].get("label", t)), "members": members(technology_reach(G, index, t))}
            for t in technologies
        ],
        "groups": list(group_counts(G, view.nodes)),
    }


@cache
def _assets() -> dict[str, Markup]:
    """Return vis-network's JS and CSS (from the pyvis package) and the page's own, checked."""
    from markupsafe import Markup

    vis = files("pyvis")
    for part in _VIS_DIR:
        vis = vis / part
    own = files("natokg") / "templates"
    texts = {
        "vis_js": (vis / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis_css": (vis / "vis-network.css").read_text(encoding="utf-8"),
        "app_js": (own / "network.js").read_text(encoding="utf-8"),
        "app_css": (own / "network.css").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        closing = "</style" if name.endswith("css") else "</script"
        # Inlined code must not end its own element early; none of these files does.
        if closing in text.lower() or "<!--" in text:
            raise RuntimeError(f"{name}: cannot be inlined safely (holds {closing!r} or '<!--')")
    return {name: Markup(text) for name, text in texts.items()}


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("natokg", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(**context: Any) -> str:
    node_styles = [
        {"key": key, "label": text, "colour": colour, "shape": shape}
        for key, (text, colour, shape) in NODE_STYLES.items()
    ]
    shown = {edge.get("styleKey") for edge in context["data"]["edges"]}
    edge_styles = [
        {"key": key, "label": text, "colour": colour, "dashes": " ".join(map(str, dashes)) if dashes else ""}
        for key, (text, colour, dashes, _) in EDGE_STYLES.items()
        if key in shown
    ]
    template = _environment().get_template("network.html.j2")
    return str(template.render(node_styles=node_styles, edge_styles=edge_styles, **_assets(), **context))
