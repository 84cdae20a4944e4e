"""The RDF -> NetworkX projection: typed nodes, typed edges with their claims, no literal nodes."""

from __future__ import annotations

from functools import cache

import networkx as nx
import pytest
from rdflib import Graph

from natokg import load_graph, resources
from natokg.analysis.project import (
    EDGE_KINDS,
    NODE_KINDS,
    claim_paragraphs,
    counterpart,
    nations_of,
    partners,
    project,
    project_graphs,
)
from natokg.load import parse_file
from support import FIXTURES

ID = "https://w3id.org/natokg/id/"
TINY = FIXTURES / "analysis" / "tiny.ttl"


@cache
def ontology() -> tuple[Graph, ...]:
    return tuple(parse_file(path) for path in resources.ontology_files())


@cache
def tiny() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), parse_file(TINY)])


@cache
def shipped() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), *(parse_file(p) for p in resources.graph_files())])


def same_projection(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return (
        list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
        and a.graph == b.graph
    )


def test_nodes_are_typed_entities_and_never_literals_or_classes() -> None:
    """Keys every node by an entity IRI with one of the five kinds: no literal, no class, no claim."""
    G = shipped()
    assert G.number_of_nodes() > 100
    for node, data in G.nodes(data=True):
        assert node.startswith(ID), node
        assert data["kind"] in NODE_KINDS
        assert node not in G.graph["claims"]


def test_every_claim_edge_keeps_its_claims_and_no_edge_is_a_type() -> None:
    """Gives every edge a known kind, and every edge that comes from a claim the claim's IRI."""
    G = shipped()
    structural = {"country", "sub_organisation_of", "part_of", "run_by", "replaces", "broader", "close_match"}
    for _, _, data in G.edges(data=True):
        assert data["kind"] in EDGE_KINDS
        assert data["kind"] != "type"
        if data["kind"] in structural:
            assert data["claims"] == []
        else:
            assert data["claims"]
            assert all(c in G.graph["claims"] for c in data["claims"])


def test_a_capability_claim_becomes_a_strong_in_edge_with_its_level() -> None:
    """Turns the tiny graph's claim that P leads the world in A into an edge P -> A."""
    G = tiny()
    edge = G.edges[ID + "t-partner", ID + "t-tech-a", "strong_in|" + ID + "t-cap-a"]
    assert edge["level"] == "GlobalLeader"
    record = G.graph["claims"][ID + "t-cap-a"]
    assert record["quotes"] == ["P is the undisputed global leader in A"]
    assert claim_paragraphs(G, ID + "t-cap-a") == [1]


def test_an_activity_links_participants_topics_and_channel() -> None:
    """Turns an activity through a channel into cooperates_with, cooperates_on and via edges."""
    G = tiny()
    claim = ID + "t-coop-c"
    kinds = {(u, v, d["kind"]) for u, v, d in G.edges(data=True) if claim in d["claims"]}
    assert (ID + "t-nato", ID + "t-partner", "cooperates_with") in kinds
    assert (ID + "t-partner", ID + "t-tech-c", "cooperates_on") in kinds
    assert (ID + "t-partner", ID + "t-framework-f", "via") in kinds


def test_sparql_and_triple_pattern_paths_give_the_same_projection() -> None:
    """Builds the identical projection from a store through SPARQL and from parsed files directly."""
    assert same_projection(project(load_graph().store), shipped())
    assert same_projection(project(load_graph([TINY]).store), tiny())


def test_the_projection_does_not_depend_on_file_order() -> None:
    """Builds the same projection whatever the order of the input files."""
    files = [*ontology(), *(parse_file(p) for p in resources.graph_files())]
    assert same_projection(project_graphs(list(reversed(files))), shipped())


def test_an_empty_input_gives_an_empty_projection() -> None:
    """Returns a graph without nodes or claims for no input at all."""
    G = project_graphs([])
    assert G.number_of_nodes() == 0
    assert G.graph["claims"] == {}


def test_the_ontology_alone_gives_technologies_and_no_claims() -> None:
    """Projects the technology schemes of the ontology and no claim edges when there is no data."""
    G = project_graphs(list(ontology()))
    assert {d["kind"] for _, d in G.nodes(data=True)} <= {"technology", "area"}
    assert G.graph["claims"] == {}
    assert G.nodes[ID + "cis-space"]["nato_priority"] is True


def test_partners_are_the_partner_and_informal_contact_nations() -> None:
    """Lists Japan, the ROK and Singapore, and the partners without any claim."""
    names = [shipped().nodes[p]["label"] for p in partners(shipped())]
    assert names == ["Australia", "Japan", "New Zealand", "Republic of Korea", "Singapore", "Sweden"]


@pytest.mark.parametrize(
    ("node", "nations"),
    [("atla", {"japan"}), ("samsung", {"rok"}), ("rok", {"rok"}), ("sto", set())],
)
def test_an_organisation_belongs_to_its_country_or_its_parents(node: str, nations: set[str]) -> None:
    """Finds the nation of an organisation through nkg:country or its parent organisations."""
    assert nations_of(shipped(), ID + node) == {ID + n for n in nations}


@pytest.mark.parametrize(
    ("node", "side"),
    [
        ("nato", "nato"),
        ("ccdcoe", "nato"),
        ("sps", "nato"),
        ("sto-msg", "nato"),
        ("nasa", "ally"),
        ("uk", "ally"),
        ("nato-pa-stc", "parliamentary"),
        ("jaxa", None),
        ("artemis", None),
        ("china", None),
    ],
)
def test_counterpart_tells_the_nato_side(node: str, side: str | None) -> None:
    """Places NATO bodies and NATO-run programmes, Allies and their agencies, and the NATO PA."""
    assert counterpart(shipped(), ID + node) == side
