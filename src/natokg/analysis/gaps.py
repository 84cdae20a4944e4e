"""Technology gaps: where a partner is strong and NATO cooperates little or not at all.

For a partner P and a technology T (DESIGN.md §5)::

    gap(P, T) = S(P, T) * W(T) * (1 - C(P, T))

- strength S: the highest value among P's capability claims on T, its close matches or a
  narrower concept (discounted per step), held by P or one of its organisations;
- coverage C: the highest value among the cooperation activities in which P takes part
  with NATO or an Ally on T or a neighbouring concept, weighted by the counterpart, the
  status and the topic's distance;
- priority W: the sum of the reasons that apply to T (NATO priority area, disruptive or
  emerging, a competitor pushing it, a recommendation of the report).

Every weight comes from the configuration (`natokg.analysis.config`). Each `Gap` carries
its evidence, and each piece of evidence the ingredients of its value, so that a gap can be
explained, and rescored under other weights (`rescore`) without recomputing the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from natokg._gc import paused
from natokg.analysis._index import Index, SourceRef, source_refs
from natokg.analysis.config import Config, default_config
from natokg.analysis.project import KG, partners

__all__ = [
    "CoverageEvidence",
    "Gap",
    "PriorityReason",
    "StrengthEvidence",
    "explain_gap",
    "gap_coverage",
    "gap_priority",
    "gap_strength",
    "rank_gaps",
    "rescore",
    "technology_gaps",
]

#: Digits kept in scores and weights of the output (the ranking uses the same rounding).
DIGITS = 4


def _round(value: float) -> float:
    return round(value + 0.0, DIGITS)


@dataclass(frozen=True)
class StrengthEvidence:
    """One capability claim behind S(P, T).

    Attributes
    ----------
    claim, label
        The claim's IRI and label.
    holder, holder_label
        Who holds it: the partner or one of its organisations.
    technology, technology_label
        The technology the claim names (T, a close match, or a narrower concept).
    level
        The capability level (``"GlobalLeader"``, ``"Leader"``, ...).
    organisation
        True when the holder is an organisation of the partner, not the nation.
    steps
        How many ``skos:broader`` steps the claim's technology lies below T (0: T itself).
    value
        The level's weight times the factors that apply.
    sources, quotes
        Where the report says it, in its words.
    assumed_in
        The scenario assuming the claim, or None for a fact of the report.
    """

    claim: str
    label: str
    holder: str
    holder_label: str
    technology: str
    technology_label: str
    level: str
    organisation: bool
    steps: int
    value: float
    sources: tuple[SourceRef, ...]
    quotes: tuple[str, ...]
    assumed_in: str | None = None

    @property
    def via(self) -> str:
        """How the claim reaches T: ``"direct"``, ``"organisation"``, ``"narrower"`` or both."""
        parts = [name for name, on in (("organisation", self.organisation), ("narrower", self.steps)) if on]
        return ", ".join(parts) or "direct"

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as JSON-ready data."""
        return {
            "claim": self.claim,
            "label": self.label,
            "holder": self.holder,
            "holder_label": self.holder_label,
            "technology": self.technology,
            "technology_label": self.technology_label,
            "level": self.level,
            "via": self.via,
            "steps": self.steps,
            "value": _round(self.value),
            "paragraphs": _paragraphs(self.sources),
            "sources": [ref.to_dict() for ref in self.sources],
            "quotes": list(self.quotes),
            "assumed_in": self.assumed_in,
        }


@dataclass(frozen=True)
class CoverageEvidence:
    """One cooperation activity behind C(P, T).

    Attributes
    ----------
    claim, label
        The activity's IRI and label.
    status
        ``"Ongoing"``, ``"Past"``, ``"Proposed"`` or ``"Recommended"``.
    counterpart
        The strongest NATO-side counterpart: ``"nato"``, ``"ally"`` or ``"parliamentary"``.
    counterparts
        The NATO-side participants and channels (IRIs).
    technology, technology_label
        The activity's technology closest to T.
    match
        ``"exact"`` (T or a close match), ``"narrower"`` or ``"broader"``.
    steps
        The distance in ``skos:broader`` steps (0 for an exact match).
    value
        Counterpart weight * status weight * topic factor; 0 for proposed cooperation.
    """

    claim: str
    label: str
    status: str
    counterpart: str
    counterparts: tuple[str, ...]
    counterpart_labels: tuple[str, ...]
    technology: str
    technology_label: str
    match: str
    steps: int
    value: float
    sources: tuple[SourceRef, ...]
    quotes: tuple[str, ...]
    assumed_in: str | None = None

    @property
    def counted(self) -> bool:
        """Whether the activity adds to the coverage (its value is above zero)."""
        return self.value > 0

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as JSON-ready data."""
        return {
            "claim": self.claim,
            "label": self.label,
            "status": self.status,
            "counterpart": self.counterpart,
            "counterparts": list(self.counterparts),
            "counterpart_labels": list(self.counterpart_labels),
            "technology": self.technology,
            "technology_label": self.technology_label,
            "match": self.match,
            "steps": self.steps,
            "value": _round(self.value),
            "counted": self.counted,
            "paragraphs": _paragraphs(self.sources),
            "sources": [ref.to_dict() for ref in self.sources],
            "quotes": list(self.quotes),
            "assumed_in": self.assumed_in,
        }


@dataclass(frozen=True)
class PriorityReason:
    """One reason behind W(T).

    Attributes
    ----------
    reason
        ``"base"``, ``"nato_priority"``, ``"disruptive"``, ``"emerging"``,
        ``"competitor"`` or ``"recommended"`` (the names of the ``[priority]`` weights).
    weight
        What the reason adds to W.
    text
        The reason in words.
    concept, concept_label
        The concept it was found on (T, a close match or a broader concept), if any.
    inherited
        True when found on a broader concept.
    related
        True for a competitor's claim on a broader or narrower concept.
    claims
        The claims behind it (competitors' claims, recommendations, the report's own
        statement of priorities), with their sources.
    """

    reason: str
    weight: float
    text: str
    concept: str | None = None
    concept_label: str | None = None
    inherited: bool = False
    related: bool = False
    claims: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the reason as JSON-ready data."""
        return {
            "reason": self.reason,
            "weight": _round(self.weight),
            "text": self.text,
            "concept": self.concept,
            "concept_label": self.concept_label,
            "inherited": self.inherited,
            "related": self.related,
            "claims": list(self.claims),
            "paragraphs": _paragraphs(self.sources),
        }


@dataclass(frozen=True)
class Gap:
    """The gap of one partner on one technology, with everything behind it.

    ``score = strength * priority * (1 - coverage)``.
    """

    partner: str
    partner_label: str
    technology: str
    technology_label: str
    score: float
    strength: float
    coverage: float
    priority: float
    strength_evidence: tuple[StrengthEvidence, ...] = field(repr=False)
    coverage_evidence: tuple[CoverageEvidence, ...] = field(repr=False)
    priority_reasons: tuple[PriorityReason, ...] = field(repr=False)

    @property
    def paragraphs(self) -> list[int]:
        """Return every paragraph the evidence cites."""
        refs = [ref for item in self.strength_evidence for ref in item.sources]
        refs += [ref for item in self.coverage_evidence for ref in item.sources]
        refs += [ref for item in self.priority_reasons for ref in item.sources]
        return _paragraphs(refs)

    @property
    def coverage_note(self) -> str:
        """Say in words what the coverage rests on."""
        if not self.coverage_evidence:
            return "none found"
        if not any(item.counted for item in self.coverage_evidence):
            return "none found that counts: only proposed or recommended cooperation"
        best = max(self.coverage_evidence, key=lambda item: item.value)
        return f"strongest: {best.label} ({best.status.lower()}, {best.counterpart}, {best.match})"

    @property
    def coverage_brief(self) -> str:
        """Say in a few words what the coverage rests on (``"none"``, ``"ally, ongoing, broader"``)."""
        if not self.coverage_evidence:
            return "none"
        if not any(item.counted for item in self.coverage_evidence):
            return "proposed only"
        best = max(self.coverage_evidence, key=lambda item: item.value)
        return f"{best.counterpart}, {best.status.lower()}, {best.match}"

    @property
    def strength_paragraphs(self) -> list[int]:
        """Return the paragraphs of the capability claims behind the strength."""
        return _paragraphs(ref for item in self.strength_evidence for ref in item.sources)

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as the JSON contract of ``natokg gaps`` describes it."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "technology": self.technology,
            "technology_label": self.technology_label,
            "score": _round(self.score),
            "strength": _round(self.strength),
            "coverage": _round(self.coverage),
            "priority": _round(self.priority),
            "evidence": {
                "paragraphs": self.paragraphs,
                "strength": [item.to_dict() for item in self.strength_evidence],
                "coverage": [item.to_dict() for item in self.coverage_evidence],
                "coverage_note": self.coverage_note,
                "priority": [item.to_dict() for item in self.priority_reasons],
            },
        }


def _paragraphs(refs: Iterable[SourceRef]) -> list[int]:
    return sorted({ref.paragraph for ref in refs if ref.paragraph is not None})


# ---------------------------------------------------------------------------
# Strength
# ---------------------------------------------------------------------------


def _level_weight(G: KG, config: Config, level: str) -> float:
    levels = config.table("strength.levels")
    if level in levels:
        return levels[level]
    return float(G.graph.get("level_weights", {}).get(level, 0.0))


def _strength_value(G: KG, config: Config, item: StrengthEvidence) -> float:
    return _strength_of(G, config, item.level, item.organisation, item.steps)


def _strength_of(G: KG, config: Config, level: str, organisation: bool, steps: int) -> float:
    value = _level_weight(G, config, level)
    if organisation:
        value *= config.number("strength.organisation")
    return value * config.number("strength.narrower") ** steps


def gap_strength(
    G: KG, partner: str, technology: str, config: Config | None = None, *, index: Index | None = None
) -> tuple[float, tuple[StrengthEvidence, ...]]:
    """Return S(P, T) and the capability claims behind it, strongest first.

    Parameters
    ----------
    G
        A projection (`natokg.analysis.project`).
    partner, technology
        IRIs.
    config
        Weights; default: the shipped ones.

    Returns
    -------
    tuple
        The strength in [0, 1] (0 when no claim is found) and its evidence.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> G = project(load_graph().store)
    >>> s, evidence = gap_strength(
    ...     G, "https://w3id.org/natokg/id/japan", "https://w3id.org/natokg/id/robotics"
    ... )
    >>> s, evidence[0].level
    (1.0, 'GlobalLeader')
    """
    config = config or default_config()
    index = index or Index(G)
    below = index.distances(technology, "narrower", config.integer("strength.max_hops"))
    table = _capabilities(index, partner)
    found: list[StrengthEvidence] = []
    # The partner's claims on T or below it, in the order of its claims, holders, technologies.
    for _, claim, holder, tech in sorted(hit for concept in below for hit in table.get(concept, ())):
        record = index.claims[claim]
        level = str((record.get("level") or ["?"])[0])
        organisation = holder != partner
        steps = below[tech]
        found.append(
            StrengthEvidence(
                claim=claim,
                label=str(record["label"]),
                holder=holder,
                holder_label=index.label(holder),
                technology=tech,
                technology_label=index.label(tech),
                level=level,
                organisation=organisation,
                steps=steps,
                value=_strength_of(G, config, level, organisation, steps),
                sources=index.sources(claim),
                quotes=tuple(record["quotes"]),
                assumed_in=record.get("assumed_in"),
            )
        )
    found.sort(key=lambda e: (-_round(e.value), e.steps, e.organisation, e.claim, e.technology))
    return (max((e.value for e in found), default=0.0), tuple(found))


def _with_value(item: Any, value: float) -> Any:
    return replace(item, value=value)


def _capabilities(index: Index, partner: str) -> dict[str, list[tuple[int, str, str, str]]]:
    """Return the partner's capability claims by technology: ``(order, claim, holder, technology)``.

    Built once per partner, so that each technology looks up its claims instead of walking
    all of the partner's; the order numbers keep the evidence in the order of a full walk.
    """
    key = ("capabilities", partner)
    if key not in index.memo:
        holders = index.actors_of(partner)
        table: dict[str, list[tuple[int, str, str, str]]] = {}
        order = 0
        for claim in index.claims_for("CapabilityClaim", holders):
            record = index.claims[claim]
            for holder in record.get("holder", []):
                if holder in holders:
                    for tech in record.get("technology", []):
                        table.setdefault(tech, []).append((order, claim, holder, tech))
                        order += 1
        index.memo[key] = table
    found: dict[str, list[tuple[int, str, str, str]]] = index.memo[key]
    return found


# ---------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------


def _coverage_value(config: Config, item: CoverageEvidence) -> float:
    return _coverage_of(config, item.counterpart, item.status, item.match, item.steps)


def _coverage_of(config: Config, counterpart: str, status: str, match: str, steps: int) -> float:
    weight = config.number(f"coverage.counterpart.{counterpart}")
    factor = 1.0 if match == "exact" else config.number(f"coverage.{match}") ** steps
    return weight * config.table("coverage.status").get(status, 0.0) * factor


def gap_coverage(
    G: KG, partner: str, technology: str, config: Config | None = None, *, index: Index | None = None
) -> tuple[float, tuple[CoverageEvidence, ...]]:
    """Return C(P, T) and the cooperation activities behind it, strongest first.

    An activity counts when the partner (or one of its organisations) takes part in it
    with a NATO body, an Ally (or an Ally's organisation) or a parliamentary body, or
    through a channel run by NATO, and when one of its technologies is T, a close match,
    or a concept at most ``coverage.max_hops`` broader or narrower steps away.

    Returns
    -------
    tuple
        The coverage in [0, 1] (0 when nothing counts) and every activity found, with
        proposed ones (value 0) kept so that an analyst sees them.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> G = project(load_graph().store)
    >>> c, evidence = gap_coverage(
    ...     G, "https://w3id.org/natokg/id/rok", "https://w3id.org/natokg/id/autonomy"
    ... )
    >>> c, evidence[0].counterpart, evidence[0].label
    (1.0, 'nato', 'Korean and Allied scientists work on EDTs in SPS Multi-Year Projects')
    """
    config = config or default_config()
    index = index or Index(G)
    hops = config.integer("coverage.max_hops")
    up = index.distances(technology, "broader", hops)
    down = index.distances(technology, "narrower", hops)
    weights = config.table("coverage.counterpart")
    activities = _partner_activities(index, partner)
    by_topic = _activities_by_technology(index, partner)
    found: list[CoverageEvidence] = []
    # Only the activities on a concept near T can match; their order is the full walk's.
    for position in sorted({i for concept in up.keys() | down.keys() for i in by_topic.get(concept, ())}):
        claim, record, sides = activities[position]
        match = _best_topic(record.get("technology", []), up, down)
        if match is None:
            continue
        best_side = max((side for side, _ in sides), key=lambda side: (weights.get(side, 0.0), side))
        tech, kind, steps = match
        nato_side = tuple(sorted({node for _, node in sides}))
        status = str((record.get("status") or ["?"])[0])
        found.append(
            CoverageEvidence(
                claim=claim,
                label=str(record["label"]),
                status=status,
                counterpart=best_side,
                counterparts=nato_side,
                counterpart_labels=tuple(index.label(node) for node in nato_side),
                technology=tech,
                technology_label=index.label(tech),
                match=kind,
                steps=steps,
                value=_coverage_of(config, best_side, status, kind, steps),
                sources=index.sources(claim),
                quotes=tuple(record["quotes"]),
                assumed_in=record.get("assumed_in"),
            )
        )
    found.sort(key=lambda e: (-_round(e.value), e.steps, e.claim))
    return (min(1.0, max((e.value for e in found), default=0.0)), tuple(found))


def _partner_activities(
    index: Index, partner: str
) -> list[tuple[str, Mapping[str, Any], list[tuple[str, str]]]]:
    """Return the partner's activities with a NATO-side counterpart: (claim, record, sides)."""
    key = ("activities", partner)
    if key not in index.memo:
        ours = index.actors_of(partner)
        found = []
        for claim in index.claims_for("CooperationActivity", ours):
            record = index.claims[claim]
            others = [p for p in record.get("participant", []) if p not in ours]
            sides: list[tuple[str, str]] = []
            for node in [*others, *record.get("channel", [])]:
                side = index.side(node)
                if side is not None:
                    sides.append((side, node))
            if sides:
                found.append((claim, record, sides))
        index.memo[key] = found
    result: list[tuple[str, Mapping[str, Any], list[tuple[str, str]]]] = index.memo[key]
    return result


def _activities_by_technology(index: Index, partner: str) -> dict[str, list[int]]:
    """Return, for each technology, the positions of the partner's activities on it."""
    key = ("activities by technology", partner)
    if key not in index.memo:
        table: dict[str, list[int]] = {}
        for position, (_, record, _) in enumerate(_partner_activities(index, partner)):
            for tech in record.get("technology", []):
                table.setdefault(tech, []).append(position)
        index.memo[key] = table
    found: dict[str, list[int]] = index.memo[key]
    return found


def _best_topic(
    technologies: Sequence[str], up: Mapping[str, int], down: Mapping[str, int]
) -> tuple[str, str, int] | None:
    """Return the activity technology closest to T: (technology, match, steps)."""
    options: list[tuple[int, int, str, str]] = []
    for tech in technologies:
        if up.get(tech) == 0:
            options.append((0, 0, tech, "exact"))
        elif tech in down:
            options.append((down[tech], 1, tech, "narrower"))
        elif tech in up:
            options.append((up[tech], 2, tech, "broader"))
    if not options:
        return None
    steps, _, tech, kind = min(options)
    return tech, kind, steps


# ---------------------------------------------------------------------------
# Priority
# ---------------------------------------------------------------------------

_FACET_RELATIONS = {
    "nato_priority": {"prioritises"},
    "disruptive": {"assesses-as-disruptive"},
    "emerging": {"assesses-as-emerging"},
}


def gap_priority(
    G: KG,
    technology: str,
    config: Config | None = None,
    *,
    partner: str | None = None,
    index: Index | None = None,
) -> tuple[float, tuple[PriorityReason, ...]]:
    """Return W(T) and the reasons behind it.

    Parameters
    ----------
    G
        A projection.
    technology
        The technology's IRI.
    config
        Weights; default: the shipped ones.
    partner
        When given, a recommendation of the report about this partner and T adds the
        ``recommended`` weight.

    Returns
    -------
    tuple
        The priority (the sum of the reasons' weights) and the reasons.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> G = project(load_graph().store)
    >>> w, reasons = gap_priority(G, "https://w3id.org/natokg/id/robotics")
    >>> [r.reason for r in reasons]
    ['base', 'nato_priority', 'disruptive', 'competitor']
    """
    config = config or default_config()
    index = index or Index(G)
    key = ("priority", technology, config.fingerprint)
    if key not in index.memo:
        found = [PriorityReason("base", config.number("priority.base"), "every technology")]
        found += _facet_reasons(G, index, technology, config)
        competitor = _competitor_reason(G, index, technology, config)
        if competitor is not None:
            found.append(competitor)
        index.memo[key] = tuple(found)
    reasons = list(index.memo[key])
    if partner is not None:
        recommended = _recommended_reason(G, index, partner, technology, config)
        if recommended is not None:
            reasons.append(recommended)
    return (sum(r.weight for r in reasons), tuple(reasons))


def _facet_reasons(G: KG, index: Index, technology: str, config: Config) -> list[PriorityReason]:
    up = index.distances(technology, "broader", 50)
    by_distance = sorted(up.items(), key=lambda item: (item[1], item[0]))
    reasons: list[PriorityReason] = []
    priority = (
        next((c for c, _ in by_distance if G.nodes[c].get("nato_priority")), None) if by_distance else None
    )
    if priority is not None:
        reasons.append(_facet(G, index, "nato_priority", priority, up[priority] > 0, config))
    edt = [(d, c) for c, d in by_distance if G.nodes[c].get("edt") in {"Disruptive", "Emerging"}]
    if edt:
        nearest = min(d for d, _ in edt)
        # At equal distance, disruptive outweighs emerging.
        choices = sorted(c for d, c in edt if d == nearest)
        concept = next((c for c in choices if G.nodes[c].get("edt") == "Disruptive"), choices[0])
        facet = "disruptive" if G.nodes[concept].get("edt") == "Disruptive" else "emerging"
        reasons.append(_facet(G, index, facet, concept, nearest > 0, config))
    return reasons


def _facet(G: KG, index: Index, facet: str, concept: str, inherited: bool, config: Config) -> PriorityReason:
    weight = config.number(f"priority.{facet}") * (config.number("priority.inherited") if inherited else 1.0)
    words = {
        "nato_priority": "a NATO priority area of the Coherent Implementation Strategy",
        "disruptive": "disruptive according to the STO 2020 report",
        "emerging": "emerging according to the STO 2020 report",
    }[facet]
    where = f"within {index.label(concept)}, " if inherited else ""
    claims: set[str] = set()
    for subject, _, data in G.in_edges(concept, data=True):
        if (
            data.get("kind") == "relation"
            and data.get("relation_kind") in _FACET_RELATIONS[facet]
            and index.side(subject) == "nato"
        ):
            claims.update(data.get("claims", []))
    refs = tuple(ref for claim in sorted(claims) for ref in source_refs(G, claim))
    return PriorityReason(
        reason=facet,
        weight=weight,
        text=f"{where}{words}",
        concept=concept,
        concept_label=index.label(concept),
        inherited=inherited,
        claims=tuple(sorted(claims)),
        sources=refs,
    )


def _competitor_reason(G: KG, index: Index, technology: str, config: Config) -> PriorityReason | None:
    hops = config.integer("strength.max_hops")
    exact = index.family(technology)
    related = set(index.distances(technology, "broader", hops)) | set(
        index.distances(technology, "narrower", hops)
    )
    hits: dict[str, tuple[bool, str]] = {}  # claim -> (exact?, competitor)
    table = index.competitor_claims
    for concept in sorted(related):
        for claim, competitor in table.get(concept, {}).items():
            was_exact = hits.get(claim, (False, competitor))[0]
            hits[claim] = (was_exact or concept in exact, competitor)
    if not hits:
        return None
    any_exact = any(is_exact for is_exact, _ in hits.values())
    weight = config.number("priority.competitor")
    if not any_exact:
        weight *= config.number("priority.competitor_related")
    names = sorted({index.label(competitor) for _, competitor in hits.values()})
    where = "" if any_exact else " on a related concept"
    claims = tuple(sorted(hits))
    return PriorityReason(
        reason="competitor",
        weight=weight,
        text=f"pushed by {', '.join(names)}{where}",
        concept=technology,
        concept_label=index.label(technology),
        related=not any_exact,
        claims=claims,
        sources=tuple(ref for claim in claims for ref in source_refs(G, claim)),
    )


def _recommended_reason(
    G: KG, index: Index, partner: str, technology: str, config: Config
) -> PriorityReason | None:
    up = index.distances(technology, "broader", config.integer("strength.max_hops"))
    key = ("recommendations by technology", partner)
    if key not in index.memo:  # looked up per concept: a scan per gap grew with gaps x recommendations
        table: dict[str, list[str]] = defaultdict(list)
        for claim in index.claims_for("Recommendation", index.actors_of(partner)):
            for tech in index.claims[claim].get("technology", []):
                table[tech].append(claim)
        index.memo[key] = table
    by_technology: dict[str, list[str]] = index.memo[key]
    hits: dict[str, int] = {}  # claim -> fewest steps up to a concept it names
    for concept, steps in up.items():
        for claim in by_technology.get(concept, ()):
            hits[claim] = min(steps, hits.get(claim, steps))
    if not hits:
        return None
    inherited = min(hits.values()) > 0
    weight = config.number("priority.recommended") * (
        config.number("priority.inherited") if inherited else 1.0
    )
    claims = tuple(sorted(hits))
    return PriorityReason(
        reason="recommended",
        weight=weight,
        text="the report recommends cooperation with the partner on it"
        + (" (on a broader concept)" if inherited else ""),
        concept=technology,
        concept_label=index.label(technology),
        inherited=inherited,
        claims=claims,
        sources=tuple(ref for claim in claims for ref in source_refs(G, claim)),
    )


# ---------------------------------------------------------------------------
# Gaps
# ---------------------------------------------------------------------------


def explain_gap(
    G: KG, partner: str, technology: str, config: Config | None = None, *, index: Index | None = None
) -> Gap:
    """Return the gap of `partner` on `technology`, with all its evidence, whatever its score.

    Parameters
    ----------
    G
        A projection.
    partner, technology
        IRIs (a partner without capability claims gets strength 0, hence score 0).
    config
        Weights; default: the shipped ones.

    Returns
    -------
    Gap

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> G = project(load_graph().store)
    >>> gap = explain_gap(G, "https://w3id.org/natokg/id/rok", "https://w3id.org/natokg/id/semiconductors")
    >>> gap.strength, gap.coverage, gap.coverage_note
    (1.0, 0.0, 'none found')
    """
    config = config or default_config()
    index = index or Index(G)
    s, strength_evidence = gap_strength(G, partner, technology, config, index=index)
    c, coverage_evidence = gap_coverage(G, partner, technology, config, index=index)
    w, reasons = gap_priority(G, technology, config, partner=partner, index=index)
    return Gap(
        partner=partner,
        partner_label=index.label(partner),
        technology=technology,
        technology_label=index.label(technology),
        score=s * w * (1.0 - c),
        strength=s,
        coverage=c,
        priority=w,
        strength_evidence=strength_evidence,
        coverage_evidence=coverage_evidence,
        priority_reasons=reasons,
    )


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def technology_gaps(
    G: KG,
    config: Config | None = None,
    *,
    partner: str | Iterable[str] | None = None,
    technology: str | Iterable[str] | None = None,
    include_covered: bool = False,
) -> list[Gap]:
    """Return the technology gaps of the partners, highest score first.

    The candidates are the technologies that a partner (or one of its organisations)
    holds a capability claim on; broader concepts are not added, so one claim yields one
    candidate.

    Parameters
    ----------
    G
        A projection.
    config
        Weights; default: the shipped ones.
    partner
        One partner IRI, several, or None for every nation whose ``nkg:natoRelation`` is
        in ``partners.relations``.
    technology
        Restrict to one or several technology IRIs.
    include_covered
        Keep candidates whose score is 0 (fully covered), for robustness studies.

    Returns
    -------
    list of Gap
        Ranked by score, then partner and technology label.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> gaps = technology_gaps(project(load_graph().store))
    >>> gaps[0].partner_label, gaps[0].technology_label
    ('Japan', 'robotics')
    """
    config = config or default_config()
    index = Index(G)
    if partner is None:
        chosen = partners(G, config.texts("partners.relations"))
    else:
        chosen = [partner] if isinstance(partner, str) else list(partner)
    wanted = (
        None if technology is None else ({technology} if isinstance(technology, str) else set(technology))
    )
    gaps: list[Gap] = []
    for nation in chosen:
        candidates: set[str] = set()
        for claim in index.claims_for("CapabilityClaim", index.actors_of(nation)):
            candidates.update(index.claims[claim].get("technology", []))
        for tech in sorted(candidates):
            if tech not in G or (wanted is not None and tech not in wanted):
                continue
            gap = explain_gap(G, nation, tech, config, index=index)
            if include_covered or _round(gap.score) > 0:
                gaps.append(gap)
    return rank_gaps(gaps)


def rank_gaps(gaps: Iterable[Gap]) -> list[Gap]:
    """Return `gaps` ranked: score (rounded) descending, then partner and technology label."""
    return sorted(
        gaps,
        key=lambda g: (-_round(g.score), g.partner_label, g.technology_label, g.partner, g.technology),
    )


def rescore(G: KG, gap: Gap, config: Config) -> Gap:
    """Return `gap` with every value recomputed under `config`, the evidence kept.

    The evidence (which claims and activities count, and how far each is from T) does not
    depend on the weights, so robustness studies rescore instead of recomputing.
    """
    strength_items = tuple(_with_value(e, _strength_value(G, config, e)) for e in gap.strength_evidence)
    coverage_items = tuple(_with_value(e, _coverage_value(config, e)) for e in gap.coverage_evidence)
    reasons = tuple(_with_value_reason(r, config) for r in gap.priority_reasons)
    s = max((e.value for e in strength_items), default=0.0)
    c = min(1.0, max((e.value for e in coverage_items), default=0.0))
    w = sum(r.weight for r in reasons)
    return Gap(
        gap.partner,
        gap.partner_label,
        gap.technology,
        gap.technology_label,
        s * w * (1.0 - c),
        s,
        c,
        w,
        strength_items,
        coverage_items,
        reasons,
    )


def _with_value_reason(reason: PriorityReason, config: Config) -> PriorityReason:
    weight = config.number(f"priority.{reason.reason}")
    if reason.inherited:
        weight *= config.number("priority.inherited")
    if reason.related:
        weight *= config.number("priority.competitor_related")
    return replace(reason, weight=weight)
