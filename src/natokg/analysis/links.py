"""Link prediction: channels a partner is likely to use next, and an honest evaluation.

The graph is bipartite: actors (nations and organisations) on one side, channels (NATO
bodies and programmes) on the other, linked by memberships and by ongoing or past
cooperation activities. On a bipartite graph an actor and a channel never share a
neighbour, so the common-neighbour indices (Jaccard, Adamic-Adar, resource allocation) are
0 for every candidate pair. Candidates are scored instead by the paths of length 3 between
them, actor - channel - actor - channel: "the partners that share your channels also use
this one" (``l3``), each path weighted by 1/sqrt(degree) of its two middle nodes in ``l3n``
(Kovács et al., Nature Communications 10, 1240, 2019). Preferential attachment (``pa``,
degree times degree) is the naive baseline that any method must beat.

Suggestions are never facts: they are returned as `Suggestion` objects marked
``assertion = "suggested"``, and nothing here writes to a graph.

`evaluate_links` hides known edges at random, scores them among all the pairs that are not
edges, and reports the area under the ROC curve and the precision at k of each method next
to a random ranking, with their spread over the rounds.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from natokg._gc import paused
from natokg.analysis._index import Index, SourceRef, source_refs
from natokg.analysis.config import Config, default_config
from natokg.analysis.project import KG, counterpart, partners

if TYPE_CHECKING:
    from scipy.sparse import csr_array

__all__ = [
    "Bipartite",
    "LinkEvaluation",
    "MethodScore",
    "Suggestion",
    "bipartite_channels",
    "evaluate_links",
    "link_scores",
    "suggest_links",
]

#: The scoring methods, best-founded first.
METHODS = ("l3n", "l3", "pa")

_ACTORS = {"nation", "organisation"}


@dataclass(frozen=True)
class Bipartite:
    """Actors, channels and the edges between them, with the claims behind each edge."""

    actors: tuple[str, ...]
    channels: tuple[str, ...]
    edges: Mapping[tuple[str, str], tuple[str, ...]]

    def neighbours(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Return actor -> channels and channel -> actors."""
        by_actor: dict[str, set[str]] = defaultdict(set)
        by_channel: dict[str, set[str]] = defaultdict(set)
        for actor, channel in self.edges:
            by_actor[actor].add(channel)
            by_channel[channel].add(actor)
        return by_actor, by_channel


def bipartite_channels(G: KG, config: Config | None = None) -> Bipartite:
    """Return the bipartite graph of actors and the NATO channels they use.

    A channel is a NATO body, or a programme run by NATO (``counterpart`` is ``"nato"``);
    an actor is any other nation or organisation. A membership links its member to its
    framework; an activity of a status in ``metrics.tie_statuses`` links each actor taking
    part to its channels and to the NATO bodies taking part.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> B = bipartite_channels(project(load_graph().store))
    >>> ("https://w3id.org/natokg/id/rok", "https://w3id.org/natokg/id/sps") in B.edges
    True
    """
    config = config or default_config()
    statuses = set(config.texts("metrics.tie_statuses"))
    side: dict[str, str | None] = {}

    def nato(node: str) -> bool:
        if node not in side:
            side[node] = counterpart(G, node)
        return side[node] == "nato"

    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim, record in sorted(G.graph.get("claims", {}).items()):
        kind = record.get("kind")
        pairs: list[tuple[str, str]] = []
        if kind == "Membership":
            pairs = [(m, f) for m in record.get("member", []) for f in record.get("framework", [])]
        elif kind == "CooperationActivity" and (record.get("status") or [None])[0] in statuses:
            participants = record.get("participant", [])
            hubs = [*record.get("channel", []), *(p for p in participants if nato(p))]
            pairs = [(p, h) for p in participants for h in hubs]
        for actor, channel in pairs:
            usable = actor in G and channel in G and actor != channel
            if usable and not nato(actor) and nato(channel) and G.nodes[actor].get("kind") in _ACTORS:
                edges[(actor, channel)].add(claim)
    frozen = {pair: tuple(sorted(claims)) for pair, claims in sorted(edges.items())}
    return Bipartite(
        actors=tuple(sorted({a for a, _ in frozen})),
        channels=tuple(sorted({c for _, c in frozen})),
        edges=frozen,
    )


def _matrix(B: Bipartite, edges: Iterable[tuple[str, str]]) -> csr_array:
    import numpy as np
    from scipy.sparse import csr_array

    row = {a: i for i, a in enumerate(B.actors)}
    col = {c: j for j, c in enumerate(B.channels)}
    pairs = sorted(set(edges))
    data = np.ones(len(pairs))
    rows = np.array([row[a] for a, _ in pairs], dtype=np.int64)
    cols = np.array([col[c] for _, c in pairs], dtype=np.int64)
    return csr_array((data, (rows, cols)), shape=(len(B.actors), len(B.channels)))


def link_scores(
    B: Bipartite, method: str, actors: Sequence[str], edges: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], float]:
    """Return the score of every (actor, channel) pair that is not an edge, for `actors`.

    Parameters
    ----------
    B
        The bipartite graph (its node lists fix the matrix layout).
    method
        ``"l3n"``, ``"l3"`` or ``"pa"``.
    actors
        The actors to score pairs for.
    edges
        The known edges to score from; default: all of `B`'s (evaluation passes the
        training edges).

    Returns
    -------
    dict
        ``(actor, channel) -> score`` for every channel not already tied to the actor.

    Examples
    --------
    >>> B = Bipartite(("p", "q"), ("a", "b"), {("p", "a"): (), ("q", "a"): (), ("q", "b"): ()})
    >>> link_scores(B, "l3", ["p"])
    {('p', 'b'): 1.0}
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    import numpy as np

    known = set(B.edges if edges is None else edges)
    row = {a: i for i, a in enumerate(B.actors)}
    chosen = [a for a in actors if a in row]
    if not chosen or not B.channels:
        return {}
    scores = _score_matrix(_matrix(B, known), method, np.array([row[a] for a in chosen], dtype=np.int64))
    result: dict[tuple[str, str], float] = {}
    for i, actor in enumerate(chosen):
        for j, channel in enumerate(B.channels):
            if (actor, channel) not in known:
                result[(actor, channel)] = float(scores[i, j])
    return result


def _score_matrix(A: csr_array, method: str, rows: Any) -> Any:
    """Return the dense scores of the actors `rows` (indices into `A`) against every channel."""
    import numpy as np

    actor_degree = np.asarray(A.sum(axis=1)).ravel()
    channel_degree = np.asarray(A.sum(axis=0)).ravel()
    if method == "pa":
        return np.outer(actor_degree[rows], channel_degree)
    sub = A[rows]
    if method == "l3":
        return ((sub @ A.T) @ A).toarray()
    from scipy.sparse import diags_array

    inv_c = diags_array(1.0 / np.sqrt(np.maximum(channel_degree, 1)))
    inv_a = diags_array(1.0 / np.sqrt(np.maximum(actor_degree, 1)))
    return ((((sub @ inv_c) @ A.T) @ inv_a) @ A).toarray()


@dataclass(frozen=True)
class Suggestion:
    """A likely missing tie between a partner and a channel: a suggestion, not a fact.

    Attributes
    ----------
    score
        The method's score (paths of length 3, normalised for ``l3n``).
    via
        The actors whose channels the partner shares and who use the suggested channel:
        ``(actor, actor label, shared channel labels)``, strongest first.
    recommended
        Recommendations of the report that propose this channel for the partner: an
        outside check of the suggestion.
    stated_non_member
        Non-membership claims: the report says the partner is not in this channel.
    assertion
        Always ``"suggested"``.
    """

    partner: str
    partner_label: str
    channel: str
    channel_label: str
    score: float
    method: str
    via: tuple[tuple[str, str, tuple[str, ...]], ...]
    recommended: tuple[tuple[str, tuple[SourceRef, ...]], ...]
    stated_non_member: tuple[tuple[str, tuple[SourceRef, ...]], ...]
    assertion: str = "suggested"

    def to_dict(self) -> dict[str, Any]:
        """Return the suggestion as JSON-ready data."""

        def claims(items: Iterable[tuple[str, tuple[SourceRef, ...]]]) -> list[dict[str, Any]]:
            return [
                {"claim": claim, "paragraphs": sorted({r.paragraph for r in refs if r.paragraph is not None})}
                for claim, refs in items
            ]

        return {
            "assertion": self.assertion,
            "partner": self.partner,
            "partner_label": self.partner_label,
            "channel": self.channel,
            "channel_label": self.channel_label,
            "method": self.method,
            "score": round(self.score, 4),
            "via": [{"actor": a, "label": lab, "shared": list(shared)} for a, lab, shared in self.via],
            "recommended_by_report": claims(self.recommended),
            "stated_non_member": claims(self.stated_non_member),
        }


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def suggest_links(
    G: KG,
    config: Config | None = None,
    *,
    partner: str | None = None,
    method: str | None = None,
    top: int | None = None,
) -> list[Suggestion]:
    """Return the channels each partner is most likely to use next, best first.

    Every actor-channel pair is scored, but only the channels of ``channels.frameworks``
    are suggested (a finished mission or another partner's declaration is no lead).

    Parameters
    ----------
    G
        A projection.
    config
        Settings (``links``); default: the shipped ones.
    partner
        Restrict to one partner; default: every partner with at least one channel.
    method
        ``"l3n"`` (default ``links.method``), ``"l3"`` or ``"pa"``.
    top
        Suggestions per partner (default ``links.top``).

    Returns
    -------
    list of Suggestion
        By partner label, then score; pairs scoring 0 are left out.

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> found = suggest_links(project(load_graph().store), partner="https://w3id.org/natokg/id/rok")
    >>> [s.channel_label for s in found if s.recommended], found[0].assertion
    (['STO Enhanced Opportunities Partner status'], 'suggested')
    """
    config = config or default_config()
    method = method or config.text("links.method")
    top = config.integer("links.top") if top is None else top
    index = Index(G)
    B = bipartite_channels(G, config)
    chosen = [partner] if partner is not None else partners(G, config.texts("partners.relations"))
    scores = link_scores(B, method, chosen)
    candidates = set(config.iris("channels.frameworks"))
    by_actor, by_channel = B.neighbours()
    wanted = set(chosen)
    by_nation: dict[str, list[tuple[tuple[str, str], float]]] = {}
    for pair, s in scores.items():
        if pair[0] in wanted and pair[1] in candidates and s > 1e-12:
            by_nation.setdefault(pair[0], []).append((pair, s))
    found: list[Suggestion] = []
    for nation in chosen:
        ranked = sorted(
            by_nation.get(nation, []),
            key=lambda item: (-round(item[1], 9), index.label(item[0][1]), item[0][1]),
        )[:top]
        for (_, channel), score in ranked:
            overlaps = []
            for other in sorted(by_channel.get(channel, set()) - {nation}):
                shared = sorted(by_actor.get(nation, set()) & by_actor.get(other, set()))
                if shared:
                    overlaps.append((other, shared))
            if len(overlaps) > 3:  # only those sharing as much as the third most can be shown
                cutoff = sorted((len(shared) for _, shared in overlaps), reverse=True)[2]
                overlaps = [(other, shared) for other, shared in overlaps if len(shared) >= cutoff]
            via = [(o, index.label(o), tuple(index.label(c) for c in shared)) for o, shared in overlaps]
            via.sort(key=lambda item: (-len(item[2]), item[1]))
            found.append(
                Suggestion(
                    partner=nation,
                    partner_label=index.label(nation),
                    channel=channel,
                    channel_label=index.label(channel),
                    score=score,
                    method=method,
                    via=tuple(via[:3]),
                    recommended=_naming(G, index, nation, channel, "Recommendation", "proposedChannel"),
                    stated_non_member=_naming(G, index, nation, channel, "NonMembership", "framework"),
                )
            )
    return found


def _naming(
    G: KG, index: Index, nation: str, channel: str, kind: str, prop: str
) -> tuple[tuple[str, tuple[SourceRef, ...]], ...]:
    found = []
    for claim in index.claims_for(kind, index.actors_of(nation)):
        named = index.claims[claim].get(prop, [])
        if kind == "NonMembership":
            hit = any(channel in index.parts(framework) for framework in named)
        else:
            hit = channel in named
        if hit:
            found.append((claim, source_refs(G, claim)))
    return tuple(found)


@dataclass(frozen=True)
class MethodScore:
    """One method's evaluation: mean and standard deviation over the rounds."""

    method: str
    auc: float
    auc_sd: float
    precision: float
    precision_sd: float

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return {
            "method": self.method,
            "auc": round(self.auc, 4),
            "auc_sd": round(self.auc_sd, 4),
            "precision_at_k": round(self.precision, 4),
            "precision_at_k_sd": round(self.precision_sd, 4),
        }


@dataclass(frozen=True)
class LinkEvaluation:
    """How well the methods recover hidden edges, next to a random ranking.

    Attributes
    ----------
    edges, actors, channels
        The size of the bipartite graph.
    hidden
        Edges hidden per round.
    candidates
        Pairs ranked per round (the hidden edges and every pair that is not an edge).
    rounds, k
        Rounds of hiding, and the k of precision at k.
    methods
        One `MethodScore` per method, ``"random"`` last (AUC 0.5; precision hidden/candidates).
    verdict
        The evaluation in plain words.
    """

    edges: int
    actors: int
    channels: int
    hidden: int
    candidates: int
    rounds: int
    k: int
    methods: tuple[MethodScore, ...]
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        """Return the evaluation as JSON-ready data."""
        return {
            "edges": self.edges,
            "actors": self.actors,
            "channels": self.channels,
            "hidden_per_round": self.hidden,
            "candidates_per_round": self.candidates,
            "rounds": self.rounds,
            "k": self.k,
            "methods": [m.to_dict() for m in self.methods],
            "verdict": self.verdict,
        }


def _auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Return P(positive > negative) + P(tie) / 2, from average ranks (Mann-Whitney)."""
    import numpy as np

    n_pos, n_neg = len(positives), len(negatives)
    if not n_pos or not n_neg:
        return float("nan")
    values = np.concatenate([np.asarray(positives, dtype=float), np.asarray(negatives, dtype=float)])
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    average_rank = upper - (counts - 1) / 2.0  # 1-based average rank of each distinct value
    rank_sum = float(average_rank[inverse[:n_pos]].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _precision_at_k(scored: Sequence[tuple[float, bool]], k: int) -> float:
    """Return the expected precision at k when ties are broken at random."""
    import numpy as np

    if k <= 0 or not scored:
        return float("nan")
    scores = np.array([score for score, _ in scored], dtype=float)
    hits = np.array([hit for _, hit in scored], dtype=bool)
    return _precision_arrays(scores, hits, k)


def _precision_arrays(scores: Any, hits: Any, k: int) -> float:
    import numpy as np

    k = min(k, len(scores))
    threshold = np.sort(scores)[::-1][k - 1]
    above = scores > threshold
    tied = scores == threshold
    slots = k - int(above.sum())
    expected = float(hits[above].sum()) + slots * float(hits[tied].sum()) / float(tied.sum())
    return expected / k


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return float("nan"), float("nan")
    mean = sum(clean) / len(clean)
    variance = sum((v - mean) ** 2 for v in clean) / (len(clean) - 1) if len(clean) > 1 else 0.0
    return mean, math.sqrt(variance)


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def evaluate_links(
    G: KG,
    config: Config | None = None,
    *,
    rounds: int | None = None,
    max_negatives: int = 200_000,
) -> LinkEvaluation:
    """Hide known edges at random and measure how well each method finds them again.

    Each round hides ``links.holdout`` of the edges (only edges whose actor and channel
    keep another edge, since no structural method can find a node's only edge), scores
    the hidden edges and every actor-channel pair that is not an edge from the remaining
    edges, and computes the AUC and the precision at ``links.k``. Above `max_negatives`
    non-edges, a seeded sample of them is used.

    Returns
    -------
    LinkEvaluation

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> result = evaluate_links(project(load_graph().store), rounds=5)
    >>> [m.method for m in result.methods]
    ['l3n', 'l3', 'pa', 'random']
    """
    import numpy as np

    config = config or default_config()
    rounds = config.integer("links.rounds") if rounds is None else rounds
    k = config.integer("links.k")
    holdout = config.number("links.holdout")
    rng = random.Random(config.integer("links.seed"))
    B = bipartite_channels(G, config)
    edges = sorted(B.edges)
    row = {a: i for i, a in enumerate(B.actors)}
    col = {c: j for j, c in enumerate(B.channels)}
    edge_codes = {row[a] * len(B.channels) + col[c] for a, c in edges}
    all_pairs = len(B.actors) * len(B.channels)
    results: dict[str, tuple[list[float], list[float]]] = {m: ([], []) for m in (*METHODS, "random")}
    hidden_count = 0
    candidate_count = 0
    for _ in range(rounds):
        degree_a: dict[str, int] = defaultdict(int)
        degree_c: dict[str, int] = defaultdict(int)
        for a, c in edges:
            degree_a[a] += 1
            degree_c[c] += 1
        order = edges[:]
        rng.shuffle(order)
        want = max(1, round(holdout * len(edges)))
        hidden: list[tuple[str, str]] = []
        for a, c in order:
            if len(hidden) >= want:
                break
            if degree_a[a] > 1 and degree_c[c] > 1:
                hidden.append((a, c))
                degree_a[a] -= 1
                degree_c[c] -= 1
        if not hidden:
            break
        hidden_set = set(hidden)
        train = [e for e in edges if e not in hidden_set]
        # The candidates: the hidden edges and the pairs that are not edges (all, or a sample).
        if all_pairs - len(edges) > max_negatives:
            negatives: set[int] = set()
            while len(negatives) < max_negatives:
                code = rng.randrange(all_pairs)
                if code not in edge_codes:
                    negatives.add(code)
            codes = np.array(sorted(negatives), dtype=np.int64)
        else:
            codes = np.array([c for c in range(all_pairs) if c not in edge_codes], dtype=np.int64)
        positive_codes = np.array([row[a] * len(B.channels) + col[c] for a, c in hidden], dtype=np.int64)
        pair_codes = np.concatenate([positive_codes, codes])
        is_hidden = np.zeros(len(pair_codes), dtype=bool)
        is_hidden[: len(positive_codes)] = True
        pair_rows, pair_cols = np.divmod(pair_codes, len(B.channels))
        needed, local = np.unique(pair_rows, return_inverse=True)
        A = _matrix(B, train)
        hidden_count = len(hidden)
        candidate_count = len(pair_codes)
        for method in METHODS:
            values = _score_matrix(A, method, needed)[local, pair_cols]
            results[method][0].append(_auc(values[is_hidden].tolist(), values[~is_hidden].tolist()))
            results[method][1].append(_precision_arrays(values, is_hidden, k))
        results["random"][0].append(0.5)
        results["random"][1].append(hidden_count / candidate_count)
    methods = []
    for method, (aucs, precisions) in results.items():
        auc, auc_sd = _mean_sd(aucs)
        precision, precision_sd = _mean_sd(precisions)
        methods.append(MethodScore(method, auc, auc_sd, precision, precision_sd))
    chosen = config.text("links.method")
    return LinkEvaluation(
        edges=len(edges),
        actors=len(B.actors),
        channels=len(B.channels),
        hidden=hidden_count,
        candidates=candidate_count,
        rounds=rounds,
        k=k,
        methods=tuple(methods),
        verdict=_verdict(methods, chosen, len(edges)),
    )


def _verdict(methods: Sequence[MethodScore], chosen: str, edges: int) -> str:
    by_name = {m.method: m for m in methods}
    main, baseline, random_ = by_name.get(chosen), by_name.get("pa"), by_name.get("random")
    if main is None or math.isnan(main.auc) or random_ is None or baseline is None:
        return "not enough edges to evaluate"
    if main.auc - 2 * main.auc_sd <= 0.5 or main.auc < 0.6:
        strength = "weak: hardly better than a random ranking"
    elif main.auc < 0.75:
        strength = "moderate"
    else:
        strength = "clear"
    lift = main.precision / random_.precision if random_.precision else float("nan")
    words = [
        f"{chosen} finds hidden edges with AUC {main.auc:.2f} (sd {main.auc_sd:.2f}; random 0.50) and "
        f"precision@k {main.precision:.2f} (random {random_.precision:.2f}, {lift:.1f}x): signal {strength}"
    ]
    if baseline.auc >= main.auc:
        words.append(
            f"preferential attachment does as well or better (AUC {baseline.auc:.2f}): much of the "
            "signal is popularity (active partners, busy channels), not structure"
        )
    else:
        words.append(f"preferential attachment does worse (AUC {baseline.auc:.2f})")
    if edges < 200:
        words.append(
            f"with {edges} known edges the figures are rough; treat suggestions as leads, not forecasts"
        )
    return "; ".join(words) + "."
