"""Technology gaps: known answers on a tiny hand-made graph, and the shipped graph's findings."""

from __future__ import annotations

import json
from functools import cache

import networkx as nx
import pytest
from rdflib import Graph

from natokg import resources
from natokg.analysis.config import default_config
from natokg.analysis.gaps import (
    explain_gap,
    gap_coverage,
    gap_priority,
    gap_strength,
    rescore,
    technology_gaps,
)
from natokg.analysis.project import project_graphs
from natokg.load import parse_file
from support import FIXTURES

ID = "https://w3id.org/natokg/id/"
P = ID + "t-partner"


@cache
def ontology() -> tuple[Graph, ...]:
    return tuple(parse_file(path) for path in resources.ontology_files())


@cache
def tiny() -> nx.MultiDiGraph:
    return project_graphs([*ontology(), parse_file(FIXTURES / "analysis" / "tiny.ttl")])


@cache
def shipped() -> nx.MultiDiGraph:
    files = [*ontology(), *(parse_file(p) for p in resources.graph_files())]
    return project_graphs(files)


def test_a_global_leader_claim_gives_full_strength() -> None:
    """Gives strength 1.0 to a partner the report calls the global leader in a technology."""
    s, evidence = gap_strength(tiny(), P, ID + "t-tech-a")
    assert s == 1.0
    assert [(e.claim, e.level, e.via) for e in evidence] == [(ID + "t-cap-a", "GlobalLeader", "direct")]


def test_a_company_claim_counts_for_its_nation_discounted() -> None:
    """Counts a company's leader claim for its nation at 0.8 x 0.8."""
    s, evidence = gap_strength(tiny(), P, ID + "t-tech-b")
    assert s == pytest.approx(0.64)
    assert evidence[0].via == "organisation"


def test_a_narrower_claim_counts_discounted() -> None:
    """Counts a claim on a narrower concept at half its weight per step."""
    # P holds no claim on A1 itself but A lies above it; the reverse direction: a claim on A1
    # would count for A. The shipped graph has one: Japan's space mining (under space technologies).
    s, evidence = gap_strength(shipped(), ID + "japan", ID + "space-technologies")
    narrower = [e for e in evidence if e.technology == ID + "space-mining"]
    assert narrower
    assert narrower[0].steps == 1
    assert narrower[0].value == pytest.approx(0.5)
    assert s == 0.8  # the direct leader claim of paragraph 20 is stronger


def test_a_partner_without_claims_has_no_strength_and_no_gap() -> None:
    """Returns strength 0 and no gap for a partner the report makes no claim about."""
    assert gap_strength(tiny(), ID + "t-quiet", ID + "t-tech-a") == (0.0, ())
    assert technology_gaps(tiny(), partner=ID + "t-quiet") == []
    assert explain_gap(tiny(), ID + "t-quiet", ID + "t-tech-a").score == 0.0


def test_a_covered_technology_yields_no_gap() -> None:
    """Returns no gap where an ongoing activity with NATO covers the technology itself."""
    c, evidence = gap_coverage(tiny(), P, ID + "t-tech-c")
    assert c == 1.0
    assert evidence[0].counterpart == "nato"
    assert evidence[0].match == "exact"
    assert ID + "t-tech-c" not in {g.technology for g in technology_gaps(tiny())}


def test_a_narrower_concept_cooperation_gives_partial_coverage() -> None:
    """Gives coverage 0.5 where NATO and the partner cooperate on a narrower concept only."""
    c, evidence = gap_coverage(tiny(), P, ID + "t-tech-a")
    assert c == pytest.approx(0.5)
    assert (evidence[0].claim, evidence[0].match, evidence[0].steps) == (ID + "t-coop-a1", "narrower", 1)


def test_cooperation_with_an_ally_counts_less_and_a_proposal_not_at_all() -> None:
    """Weighs a past activity with an Ally at 0.6 x 0.5 and lists a proposed one at 0."""
    c, evidence = gap_coverage(tiny(), P, ID + "t-tech-b")
    assert c == pytest.approx(0.3)
    by_claim = {e.claim: e for e in evidence}
    assert by_claim[ID + "t-coop-b"].counterpart == "ally"
    assert by_claim[ID + "t-coop-b-proposed"].value == 0.0
    assert not by_claim[ID + "t-coop-b-proposed"].counted


def test_priority_adds_up_its_reasons() -> None:
    """Sums base, disruptive and competitor for B, and base and NATO priority for A."""
    w_b, reasons_b = gap_priority(tiny(), ID + "t-tech-b")
    assert [r.reason for r in reasons_b] == ["base", "disruptive", "competitor"]
    assert w_b == pytest.approx(0.6)
    assert reasons_b[2].claims == (ID + "t-cap-rival-b",)
    w_a, reasons_a = gap_priority(tiny(), ID + "t-tech-a")
    assert [r.reason for r in reasons_a] == ["base", "nato_priority"]
    assert w_a == pytest.approx(0.5)


def test_a_priority_found_on_a_broader_concept_is_inherited() -> None:
    """Marks the NATO priority of A as inherited by its narrower concept A1."""
    _, reasons = gap_priority(tiny(), ID + "t-tech-a1")
    priority = next(r for r in reasons if r.reason == "nato_priority")
    assert priority.inherited
    assert priority.concept == ID + "t-tech-a"


def test_the_tiny_graph_ranks_its_two_gaps() -> None:
    """Ranks B (0.64 x 0.6 x 0.7) above A (1.0 x 0.5 x 0.5) and leaves the covered C out."""
    found = technology_gaps(tiny())
    assert [(g.technology_label, round(g.score, 4)) for g in found] == [
        ("Tiny tech B", 0.2688),
        ("Tiny tech A", 0.25),
    ]


def test_an_empty_graph_has_no_gaps() -> None:
    """Returns no gap for an empty projection or the ontology alone."""
    assert technology_gaps(project_graphs([])) == []
    assert technology_gaps(project_graphs(list(ontology()))) == []


def test_a_single_node_graph_has_no_gaps() -> None:
    """Returns no gap for a graph holding one partner and nothing else."""
    G = project_graphs([*ontology(), parse_file(FIXTURES / "analysis" / "single-node.ttl")])
    assert technology_gaps(G) == []


def test_rescoring_with_the_same_weights_changes_nothing() -> None:
    """Recomputes every value from the evidence to the same score."""
    config = default_config()
    for gap in technology_gaps(shipped(), include_covered=True):
        again = rescore(shipped(), gap, config)
        assert again.score == pytest.approx(gap.score)


def test_the_json_of_a_gap_follows_the_contract() -> None:
    """Gives each gap partner, technology, labels, score, strength, coverage, priority and evidence."""
    data = technology_gaps(tiny())[0].to_dict()
    assert list(data)[:9] == [
        "partner",
        "partner_label",
        "technology",
        "technology_label",
        "score",
        "strength",
        "coverage",
        "priority",
        "evidence",
    ]
    assert data["evidence"]["strength"][0]["quotes"] == ["the company is a leader in B"]
    assert data["evidence"]["paragraphs"] == [3, 4]
    json.dumps(data)


# ---------------------------------------------------------------------------
# The shipped graph (checked against the report's text)
# ---------------------------------------------------------------------------


def test_japan_robotics_is_the_top_gap() -> None:
    """Ranks Japan's robotics first: the undisputed global leader (paragraph 17), no NATO cooperation."""
    top = technology_gaps(shipped())[0]
    assert (top.partner_label, top.technology_label) == ("Japan", "robotics")
    assert top.strength == 1.0
    assert top.coverage == 0.0
    assert 17 in top.strength_paragraphs
    assert top.coverage_note == "none found"


def test_rok_semiconductors_is_a_gap_with_no_cooperation_found() -> None:
    """Finds the ROK strong in semiconductors (paragraphs 26-29) with no cooperation on them."""
    gap = explain_gap(shipped(), ID + "rok", ID + "semiconductors")
    assert gap.strength == 1.0
    assert gap.coverage == 0.0
    assert {26, 28, 29} <= set(gap.strength_paragraphs)


def test_rok_autonomy_is_covered_by_the_sps_projects() -> None:
    """Leaves out the ROK's autonomy: its SPS Multi-Year Projects with NATO cover it (paragraph 55)."""
    gap = explain_gap(shipped(), ID + "rok", ID + "autonomy")
    assert gap.coverage == 1.0
    assert gap.score == 0.0
    assert gap.coverage_evidence[0].claim == ID + "coop-rok-nato-sps-multi-year-projects"


def test_japan_space_is_only_partly_covered_by_jaxa_and_nasa() -> None:
    """Covers Japan's space technologies only through JAXA's bilateral work with NASA (paragraph 20)."""
    gap = explain_gap(shipped(), ID + "japan", ID + "space-technologies")
    assert gap.coverage == pytest.approx(0.6)
    statuses = {e.claim: e.status for e in gap.coverage_evidence}
    assert statuses[ID + "coop-jaxa-nasa-artemis-joint-missions"] == "Ongoing"
    assert statuses[ID + "coop-nato-2030-like-minded-asia-pacific"] == "Proposed"


def test_every_shipped_gap_cites_paragraphs_for_its_strength() -> None:
    """Gives every gap at least one paragraph and one quote behind its strength."""
    found = technology_gaps(shipped())
    assert len(found) > 20
    for gap in found:
        assert gap.strength_paragraphs, gap.technology_label
        assert all(e.quotes for e in gap.strength_evidence)
        assert gap.priority_reasons[0].reason == "base"


def test_partners_without_capability_claims_get_no_gap() -> None:
    """Computes no gap for Australia, New Zealand and Sweden, which hold no capability claim."""
    partners = {g.partner_label for g in technology_gaps(shipped())}
    assert partners == {"Japan", "Republic of Korea", "Singapore"}
