"""Brokerage: which organisations and programmes bridge NATO and each partner.

Everything runs on the *tie graph* (`tie_graph`), an undirected simple graph of nations,
organisations and programmes: a membership links a member to its framework; an ongoing or
past cooperation activity links its participants to its channel, or to one another when it
has none (so SPS, not NATO headquarters, stands between Japan and NATO for the SPS projects);
and the structure links parts to wholes, agencies to nations, programmes to who runs them.

The measures scale: betweenness is estimated from sampled sources above a size limit,
Burt's constraint is computed for the leading brokers only, articulation points and Louvain
communities are near-linear, and each partner's dependencies come from one breadth-first
search (Brandes' accumulation towards the NATO side only).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

from natokg._gc import paused
from natokg.analysis._index import Index
from natokg.analysis._sparse import adjacency, dependencies, searches
from natokg.analysis.config import Config, default_config
from natokg.analysis.project import KG, counterpart, partners

__all__ = [
    "Broker",
    "Brokerage",
    "PartnerBridge",
    "betweenness",
    "brokerage",
    "burt_constraint",
    "communities",
    "partner_dependencies",
    "partner_dependency",
    "sampled_betweenness",
    "sole_bridges",
    "tie_graph",
]

_TIE_KINDS = ("nation", "organisation", "programme")
_STRUCTURE = {"part_of", "sub_organisation_of", "run_by", "country"}


def tie_graph(G: KG, config: Config | None = None) -> nx.Graph[str]:
    """Return the undirected tie graph of nations, organisations and programmes.

    Parameters
    ----------
    G
        A projection.
    config
        Settings (``metrics.tie_statuses``); default: the shipped ones.

    Returns
    -------
    networkx.Graph
        Nodes keep the projection's attributes; each edge has ``claims`` (the claims behind
        the tie, sorted) and ``kinds`` (membership, activity, and structural kinds).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", kind="nation"); G.add_node("f", kind="programme")
    >>> G.add_edge("p", "f", key="member_of|c", kind="member_of", claims=["c"])
    'member_of|c'
    >>> G.graph["claims"] = {"c": {"kind": "Membership", "member": ["p"], "framework": ["f"]}}
    >>> list(tie_graph(G).edges(data="claims"))
    [('p', 'f', ['c'])]
    """
    config = config or default_config()
    statuses = set(config.texts("metrics.tie_statuses"))
    T: nx.Graph[str] = nx.Graph()
    for node, data in G.nodes(data=True):
        if data.get("kind") in _TIE_KINDS:
            T.add_node(node, **data)

    # Claims and kinds are gathered in sets and sorted once: a hub tie has thousands of claims.
    gathered: dict[tuple[str, str], tuple[set[str], set[str]]] = {}

    def tie(u: str, v: str, kind: str, claim: str | None) -> None:
        if u == v or u not in T or v not in T:
            return
        a, b = sorted((u, v))
        if not T.has_edge(a, b):
            T.add_edge(a, b, claims=[], kinds=[])
            gathered[a, b] = (set(), set())
        claims, kinds = gathered[a, b]
        if claim is not None:
            claims.add(claim)
        kinds.add(kind)

    for u, v, data in sorted(G.edges(data=True), key=lambda e: (e[0], e[1], str(e[2].get("kind")))):
        if data.get("kind") in _STRUCTURE:
            tie(u, v, str(data["kind"]), None)
    for claim, record in sorted(G.graph.get("claims", {}).items()):
        kind = record.get("kind")
        if kind == "Membership":
            for member in record.get("member", []):
                for framework in record.get("framework", []):
                    tie(member, framework, "membership", claim)
        elif kind == "CooperationActivity" and (record.get("status") or [None])[0] in statuses:
            participants = sorted(record.get("participant", []))
            # A star around the channel, else around the NATO participants: NATO's dialogue
            # with four partners ties each of them to NATO, not the partners to one another.
            hubs = sorted(record.get("channel", [])) or [
                p for p in participants if counterpart(G, p) == "nato"
            ]
            if hubs:
                for participant in participants:
                    for hub in hubs:
                        tie(participant, hub, "activity", claim)
            else:
                for u, v in combinations(participants, 2):
                    tie(u, v, "activity", claim)
    for (a, b), (claims, kinds) in gathered.items():
        T.edges[a, b]["claims"] = sorted(claims)
        T.edges[a, b]["kinds"] = sorted(kinds)
    return T


def betweenness(T: nx.Graph[str], config: Config | None = None) -> dict[str, float]:
    """Return normalised betweenness centrality, exact on small graphs, sampled on large ones.

    Above ``metrics.exact_betweenness_max_nodes`` nodes, ``metrics.betweenness_samples``
    source nodes are drawn with ``metrics.seed`` (Brandes and Pich, 2007), so the result is
    an estimate, and the same on every run.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    config = config or default_config()
    if T.number_of_nodes() == 0:
        return {}
    if T.number_of_nodes() > config.integer("metrics.exact_betweenness_max_nodes"):
        k = min(config.integer("metrics.betweenness_samples"), T.number_of_nodes())
        values = sampled_betweenness(T, k, seed=config.integer("metrics.seed"))
    else:
        values = nx.betweenness_centrality(T, normalized=True)
    return {node: float(values[node]) for node in sorted(values)}


def sampled_betweenness(T: nx.Graph[str], k: int, *, seed: int, batch: int = 64) -> dict[str, float]:
    """Return normalised betweenness estimated from `k` sampled sources, with sparse algebra.

    The sources are the ones ``networkx.betweenness_centrality(T, k, seed=seed)`` draws,
    and the estimate is the same (up to rounding): Brandes' dependencies from each source,
    scaled as networkx 3.6 does (a sampled node is a source of fewer pairs). The
    breadth-first searches run for `batch` sources at once as products of the adjacency
    matrix with a matrix of path counts, level by level, and the dependencies flow back the
    same way; a pure-Python search per source takes a minute on a tie graph of 20,000 nodes.

    Parameters
    ----------
    T
        An undirected, unweighted graph.
    k
        How many sources to sample (at most the number of nodes).
    seed
        The random seed.
    batch
        How many sources to search at once (memory: ``8 * nodes * batch`` bytes per matrix).

    Returns
    -------
    dict
        Node -> estimated betweenness.

    Examples
    --------
    >>> import networkx as nx
    >>> values = sampled_betweenness(nx.path_graph(["a", "b", "c"]), 3, seed=1)
    >>> {node: round(value, 6) for node, value in values.items()}
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import random

    import numpy as np

    nodes, position, A = adjacency(T)
    n = len(nodes)
    sources = random.Random(seed).sample(nodes, k)  # as networkx's py_random_state draws them
    total = np.zeros(n)
    for start in range(0, k, batch):
        rows = np.array([position[node] for node in sources[start : start + batch]], dtype=np.intp)
        sigma, dist, level = searches(A, rows)
        delta = dependencies(A, sigma, dist, level, 1.0)
        delta[rows, np.arange(len(rows))] = 0.0  # a source gains nothing from its own paths
        total += delta.sum(axis=1)
    others = n - 1
    if others < 2:
        return dict.fromkeys(nodes, 0.0)
    sampled = set(sources)
    source_scale = 1 / ((k - 1) * (others - 1)) if k > 1 else math.nan
    other_scale = 1 / (k * (others - 1))
    scale = [source_scale if node in sampled else other_scale for node in nodes]
    return {node: float(total[i]) * scale[i] for i, node in enumerate(nodes)}


def partner_dependency(T: nx.Graph[str], source: str, targets: Iterable[str]) -> dict[str, float]:
    """Return, for each node, the share of `source`'s shortest paths to `targets` through it.

    One breadth-first search from `source` counts shortest paths, and Brandes' accumulation
    then credits every intermediate node with its share of the paths to each target; the
    shares are averaged over the targets `source` can reach. The endpoints get no credit.

    Parameters
    ----------
    T
        A tie graph (any undirected graph).
    source
        The partner.
    targets
        The nodes to reach (the NATO side).

    Returns
    -------
    dict
        Node -> share in [0, 1], for nodes with a share above zero, highest first.

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.Graph([("p", "a"), ("a", "n"), ("p", "b"), ("b", "n")])
    >>> partner_dependency(T, "p", ["n"])
    {'a': 0.5, 'b': 0.5}
    """
    if source not in T:
        return {}
    wanted = {t for t in targets if t in T and t != source}
    sigma: dict[str, float] = {source: 1.0}
    dist: dict[str, int] = {source: 0}
    preds: dict[str, list[str]] = {source: []}
    order: list[str] = []
    queue: deque[str] = deque([source])
    while queue:
        v = queue.popleft()
        order.append(v)
        for w in T.adj[v]:  # path counts and shares do not depend on the order
            if w not in dist:
                dist[w] = dist[v] + 1
                sigma[w] = 0.0
                preds[w] = []
                queue.append(w)
            if dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
                preds[w].append(v)
    reached = [t for t in wanted if t in dist]
    if not reached:
        return {}
    delta: dict[str, float] = dict.fromkeys(order, 0.0)
    for w in reversed(order):
        share = delta[w] + (1.0 if w in wanted else 0.0)
        for v in preds[w]:
            delta[v] += sigma[v] / sigma[w] * share
    found = {
        node: delta[node] / len(reached)
        for node in order
        if node != source and delta[node] > 1e-12 and node not in wanted
    }
    # A target that also lies on the way to other targets is credited too.
    for node in order:
        if node in wanted and node != source:
            through = delta[node]
            if through > 1e-12:
                found[node] = through / len(reached)
    return dict(sorted(found.items(), key=lambda item: (-round(item[1], 9), item[0])))


def partner_dependencies(
    T: nx.Graph[str], sources: Iterable[str], targets: Iterable[str], *, batch: int = 64
) -> dict[str, dict[str, float]]:
    """Return `partner_dependency` for each of `sources`, computed for many at once.

    The same shares (up to rounding), from breadth-first searches run as sparse matrix
    products (`natokg.analysis._sparse`): 150 partners on a tie graph of 20,000 nodes take
    a second instead of a minute.

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.Graph([("p", "a"), ("a", "n"), ("p", "b"), ("b", "n")])
    >>> partner_dependencies(T, ["p", "a"], ["n"])
    {'p': {'a': 0.5, 'b': 0.5}, 'a': {}}
    """
    import numpy as np

    nodes, position, A = adjacency(T)
    asked = list(dict.fromkeys(sources))
    chosen = [s for s in asked if s in position]
    found: dict[str, dict[str, float]] = {s: {} for s in asked if s not in position}
    wanted = np.zeros(len(nodes))
    wanted[[position[t] for t in set(targets) if t in position]] = 1.0
    for start in range(0, len(chosen), batch):
        group = chosen[start : start + batch]
        rows = np.array([position[s] for s in group], dtype=np.intp)
        columns = np.arange(len(rows))
        gain = np.repeat(wanted[:, None], len(rows), axis=1)
        gain[rows, columns] = 0.0  # a source is not its own target
        sigma, dist, level = searches(A, rows)
        delta = dependencies(A, sigma, dist, level, gain)
        reached = ((dist >= 0) & (gain > 0)).sum(axis=0)
        delta[rows, columns] = 0.0
        for column, source in enumerate(group):
            if not reached[column]:
                found[source] = {}
                continue
            shares = delta[:, column] / reached[column]
            hits = {nodes[i]: float(shares[i]) for i in np.flatnonzero(delta[:, column] > 1e-12)}
            found[source] = dict(sorted(hits.items(), key=lambda item: (-round(item[1], 9), item[0])))
    return found


def sole_bridges(
    T: nx.Graph[str], source: str, targets: Iterable[str], candidates: Iterable[str]
) -> list[str]:
    """Return the `candidates` whose removal cuts `source` off from every reachable target.

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.path_graph(["p", "a", "n"])
    >>> sole_bridges(T, "p", ["n"], ["a"])
    ['a']
    """
    wanted = {t for t in targets if t in T}
    found = []
    for node in sorted(set(candidates)):
        if node == source or node not in T:
            continue
        seen = {source, node}
        queue: deque[str] = deque([source])
        reached = False
        while queue and not reached:
            v = queue.popleft()
            for w in T.adj[v]:
                if w not in seen:
                    if w in wanted:
                        reached = True
                        break
                    seen.add(w)
                    queue.append(w)
        if not reached:
            found.append(node)
    return found


def burt_constraint(T: nx.Graph[str], nodes: Iterable[str]) -> dict[str, float]:
    """Return Burt's constraint of `nodes` in the unweighted graph `T`.

    The same values as ``networkx.constraint(T, nodes)``, computed with set intersections
    so that a hub of thousands of ties costs the sum of its neighbours' degrees, not the
    square of its own. For node u with degree d_u::

        c(u) = sum over neighbours v of (1/d_u + sum over w in N(u) & N(v) of 1/(d_u d_w)) ** 2

    An isolated node gets NaN, as in networkx.

    Examples
    --------
    >>> import networkx as nx
    >>> burt_constraint(nx.star_graph(3), [0])
    {0: 0.3333333333333333}
    """
    found: dict[str, float] = {}
    for u in nodes:
        neighbours = T.adj[u]
        degree = len(neighbours)
        if degree == 0:
            found[u] = math.nan
            continue
        total = 0.0
        for v in neighbours:
            others = T.adj[v]
            small, large = (neighbours, others) if len(neighbours) <= len(others) else (others, neighbours)
            indirect = sum(1.0 / len(T.adj[w]) for w in small if w in large and w not in (u, v))
            total += (1.0 / degree + indirect / degree) ** 2
        found[u] = total
    return found


def communities(T: nx.Graph[str], config: Config | None = None) -> list[list[str]]:
    """Return Louvain communities of the tie graph, largest first, each sorted.

    The seed (``metrics.seed``) makes them the same on every run.

    Examples
    --------
    >>> import networkx as nx
    >>> T = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> communities(T)
    [['a', 'b', 'c'], ['x', 'y']]
    """
    config = config or default_config()
    if T.number_of_edges() == 0:
        return [[node] for node in sorted(T)]
    found = nx.community.louvain_communities(T, seed=config.integer("metrics.seed"))
    return sorted((sorted(group) for group in found), key=lambda group: (-len(group), group[0]))


@dataclass(frozen=True)
class Broker:
    """An organisation or programme and how much it bridges.

    Attributes
    ----------
    betweenness
        Normalised betweenness centrality in the tie graph.
    constraint
        Burt's constraint (low: the node's contacts are not tied to each other, so it
        brokers between them); None for nodes it was not computed for.
    articulation
        True when removing the node splits the tie graph.
    community
        Index of its community in `Brokerage.communities`.
    partners
        Partner -> share of the partner's shortest paths to the NATO side through it.
    """

    node: str
    label: str
    kind: str
    betweenness: float
    constraint: float | None
    articulation: bool
    community: int
    degree: int
    partners: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the broker as JSON-ready data."""
        return {
            "node": self.node,
            "label": self.label,
            "kind": self.kind,
            "betweenness": round(self.betweenness, 4),
            "constraint": None if self.constraint is None else round(self.constraint, 4),
            "articulation": self.articulation,
            "community": self.community,
            "degree": self.degree,
            "partners": {p: round(v, 4) for p, v in self.partners.items()},
        }


@dataclass(frozen=True)
class PartnerBridge:
    """How one partner reaches the NATO side.

    Attributes
    ----------
    direct
        The NATO bodies and NATO-run programmes tied to the partner directly, each with the
        number of claims behind the tie.
    through
        Intermediate nodes and their share of the partner's shortest paths to the NATO side.
    sole
        Nodes every path from the partner to the NATO side passes through.
    reachable
        How many NATO-side nodes the partner reaches at all.
    community
        The partner's community.
    """

    partner: str
    partner_label: str
    direct: tuple[tuple[str, int], ...]
    through: tuple[tuple[str, float], ...]
    sole: tuple[str, ...]
    reachable: int
    community: int

    def to_dict(self, labels: Mapping[str, str]) -> dict[str, Any]:
        """Return the bridge as JSON-ready data, with labels."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "direct": [{"node": n, "label": labels.get(n, n), "claims": c} for n, c in self.direct],
            "through": [
                {"node": n, "label": labels.get(n, n), "share": round(s, 4)} for n, s in self.through
            ],
            "sole": [{"node": n, "label": labels.get(n, n)} for n in self.sole],
            "reachable": self.reachable,
            "community": self.community,
        }


@dataclass(frozen=True)
class Brokerage:
    """The brokerage analysis of one projection."""

    brokers: tuple[Broker, ...]
    bridges: tuple[PartnerBridge, ...]
    communities: tuple[tuple[str, ...], ...]
    labels: Mapping[str, str]
    sampled: bool
    nodes: int
    edges: int

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as JSON-ready data."""
        return {
            "tie_graph": {"nodes": self.nodes, "edges": self.edges, "betweenness_sampled": self.sampled},
            "brokers": [b.to_dict() for b in self.brokers],
            "partners": [b.to_dict(self.labels) for b in self.bridges],
            "communities": [
                [{"node": n, "label": self.labels.get(n, n)} for n in group] for group in self.communities
            ],
        }


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def brokerage(G: KG, config: Config | None = None, *, top: int | None = None) -> Brokerage:
    """Rank the organisations and programmes that bridge NATO and the partners.

    Parameters
    ----------
    G
        A projection.
    config
        Settings; default: the shipped ones.
    top
        How many brokers to keep (default ``metrics.top``).

    Returns
    -------
    Brokerage
        Brokers by betweenness; for each partner, its direct ties to NATO bodies and
        programmes, the nodes its shortest paths to the rest of the NATO side go through,
        and the nodes it cannot do without. Communities of one node are left out.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> result = brokerage(project(load_graph().store))
    >>> result.brokers[0].label
    'North Atlantic Treaty Organization'
    """
    config = config or default_config()
    top = config.integer("metrics.top") if top is None else top
    index = Index(G)
    T = tie_graph(G, config)
    between = betweenness(T, config)
    articulation = set(nx.articulation_points(T)) if T.number_of_nodes() else set()
    groups = [group for group in communities(T, config) if len(group) > 1]
    community_of = {node: i for i, group in enumerate(groups) for node in group}
    nato_side = sorted(n for n in T if index.side(n) == "nato")
    nato_set = set(nato_side)
    chosen = partners(G, config.texts("partners.relations"))

    component_of: dict[str, int] = {}
    nato_in_component: list[int] = []
    for i, component in enumerate(nx.connected_components(T)):
        nato_in_component.append(len(component & nato_set))
        for node in component:
            component_of[node] = i
    bridges: list[PartnerBridge] = []
    shares: dict[str, dict[str, float]] = {}
    present = [partner for partner in chosen if partner in T]
    dependencies_of = partner_dependencies(T, present, nato_side)
    for partner in present:
        dependency = dependencies_of[partner]
        certain = [n for n, share in dependency.items() if share >= 1.0 - 1e-9]
        reachable = nato_in_component[component_of[partner]]
        for node, share in dependency.items():
            shares.setdefault(node, {})[partner] = share
        bridges.append(
            PartnerBridge(
                partner=partner,
                partner_label=index.label(partner),
                direct=tuple(
                    sorted(
                        ((n, len(T.edges[partner, n]["claims"])) for n in T.adj[partner] if n in nato_set),
                        key=lambda item: (-item[1], index.label(item[0])),
                    )
                ),
                through=tuple(
                    [(n, v) for n, v in dependency.items() if T.nodes[n].get("kind") != "nation"][:top]
                ),
                sole=tuple(sole_bridges(T, partner, nato_side, certain)),
                reachable=reachable,
                community=community_of.get(partner, -1),
            )
        )

    candidates = [n for n in T if T.nodes[n].get("kind") in {"organisation", "programme"}]
    ranked = sorted(candidates, key=lambda n: (-round(between.get(n, 0.0), 9), index.label(n), n))[:top]
    constraint = burt_constraint(T, ranked)
    brokers = tuple(
        Broker(
            node=node,
            label=index.label(node),
            kind=str(T.nodes[node].get("kind")),
            betweenness=between.get(node, 0.0),
            constraint=_finite(constraint.get(node)),
            articulation=node in articulation,
            community=community_of.get(node, -1),
            degree=int(T.degree(node)),
            partners=dict(sorted(shares.get(node, {}).items())),
        )
        for node in ranked
    )
    labels = {node: index.label(node) for node in T}
    return Brokerage(
        brokers=brokers,
        bridges=tuple(bridges),
        communities=tuple(tuple(group) for group in groups),
        labels=labels,
        sampled=T.number_of_nodes() > config.integer("metrics.exact_betweenness_max_nodes"),
        nodes=T.number_of_nodes(),
        edges=T.number_of_edges(),
    )
