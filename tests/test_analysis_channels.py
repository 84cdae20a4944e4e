"""Channel gaps and partner agencies without a NATO tie: the tiny graph and the shipped one."""

from __future__ import annotations

from functools import cache

import networkx as nx
from rdflib import Graph

from natokg import resources
from natokg.analysis.channels import (
    agency_gaps,
    assessed_partners,
    channel_gaps,
    channel_parts,
    channel_use,
)
from natokg.analysis.config import Config, load_config
from natokg.analysis.project import project_graphs
from natokg.load import parse_file
from support import FIXTURES

ID = "https://w3id.org/natokg/id/"
ANALYSIS = FIXTURES / "analysis"


@cache
def ontology() -> tuple[Graph, ...]:
    return tuple(parse_file(path) for path in resources.ontology_files())


@cache
def tiny() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), parse_file(ANALYSIS / "tiny.ttl")])


@cache
def tiny_config() -> Config:
    return load_config(ANALYSIS / "tiny-weights.toml")


@cache
def shipped() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), *(parse_file(p) for p in resources.graph_files())])


def test_a_channel_with_a_membership_is_used() -> None:
    """Finds the tiny partner using framework F through its membership and an activity."""
    (f_status, g_status) = channel_use(tiny(), tiny_config())
    assert f_status.channel == ID + "t-framework-f"
    assert f_status.uses
    assert {t.kind for t in f_status.ties} == {"membership", "activity"}
    assert not g_status.uses


def test_a_recommended_channel_is_the_strongest_gap() -> None:
    """Flags framework G as recommended, with the stated non-membership among its reasons."""
    (gap,) = channel_gaps(tiny(), tiny_config())
    assert (gap.channel, gap.status, gap.score) == (ID + "t-framework-g", "recommended", 1.0)
    assert {t.kind for t in gap.reasons} == {"non-membership", "recommendation"}
    assert gap.paragraphs == [4]


def test_a_partner_without_memberships_is_not_assessed() -> None:
    """Leaves a partner without any membership claim out of the channel analysis."""
    assessed, other = assessed_partners(tiny(), tiny_config())
    assert assessed == [ID + "t-partner"]
    assert other == [ID + "t-quiet"]


def test_an_agency_without_a_nato_tie_is_a_gap_with_its_parents_tie() -> None:
    """Reports the tiny agency with no tie, and its parent ministry's dialogue with NATO."""
    (gap,) = agency_gaps(tiny(), tiny_config())
    assert (gap.agency, gap.status, gap.parent) == (ID + "t-agency", "no tie", ID + "t-ministry")
    assert [t.claim for t in gap.parent_ties] == [ID + "t-coop-ministry"]
    assert gap.paragraphs == [3]


def test_a_relation_to_a_nato_body_ties_an_agency() -> None:
    """Leaves out an agency whose only tie to NATO is a sourced relation (a mission at NATO)."""
    found = {g.agency for g in agency_gaps(tiny(), tiny_config())}
    assert ID + "t-mission" not in found


def test_the_parts_of_a_channel_include_what_it_runs() -> None:
    """Counts what is part of a channel, a sub-organisation of it or run by it as its parts."""
    parts = channel_parts(shipped(), ID + "sto")
    assert {ID + "sto-msg", ID + "stb", ID + "sto-cpow", ID + "cmre-pow"} <= set(parts)
    assert ID + "sps" not in parts


def test_an_empty_graph_has_no_channel_gaps() -> None:
    """Returns no channel or agency gap for an empty projection."""
    G = project_graphs([])
    assert channel_gaps(G) == []
    assert agency_gaps(G) == []


# ---------------------------------------------------------------------------
# The shipped graph (checked against the report's text)
# ---------------------------------------------------------------------------


def test_the_rok_is_not_an_sto_eop_nation_and_the_report_recommends_it() -> None:
    """Flags STO-EOP for the ROK as recommended (paragraph 60) and the PII's EOP as stated (54)."""
    found = {g.channel: g for g in channel_gaps(shipped(), partner=ID + "rok")}
    gap = found[ID + "sto-eop"]
    assert gap.status == "recommended"
    assert gap.paragraphs == [60]  # STO-EOP is not part of the PII's EOP (paragraphs 41, 48)
    assert 54 in found[ID + "eop"].paragraphs  # "not a member of the EOP programme"
    assert ID + "sps" not in found
    assert ID + "pii" not in found


def test_japan_uses_sto_eop_since_2021() -> None:
    """Finds Japan using STO-EOP through its membership of February 2021 (paragraphs 48, 53)."""
    uses = {s.channel: s for s in channel_use(shipped(), partner=ID + "japan")}
    assert uses[ID + "sto-eop"].uses
    assert uses[ID + "sto-eop"].ties[0].claim == ID + "mem-japan-sto-eop"


def test_singapore_is_not_a_nato_partner() -> None:
    """Gives Singapore's partnership-channel gaps the reason that it is not a NATO partner (paragraph 35)."""
    found = {g.channel: g for g in channel_gaps(shipped(), partner=ID + "singapore")}
    assert found[ID + "ipcp"].status == "stated"
    assert found[ID + "ipcp"].reasons[0].claim == ID + "nonmem-singapore-nato"
    uses = {s.channel for s in channel_use(shipped(), partner=ID + "singapore") if s.uses}
    assert uses == {ID + "sto", ID + "sto-cpow", ID + "cmre-pow"}


def test_atla_dapa_and_dsta_have_no_nato_counterpart() -> None:
    """Reports ATLA, DAPA and DSTA without a tie to NATO; JAXA with an Ally's agency only."""
    found = {g.agency: g for g in agency_gaps(shipped())}
    for agency in ("atla", "dapa", "dsta"):
        assert found[ID + agency].status == "no tie"
    assert found[ID + "jaxa"].status == "Ally only"
    assert found[ID + "atla"].parent == ID + "japan-mod"
    assert ID + "japan-mod" not in found
    assert ID + "japan-mission-to-nato" not in found


def test_partners_without_memberships_are_not_assessed_in_the_shipped_graph() -> None:
    """Leaves Australia, New Zealand and Sweden out of the channel analysis."""
    _, other = assessed_partners(shipped())
    assert other == [ID + "australia", ID + "new-zealand", ID + "sweden"]
