"""What-if scenarios: apply an overlay of hypothetical claims, recompute, show what changed.

A scenario is a Turtle file (shipped in ``scenarios/``, or any local file) that describes one
``nkg:Scenario`` and the claims it assumes, each marked ``nkg:assumedIn`` that scenario. The
overlay is checked before use (`read_overlay`): a claim without the marker would pass a
hypothesis off as a fact, so it is refused. `apply_scenario` adds the overlay to a store in a
named graph of its own, named by the scenario's IRI; the projection keeps the marker on every
claim, so the evidence of a gap shows which of it is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Dataset, Graph, URIRef

from natokg import resources
from natokg.analysis.channels import AgencyGap, ChannelGap, agency_gaps, channel_gaps, channel_parts
from natokg.analysis.config import NKG_PREFIX, Config, default_config
from natokg.analysis.gaps import Gap, technology_gaps
from natokg.analysis.metrics import Brokerage, brokerage
from natokg.analysis.project import CLAIM_KINDS, KG, claim_paragraphs, label
from natokg.load import parse_file
from natokg.store import Store

__all__ = [
    "Analysis",
    "GapChange",
    "Overlay",
    "ScenarioDiff",
    "ScenarioError",
    "analyse",
    "apply_scenario",
    "compare",
    "list_scenarios",
    "read_overlay",
    "scenario_file",
]

_SCENARIO = URIRef(NKG_PREFIX + "Scenario")
_ASSUMED_IN = URIRef(NKG_PREFIX + "assumedIn")
_CLAIM_CLASSES = {URIRef(NKG_PREFIX + kind) for kind in CLAIM_KINDS} | {URIRef(NKG_PREFIX + "Claim")}


class ScenarioError(ValueError):
    """A scenario cannot be found or used; the message names the file."""


@dataclass(frozen=True)
class Overlay:
    """A checked scenario overlay.

    Attributes
    ----------
    name
        The file's stem (``rok-joins-sto-eop``).
    path
        The file.
    scenario
        The IRI of its ``nkg:Scenario``, also the name of the graph it is loaded into.
    label, comment
        What the scenario assumes, in words.
    graph
        The parsed triples.
    claims
        The hypothetical claims, sorted.
    """

    name: str
    path: Path
    scenario: str
    label: str
    comment: str
    graph: Graph
    claims: tuple[str, ...]


def list_scenarios() -> list[Path]:
    """Return the shipped scenario files, ``scenarios/*.ttl``, sorted by name."""
    return list(resources.scenario_files())


def scenario_file(name: str | PathLike[str]) -> Path:
    """Return the file of a scenario given by shipped name (file stem) or by path.

    Raises
    ------
    ScenarioError
        If there is no such scenario; the message lists the shipped ones.
    """
    text = str(name)
    for path in list_scenarios():
        if path.stem == text or path.name == text:
            return path
    candidate = Path(text)
    if candidate.suffix and candidate.is_file():
        return candidate
    known = ", ".join(path.stem for path in list_scenarios()) or "none"
    raise ScenarioError(f"{text}: no such scenario (shipped: {known}; or give the path of a .ttl file)")


def read_overlay(name: str | PathLike[str]) -> Overlay:
    """Parse and check a scenario overlay.

    The file must describe exactly one ``nkg:Scenario``, and every claim in it must carry
    ``nkg:assumedIn`` that scenario.

    Raises
    ------
    ScenarioError
        If the file is missing or breaks those rules.
    natokg.LoadError
        If it is not valid RDF (with file and line).

    Examples
    --------
    >>> overlay = read_overlay("rok-joins-sto-eop")
    >>> overlay.scenario
    'https://w3id.org/natokg/id/scenario-rok-joins-sto-eop'
    """
    path = scenario_file(name)
    graph = parse_file(path)
    scenarios = sorted({str(s) for s in graph.subjects(RDF.type, _SCENARIO)})
    if len(scenarios) != 1:
        raise ScenarioError(f"{path}: must describe exactly one nkg:Scenario, found {len(scenarios)}")
    scenario = URIRef(scenarios[0])
    claims = sorted({str(s) for cls in _CLAIM_CLASSES for s in graph.subjects(RDF.type, cls)})
    if not claims:
        raise ScenarioError(f"{path}: holds no claim to assume")
    unmarked = [c for c in claims if (URIRef(c), _ASSUMED_IN, scenario) not in graph]
    if unmarked:
        raise ScenarioError(
            f"{path}: every claim must carry nkg:assumedIn <{scenario}> so that it is never taken "
            f"for a fact; missing on {', '.join(unmarked)}"
        )
    return Overlay(
        name=path.stem,
        path=path,
        scenario=str(scenario),
        label=str(graph.value(scenario, RDFS.label) or path.stem),
        comment=str(graph.value(scenario, RDFS.comment) or ""),
        graph=graph,
        claims=tuple(claims),
    )


def apply_scenario(store: Store, name: str | PathLike[str]) -> Overlay:
    """Add a scenario's overlay to `store`, in the named graph of the scenario's IRI.

    Examples
    --------
    >>> from natokg import load_graph
    >>> store = load_graph().store
    >>> overlay = apply_scenario(store, "rok-joins-sto-eop")
    >>> from natokg.analysis import project
    >>> G = project(store)
    >>> G.graph["claims"][overlay.claims[0]]["assumed_in"] == overlay.scenario
    True
    """
    overlay = read_overlay(name)
    dataset = Dataset()
    named = dataset.graph(URIRef(overlay.scenario))
    for triple in overlay.graph:
        named.add(triple)
    store.add_graph(dataset)
    return overlay


@dataclass(frozen=True)
class Analysis:
    """Everything the gap analysis computes for one projection."""

    gaps: tuple[Gap, ...]
    channel_gaps: tuple[ChannelGap, ...]
    agency_gaps: tuple[AgencyGap, ...]
    brokerage: Brokerage

    @property
    def open_gaps(self) -> list[Gap]:
        """Return the technology gaps with a score above zero, ranked."""
        return [gap for gap in self.gaps if round(gap.score, 4) > 0]


def analyse(G: KG, config: Config | None = None) -> Analysis:
    """Run the technology gaps (covered ones included), channel gaps and brokerage on `G`."""
    config = config or default_config()
    return Analysis(
        gaps=tuple(technology_gaps(G, config, include_covered=True)),
        channel_gaps=tuple(channel_gaps(G, config)),
        agency_gaps=tuple(agency_gaps(G, config)),
        brokerage=brokerage(G, config),
    )


@dataclass(frozen=True)
class GapChange:
    """How one technology gap moves under a scenario.

    Attributes
    ----------
    change
        ``"closed"`` (score to 0), ``"narrowed"``, ``"widened"`` or ``"opened"``.
    assumed
        The scenario's claims now in the gap's evidence.
    """

    partner: str
    partner_label: str
    technology: str
    technology_label: str
    before: float
    after: float
    coverage_before: float
    coverage_after: float
    change: str
    assumed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready data."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "technology": self.technology,
            "technology_label": self.technology_label,
            "change": self.change,
            "score_before": round(self.before, 4),
            "score_after": round(self.after, 4),
            "coverage_before": round(self.coverage_before, 4),
            "coverage_after": round(self.coverage_after, 4),
            "assumed_claims": list(self.assumed),
        }


@dataclass(frozen=True)
class ScenarioDiff:
    """What a scenario changes.

    Attributes
    ----------
    conflicts
        Facts of the report that the scenario overrides (a stated non-membership of a
        framework the scenario joins), as ``(claim, label, paragraphs)``.
    brokers
        Nodes whose betweenness moves by at least 0.001: ``(node, label, before, after)``.
    """

    name: str
    scenario: str
    label: str
    comment: str
    assumed: tuple[tuple[str, str, tuple[int, ...]], ...]
    conflicts: tuple[tuple[str, str, tuple[int, ...]], ...]
    gaps: tuple[GapChange, ...]
    channels_closed: tuple[ChannelGap, ...]
    channels_opened: tuple[ChannelGap, ...]
    agencies_closed: tuple[AgencyGap, ...]
    agencies_opened: tuple[AgencyGap, ...]
    brokers: tuple[tuple[str, str, float, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the diff as JSON-ready data."""

        def claims(items: Iterable[tuple[str, str, tuple[int, ...]]]) -> list[dict[str, Any]]:
            return [{"claim": c, "label": lab, "paragraphs": list(p)} for c, lab, p in items]

        return {
            "scenario": self.scenario,
            "name": self.name,
            "label": self.label,
            "comment": self.comment,
            "assumed": claims(self.assumed),
            "overrides": claims(self.conflicts),
            "technology_gaps": [g.to_dict() for g in self.gaps],
            "channel_gaps_closed": [g.to_dict() for g in self.channels_closed],
            "channel_gaps_opened": [g.to_dict() for g in self.channels_opened],
            "agency_gaps_closed": [g.to_dict() for g in self.agencies_closed],
            "agency_gaps_opened": [g.to_dict() for g in self.agencies_opened],
            "brokers": [
                {"node": n, "label": lab, "betweenness_before": round(b, 4), "betweenness_after": round(a, 4)}
                for n, lab, b, a in self.brokers
            ],
        }


def compare(before: Analysis, after: Analysis, overlay: Overlay, G_after: KG) -> ScenarioDiff:
    """Return what changes from `before` to `after` (the analysis with the overlay applied).

    Parameters
    ----------
    before, after
        `analyse` without and with the overlay.
    overlay
        The scenario (`read_overlay`).
    G_after
        The projection with the overlay, for labels and paragraphs.
    """
    assumed_set = set(overlay.claims)
    old = {(g.partner, g.technology): g for g in before.gaps}
    new = {(g.partner, g.technology): g for g in after.gaps}
    changes: list[GapChange] = []
    for key in sorted(set(old) | set(new)):
        b, a = old.get(key), new.get(key)
        score_b = round(b.score, 4) if b else 0.0
        score_a = round(a.score, 4) if a else 0.0
        cov_b = b.coverage if b else 0.0
        cov_a = a.coverage if a else 0.0
        if score_b == score_a and round(cov_b, 4) == round(cov_a, 4):
            continue
        if score_a == 0 < score_b:
            change = "closed"
        elif score_b == 0 < score_a:
            change = "opened"
        else:
            change = "narrowed" if score_a < score_b else "widened"
        gap = a or b
        assert gap is not None
        assumed = tuple(
            sorted(
                {e.claim for e in (a.coverage_evidence if a else ()) if e.claim in assumed_set}
                | {e.claim for e in (a.strength_evidence if a else ()) if e.claim in assumed_set}
            )
        )
        changes.append(
            GapChange(
                gap.partner,
                gap.partner_label,
                gap.technology,
                gap.technology_label,
                score_b,
                score_a,
                cov_b,
                cov_a,
                change,
                assumed,
            )
        )
    changes.sort(key=lambda c: (c.after - c.before, c.partner_label, c.technology_label))

    def keyed(items: Sequence[Any], *fields: str) -> dict[tuple[str, ...], Any]:
        return {tuple(getattr(item, f) for f in fields): item for item in items}

    ch_b, ch_a = (
        keyed(before.channel_gaps, "partner", "channel"),
        keyed(after.channel_gaps, "partner", "channel"),
    )
    ag_b, ag_a = keyed(before.agency_gaps, "partner", "agency"), keyed(after.agency_gaps, "partner", "agency")
    between_b = {b.node: b.betweenness for b in before.brokerage.brokers}
    between_a = {b.node: b.betweenness for b in after.brokerage.brokers}
    moved = []
    for node in sorted(set(between_b) | set(between_a)):
        b_value, a_value = between_b.get(node, 0.0), between_a.get(node, 0.0)
        if abs(a_value - b_value) >= 0.001:
            moved.append((node, label(G_after, node), b_value, a_value))
    moved.sort(key=lambda item: (-abs(item[3] - item[2]), item[1]))
    return ScenarioDiff(
        name=overlay.name,
        scenario=overlay.scenario,
        label=overlay.label,
        comment=overlay.comment,
        assumed=tuple(
            (c, str(G_after.graph["claims"].get(c, {}).get("label", c)), tuple(claim_paragraphs(G_after, c)))
            for c in overlay.claims
        ),
        conflicts=_conflicts(G_after, overlay),
        gaps=tuple(changes),
        channels_closed=tuple(ch_b[k] for k in sorted(set(ch_b) - set(ch_a))),
        channels_opened=tuple(ch_a[k] for k in sorted(set(ch_a) - set(ch_b))),
        agencies_closed=tuple(ag_b[k] for k in sorted(set(ag_b) - set(ag_a))),
        agencies_opened=tuple(ag_a[k] for k in sorted(set(ag_a) - set(ag_b))),
        brokers=tuple(moved),
    )


def _conflicts(G: KG, overlay: Overlay) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """Return the stated non-memberships that the overlay's memberships override."""
    claims = G.graph.get("claims", {})
    found = []
    for assumed in overlay.claims:
        record = claims.get(assumed, {})
        if record.get("kind") != "Membership":
            continue
        for claim, other in sorted(claims.items()):
            if other.get("kind") != "NonMembership" or other.get("assumed_in"):
                continue
            if not set(other.get("member", [])) & set(record.get("member", [])):
                continue
            frameworks = other.get("framework", [])
            if any(f in channel_parts(G, w) for w in frameworks for f in record.get("framework", [])):
                found.append((claim, str(other.get("label", claim)), tuple(claim_paragraphs(G, claim))))
    return tuple(found)
