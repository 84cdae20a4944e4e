"""Look-up tables over a projection, built once per analysis (private)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from natokg.analysis.project import KG, claim_paragraphs, label, local_name

__all__ = ["Index", "SourceRef", "mention_refs", "source_refs"]

_PART_EDGES = {"part_of", "sub_organisation_of", "run_by"}
_STRUCTURE = {"country", "sub_organisation_of", "part_of", "run_by"}


@dataclass(frozen=True)
class SourceRef:
    """A part of the report a claim cites.

    Attributes
    ----------
    source
        Its IRI (``nkgid:para-17``, ``nkgid:table-edt`` ...).
    label
        Its label ("Paragraph 17").
    paragraph
        The paragraph number, or the number of the paragraph a box or table follows.
    """

    source: str
    label: str
    paragraph: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return the reference as JSON-ready data."""
        return {"source": self.source, "label": self.label, "paragraph": self.paragraph}


def source_refs(G: KG, claim: str) -> tuple[SourceRef, ...]:
    """Return the sources a claim cites, in paragraph order."""
    record = G.graph.get("claims", {}).get(claim)
    if record is None:
        return ()
    refs = []
    for source in record["sources"]:
        info = G.graph.get("sources", {}).get(source, {})
        number = info.get("paragraph") if info.get("paragraph") is not None else info.get("after")
        refs.append(SourceRef(source, str(info.get("label", local_name(source))), number))
    return tuple(sorted(refs, key=lambda ref: (ref.paragraph is None, ref.paragraph or 0, ref.source)))


def mention_refs(G: KG, node: str) -> tuple[SourceRef, ...]:
    """Return the sources that name `node` (``nkg:mentionedIn``), in paragraph order."""
    if node not in G:
        return ()
    refs = []
    for source in G.nodes[node].get("mentioned_in", []):
        info = G.graph.get("sources", {}).get(source, {})
        number = info.get("paragraph") if info.get("paragraph") is not None else info.get("after")
        refs.append(SourceRef(source, str(info.get("label", local_name(source))), number))
    return tuple(sorted(refs, key=lambda ref: (ref.paragraph is None, ref.paragraph or 0, ref.source)))


class Index:
    """Adjacency by edge kind, concept hierarchy, owners and claims of one projection."""

    def __init__(self, G: KG) -> None:
        self.G = G
        self.claims: Mapping[str, Mapping[str, Any]] = G.graph.get("claims", {})
        self.broader: dict[str, set[str]] = defaultdict(set)
        self.narrower: dict[str, set[str]] = defaultdict(set)
        self.close: dict[str, set[str]] = defaultdict(set)
        #: Structural out-edges by kind: kind -> node -> targets (country, run_by, ...).
        self.structure: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for u, v, data in G.edges(data=True):
            kind = data.get("kind")
            if kind in _STRUCTURE:
                self.structure[kind][u].add(v)
            if kind == "broader":
                self.broader[u].add(v)
                self.narrower[v].add(u)
            elif kind == "close_match":
                self.close[u].add(v)
                self.close[v].add(u)
        self._owners: dict[str, frozenset[str]] = {}
        self._sides: dict[str, str | None] = {}
        self._distances: dict[tuple[str, str, int], dict[str, int]] = {}
        self._parts: dict[str, dict[str, None]] = {}
        self._sources: dict[str, tuple[SourceRef, ...]] = {}
        #: Results an analysis may keep for the lifetime of this index (keyed by the caller).
        self.memo: dict[tuple[Any, ...], Any] = {}

    # --- actors -------------------------------------------------------------

    def owners(self, node: str) -> frozenset[str]:
        """Return the nations `node` belongs to (as `nations_of`, cached)."""
        found = self._owners.get(node)
        if found is None:
            found = frozenset(self._nations_of(node))
            self._owners[node] = found
        return found

    def _nations_of(self, node: str) -> set[str]:
        seen: set[str] = set()
        stack = [node]
        nations: set[str] = set()
        country, parents = self.structure["country"], self.structure["sub_organisation_of"]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.G:
                continue
            seen.add(current)
            if self.G.nodes[current].get("kind") == "nation":
                nations.add(current)
            elif current in country:
                nations.update(country[current])
            else:
                stack.extend(parents.get(current, ()))
        return nations

    def side(self, node: str) -> str | None:
        """Return `node`'s side of NATO (as `counterpart`, cached)."""
        if node not in self._sides:
            self._sides[node] = self._side(node, set())
        return self._sides[node]

    def _side(self, node: str, seen: set[str]) -> str | None:
        if node not in self.G or node in seen:
            return None
        seen.add(node)
        data = self.G.nodes[node]
        if data.get("nato_body"):
            return "nato"
        if data.get("kind") == "programme":
            runners = sorted(
                self.structure["run_by"].get(node, set()) | self.structure["part_of"].get(node, set())
            )
            return "nato" if any(self._side(r, seen) == "nato" for r in runners) else None
        if data.get("parliamentary"):
            return "parliamentary"
        if any(self.G.nodes[n].get("nato_relation") == "Ally" for n in self.owners(node)):
            return "ally"
        return None

    @cached_property
    def organisations_by_nation(self) -> dict[str, set[str]]:
        """Nation -> its organisations (``nkg:country``, through parents)."""
        found: dict[str, set[str]] = defaultdict(set)
        for node, data in self.G.nodes(data=True):
            if data.get("kind") == "organisation":
                for nation in self.owners(node):
                    found[nation].add(node)
        return found

    def actors_of(self, nation: str) -> set[str]:
        """Return `nation` and its organisations."""
        return {nation, *self.organisations_by_nation.get(nation, set())}

    # --- claims -------------------------------------------------------------

    def claims_of_kind(self, kind: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Return ``(iri, record)`` for every claim of `kind` (``"CooperationActivity"`` ...)."""
        return self._by_kind.get(kind, [])

    @cached_property
    def _by_kind(self) -> dict[str, list[tuple[str, Mapping[str, Any]]]]:
        found: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
        for claim, record in self.claims.items():
            found[str(record["kind"])].append((claim, record))
        return found

    @cached_property
    def claims_by_actor(self) -> dict[str, dict[str, set[str]]]:
        """Claim kind -> actor -> the claims in which the actor takes part.

        The actor is the holder (capability), a participant (activity), the member
        (membership, non-membership), a concerned actor (recommendation) or the subject
        (relation).
        """
        roles = {
            "CapabilityClaim": "holder",
            "CooperationActivity": "participant",
            "Membership": "member",
            "NonMembership": "member",
            "Recommendation": "concerns",
            "Relation": "relationSubject",
        }
        found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for claim, record in self.claims.items():
            kind = str(record["kind"])
            for actor in record.get(roles.get(kind, ""), []):
                found[kind][actor].add(claim)
        return found

    def claims_for(self, kind: str, actors: Iterable[str]) -> list[str]:
        """Return the sorted claims of `kind` in which any of `actors` takes part."""
        table = self.claims_by_actor.get(kind, {})
        found: set[str] = set()
        for actor in actors:
            found |= table.get(actor, set())
        return sorted(found)

    def sources(self, claim: str) -> tuple[SourceRef, ...]:
        """Return the sources `claim` cites (as `source_refs`, cached)."""
        found = self._sources.get(claim)
        if found is None:
            found = self._sources[claim] = source_refs(self.G, claim)
        return found

    def paragraphs(self, claim: str) -> list[int]:
        """Return the paragraphs `claim` cites."""
        return claim_paragraphs(self.G, claim)

    def assumed_in(self, claim: str) -> str | None:
        """Return the scenario that assumes `claim`, or None for a fact."""
        record = self.claims.get(claim)
        return None if record is None else record.get("assumed_in")

    # --- concepts -----------------------------------------------------------

    def family(self, concept: str) -> set[str]:
        """Return `concept` and its close matches (``skos:closeMatch``, both ways)."""
        return {concept, *self.close.get(concept, set())}

    def distances(self, concept: str, direction: str, max_hops: int) -> dict[str, int]:
        """Return the concepts up (``"broader"``) or down (``"narrower"``) from `concept`.

        Close matches count as the same concept at every step. The concept's own family
        is at distance 0. Results are cached; do not change them.
        """
        key = (concept, direction, max_hops)
        if key not in self._distances:
            self._distances[key] = self._walk(concept, direction, max_hops)
        return self._distances[key]

    def _walk(self, concept: str, direction: str, max_hops: int) -> dict[str, int]:
        step = self.broader if direction == "broader" else self.narrower
        found = dict.fromkeys(self.family(concept), 0)
        frontier = set(found)
        for hops in range(1, max_hops + 1):
            following: set[str] = set()
            for node in frontier:
                for nxt in step.get(node, set()):
                    for member in self.family(nxt):
                        if member not in found:
                            found[member] = hops
                            following.add(member)
            if not following:
                break
            frontier = following
        return found

    def label(self, node: str) -> str:
        """Return `node`'s label."""
        return label(self.G, node)

    def parts(self, channel: str) -> dict[str, None]:
        """Return `channel` and what is part of it, run by it or under it (cached)."""
        if channel not in self._parts:
            found: dict[str, None] = {channel: None}
            stack = [channel]
            while stack:
                node = stack.pop()
                if node not in self.G:
                    continue
                for child, _, data in self.G.in_edges(node, data=True):
                    if data.get("kind") in _PART_EDGES and child not in found:
                        found[child] = None
                        stack.append(child)
            self._parts[channel] = found
        return self._parts[channel]

    @cached_property
    def competitors(self) -> list[str]:
        """The nations whose standing towards NATO is ``Competitor``, sorted."""
        return sorted(n for n, d in self.G.nodes(data=True) if d.get("nato_relation") == "Competitor")

    @cached_property
    def competitor_claims(self) -> dict[str, dict[str, str]]:
        """Technology -> {claim: competitor}: competitors' capability claims and relations on it."""
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for competitor in self.competitors:
            actors = self.actors_of(competitor)
            for claim in self.claims_for("CapabilityClaim", actors):
                for tech in self.claims[claim].get("technology", []):
                    found[tech][claim] = competitor
            for claim in self.claims_for("Relation", actors):
                record = self.claims[claim]
                for tech in {*record.get("technology", []), *record.get("relationObject", [])}:
                    found[tech][claim] = competitor
        return found
