"""Robustness: how stable the ranking of the technology gaps is when the weights move.

Every weight of the gap score (``[strength]``, ``[coverage]``, ``[priority]``) is moved by
``robustness.spread`` (±20 %), first one at a time, then all at once at random
(``robustness.samples`` draws, seeded). Each perturbed ranking of all candidate gaps is
compared with the default one by Kendall's tau-b and by the share of the default top
``robustness.top`` that stays in the top. Each top gap gets the share of perturbations in
which it stays in the top, and the best and worst rank it reaches: an analyst sees which
findings hold whatever reasonable weights one picks, and which depend on one choice.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from natokg._gc import paused
from natokg.analysis.config import Config, default_config
from natokg.analysis.gaps import Gap, technology_gaps
from natokg.analysis.project import KG

__all__ = ["GapStability", "Perturbation", "Robustness", "kendall_tau", "robustness", "top_overlap"]


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float:
    """Return Kendall's tau-b between two score lists over the same items.

    Two constant lists agree perfectly (1.0); one constant list against a varying one
    gives 0.0 (no association can be measured).

    Examples
    --------
    >>> kendall_tau([3, 2, 1], [30, 20, 10])
    1.0
    >>> kendall_tau([3, 2, 1], [10, 20, 30])
    -1.0
    """
    if len(x) != len(y):
        raise ValueError("the two lists must have the same length")
    if len(x) < 2:
        return 1.0
    x_constant, y_constant = len(set(x)) == 1, len(set(y)) == 1
    if x_constant and y_constant:
        return 1.0
    if x_constant or y_constant:
        return 0.0
    from scipy.stats import kendalltau

    value = float(kendalltau(x, y).statistic)
    return 0.0 if math.isnan(value) else value


def top_overlap(before: Sequence[Hashable], after: Sequence[Hashable], top: int) -> float:
    """Return the share of the first `top` items of `before` that are in the first `top` of `after`.

    Examples
    --------
    >>> top_overlap(["a", "b", "c"], ["b", "a", "d"], 2)
    1.0
    """
    n = min(top, len(before))
    if n == 0:
        return 1.0
    return len(set(before[:n]) & set(after[:n])) / n


@dataclass(frozen=True)
class Perturbation:
    """One perturbed ranking compared with the default one.

    Attributes
    ----------
    weights
        What moved: ``{"priority.competitor": 1.2}`` (factors), or every weight for a
        random draw.
    kind
        ``"one"`` (one weight at a time) or ``"all"`` (all at once, at random).
    tau
        Kendall's tau-b between the default and the perturbed scores of all candidates.
    overlap
        Share of the default top that stays in the top.
    """

    kind: str
    weights: dict[str, float]
    tau: float
    overlap: float

    def to_dict(self) -> dict[str, Any]:
        """Return the perturbation as JSON-ready data."""
        return {
            "kind": self.kind,
            "factors": {k: round(v, 4) for k, v in self.weights.items()},
            "tau": round(self.tau, 4),
            "top_overlap": round(self.overlap, 4),
        }


@dataclass(frozen=True)
class GapStability:
    """How one default top gap fares under the perturbations."""

    partner_label: str
    technology_label: str
    partner: str
    technology: str
    rank: int
    score: float
    stays: float
    best: int
    worst: int

    def to_dict(self) -> dict[str, Any]:
        """Return the stability as JSON-ready data."""
        return {
            "partner": self.partner,
            "partner_label": self.partner_label,
            "technology": self.technology,
            "technology_label": self.technology_label,
            "rank": self.rank,
            "score": round(self.score, 4),
            "stays_in_top": round(self.stays, 4),
            "best_rank": self.best,
            "worst_rank": self.worst,
        }


@dataclass(frozen=True)
class Robustness:
    """The robustness study.

    Attributes
    ----------
    candidates
        How many (partner, technology) pairs were ranked.
    top, spread
        The size of the top and the relative move of the weights.
    one_at_a_time, random_draws
        Every perturbation.
    gaps
        The default top gaps and how they fare.
    """

    candidates: int
    top: int
    spread: float
    one_at_a_time: tuple[Perturbation, ...]
    random_draws: tuple[Perturbation, ...]
    gaps: tuple[GapStability, ...]

    def summary(self) -> dict[str, Any]:
        """Return the headline figures: tau and top overlap, minimum and median, per kind."""
        found: dict[str, Any] = {}
        for name, runs in (("one_at_a_time", self.one_at_a_time), ("all_at_once", self.random_draws)):
            taus = [p.tau for p in runs]
            overlaps = [p.overlap for p in runs]
            found[name] = {
                "runs": len(runs),
                "tau_min": round(min(taus), 4) if taus else None,
                "tau_median": round(statistics.median(taus), 4) if taus else None,
                "top_overlap_min": round(min(overlaps), 4) if overlaps else None,
                "top_overlap_median": round(statistics.median(overlaps), 4) if overlaps else None,
            }
        return found

    def sensitive_weights(self, count: int = 5) -> list[Perturbation]:
        """Return the one-at-a-time perturbations that move the ranking most."""
        return sorted(self.one_at_a_time, key=lambda p: (p.tau, p.overlap, sorted(p.weights)))[:count]

    def to_dict(self) -> dict[str, Any]:
        """Return the study as JSON-ready data."""
        return {
            "candidates": self.candidates,
            "top": self.top,
            "spread": self.spread,
            "summary": self.summary(),
            "gaps": [g.to_dict() for g in self.gaps],
            "most_sensitive": [p.to_dict() for p in self.sensitive_weights()],
            "one_at_a_time": [p.to_dict() for p in self.one_at_a_time],
        }


class _Scorer:
    """All candidate gaps' evidence as arrays, rescored for any weights at numpy speed."""

    REASONS = ("base", "nato_priority", "disruptive", "emerging", "competitor", "recommended")
    MATCHES = ("exact", "narrower", "broader")

    def __init__(self, G: KG, gaps: Sequence[Gap]) -> None:
        import numpy as np

        self.n = len(gaps)
        levels = sorted({e.level for g in gaps for e in g.strength_evidence})
        self.levels = levels
        self.level_fallback = [float(G.graph.get("level_weights", {}).get(level, 0.0)) for level in levels]
        self.sides = sorted({e.counterpart for g in gaps for e in g.coverage_evidence})
        self.statuses = sorted({e.status for g in gaps for e in g.coverage_evidence})
        s_rows = [
            (i, levels.index(e.level), int(e.organisation), e.steps)
            for i, g in enumerate(gaps)
            for e in g.strength_evidence
        ]
        c_rows = [
            (
                i,
                self.sides.index(e.counterpart),
                self.statuses.index(e.status),
                self.MATCHES.index(e.match),
                e.steps,
            )
            for i, g in enumerate(gaps)
            for e in g.coverage_evidence
        ]
        r_rows = [
            (i, self.REASONS.index(r.reason), int(r.inherited), int(r.related))
            for i, g in enumerate(gaps)
            for r in g.priority_reasons
        ]
        self.s = np.array(s_rows, dtype=np.int64).reshape(-1, 4)
        self.c = np.array(c_rows, dtype=np.int64).reshape(-1, 5)
        self.r = np.array(r_rows, dtype=np.int64).reshape(-1, 4)
        order = sorted(
            range(self.n),
            key=lambda i: (
                gaps[i].partner_label,
                gaps[i].technology_label,
                gaps[i].partner,
                gaps[i].technology,
            ),
        )
        self.label_rank = np.empty(self.n, dtype=np.int64)
        self.label_rank[order] = np.arange(self.n)

    def scores(self, config: Config) -> Any:
        """Return every candidate's score under `config`."""
        import numpy as np

        table = config.table("strength.levels")
        level_w = np.array(
            [table.get(level, fb) for level, fb in zip(self.levels, self.level_fallback, strict=True)]
        )
        strength = np.zeros(self.n)
        if len(self.s):
            values = (
                level_w[self.s[:, 1]]
                * config.number("strength.organisation") ** self.s[:, 2]
                * config.number("strength.narrower") ** self.s[:, 3]
            )
            np.maximum.at(strength, self.s[:, 0], values)
        coverage = np.zeros(self.n)
        if len(self.c):
            side_w = np.array([config.number(f"coverage.counterpart.{side}") for side in self.sides])
            statuses = config.table("coverage.status")
            status_w = np.array([statuses.get(status, 0.0) for status in self.statuses])
            factor = np.array([1.0, config.number("coverage.narrower"), config.number("coverage.broader")])
            values = side_w[self.c[:, 1]] * status_w[self.c[:, 2]] * factor[self.c[:, 3]] ** self.c[:, 4]
            np.maximum.at(coverage, self.c[:, 0], values)
            coverage = np.minimum(coverage, 1.0)
        priority = np.zeros(self.n)
        if len(self.r):
            reason_w = np.array([config.number(f"priority.{name}") for name in self.REASONS])
            values = (
                reason_w[self.r[:, 1]]
                * config.number("priority.inherited") ** self.r[:, 2]
                * config.number("priority.competitor_related") ** self.r[:, 3]
            )
            np.add.at(priority, self.r[:, 0], values)
        return strength * priority * (1.0 - coverage)

    def order(self, scores: Any) -> Any:
        """Return the candidates' indices ranked as `rank_gaps` ranks them."""
        import numpy as np

        return np.lexsort((self.label_rank, -np.round(scores, 4)))


@paused()  # no cyclic collection while it builds millions of objects (natokg._gc)
def robustness(G: KG, config: Config | None = None, *, samples: int | None = None) -> Robustness:
    """Perturb every weight of the gap score and measure how the ranking moves.

    The evidence of every candidate gap is computed once; each perturbed weighting then
    rescores all candidates at once with numpy, so the study scales to large graphs.

    Parameters
    ----------
    G
        A projection.
    config
        Weights and settings (``robustness``); default: the shipped ones.
    samples
        Random draws with all weights moved at once (default ``robustness.samples``).

    Returns
    -------
    Robustness

    Examples
    --------
    >>> from natokg import load_graph
    >>> from natokg.analysis import project
    >>> study = robustness(project(load_graph().store), samples=10)
    >>> study.gaps[0].technology_label, study.gaps[0].stays
    ('robotics', 1.0)
    """
    import numpy as np

    config = config or default_config()
    spread = config.number("robustness.spread")
    top = config.integer("robustness.top")
    samples = config.integer("robustness.samples") if samples is None else samples
    rng = random.Random(config.integer("robustness.seed"))
    base = technology_gaps(G, config, include_covered=True)
    scorer = _Scorer(G, base)
    base_scores = scorer.scores(config)
    base_order = scorer.order(base_scores)
    positive = int(np.sum(np.round(base_scores, 4) > 0))
    n_top = min(top, positive)
    top_set = base_order[:n_top]
    weights = config.weights()
    ranks: list[Any] = []

    def run(kind: str, factors: dict[str, float]) -> Perturbation:
        changed = config.with_weights({name: weights[name] * f for name, f in factors.items()})
        scores = scorer.scores(changed)
        order = scorer.order(scores)
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(1, len(order) + 1)
        ranks.append(position[top_set])
        tau = kendall_tau(base_scores.tolist(), scores.tolist())
        overlap = len(set(top_set.tolist()) & set(order[:n_top].tolist())) / n_top if n_top else 1.0
        return Perturbation(kind, factors, tau, overlap)

    single = []
    for name, value in weights.items():
        if value == 0:
            continue
        for factor in (1 - spread, 1 + spread):
            single.append(run("one", {name: factor}))
    draws = [
        run("all", {name: rng.uniform(1 - spread, 1 + spread) for name in weights}) for _ in range(samples)
    ]
    table = np.array(ranks, dtype=np.int64).reshape(len(ranks), n_top)
    stability = []
    for position, i in enumerate(top_set.tolist()):
        gap = base[i]
        column = table[:, position]
        stays = float(np.mean(column <= n_top)) if len(column) else 1.0
        stability.append(
            GapStability(
                gap.partner_label,
                gap.technology_label,
                gap.partner,
                gap.technology,
                position + 1,
                float(base_scores[i]),
                stays,
                int(column.min()) if len(column) else position + 1,
                int(column.max()) if len(column) else position + 1,
            )
        )
    return Robustness(
        candidates=len(base),
        top=n_top,
        spread=spread,
        one_at_a_time=tuple(single),
        random_draws=tuple(draws),
        gaps=tuple(stability),
    )
