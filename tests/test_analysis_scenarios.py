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
    """Closes the ROK's STO-EOP (and STB) gaps and leaves every other gap as it was."""
    after, G = run("rok-joins-sto-eop")
    diff = compare(before(), after, read_overlay("rok-joins-sto-eop"), G)
    closed = {(g.partner, g.channel) for g in diff.channels_closed}
    # STO-EOP is the STB's status, not the PII's EOP programme (paras 41, 48): that gap stays.
    assert closed == {(ID + "rok", ID + "sto-eop"), (ID + "rok", ID + "stb")}
    assert diff.channels_opened == ()
    assert diff.gaps == ()  # no technology gap moves
    assert [g.to_dict() for g in after.gaps] == [g.to_dict() for g in before().gaps]
    others = [g for g in before().channel_gaps if g.partner != ID + "rok"]
    assert [g for g in after.channel_gaps if g.partner != ID + "rok"] == others
    assert before().agency_gaps == after.agency_gaps
    assert diff.conflicts == ()  # joining STO-EOP contradicts no statement of the report


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


def test_an_overlay_that_contradicts_a_stated_non_membership_is_flagged(tmp_path: Path) -> None:
    """Lists the report's non-membership claim that an overlay contradicts (the ROK in the PII's EOP)."""
    overlay_file = tmp_path / "rok-joins-eop.ttl"
    overlay_file.write_text(
        (REPO / "scenarios" / "rok-joins-sto-eop.ttl")
        .read_text(encoding="utf-8")
        .replace("nkg:framework nkgid:sto-eop", "nkg:framework nkgid:eop"),
        encoding="utf-8",
    )
    overlay = read_overlay(overlay_file)
    G = project_graphs([*base(), overlay.graph])
    diff = compare(before(), analyse(G), overlay, G)
    assert [claim for claim, _, _ in diff.conflicts] == [ID + "nonmem-rok-eop"]  # paragraph 54
