"""Robustness of the gap ranking when the weights move."""

from __future__ import annotations

from functools import cache

import networkx as nx
import pytest

from natokg import resources
from natokg.analysis.config import default_config
from natokg.analysis.project import project_graphs
from natokg.analysis.robustness import kendall_tau, robustness, top_overlap
from natokg.load import parse_file
from support import FIXTURES


@cache
def tiny() -> nx.MultiDiGraph:
    files = [parse_file(p) for p in resources.ontology_files()]
    return project_graphs([*files, parse_file(FIXTURES / "analysis" / "tiny.ttl")])


def test_kendall_tau_of_equal_and_reversed_rankings() -> None:
    """Gives 1 for the same order, -1 for the reversed one, and handles constant lists."""
    assert kendall_tau([1, 2, 3], [2, 4, 6]) == 1.0
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == -1.0
    assert kendall_tau([1, 1], [2, 2]) == 1.0
    assert kendall_tau([1, 1, 1], [1, 2, 3]) == 0.0
    assert kendall_tau([5], [7]) == 1.0
    with pytest.raises(ValueError, match="same length"):
        kendall_tau([1], [1, 2])


def test_top_overlap_is_the_share_of_the_top_that_stays() -> None:
    """Counts how much of the first top stays in the top, in any order."""
    assert top_overlap(["a", "b", "c"], ["c", "b", "a"], 2) == 0.5
    assert top_overlap([], [], 3) == 1.0


def test_every_weight_is_moved_both_ways() -> None:
    """Moves each non-zero weight down and up by the spread, one at a time."""
    study = robustness(tiny(), samples=5)
    nonzero = [name for name, value in default_config().weights().items() if value]
    moved = sorted(name for p in study.one_at_a_time for name in p.weights)
    assert moved == sorted(nonzero * 2)
    assert {round(f, 4) for p in study.one_at_a_time for f in p.weights.values()} == {0.8, 1.2}
    assert len(study.random_draws) == 5


def test_the_tiny_ranking_and_its_stability() -> None:
    """Keeps the tiny graph's two gaps in its top whatever the weights, and reports tau."""
    study = robustness(tiny(), samples=20)
    assert study.top == 2
    assert [g.technology_label for g in study.gaps] == ["Tiny tech B", "Tiny tech A"]
    assert all(g.stays == 1.0 for g in study.gaps)  # a top of two out of three candidates
    summary = study.summary()
    assert -1.0 <= summary["all_at_once"]["tau_min"] <= 1.0


def test_robustness_is_deterministic() -> None:
    """Gives the same figures on every run with the same seed."""
    assert robustness(tiny(), samples=10).to_dict() == robustness(tiny(), samples=10).to_dict()


def test_robustness_of_an_empty_graph() -> None:
    """Returns an empty study for a graph without gaps."""
    study = robustness(project_graphs([]), samples=3)
    assert study.candidates == 0
    assert study.gaps == ()


def test_the_vectorised_rescoring_agrees_with_the_gap_ranking() -> None:
    """Ranks the default top exactly as technology_gaps does, with the same scores."""
    from natokg.analysis.gaps import technology_gaps

    files = [parse_file(p) for p in (*resources.ontology_files(), *resources.graph_files())]
    G = project_graphs(files)
    study = robustness(G, samples=2)
    top = technology_gaps(G)[: study.top]
    assert [(g.partner, g.technology) for g in study.gaps] == [(g.partner, g.technology) for g in top]
    assert [round(g.score, 6) for g in study.gaps] == [round(g.score, 6) for g in top]
