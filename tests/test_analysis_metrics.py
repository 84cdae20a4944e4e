"""Brokerage: known answers on tiny graphs, and the shipped graph's brokers."""

from __future__ import annotations

from functools import cache

import networkx as nx
from rdflib import Graph

from natokg import resources
from natokg.analysis.config import Config, default_config
from natokg.analysis.metrics import (
    betweenness,
    brokerage,
    communities,
    partner_dependencies,
    partner_dependency,
    sampled_betweenness,
    sole_bridges,
    tie_graph,
)
from natokg.analysis.project import project_graphs
from natokg.load import parse_file
from support import FIXTURES

ID = "https://w3id.org/natokg/id/"


@cache
def ontology() -> tuple[Graph, ...]:
    return tuple(parse_file(path) for path in resources.ontology_files())


@cache
def shipped() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), *(parse_file(p) for p in resources.graph_files())])


def test_the_middle_of_a_path_has_all_the_betweenness() -> None:
    """Gives the middle node of a three-node path betweenness 1 and the ends 0."""
    assert betweenness(nx.path_graph(["a", "b", "c"])) == {"a": 0.0, "b": 1.0, "c": 0.0}


def test_betweenness_is_sampled_above_the_limit_and_stays_the_same() -> None:
    """Estimates betweenness from seeded samples on a large graph, identically on every run."""
    T = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=1), str)
    tree = default_config().as_dict()
    tree["metrics"]["exact_betweenness_max_nodes"] = 100
    tree["metrics"]["betweenness_samples"] = 50
    sampled = Config(tree, "test")
    first = betweenness(T, sampled)
    assert first == betweenness(T, sampled)
    assert first != betweenness(T)  # the exact values differ from the estimate


def test_sampling_every_node_gives_the_exact_betweenness() -> None:
    """Returns networkx's exact betweenness when every node is a sampled source."""
    T = nx.relabel_nodes(nx.gnm_random_graph(120, 300, seed=3), str)
    T.add_edge("x", "y")  # a second component
    exact = nx.betweenness_centrality(T, normalized=True)
    ours = sampled_betweenness(T, T.number_of_nodes(), seed=7, batch=16)
    assert set(ours) == set(exact)
    assert max(abs(ours[v] - exact[v]) for v in T) < 1e-12


def test_batched_dependencies_match_one_search_per_partner() -> None:
    """Returns the shares that one search per partner finds, for many partners at once."""
    T = nx.relabel_nodes(nx.gnm_random_graph(150, 260, seed=4), lambda i: f"n{i:03d}")
    sources = [f"n{i:03d}" for i in range(0, 150, 7)] + ["missing"]
    targets = [f"n{i:03d}" for i in range(3, 150, 11)]
    batched = partner_dependencies(T, sources, targets, batch=5)
    for source in sources:
        one = partner_dependency(T, source, targets)
        assert list(batched[source]) == list(one)
        assert all(abs(batched[source][node] - share) < 1e-12 for node, share in one.items())


def test_dependency_splits_between_parallel_routes() -> None:
    """Credits each of two parallel routes from a partner to NATO with half the paths."""
    T = nx.Graph([("p", "a"), ("a", "n"), ("p", "b"), ("b", "n")])
    assert partner_dependency(T, "p", ["n"]) == {"a": 0.5, "b": 0.5}


def test_dependency_is_empty_across_disconnected_components() -> None:
    """Returns no dependency when the partner cannot reach the NATO side at all."""
    T = nx.Graph([("p", "a"), ("n", "b")])
    assert partner_dependency(T, "p", ["n"]) == {}
    assert partner_dependency(T, "missing", ["n"]) == {}
    assert sole_bridges(T, "p", ["n"], ["a"]) == ["a"]


def test_a_sole_bridge_cuts_the_partner_off() -> None:
    """Finds the one node every route from the partner to NATO passes through."""
    T = nx.Graph([("p", "a"), ("a", "n1"), ("a", "n2"), ("p", "x")])
    dependency = partner_dependency(T, "p", ["n1", "n2"])
    assert dependency["a"] == 1.0
    assert sole_bridges(T, "p", ["n1", "n2"], ["a", "x"]) == ["a"]


def test_communities_are_seeded_and_sorted() -> None:
    """Splits two triangles joined by one edge into two communities, the same every time."""
    T = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    assert communities(T) == [["a", "b", "c"], ["x", "y", "z"]]
    assert communities(nx.Graph()) == []
    single = nx.Graph()
    single.add_node("lonely")
    assert communities(single) == [["lonely"]]


def test_the_tie_graph_routes_an_activity_through_its_channel() -> None:
    """Ties the tiny partner to framework F, and F to NATO, for an activity through F."""
    G = project_graphs([*ontology(), parse_file(FIXTURES / "analysis" / "tiny.ttl")])
    T = tie_graph(G)
    assert ID + "t-coop-c" in T.edges[ID + "t-partner", ID + "t-framework-f"]["claims"]
    assert ID + "t-coop-c" in T.edges[ID + "t-framework-f", ID + "t-nato"]["claims"]
    assert not T.has_edge(ID + "t-partner", ID + "t-rival")
    # A proposed activity makes no tie.
    assert all(ID + "t-coop-b-proposed" not in d["claims"] for *_, d in T.edges(data=True))


def test_brokerage_of_a_single_node_graph_is_empty() -> None:
    """Returns no broker and no path for a graph of one partner."""
    G = project_graphs([*ontology(), parse_file(FIXTURES / "analysis" / "single-node.ttl")])
    result = brokerage(G)
    assert result.brokers == ()
    (bridge,) = result.bridges
    assert bridge.reachable == 0
    assert bridge.direct == ()


def test_nato_and_the_sto_are_the_main_brokers_of_the_shipped_graph() -> None:
    """Ranks NATO first and the STO among the top brokers, both cut vertices."""
    result = brokerage(shipped())
    labels = [b.label for b in result.brokers]
    assert labels[0] == "North Atlantic Treaty Organization"
    assert "NATO Science and Technology Organization" in labels[:3]
    assert result.brokers[0].articulation
    assert result.brokers[0].constraint is not None


def test_singapore_reaches_nato_through_the_sto_programmes() -> None:
    """Ties Singapore directly to the STO, its programmes of work and NATO (paragraphs 35, 59)."""
    result = brokerage(shipped())
    bridge = next(b for b in result.bridges if b.partner == ID + "singapore")
    direct = {node for node, _ in bridge.direct}
    assert direct == {ID + "sto", ID + "sto-cpow", ID + "cmre-pow", ID + "nato"}


def test_brokerage_is_deterministic() -> None:
    """Gives the same brokers, shares and communities on every run."""
    assert brokerage(shipped()).to_dict() == brokerage(shipped()).to_dict()
