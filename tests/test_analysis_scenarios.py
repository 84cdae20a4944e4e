"""What-if scenarios: overlays kept apart from facts, and what each one changes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, URIRef

from natokg import load_graph, resources, validate
from natokg.analysis.project import project, project_graphs
from natokg.analysis.scenarios import (
    Analysis,
    ScenarioError,
    analyse,
    apply_scenario,
    compare,
    list_scenarios,
    read_overlay,
)
from natokg.load import parse_file
from support import FIXTURES, REPO

ID = "https://w3id.org/natokg/id/"


@cache
def base() -> tuple[Graph, ...]:
    files = [*resources.ontology_files(), *resources.graph_files()]
    return tuple(parse_file(p) for p in files)


@cache
def before() -> Analysis:
    return analyse(project_graphs(base()))


def run(name: str) -> tuple[Analysis, nx.MultiDiGraph]:
    overlay = read_overlay(name)
    G = project_graphs([*base(), overlay.graph])
    return analyse(G), G


def test_the_shipped_scenarios_are_there() -> None:
    """Ships the ROK-joins-STO-EOP and the NATO-Japan space cooperation overlays."""
    names = [path.stem for path in list_scenarios()]
    assert "rok-joins-sto-eop" in names
    assert "nato-japan-space-cooperation" in names


def test_the_overlays_validate_together_with_the_graph() -> None:
    """Finds no violation when every overlay is loaded with the shipped graph."""
    loaded = load_graph([*resources.graph_files(), *list_scenarios()])
    report = validate(loaded.store, locations=loaded.locations)
    assert report.conforms, report.summary()


def test_every_overlay_claim_is_marked_as_assumed() -> None:
    """Marks every claim of every shipped overlay with nkg:assumedIn its scenario."""
    for path in list_scenarios():
        overlay = read_overlay(path)
        assert overlay.claims
        assert overlay.scenario.startswith(ID + "scenario-")


def test_an_unmarked_overlay_is_refused() -> None:
    """Refuses an overlay whose claim lacks nkg:assumedIn, so a hypothesis never passes for a fact."""
    with pytest.raises(ScenarioError, match="must carry nkg:assumedIn"):
        read_overlay(FIXTURES / "analysis" / "unmarked-scenario.ttl")


def test_an_unknown_scenario_is_refused_with_the_list() -> None:
    """Names the shipped scenarios when asked for one that does not exist."""
    with pytest.raises(ScenarioError, match="rok-joins-sto-eop"):
        read_overlay("no-such-scenario")


def test_an_overlay_goes_into_its_own_named_graph() -> None:
    """Adds the overlay to a store in the named graph of the scenario's IRI, apart from the facts."""
    store = load_graph().store
    overlay = apply_scenario(store, "rok-joins-sto-eop")
    dataset = store.dataset()
    named = dataset.graph(URIRef(overlay.scenario))
    assert len(named) == len(overlay.graph)
    assert (URIRef(overlay.claims[0]), None, None) in named
    G = project(store)
    assert G.graph["claims"][overlay.claims[0]]["assumed_in"] == overlay.scenario
    assert all(
        record["assumed_in"] is None
        for claim, record in G.graph["claims"].items()
        if claim not in overlay.claims
    )


def test_rok_joins_sto_eop_changes_the_rok_channel_gaps_and_nothing_unrelated() -> None:
    """Closes the ROK's STO-EOP (and EOP, STB) gaps and leaves every other gap as it was."""
    after, G = run("rok-joins-sto-eop")
    diff = compare(before(), after, read_overlay("rok-joins-sto-eop"), G)
    closed = {(g.partner, g.channel) for g in diff.channels_closed}
    assert closed == {(ID + "rok", ID + "sto-eop"), (ID + "rok", ID + "eop"), (ID + "rok", ID + "stb")}
    assert diff.channels_opened == ()
    assert diff.gaps == ()  # no technology gap moves
    assert [g.to_dict() for g in after.gaps] == [g.to_dict() for g in before().gaps]
    others = [g for g in before().channel_gaps if g.partner != ID + "rok"]
    assert [g for g in after.channel_gaps if g.partner != ID + "rok"] == others
    assert before().agency_gaps == after.agency_gaps
    assert [c for c, _, _ in diff.conflicts] == [ID + "nonmem-rok-eop"]


def test_nato_japan_space_cooperation_closes_japans_space_gap_only() -> None:
    """Closes Japan's space technologies gap and narrows its narrower space gaps, nothing else."""
    after, G = run("nato-japan-space-cooperation")
    diff = compare(before(), after, read_overlay("nato-japan-space-cooperation"), G)
    changes = {g.technology: g for g in diff.gaps}
    assert changes[ID + "space-technologies"].change == "closed"
    assert changes[ID + "space-technologies"].assumed == (ID + "scn-coop-japan-nato-space-technologies",)
    assert changes[ID + "satellite-navigation"].change == "narrowed"
    assert {g.partner for g in diff.gaps} == {ID + "japan"}
    assert diff.channels_closed == ()
    assert diff.channels_opened == ()


def test_a_scenario_file_outside_the_shipped_ones_can_be_used(tmp_path: Path) -> None:
    """Accepts the path of a Turtle overlay that is not shipped."""
    path = tmp_path / "my-scenario.ttl"
    path.write_bytes((REPO / "scenarios" / "rok-joins-sto-eop.ttl").read_bytes())
    overlay = read_overlay(path)
    assert overlay.name == "my-scenario"
    assert overlay.scenario == ID + "scenario-rok-joins-sto-eop"
