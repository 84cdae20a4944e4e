"""What the network page shows: the view of the projection, its styles and its tooltips (private).

No HTML here: this module chooses the nodes and edges of a view (whole graph, an entity's
neighbourhood, a partner, a technology, and the cap on large graphs), merges parallel claim
edges into one drawn edge, and describes each node and edge as plain data (style keys and
tooltips as lists of ``[style, text]`` lines). `natokg.viz` turns that into the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from natokg.analysis._index import Index, mention_refs, source_refs
from natokg.analysis.config import Config
from natokg.analysis.gaps import Gap
from natokg.analysis.project import KG, label, partners

if TYPE_CHECKING:
    from natokg.store import Store

__all__ = [
    "EDGE_STYLES",
    "NODE_STYLES",
    "DrawnEdge",
    "View",
    "edge_style",
    "edge_tip",
    "gap_tip",
    "graphs_of",
    "group_counts",
    "merge_edges",
    "neighbourhood",
    "node_group",
    "node_tip",
    "partner_options",
    "partner_reach",
    "select_view",
    "technology_reach",
]

#: Node groups: (legend text, colour, vis-network shape). Okabe-Ito colours, safe for
#: colour-blind readers; the shape tells the kind apart as well.
NODE_STYLES: Mapping[str, tuple[str, str, str]] = {
    "ally": ("NATO Ally", "#0072B2", "dot"),
    "partner": ("Partner of NATO", "#E69F00", "dot"),
    "competitor": ("Competitor", "#D55E00", "dot"),
    "nation": ("Other nation", "#999999", "dot"),
    "nato_body": ("NATO body", "#56B4E9", "star"),
    "agency": ("National agency or research body", "#009E73", "square"),
    "company": ("Company", "#CC79A7", "triangle"),
    "organisation": ("Other organisation", "#BBBBBB", "triangleDown"),
    "programme": ("Programme or framework", "#F0E442", "hexagon"),
    "technology": ("Technology", "#444444", "diamond"),
    "area": ("Cooperation area", "#A0A0A0", "diamond"),
}

#: Edge styles: (legend text, colour, dashes, arrow). Dashes are vis-network's: False for a
#: solid line, or a [dash, gap] pattern.
EDGE_STYLES: Mapping[str, tuple[str, str, Any, bool]] = {
    "capability": ("Capability (width: level)", "#009E73", False, True),
    "coop_ongoing": ("Cooperation, ongoing", "#0072B2", False, False),
    "coop_past": ("Cooperation, past", "#7F9FBF", [2, 3], False),
    "coop_proposed": ("Cooperation, proposed or recommended", "#56B4E9", [6, 4], False),
    "membership": ("Membership", "#000000", False, True),
    "non_membership": ("Not a member (stated)", "#D55E00", [2, 4], True),
    "recommendation": ("Recommended by the report", "#CC79A7", [8, 4], True),
    "part_of": ("Part of, run by, country", "#BBBBBB", False, True),
    "taxonomy": ("Broader concept, close match", "#DDDDDD", [4, 2], True),
    "relation": ("Other relation the report states", "#999999", False, True),
    "assumed": ("Assumed in the scenario (not a fact)", "#CC79A7", [12, 3, 2, 3], True),
    "gap": ("Gap: partner strong, little NATO cooperation (width: score)", "#D55E00", [10, 6], True),
    "gap_closed": ("Gap the scenario closes", "#999999", [3, 6], True),
}

_COOPERATION = {"cooperates_with", "cooperates_on", "via"}
_STRUCTURE = {"country", "sub_organisation_of", "part_of", "run_by", "replaces"}
_TAXONOMY = {"broader", "close_match"}
_SYMMETRIC = {"cooperates_with", "close_match"}
_AGENCY_TYPES = {"GovernmentAgency", "ResearchBody"}
_NATION_GROUPS = {
    "Ally": "ally",
    "Partner": "partner",
    "InformalContact": "partner",
    "Competitor": "competitor",
}
_KIND_WORDS = {
    "strong_in": "capability",
    "cooperates_with": "cooperation",
    "cooperates_on": "cooperation on",
    "via": "cooperation through",
    "member_of": "member of",
    "not_member_of": "not a member of",
    "recommended_channel": "recommended channel",
    "recommended_topic": "recommended topic",
    "relation": "relation",
    "country": "country",
    "sub_organisation_of": "part of",
    "part_of": "part of",
    "run_by": "run by",
    "replaces": "replaces",
    "broader": "narrower than",
    "close_match": "close match",
}
#: Claims listed in one edge tooltip; the rest are counted.
_TIP_CLAIMS = 6
_ARROW = "\u2192"


def node_group(data: Mapping[str, Any]) -> str:
    """Return the display group of a node (a key of `NODE_STYLES`) from its attributes."""
    kind = data.get("kind")
    if kind == "nation":
        return _NATION_GROUPS.get(str(data.get("nato_relation")), "nation")
    if kind == "organisation":
        types = set(data.get("types", []))
        if data.get("nato_body"):
            return "nato_body"
        if types & _AGENCY_TYPES:
            return "agency"
        return "company" if "Company" in types else "organisation"
    return str(kind) if kind in NODE_STYLES else "organisation"


def edge_style(kind: str, qualifier: str | None) -> str:
    """Return the style key (of `EDGE_STYLES`) of a projection edge of `kind`."""
    if kind == "strong_in":
        return "capability"
    if kind in _COOPERATION:
        return {"Past": "coop_past", "Proposed": "coop_proposed", "Recommended": "coop_proposed"}.get(
            str(qualifier), "coop_ongoing"
        )
    if kind == "member_of":
        return "membership"
    if kind == "not_member_of":
        return "non_membership"
    if kind in {"recommended_channel", "recommended_topic"}:
        return "recommendation"
    if kind in _TAXONOMY:
        return "taxonomy"
    if kind in _STRUCTURE:
        return "part_of"
    return "relation"


def graphs_of(
    source: Store | KG, scenario: str | PathLike[str] | None = None
) -> tuple[KG, KG | None, str, str]:
    """Return what a page or chart draws from `source`.

    Returns
    -------
    tuple
        The projection (with the scenario's overlay, if any), the projection without it
        (None without a scenario), the source line, and the scenario's label (or "").

    Raises
    ------
    ValueError
        For a scenario without a store, or an unusable scenario (`ScenarioError`).
    TypeError
        If `source` is neither a store nor a projection.
    """
    import networkx as nx

    from natokg.analysis.project import project, project_graphs
    from natokg.analysis.scenarios import read_overlay
    from natokg.info import source_line
    from natokg.store import Store, union_graph

    if isinstance(source, nx.MultiDiGraph):
        if scenario is not None:
            raise ValueError("a scenario needs the store, not its projection: pass the store")
        return source, None, "Source: the natokg graph", ""
    if not isinstance(source, Store):
        raise TypeError(f"expected a natokg Store or its projection, not {type(source).__name__}")
    caption = source_line(source)
    if scenario is None:
        return project(source), None, caption, ""
    overlay = read_overlay(scenario)
    union = union_graph(source)
    return project_graphs([union, overlay.graph]), project_graphs([union]), caption, overlay.label


# ---------------------------------------------------------------------------
# Which nodes a view holds
# ---------------------------------------------------------------------------


def neighbourhood(G: KG, start: Iterable[str], depth: int) -> set[str]:
    """Return the nodes within `depth` links of `start`, whatever the links' direction."""
    found = {node for node in start if node in G}
    frontier = set(found)
    for _ in range(depth):
        following: set[str] = set()
        for node in frontier:
            following.update(G.successors(node))
            following.update(G.predecessors(node))
        following -= found
        if not following:
            break
        found |= following
        frontier = following
    return found


def partner_reach(G: KG, index: Index, partner: str) -> set[str]:
    """Return a partner's view: the nation, its organisations, and what they link to."""
    return neighbourhood(G, index.actors_of(partner), 1)


def technology_reach(G: KG, index: Index, technology: str) -> set[str]:
    """Return a technology's view: the concept, its narrower concepts, and what they link to."""
    concepts = index.distances(technology, "narrower", len(G))
    return neighbourhood(G, concepts, 1)


@dataclass(frozen=True)
class View:
    """The nodes a page draws, and what the reader is told about the choice.

    Attributes
    ----------
    nodes
        The nodes drawn, sorted.
    matched
        How many nodes the filters matched before the cap on large graphs.
    title
        What the view shows, in words.
    note
        Set when the view was cut to the cap: what was left out, and how to see it.
    anchors
        The nodes the view was asked about (focus, partner, technology).
    """

    nodes: tuple[str, ...]
    matched: int
    title: str
    note: str | None = None
    anchors: tuple[str, ...] = ()


def _degree(G: KG, node: str) -> int:
    return len(set(G.successors(node)) | set(G.predecessors(node)))


def select_view(
    G: KG,
    index: Index,
    *,
    focus: str | None,
    depth: int,
    partner: str | None,
    technology: str | None,
    max_nodes: int,
) -> View:
    """Return the nodes of the view the options ask for, cut to `max_nodes` on a large graph.

    Each option narrows the view (they combine as an intersection); the nodes asked about
    are always kept. Past `max_nodes`, the nodes with the most neighbours are kept.
    """
    chosen = set(G.nodes)
    anchors: list[str] = []
    parts: list[str] = []
    if focus is not None:
        chosen &= neighbourhood(G, [focus], depth)
        anchors.append(focus)
        parts.append(f"neighbourhood of {label(G, focus)} (depth {depth})")
    if partner is not None:
        chosen &= partner_reach(G, index, partner)
        anchors.append(partner)
        parts.append(f"partner {label(G, partner)}")
    if technology is not None:
        chosen &= technology_reach(G, index, technology)
        anchors.append(technology)
        parts.append(f"technology {label(G, technology)}")
    chosen.update(anchors)
    title = "; ".join(parts) if parts else "the whole graph"
    matched = len(chosen)
    if matched <= max_nodes:
        return View(tuple(sorted(chosen)), matched, title, anchors=tuple(anchors))
    keep = set(anchors)
    ranked = sorted(chosen - keep, key=lambda n: (-_degree(G, n), label(G, n), n))
    keep.update(ranked[: max(0, max_nodes - len(keep))])
    note = (
        f"This view holds {matched:,} nodes, more than the {max_nodes:,} the page draws at once "
        f"without freezing the browser: it shows the {len(keep):,} with the most links. "
        "Narrow it to see any part in full (natokg viz --focus, --partner or --technology; "
        "or raise --max-nodes)."
    )
    return View(tuple(sorted(keep)), matched, title, note, tuple(anchors))


# ---------------------------------------------------------------------------
# Edges and tooltips
# ---------------------------------------------------------------------------


@dataclass
class DrawnEdge:
    """One drawn edge: the projection's parallel edges of one kind (and status) between two nodes."""

    source: str
    target: str
    kind: str
    qualifier: str | None
    claims: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)

    @property
    def style(self) -> str:
        """The key of its style in `EDGE_STYLES`."""
        return edge_style(self.kind, self.qualifier)

    @property
    def symmetric(self) -> bool:
        """Whether the relation goes both ways (drawn without an arrow)."""
        return self.kind in _SYMMETRIC


def _qualifier(data: Mapping[str, Any]) -> str | None:
    kind = data.get("kind")
    if kind in _COOPERATION:
        return data.get("status")
    if kind == "relation":
        return data.get("relation_kind")
    return None


def merge_edges(G: KG, nodes: Collection[str]) -> list[DrawnEdge]:
    """Return the drawn edges among `nodes`: one per (source, target, kind, status or relation).

    A cooperation edge keeps its status and a relation its wording, so that parallel claims
    of the same meaning share a line and the tooltip lists them all.
    """
    inside = set(nodes)
    merged: dict[tuple[str, str, str, str], DrawnEdge] = {}
    for u, v, data in G.edges(data=True):
        if u not in inside or v not in inside:
            continue
        qualifier = _qualifier(data)
        key = (u, v, str(data.get("kind")), qualifier or "")
        edge = merged.get(key)
        if edge is None:
            edge = merged[key] = DrawnEdge(u, v, str(data.get("kind")), qualifier)
        edge.claims.extend(c for c in data.get("claims", []) if c not in edge.claims)
        if data.get("level"):
            edge.levels.append(str(data["level"]))
    return [merged[key] for key in sorted(merged)]


def _paragraph_text(numbers: Sequence[int | None]) -> str:
    found = sorted({n for n in numbers if n is not None})
    if not found:
        return ""
    return ("paragraph " if len(found) == 1 else "paragraphs ") + ", ".join(str(n) for n in found)


def node_tip(G: KG, node: str) -> list[list[str]]:
    """Return a node's tooltip lines: label, kind, other names, paragraphs naming it, IRI."""
    data = G.nodes[node]
    lines = [["h", label(G, node)]]
    kind = NODE_STYLES[node_group(data)][0]
    types = ", ".join(t for t in data.get("types", []) if t)
    lines.append(["m", f"{kind} ({types})" if types else kind])
    if data.get("alt_labels"):
        lines.append(["p", "Also: " + ", ".join(str(a) for a in data["alt_labels"])])
    if data.get("edt"):
        lines.append(["p", f"EDT: {data['edt']}" + (" (NATO priority)" if data.get("nato_priority") else "")])
    named = _paragraph_text([ref.paragraph for ref in mention_refs(G, node)])
    if named:
        lines.append(["m", f"Named in {named}"])
    lines.append(["m", node])
    return lines


def edge_tip(G: KG, edge: DrawnEdge) -> list[list[str]]:
    """Return a drawn edge's tooltip: who, what, and every claim with paragraph and quote."""
    words = _KIND_WORDS.get(edge.kind, edge.kind)
    if edge.qualifier:
        words += f" ({edge.qualifier.lower()})"
    if edge.levels:
        words += f" - level: {', '.join(sorted(set(edge.levels)))}"
    lines = [["h", f"{label(G, edge.source)} {_ARROW} {label(G, edge.target)}"], ["m", words]]
    claims = G.graph.get("claims", {})
    for claim in edge.claims[:_TIP_CLAIMS]:
        record = claims.get(claim, {})
        assumed = record.get("assumed_in")
        text = str(record.get("label", claim))
        lines.append(["p", f"{text} [assumed in the scenario, not a fact]" if assumed else text])
        refs = source_refs(G, claim)
        where = _paragraph_text([ref.paragraph for ref in refs])
        cited = "; ".join(record.get("citations", []))
        if where or cited:
            lines.append(["m", " - ".join(part for part in (where, cited) if part)])
        for quote in record.get("quotes", [])[:1]:
            lines.append(["q", str(quote)])
    if len(edge.claims) > _TIP_CLAIMS:
        lines.append(["m", f"and {len(edge.claims) - _TIP_CLAIMS} more claims"])
    if not edge.claims:
        lines.append(["m", "structure of the graph (no claim)"])
    return lines


def gap_tip(gap: Gap, before: Gap | None = None, closed: bool = False) -> list[list[str]]:
    """Return a gap's tooltip: score and its parts, the coverage found, the strength's evidence."""
    lines = [["h", f"Gap: {gap.partner_label} {_ARROW} {gap.technology_label}"]]
    if closed and before is not None:
        lines.append(["p", f"Closed by the scenario: score {before.score:.2f} before, {gap.score:.2f} now"])
    lines.append(
        [
            "p",
            f"score {gap.score:.2f} = strength {gap.strength:.2f} x priority {gap.priority:.2f}"
            f" x (1 - coverage {gap.coverage:.2f})",
        ]
    )
    if before is not None and not closed and abs(before.score - gap.score) >= 0.005:
        lines.append(["m", f"before the scenario: {before.score:.2f}"])
    lines.append(["m", f"Coverage: {gap.coverage_note}"])
    for item in gap.strength_evidence[:3]:
        lines.append(["p", f"{item.label} ({item.level})"])
        where = _paragraph_text([ref.paragraph for ref in item.sources])
        if where:
            lines.append(["m", where])
        for quote in item.quotes[:1]:
            lines.append(["q", quote])
    if gap.priority_reasons:
        lines.append(["m", "Priority: " + "; ".join(r.reason for r in gap.priority_reasons)])
    return lines


def partner_options(G: KG, config: Config, nodes: Collection[str]) -> list[tuple[str, str]]:
    """Return the partners in view as ``(iri, label)``, for the page's partner filter."""
    inside = set(nodes)
    return [(p, label(G, p)) for p in partners(G, config.texts("partners.relations")) if p in inside]


def group_counts(G: KG, nodes: Iterable[str]) -> dict[str, int]:
    """Return how many of `nodes` fall in each display group, in `NODE_STYLES` order."""
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        counts[node_group(G.nodes[node])] += 1
    return {group: counts[group] for group in NODE_STYLES if counts[group]}
