"""Link prediction: why paths of length 3, the scores on tiny graphs, and an honest evaluation."""

from __future__ import annotations

import math
from functools import cache

import networkx as nx
import pytest

from natokg import resources
from natokg.analysis.links import (
    Bipartite,
    _auc,
    _precision_at_k,
    bipartite_channels,
    evaluate_links,
    link_scores,
    suggest_links,
)
from natokg.analysis.project import project_graphs
from natokg.load import parse_file

ID = "https://w3id.org/natokg/id/"

#: p shares channel a with q; q also uses b; r uses b only.
SMALL = Bipartite(
    ("p", "q", "r"), ("a", "b"), {("p", "a"): (), ("q", "a"): (), ("q", "b"): (), ("r", "b"): ()}
)


@cache
def shipped() -> nx.MultiDiGraph:
    files = [*(parse_file(p) for p in resources.ontology_files())]
    files += [parse_file(p) for p in resources.graph_files()]
    return project_graphs(files)


def test_common_neighbours_of_cross_pairs_are_always_zero() -> None:
    """Shows that an actor and a channel of the bipartite graph never share a neighbour."""
    B = bipartite_channels(shipped())
    U = nx.Graph(list(B.edges))
    for actor in B.actors:
        for channel in B.channels:
            assert not set(U[actor]) & set(U[channel])
    scores = link_scores(B, "l3", B.actors)
    assert any(score > 0 for score in scores.values())


def test_l3_counts_paths_of_length_three() -> None:
    """Scores p-b by the one path p-a-q-b and leaves known edges out."""
    assert link_scores(SMALL, "l3", ["p"]) == {("p", "b"): 1.0}
    assert link_scores(SMALL, "l3", ["r"]) == {("r", "a"): 1.0}


def test_l3n_divides_each_path_by_its_middle_degrees() -> None:
    """Weighs the path p-a-q-b by 1/sqrt(deg a * deg q) = 1/2."""
    assert link_scores(SMALL, "l3n", ["p"]) == {("p", "b"): pytest.approx(0.5)}


def test_preferential_attachment_multiplies_degrees() -> None:
    """Scores p-b by deg p x deg b = 1 x 2."""
    assert link_scores(SMALL, "pa", ["p"]) == {("p", "b"): 2.0}


def test_an_unknown_method_is_refused() -> None:
    """Raises ValueError for a method that does not exist."""
    with pytest.raises(ValueError, match="unknown method"):
        link_scores(SMALL, "magic", ["p"])


def test_scores_for_an_unknown_actor_or_an_empty_graph_are_empty() -> None:
    """Returns no score for an actor outside the graph or a graph without channels."""
    assert link_scores(SMALL, "l3", ["nobody"]) == {}
    assert link_scores(Bipartite((), (), {}), "l3n", ["p"]) == {}


def test_auc_counts_ties_as_half() -> None:
    """Computes 1.0 for a perfect ranking, 0.5 for all ties and 0.75 for one tie in two."""
    assert _auc([3.0], [1.0, 2.0]) == 1.0
    assert _auc([1.0], [1.0, 1.0]) == 0.5
    assert _auc([2.0, 1.0], [1.0]) == 0.75
    assert math.isnan(_auc([], [1.0]))


def test_precision_at_k_breaks_ties_in_expectation() -> None:
    """Counts a tied boundary group by its share of hits, as a random tie-break would on average."""
    scored = [(3.0, True), (1.0, True), (1.0, False), (1.0, False), (1.0, False)]
    assert _precision_at_k(scored, 1) == 1.0
    assert _precision_at_k(scored, 2) == pytest.approx((1 + 0.25) / 2)


def test_suggestions_are_marked_as_suggestions_and_recommended_sto_eop_is_among_the_rok_ones() -> None:
    """Suggests STO-EOP for the ROK, which the report recommends (paragraph 60), as a suggestion."""
    found = suggest_links(shipped(), partner=ID + "rok")
    assert found
    assert all(s.assertion == "suggested" for s in found)
    eop = next(s for s in found if s.channel == ID + "sto-eop")
    assert [c for c, _ in eop.recommended] == [ID + "rec-stb-invite-asian-partners-to-sto-eop"]
    assert eop.via[0][0] == ID + "japan"


def test_suggesting_writes_nothing_into_the_projection() -> None:
    """Leaves the projection unchanged: suggestions never become edges."""
    G = shipped()
    before = G.number_of_edges()
    suggest_links(G)
    assert G.number_of_edges() == before


def test_the_evaluation_compares_with_random_and_preferential_attachment() -> None:
    """Reports AUC and precision@k per method next to a random ranking, with a plain verdict."""
    result = evaluate_links(shipped(), rounds=10)
    methods = {m.method: m for m in result.methods}
    assert set(methods) == {"l3n", "l3", "pa", "random"}
    assert methods["random"].auc == 0.5
    assert methods["random"].precision == pytest.approx(result.hidden / result.candidates)
    assert 0.0 <= methods["l3n"].auc <= 1.0
    assert "AUC" in result.verdict
    assert "rough" in result.verdict  # the shipped graph has far fewer than 200 edges


def test_the_evaluation_is_deterministic() -> None:
    """Gives the same figures on every run with the same seed."""
    assert evaluate_links(shipped(), rounds=5).to_dict() == evaluate_links(shipped(), rounds=5).to_dict()


def test_the_evaluation_of_an_empty_graph_says_so() -> None:
    """Says there are not enough edges to evaluate on an empty graph."""
    result = evaluate_links(project_graphs([]), rounds=3)
    assert result.verdict == "not enough edges to evaluate"
