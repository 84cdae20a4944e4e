"""Channel gaps: NATO frameworks and bodies a partner does not use; agencies without a NATO tie.

The channels examined are listed in the configuration (``channels.frameworks``: IPCP, PII,
EOP, STO-EOP, SPS, the STO and its board, programmes of work and groups, the CCDCOE). A
partner uses a channel when it, or one of its organisations, is a member of the channel or
of one of its parts, or takes part in an ongoing or past cooperation activity through it or
with it. A gap is flagged more strongly when the report states the partner is not in the
channel, and most strongly when the report recommends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from natokg._gc import paused
from natokg.analysis._index import Index, SourceRef, mention_refs, source_refs
from natokg.analysis.config import Config, default_config
from natokg.analysis.project import KG, partners

__all__ = [
    "AgencyGap",
    "ChannelGap",
    "ChannelStatus",
    "ChannelTie",
    "agency_gaps",
    "assessed_partners",
    "channel_gaps",
    "channel_parts",
    "channel_use",
]

_PART_EDGES = {"part_of", "sub_organisation_of", "run_by"}


@dataclass(frozen=True)
class ChannelTie:
    """One claim that ties a partner to a channel, or that explains a channel gap.

    Attributes
    ----------
    kind
        ``"membership"``, ``"activity"``, ``"non-membership"`` or ``"recommendation"``.
    claim, label
        The claim's IRI and label.
    through, through_label
        The channel itself, or the part of it the claim names (the STO Modelling and
        Simulation Group for the STO).
    status
        The activity's status, or None.
    """

    kind: str
    claim: str
    label: str
    through: str
    through_label: str
    sources: tuple[SourceRef, ...]
    quotes: tuple[str, ...]
    status: str | None = None
    assumed_in: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the tie as JSON-ready data."""
        return {
            "kind": self.kind,
            "claim": self.claim,
            "label": self.label,
            "through": self.through,
            "through_label": self.through_label,
            "status": self.status,
            "paragraphs": sorted({r.paragraph for r in self.sources if r.paragraph is not None}),
            "quotes": list(self.quotes),
            "assumed_in": self.assumed_in,
        }


@dataclass(frozen=True)
class ChannelStatus:
    """Whether a partner uses a channel, and the claims that say so or explain why not.

    Attributes
    ----------
    uses
        True when at least one tie is found.
    ties
        Memberships and activities through the channel or its parts.
    reasons
        For a channel not used: the report's stated non-memberships and recommendations.
    """

    partner: str
    partner_label: str
    channel: str
    channel_label: str
    uses: bool
    ties: tuple[ChannelTie, ...]
    reasons: tuple[ChannelTie, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the status as JSON-ready data."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "channel": self.channel,
            "channel_label": self.channel_label,
            "uses": self.uses,
            "ties": [tie.to_dict() for tie in self.ties],
            "reasons": [tie.to_dict() for tie in self.reasons],
        }


@dataclass(frozen=True)
class ChannelGap:
    """A channel a partner does not use.

    Attributes
    ----------
    status
        ``"recommended"`` (the report recommends the channel for the partner),
        ``"stated"`` (the report says the partner is not in it) or ``"no tie"``.
    score
        The ``channels.score`` weight of that status.
    reasons
        The recommendations and non-membership claims behind the status.
    """

    partner: str
    partner_label: str
    channel: str
    channel_label: str
    status: str
    score: float
    reasons: tuple[ChannelTie, ...]

    @property
    def paragraphs(self) -> list[int]:
        """Return the paragraphs the reasons cite."""
        return sorted({r.paragraph for tie in self.reasons for r in tie.sources if r.paragraph is not None})

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as JSON-ready data."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "channel": self.channel,
            "channel_label": self.channel_label,
            "status": self.status,
            "score": round(self.score, 4),
            "paragraphs": self.paragraphs,
            "reasons": [tie.to_dict() for tie in self.reasons],
        }


@dataclass(frozen=True)
class AgencyGap:
    """A partner's government agency without a tie to a NATO body or programme.

    Attributes
    ----------
    status
        ``"no tie"`` or ``"Ally only"`` (ties to Allies' agencies, none to NATO).
    ally_ties
        The agency's ties to Allies.
    mentioned_in
        The sources that name the agency (``nkg:mentionedIn``).
    parent, parent_label, parent_ties
        The nearest parent organisation with a NATO tie, and those ties (ATLA's parent,
        Japan's Ministry of Defence, has dialogue channels with NATO).
    described_in
        What the report says about the agency (claims it holds or takes part in).
    """

    partner: str
    partner_label: str
    agency: str
    agency_label: str
    status: str
    ally_ties: tuple[ChannelTie, ...]
    parent: str | None
    parent_label: str | None
    parent_ties: tuple[ChannelTie, ...]
    described_in: tuple[ChannelTie, ...]

    mentioned_in: tuple[SourceRef, ...] = ()

    @property
    def paragraphs(self) -> list[int]:
        """Return the paragraphs describing the agency."""
        refs = [r for tie in (*self.described_in, *self.ally_ties) for r in tie.sources]
        return sorted({r.paragraph for r in (*refs, *self.mentioned_in) if r.paragraph is not None})

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as JSON-ready data."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "agency": self.agency,
            "agency_label": self.agency_label,
            "status": self.status,
            "paragraphs": self.paragraphs,
            "ally_ties": [tie.to_dict() for tie in self.ally_ties],
            "parent": self.parent,
            "parent_label": self.parent_label,
            "parent_ties": [tie.to_dict() for tie in self.parent_ties],
            "described_in": [tie.to_dict() for tie in self.described_in],
        }


def channel_parts(G: KG, channel: str) -> dict[str, None]:
    """Return `channel` and everything that is part of it, run by it or a sub-organisation of it.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> G = project(load_graph().store)
    >>> "https://w3id.org/natokg/id/sto-msg" in channel_parts(G, "https://w3id.org/natokg/id/sto")
    True
    """
    found: dict[str, None] = {channel: None}
    stack = [channel]
    while stack:
        node = stack.pop()
        if node not in G:
            continue
        for child, _, data in G.in_edges(node, data=True):
            if data.get("kind") in _PART_EDGES and child not in found:
                found[child] = None
                stack.append(child)
    return found


def _tie(G: KG, index: Index, kind: str, claim: str, through: str) -> ChannelTie:
    record = index.claims[claim]
    return ChannelTie(
        kind=kind,
        claim=claim,
        label=str(record["label"]),
        through=through,
        through_label=index.label(through),
        sources=source_refs(G, claim),
        quotes=tuple(record["quotes"]),
        status=(record.get("status") or [None])[0],
        assumed_in=record.get("assumed_in"),
    )


def assessed_partners(G: KG, config: Config | None = None) -> tuple[list[str], list[str]]:
    """Split the partners into those whose channels can be assessed and those that cannot.

    A partner is assessed when the graph holds at least one membership or non-membership
    claim for it (or one of its organisations): without any, the report says nothing about
    its channels, and every channel would be a gap.

    Returns
    -------
    tuple of list
        ``(assessed, not_assessed)``, partner IRIs sorted by label.
    """
    config = config or default_config()
    index = Index(G)
    assessed, other = [], []
    for nation in partners(G, config.texts("partners.relations")):
        actors = index.actors_of(nation)
        if index.claims_for("Membership", actors) or index.claims_for("NonMembership", actors):
            assessed.append(nation)
        else:
            other.append(nation)
    return assessed, other


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def channel_use(G: KG, config: Config | None = None, *, partner: str | None = None) -> list[ChannelStatus]:
    """Return, for each assessed partner and each configured channel, whether it is used.

    Parameters
    ----------
    G
        A projection.
    config
        Settings; default: the shipped ones.
    partner
        Restrict to one partner (assessed or not).

    Returns
    -------
    list of ChannelStatus
        By partner label, then in the order of ``channels.frameworks``.
    """
    config = config or default_config()
    index = Index(G)
    chosen = [partner] if partner is not None else assessed_partners(G, config)[0]
    statuses = set(config.texts("channels.statuses"))
    channels = [c for c in config.iris("channels.frameworks") if c in G]
    # Which configured channels each node belongs to (itself, or as one of their parts).
    owners: dict[str, list[str]] = {}
    for channel in channels:
        for part in index.parts(channel):
            owners.setdefault(part, []).append(channel)
    found: list[ChannelStatus] = []
    for nation in chosen:
        actors = index.actors_of(nation)
        ties: dict[str, list[ChannelTie]] = {c: [] for c in channels}
        for claim in index.claims_for("Membership", actors):
            for framework in index.claims[claim].get("framework", []):
                for channel in owners.get(framework, []):
                    ties[channel].append(_tie(G, index, "membership", claim, framework))
        for claim in index.claims_for("CooperationActivity", actors):
            record = index.claims[claim]
            if (record.get("status") or [None])[0] not in statuses:
                continue
            others = [p for p in record.get("participant", []) if p not in actors]
            reached: dict[str, str] = {}
            for node in sorted({*record.get("channel", []), *others}):
                for channel in owners.get(node, []):
                    reached.setdefault(channel, node)
            for channel, node in reached.items():
                ties[channel].append(_tie(G, index, "activity", claim, node))
        reasons: dict[str, list[ChannelTie]] = {c: [] for c in channels}
        for claim in index.claims_for("NonMembership", actors):
            # Not being in a framework means not being in its parts either (not a NATO
            # partner: in none of the partnership programmes NATO runs).
            for framework in index.claims[claim].get("framework", []):
                for channel in channels:
                    if channel in index.parts(framework):
                        reasons[channel].append(_tie(G, index, "non-membership", claim, framework))
        for claim in index.claims_for("Recommendation", actors):
            for proposed in index.claims[claim].get("proposedChannel", []):
                for channel in owners.get(proposed, []):
                    reasons[channel].append(_tie(G, index, "recommendation", claim, proposed))
        for channel in channels:
            used = sorted(ties[channel], key=lambda t: (t.kind, t.claim, t.through))
            why = [] if used else _unique(sorted(reasons[channel], key=lambda t: (t.kind, t.claim)))
            found.append(
                ChannelStatus(
                    partner=nation,
                    partner_label=index.label(nation),
                    channel=channel,
                    channel_label=index.label(channel),
                    uses=bool(used),
                    ties=tuple(used),
                    reasons=tuple(why),
                )
            )
    return found


def _unique(ties: list[ChannelTie]) -> list[ChannelTie]:
    """Keep the first tie of each (kind, claim)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for tie in ties:
        if (tie.kind, tie.claim) not in seen:
            seen.add((tie.kind, tie.claim))
            kept.append(tie)
    return kept


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def channel_gaps(G: KG, config: Config | None = None, *, partner: str | None = None) -> list[ChannelGap]:
    """Return the channels each assessed partner does not use, most strongly flagged first.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> gaps = channel_gaps(project(load_graph().store), partner="https://w3id.org/natokg/id/rok")
    >>> found = {g.channel_label: g for g in gaps}
    >>> gap = found["STO Enhanced Opportunities Partner status"]
    >>> gap.status, gap.paragraphs
    ('recommended', [60])
    """
    config = config or default_config()
    scores = config.table("channels.score")
    gaps: list[ChannelGap] = []
    for status in channel_use(G, config, partner=partner):
        if status.uses:
            continue
        kinds = {tie.kind for tie in status.reasons}
        if "recommendation" in kinds:
            flag = "recommended"
        elif "non-membership" in kinds:
            flag = "stated"
        else:
            flag = "no_tie"
        gaps.append(
            ChannelGap(
                partner=status.partner,
                partner_label=status.partner_label,
                channel=status.channel,
                channel_label=status.channel_label,
                status=flag.replace("_", " "),
                score=scores[flag],
                reasons=status.reasons,
            )
        )
    return sorted(gaps, key=lambda g: (-g.score, g.partner_label, g.channel_label, g.channel))


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def agency_gaps(G: KG, config: Config | None = None, *, partner: str | None = None) -> list[AgencyGap]:
    """Return the partners' government agencies that have no tie to a NATO body or programme.

    An agency is tied to NATO when it is a member of, or takes part (ongoing or past) in a
    cooperation activity with or through, a NATO body or a programme run by one, or when a
    sourced relation links it to one (a mission represents its nation at NATO).

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> gaps = agency_gaps(project(load_graph().store))
    >>> sorted(g.agency_label for g in gaps)[:2]
    ['Acquisition, Technology & Logistics Agency', 'Defence Science and Technology Agency']
    """
    config = config or default_config()
    index = Index(G)
    classes = set(config.texts("channels.agency_classes"))
    excluded = set(config.iris("channels.agency_exclude"))
    statuses = set(config.texts("channels.statuses"))
    chosen = [partner] if partner is not None else assessed_partners(G, config)[0]
    gaps: list[AgencyGap] = []
    for nation in chosen:
        agencies = sorted(
            org
            for org in index.organisations_by_nation.get(nation, set())
            if classes & set(G.nodes[org].get("types", [])) and org not in excluded
        )
        for agency in agencies:
            nato, ally = _agency_ties(G, index, agency, statuses)
            if nato:
                continue
            parent, parent_ties = _parent_with_tie(G, index, agency, statuses)
            described = [
                _tie(G, index, kind_name, claim, agency)
                for kind, kind_name in (
                    ("CapabilityClaim", "capability"),
                    ("CooperationActivity", "activity"),
                    ("Relation", "relation"),
                )
                for claim in index.claims_for(kind, {agency})
            ]
            gaps.append(
                AgencyGap(
                    partner=nation,
                    partner_label=index.label(nation),
                    agency=agency,
                    agency_label=index.label(agency),
                    status="Ally only" if ally else "no tie",
                    ally_ties=tuple(ally),
                    parent=parent,
                    parent_label=None if parent is None else index.label(parent),
                    parent_ties=tuple(parent_ties),
                    described_in=tuple(described),
                    mentioned_in=mention_refs(G, agency),
                )
            )
    return sorted(gaps, key=lambda g: (g.status != "no tie", g.partner_label, g.agency_label))


def _agency_ties(
    G: KG, index: Index, agency: str, statuses: set[str]
) -> tuple[list[ChannelTie], list[ChannelTie]]:
    nato: list[ChannelTie] = []
    ally: list[ChannelTie] = []
    for claim in index.claims_for("Membership", {agency}):
        for framework in index.claims[claim].get("framework", []):
            side = index.side(framework)
            if side == "nato":
                nato.append(_tie(G, index, "membership", claim, framework))
            elif side == "ally":
                ally.append(_tie(G, index, "membership", claim, framework))
    for claim in index.claims_for("Relation", {agency}):
        # A sourced relation from the agency to a NATO body (a mission represents its
        # nation at NATO) ties it too.
        for obj in sorted(index.claims[claim].get("relationObject", [])):
            side = index.side(obj)
            if side == "nato":
                nato.append(_tie(G, index, "relation", claim, obj))
                break
            if side == "ally":
                ally.append(_tie(G, index, "relation", claim, obj))
                break
    for claim in index.claims_for("CooperationActivity", {agency}):
        record = index.claims[claim]
        if (record.get("status") or [None])[0] not in statuses:
            continue
        others = [p for p in record.get("participant", []) if p != agency]
        for node in sorted({*others, *record.get("channel", [])}):
            side = index.side(node)
            if side == "nato":
                nato.append(_tie(G, index, "activity", claim, node))
                break
            if side == "ally":
                ally.append(_tie(G, index, "activity", claim, node))
                break
    return nato, ally


def _parent_with_tie(
    G: KG, index: Index, agency: str, statuses: set[str]
) -> tuple[str | None, list[ChannelTie]]:
    seen = {agency}
    frontier = [agency]
    while frontier:
        parents = sorted(
            {
                v
                for node in frontier
                for _, v, data in G.out_edges(node, data=True)
                if data.get("kind") == "sub_organisation_of" and v not in seen
            }
        )
        for parent in parents:
            nato, _ = _agency_ties(G, index, parent, statuses)
            if nato:
                return parent, nato
        seen.update(parents)
        frontier = parents
    return None, []
