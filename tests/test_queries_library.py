"""The query library: every file's header, syntax and answers, checked against the report.

The expected rows were read from the report (``seed/000_8524b36771c30f37.txt``); the comment
beside each names the paragraph (or box) that supports it. Rows are compared as people see
them (compact IRIs, literal text), in the query's own order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.plugins.sparql.parser import parseQuery

import natokg
from natokg.queries import KINDS, declared_prefixes, list_queries, parse_query_file
from support import REPO

QUERY_FILES = sorted((REPO / "queries").glob("*/*.rq"))
Row = tuple[str, ...]


@pytest.fixture(scope="module")
def store() -> natokg.Store:
    return natokg.open_graph()


def rows(store: natokg.Store, query_id: str, **params: object) -> list[Row]:
    result = natokg.run_query(store, query_id, params, timeout=None)
    return [tuple(row) for row in result.compact_rows()]


def test_library_has_at_least_25_queries_with_unique_ids() -> None:
    """Holds at least 25 named queries, reports and gaps among them, with unique ids."""
    queries = list_queries()
    ids = [q.id for q in queries]
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids) == len(QUERY_FILES)
    assert len(list_queries(kind="report")) >= 15
    assert len(list_queries(kind="gap")) >= 5
    assert {q.id for q in list_queries(kind="check")} == {p.stem for p in REPO.glob("queries/checks/*.rq")}


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_file_is_standard_self_contained_sparql(path: Path) -> None:
    """Parses on its own (its PREFIXes declared), has a valid header, an ORDER BY and a known kind."""
    query = parse_query_file(path)
    parseQuery(query.text)  # no prefixes added: the file must declare its own
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"\bORDER\s+BY\b", body, re.IGNORECASE), "every query orders its results"
    assert KINDS[query.kind] == path.parent.name
    used = set(re.findall(r"\b([a-z][a-z0-9]*):[A-Za-z]", body)) - {"http", "https", "urn"}
    assert used <= set(declared_prefixes(query.text)), "every prefix used is declared"
    assert query.summary
    assert all(p.doc for p in query.params)
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", body)


def test_header_parser_reads_the_design_example(tmp_path: Path) -> None:
    """Reads the grlc-style header of DESIGN §6, with an inline comment and a flow map."""
    path = tmp_path / "example-gap.rq"
    path.write_text(
        "#+ summary: Partners strong in a technology with no NATO-side cooperation on it\n"
        "#+ kind: gap            # report | gap | check | construct\n"
        "#+ tags: [partners, technologies]\n"
        "#+ params:\n"
        "#+   partner: {type: iri, class: nkg:Nation, required: false, doc: restrict to one partner}\n"
        "#+   level: {type: enum, values: [nkg:Leader, high], doc: 'a level, quoted: with a comma, too'}\n"
        "PREFIX nkg: <https://w3id.org/natokg/ontology#>\n"
        "SELECT ?partner WHERE { ?partner a nkg:Nation FILTER(BOUND(?level)) } ORDER BY ?partner\n",
        encoding="utf-8",
    )
    query = parse_query_file(path)
    assert (query.id, query.kind, query.tags) == ("example-gap", "gap", ("partners", "technologies"))
    partner, level = query.params
    assert (partner.type, partner.required, partner.cls) == (
        "iri",
        False,
        "https://w3id.org/natokg/ontology#Nation",
    )
    assert level.values == ("https://w3id.org/natokg/ontology#Leader", "high")
    assert level.doc == "a level, quoted: with a comma, too"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ kind: report\n", "needs '#+ summary"),
        ("#+ summary: s\n#+ kind: nonsense\n", "needs '#+ kind"),
        ("#+ summary: s\n#+ kind: report\n#+ colour: red\n", "unknown header key 'colour'"),
        (
            "#+ summary: s\n#+ kind: report\n#+ params:\n#+   x: {type: colour, doc: d}\n",
            "type must be one of",
        ),
        ("#+ summary: s\n#+ kind: report\n#+ params:\n#+   nope: {type: iri, doc: d}\n", "never uses ?nope"),
        ("#+ summary: s\n#+ kind: report\n#+ params:\n#+   x: {type: iri}\n", "doc:"),
        ("#+ summary: s\n#+ kind: report\n#+ params:\n#+   x: {type: iri, doc: d\n", "not closed"),
        ("#+ summary: s\n#+ kind: report\n#+ params:\n#+   x: {type: enum, doc: d}\n", "needs values"),
        ("#+ summary: s\n#+ kind: report\n#+ params:\n#+   timeout: {type: integer, doc: d}\n", "reserved"),
        ("SELECT * WHERE { ?x ?y ?z }\n", "no '#+' header"),
    ],
)
def test_malformed_header_is_refused_with_file_and_line(tmp_path: Path, header: str, message: str) -> None:
    """Raises QueryFileError naming the file, the line and what is wrong."""
    path = tmp_path / "broken.rq"
    path.write_text(header + "SELECT ?x WHERE { ?x ?y ?z } ORDER BY ?x\n", encoding="utf-8")
    with pytest.raises(natokg.QueryError, match=re.escape(message)) as caught:
        parse_query_file(path)
    assert str(caught.value).startswith(f"{path}:")


@pytest.mark.parametrize("query_id", [q.id for q in list_queries(kind="check")])
def test_check_queries_find_nothing_in_the_shipped_graph(store: natokg.Store, query_id: str) -> None:
    """Returns no rows for every check query on the shipped graph (the validator relies on it)."""
    assert rows(store, query_id) == []


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def test_partner_frameworks_of_the_rok_as_of_2016(store: natokg.Store) -> None:
    """Lists the ROK's frameworks in force in 2016, hiding the IPCP's 2017 renewal."""
    assert rows(store, "partner-frameworks", partner="ROK", as_of="2016") == [
        ("nkgid:rok", "nkgid:cmre-pow", "nkg:ParticipantRole", "", "", "", "59"),  # para 59: CMRE PoW
        ("nkgid:rok", "nkgid:ipcp", "nkg:PartnerRole", "2012", "", "", "54"),  # para 54: IPCP 2012
        ("nkgid:rok", "nkgid:nato", "nkg:PartnerRole", "2005", "", "", "54"),  # para 54: began in 2005
        ("nkgid:rok", "nkgid:pii", "nkg:ParticipantRole", "", "", "", "54"),  # para 54: PII
        ("nkgid:rok", "nkgid:sps", "nkg:ParticipantRole", "", "", "", "54"),  # para 54: SPS
        ("nkgid:rok", "nkgid:sto-cpow", "nkg:ParticipantRole", "", "", "", "59"),  # para 59: CPoW
        ("nkgid:rok", "nkgid:sto-msg", "nkg:ParticipantRole", "", "", "", "56"),  # para 56: M&S Group
    ]


def test_partner_frameworks_of_japan_over_time(store: natokg.Store) -> None:
    """Shows Japan's IPCP (2014, renewed 2020) and STO-EOP (February 2021) only once they exist."""
    now = rows(store, "partner-frameworks", partner="Japan")
    assert ("nkgid:japan", "nkgid:ipcp", "nkg:PartnerRole", "2014", "2020", "", "48") in now  # para 48
    assert ("nkgid:japan", "nkgid:sto-eop", "nkg:MemberRole", "2021-02", "", "", "48") in now  # paras 48, 53
    in_2013 = {row[1] for row in rows(store, "partner-frameworks", partner="Japan", as_of="2013")}
    assert "nkgid:japan-nato-joint-political-declaration" in in_2013  # para 48: declaration of 2013
    assert "nkgid:ipcp" not in in_2013  # para 48: the IPCP came in 2014
    in_january_2021 = rows(store, "partner-frameworks", partner="Japan", as_of="2021-01")
    assert "nkgid:sto-eop" not in {row[1] for row in in_january_2021}  # para 48: approved February 2021
    ipcp_2018 = [
        row
        for row in rows(store, "partner-frameworks", partner="Japan", as_of="2018")
        if row[1] == "nkgid:ipcp"
    ]
    assert ipcp_2018 == [
        ("nkgid:japan", "nkgid:ipcp", "nkg:PartnerRole", "2014", "", "", "48")
    ]  # renewed 2020


def test_partner_frameworks_lists_the_three_partners(store: natokg.Store) -> None:
    """Gives memberships for Japan, the ROK and Singapore only (Singapore: CPoW and CMRE, para 59)."""
    result = rows(store, "partner-frameworks")
    assert {row[0] for row in result} == {"nkgid:japan", "nkgid:rok", "nkgid:singapore"}
    assert [row[1] for row in result if row[0] == "nkgid:singapore"] == ["nkgid:cmre-pow", "nkgid:sto-cpow"]


def test_framework_members_of_sto_eop_and_eop(store: natokg.Store) -> None:
    """Names Japan as the STO-EOP nation and the ROK as stated not to be in the EOP."""
    # para 48/53: Japan approved as STO-EOP nation in February 2021
    assert rows(store, "framework-members", framework="STO-EOP") == [
        ("nkgid:japan", "member", "nkg:MemberRole", "2021-02", "", "", "48")
    ]
    # para 54: "Although not a member of the EOP programme"
    assert rows(store, "framework-members", framework="EOP") == [
        ("nkgid:rok", "not a member", "", "", "", "", "54")
    ]
    # para 54: only the ROK's IPCP (2012) existed in 2013; Japan's came in 2014 (para 48)
    assert rows(store, "framework-members", framework="IPCP", as_of="2013") == [
        ("nkgid:rok", "member", "nkg:PartnerRole", "2012", "", "", "54")
    ]


def test_partner_strengths_of_the_rok_at_global_leader_level(store: natokg.Store) -> None:
    """Lists what the ROK and its firms lead the world in, with the paragraph."""
    assert rows(store, "partner-strengths", partner="ROK", min_weight="1") == [
        (
            "nkgid:5g",
            "nkg:GlobalLeader",
            "1.0",
            "nkgid:samsung",
            "31",
            "nkgid:cap-samsung-5g-rollout",
        ),  # para 31
        (
            "nkgid:memory-chips",
            "nkg:GlobalLeader",
            "1.0",
            "nkgid:samsung",
            "30",
            "nkgid:cap-samsung-memory-chips",
        ),
        (
            "nkgid:semiconductors",
            "nkg:GlobalLeader",
            "1.0",
            "nkgid:rok",
            "29",
            "nkgid:cap-rok-chip-making-economy",
        ),
        (
            "nkgid:smartphones",
            "nkg:GlobalLeader",
            "1.0",
            "nkgid:samsung",
            "31",
            "nkgid:cap-samsung-smartphones",
        ),
        (  # para 29: Samsung, with TSMC the only maker of chips under 10 nm
            "nkgid:sub-10nm-chip-fabrication",
            "nkg:GlobalLeader",
            "1.0",
            "nkgid:samsung",
            "29",
            "nkgid:cap-samsung-sub-10nm-chip-fabrication",
        ),
    ]


def test_partner_strengths_of_japan_start_with_robotics(store: natokg.Store) -> None:
    """Puts Japan's global leadership in robotics (para 17) and asteroid sampling (para 20) first."""
    result = rows(store, "partner-strengths", partner="Japan")
    assert [row[:3] for row in result[:2]] == [
        ("nkgid:robotics", "nkg:GlobalLeader", "1.0"),  # para 17: "undisputed global leader"
        ("nkgid:space-mining", "nkg:GlobalLeader", "1.0"),  # para 20: first to land on an asteroid
    ]
    assert ("nkgid:autonomous-vehicles", "nkg:Leader", "0.8", "nkgid:honda", "18") in {r[:5] for r in result}


def test_technology_holders_of_robotics(store: natokg.Store) -> None:
    """Names Japan (paras 16, 17), ATLA (para 22) and China (para 12) as robotics holders."""
    assert rows(store, "technology-holders", technology="robotics") == [
        ("nkgid:japan", "nkgid:japan", "nkg:Partner", "nkgid:robotics", "nkg:GlobalLeader", "1.0", "17"),
        ("nkgid:japan", "nkgid:japan", "nkg:Partner", "nkgid:robotics", "nkg:EmergingPlayer", "0.5", "16"),
        ("nkgid:atla", "nkgid:japan", "nkg:Partner", "nkgid:robotics", "nkg:Investing", "0.3", "22"),
        ("nkgid:china", "nkgid:china", "nkg:Competitor", "nkgid:robotics", "nkg:Investing", "0.3", "12"),
    ]


def test_technology_holders_of_semiconductors_include_narrower_ones(store: natokg.Store) -> None:
    """Counts chip design, fabrication and memory chips as semiconductors (paras 28-30)."""
    result = rows(store, "technology-holders", technology="semiconductors")
    claimed = {row[3] for row in result}
    assert {"nkgid:semiconductors", "nkgid:semiconductor-design", "nkgid:memory-chips"} <= claimed
    assert ("nkgid:tsmc", "nkgid:taiwan", "nkg:OtherNation") in {row[:3] for row in result}  # para 29
    assert {row[1] for row in result} == {"nkgid:rok", "nkgid:taiwan", "nkgid:japan"}  # paras 21, 26-30


def test_activities_by_partner_for_the_rok(store: natokg.Store) -> None:
    """Lists the ROK's activities: SPS projects (55), CBRN sensors (56), ISAF 2010-2013 (54) and more."""
    result = rows(store, "activities-by-partner", partner="ROK")
    by_id = {row[0]: row for row in result}
    assert by_id["nkgid:coop-rok-nato-isaf-afghanistan"][2:] == (
        "nkgid:isaf",
        "nkg:Past",
        "2010",
        "2013",
        "54",
    )
    assert by_id["nkgid:coop-rok-nato-sps-multi-year-projects"][2:4] == (
        "nkgid:sps",
        "nkg:Ongoing",
    )  # para 55
    assert by_id["nkgid:coop-rok-nato-cbrn-sensors"][-1] == "56"
    assert by_id["nkgid:coop-rok-sto-modelling-and-simulation"][2] == "nkgid:sto-msg"  # para 56
    # para 32: Norway, Estonia, Turkey and Poland have selected Korean systems
    buyers = {k for k in by_id if k.endswith("-defence-procurement")}
    assert buyers == {
        f"nkgid:coop-rok-{n}-defence-procurement" for n in ("norway", "estonia", "turkey", "poland")
    }
    assert len(result) == 15


def test_activities_by_partner_filters_by_status_and_date(store: natokg.Store) -> None:
    """Keeps Japan's past activities begun by November 2019: Balkans, cyber talks, symposium."""
    assert [
        row[0]
        for row in rows(store, "activities-by-partner", partner="Japan", status="past", as_of="2019-11")
    ] == [
        "nkgid:coop-japan-nato-balkans-stabilisation",  # para 48: early 1990s, undated
        "nkgid:coop-japan-nato-cyber-defence-staff-talks-2019",  # para 51: October 2019
        "nkgid:coop-japan-sto-women-ground-combat-symposium-2019",  # para 51: 2019
    ]  # the December 2019 war games (para 51) come after the date


def test_activities_by_technology_on_sensors(store: natokg.Store) -> None:
    """Finds the ongoing sensor work: infrared, RF sensor, mine detection (50), CBRN sensors (56)."""
    result = rows(store, "activities-by-technology", technology="sensors", status="ongoing")
    assert sorted({(row[0], row[1]) for row in result}) == [
        ("nkgid:coop-japan-france-mine-detection", "nkgid:mine-detection"),
        ("nkgid:coop-japan-nato-sps-infrared-detection", "nkgid:infrared-detection"),
        ("nkgid:coop-japan-uk-rf-sensor", "nkgid:radiofrequency-sensors"),
        ("nkgid:coop-rok-nato-cbrn-sensors", "nkgid:cbrn-sensing"),
    ]


def test_activities_by_technology_as_of_a_date(store: natokg.Store) -> None:
    """Leaves out the December 2019 cyber war games when asked for cyber defence as of November 2019."""
    before = {
        row[0] for row in rows(store, "activities-by-technology", technology="cyber-defence", as_of="2019-11")
    }
    after = {row[0] for row in rows(store, "activities-by-technology", technology="cyber-defence")}
    assert after - before == {"nkgid:coop-japan-nato-cyber-war-games-2019"}  # para 51: December 2019
    assert "nkgid:coop-japan-nato-cyber-defence-staff-talks-2019" in before  # para 51: October 2019


def test_activities_by_channel_as_of_2015(store: natokg.Store) -> None:
    """Shows ISAF (2010-2013, para 54) but not NATO 2030 (June 2020, para 1) as of 2015."""
    result = {row[1] for row in rows(store, "activities-by-channel", as_of="2015")}
    assert "nkgid:coop-rok-nato-isaf-afghanistan" in result
    assert "nkgid:coop-nato-2030-like-minded-asia-pacific" not in result


def test_activities_by_channel_sps(store: natokg.Store) -> None:
    """Lists the four SPS activities: border security, infrared (50), Qatar workshop (46), ROK MYPs (55)."""
    assert [(row[1], row[-1]) for row in rows(store, "activities-by-channel", channel="SPS")] == [
        ("nkgid:coop-japan-nato-sps-border-port-security", "50"),
        ("nkgid:coop-japan-nato-sps-infrared-detection", "50"),
        ("nkgid:coop-nato-sps-qatar-university-women-cyber-workshop-2019", "46"),
        ("nkgid:coop-rok-nato-sps-multi-year-projects", "55"),
    ]


def test_nato_partner_links_for_japan(store: natokg.Store) -> None:
    """Links Japan's MoD to NATO by dialogue channels (50), Japan to the CCDCOE (51) and the STB (53)."""
    result = rows(store, "nato-partner-links", partner="Japan")
    links = {(row[0], row[1], row[3], row[4]) for row in result}
    assert ("nkgid:nato", "nkgid:japan-mod", "activity", "nkgid:coop-japan-mod-nato-st-dialogue") in links
    assert ("nkgid:ccdcoe", "nkgid:japan", "activity", "nkgid:coop-japan-ccdcoe-cyber-expert") in links
    assert ("nkgid:stb", "nkgid:japan", "membership", "nkgid:mem-japan-sto-eop") in links
    assert {row[2] for row in result} == {"nkgid:japan"}


def test_quick_facts_side_by_side(store: natokg.Store) -> None:
    """Reproduces the three Quick facts boxes (after paras 18, 28 and 38) figure by figure."""
    assert rows(store, "quick-facts") == [
        ("Bloomberg Innovation Index rank", "nkgid:unit-rank", "12", "2021", "1", "2021", "2"),
        ("IFR robot density", "nkgid:unit-robots-per-10000-employees", "364", "2021", "868", "", "918"),
        ("IFR robot density rank", "nkgid:unit-rank", "3", "2021", "2", "", "1"),
        (
            "OECD R&D expenditure as a share of GDP",
            "nkgid:unit-percent",
            "3.24",
            "2019",
            "4.64",
            "2019",
            "1.84",
        ),
        ("OECD R&D expenditure rank (share of GDP)", "nkgid:unit-rank", "5", "2019", "2", "", "19"),
        ("OECD R&D expenditure, total", "nkgid:unit-usd-billion", "172.6", "2019", "100", "", "9.89"),
        ("WIPO Global Innovation Index rank", "nkgid:unit-rank", "16", "2021", "10", "2021", "8"),
    ]


def test_observations_of_atla(store: natokg.Store) -> None:
    """Gives ATLA's budget: about USD 1.6 billion in 2020 and 2.1 billion in 2021 (para 22)."""
    assert [row[:5] for row in rows(store, "observations", area="ATLA")] == [
        ("nkgid:atla", "nkgid:ind-budget", "2020", "1.6", "nkgid:unit-usd-billion"),
        ("nkgid:atla", "nkgid:ind-budget", "2021", "2.1", "nkgid:unit-usd-billion"),
    ]


def test_indicator_ranking_of_robot_density(store: natokg.Store) -> None:
    """Ranks robot density Singapore 918, ROK 868, Japan 364 (the three boxes)."""
    assert [row[:2] for row in rows(store, "indicator-ranking", indicator="IFR robot density")] == [
        ("nkgid:singapore", "918"),
        ("nkgid:rok", "868"),
        ("nkgid:japan", "364"),
    ]
    bloomberg = rows(store, "indicator-ranking", indicator="Bloomberg Innovation Index rank")
    assert bloomberg[0][:2] == ("nkgid:rok", "1")  # para 27 and the ROK box: first in 2021


def test_recommendations_for_the_rok(store: natokg.Store) -> None:
    """Includes the STO-EOP invitation (para 60) and the ROK standardisation proposals (para 57)."""
    result = rows(store, "recommendations", partner="ROK")
    by_id = {row[0]: row for row in result}
    assert by_id["nkgid:rec-stb-invite-asian-partners-to-sto-eop"][2:] == ("nkgid:sto-eop", "60")
    assert by_id["nkgid:rec-rok-nato-standardisation"][-1] == "57"
    assert by_id["nkgid:rec-rok-more-interoperability-programmes"][-1] == "57"
    assert [row[-1] for row in result] == sorted((row[-1] for row in result), key=int)
    assert len(rows(store, "recommendations")) > len(result)


def test_claim_sources_of_sto_eop(store: natokg.Store) -> None:
    """Cites paragraphs 48, 53 and 60 and the executive summary for STO-EOP, with their quotes."""
    result = rows(store, "claim-sources", entity="STO-EOP")
    assert {row[3] for row in result} == {
        "nkgid:para-48",
        "nkgid:para-53",
        "nkgid:para-60",
        "nkgid:executive-summary",
    }
    quotes = {row[5] for row in result}
    assert "was approved as an EOP member by the STB in February 2021" in quotes  # para 48 verbatim


def test_paragraph_claims_of_paragraph_53(store: natokg.Store) -> None:
    """Takes from para 53 Japan's STO-EOP status, its Board participation and the G7 remark."""
    assert [row[1] for row in rows(store, "paragraph-claims", paragraph=53)] == [
        "nkgid:mem-japan-stb",
        "nkgid:mem-japan-sto-eop",
        "nkgid:rel-stb-includes-all-g7-members",
    ]


def test_technology_taxonomy_of_the_priority_areas(store: natokg.Store) -> None:
    """Lists the seven CIS priority areas of para 8, each matched to an STO EDT."""
    result = rows(store, "technology-taxonomy", scheme="nkgid:scheme-cis-priority-areas")
    assert [(row[1], row[4], row[5]) for row in result] == [
        ("nkgid:cis-artificial-intelligence", "nkgid:artificial-intelligence", "true"),
        ("nkgid:cis-autonomy", "nkgid:autonomy", "true"),
        ("nkgid:cis-biotechnology-and-human-enhancements", "nkgid:biotechnologies", "true"),
        ("nkgid:cis-data-and-computing", "nkgid:big-data-and-advanced-analytics", "true"),
        ("nkgid:cis-hypersonic-technologies", "nkgid:hypersonic-weapons-systems", "true"),
        ("nkgid:cis-quantum-enabled-technologies", "nkgid:quantum-technologies", "true"),
        ("nkgid:cis-space", "nkgid:space-technologies", "true"),
    ]
    everything = rows(store, "technology-taxonomy")
    assert ("nkgid:robotics", "nkgid:autonomy") in {(row[1], row[3]) for row in everything}


def test_edt_characters_follow_paragraph_8(store: natokg.Store) -> None:
    """Marks BDAA, AI, autonomy, hypersonics and space disruptive, the others emerging (para 8)."""
    result = rows(store, "edt-characters")
    disruptive = {row[0] for row in result if row[1] == "nkg:Disruptive"}
    emerging = {row[0] for row in result if row[1] == "nkg:Emerging"}
    assert disruptive == {
        "nkgid:big-data-and-advanced-analytics",
        "nkgid:artificial-intelligence",
        "nkgid:autonomy",
        "nkgid:hypersonic-weapons-systems",
        "nkgid:space-technologies",
    }
    assert {"nkgid:quantum-computing", "nkgid:biotechnologies", "nkgid:additive-manufacturing"} <= emerging
    assert "nkgid:novel-materials-and-manufacturing" in emerging


def test_organisations_of_the_rok(store: natokg.Store) -> None:
    """Lists the ROK's chaebol (para 26, 29) and DAPA (para 33)."""
    assert [(row[0], row[2]) for row in rows(store, "organisations", nation="ROK")] == [
        ("nkgid:hanwha", "nkg:Company"),  # para 32: Hanwha K9 Thunder
        ("nkgid:hyundai", "nkg:Company"),  # para 26
        ("nkgid:lg", "nkg:Company"),  # para 26
        ("nkgid:samsung", "nkg:Company"),  # paras 26, 29-31
        ("nkgid:sk-hynix", "nkg:Company"),  # paras 29, 30
        ("nkgid:dapa", "nkg:GovernmentAgency"),  # para 33
    ]


def test_programmes_partnership_frameworks(store: natokg.Store) -> None:
    """Shows the ITPP replacing the IPCP (para 40), the EOP in the PII (para 41), STO-EOP under the STB."""
    result = {row[1]: row for row in rows(store, "programmes", kind="nkg:PartnershipFramework")}
    assert result["nkgid:itpp"][4] == "nkgid:ipcp"  # para 40: "its successor, the ITPP"
    assert result["nkgid:eop"][3] == "nkgid:pii"  # para 41: "Within the PII ... the EOP"
    assert result["nkgid:pii"][5] == "2014"  # para 41: launched at the 2014 Wales Summit
    assert result["nkgid:sto-eop"][2] == "nkgid:stb"  # para 53: the Board includes nations


def test_competitor_capabilities_of_russia(store: natokg.Store) -> None:
    """Names Russia the global leader in hypersonic weapons (para 13) and lists its AI ambitions."""
    result = rows(store, "competitor-capabilities", competitor="Russia")
    assert ("nkgid:hypersonic-weapons-systems", "nkg:GlobalLeader", "nkgid:para-13") in {
        r[1:4] for r in result
    }
    assert ("nkgid:hypersonic-glide-vehicles", "nkg:GlobalLeader", "nkgid:para-13") in {
        r[1:4] for r in result
    }
    assert ("nkgid:artificial-intelligence", "nkg:Investing", "nkgid:table-edt") in {r[1:4] for r in result}
    assert {row[0] for row in rows(store, "competitor-capabilities")} == {
        "nkgid:china",
        "nkgid:russia",
        "nkgid:north-korea",
    }


def test_curation_notes_record_the_gzss_typo(store: natokg.Store) -> None:
    """Records para 20's "GZSS" as QZSS, and the Japan box's doubled "IFRIFR"."""
    result = {(row[0], row[1]): row for row in rows(store, "curation-notes")}
    assert result[("nkgid:note-gzss-typo", "nkgid:para-20")][2:] == (
        "Quasi-Zenith Satellite System (GZSS)",
        "Quasi-Zenith Satellite System (QZSS)",
    )
    assert "IFRIFR" in result[("nkgid:note-ifr-box-typo", "nkgid:box-japan-quick-facts")][2]


def test_search_finds_korea_by_its_names(store: natokg.Store) -> None:
    """Finds the ROK by "Republic of Korea", "South Korea" and "Korea", and North Korea too."""
    result = rows(store, "search", text="KOREA")
    labels = {row[2] for row in result if row[0] == "nkgid:rok"}
    assert {"Republic of Korea", "South Korea", "Korea"} <= labels
    assert "nkgid:north-korea" in {row[0] for row in result}


def test_entity_relations_of_jaxa(store: natokg.Store) -> None:
    """States JAXA as NASA's partner of choice for Artemis, supplied by Toyota and Mitsubishi (para 20)."""
    assert [row[:4] for row in rows(store, "entity-relations", entity="JAXA")] == [
        ("nkgid:jaxa", "partner-of-choice-for", "nkgid:artemis", "20"),
        ("nkgid:jaxa", "partner-of-choice-for", "nkgid:nasa", "20"),
        ("nkgid:mitsubishi", "supplies", "nkgid:jaxa", "20"),
        ("nkgid:toyota", "supplies", "nkgid:jaxa", "20"),
    ]


def test_events_in_time_order(store: natokg.Store) -> None:
    """Orders the dated activities from ISAF 2010 (54) to the Brussels Summit of 14 June 2021 (1)."""
    result = rows(store, "events")
    assert [row[0] for row in result] == [
        "2010",  # para 54: ISAF 2010-2013
        "2019",  # para 51: STO symposium
        "2019",  # para 35: STC visit to Singapore
        "2019",  # para 46: SPS workshop at Qatar University
        "2019-10",  # para 51: cyber defence staff talks
        "2019-12",  # para 51: cyber war games
        "2020-06-08",  # para 1: "NATO 2030", June 8, 2020
        "2021",  # paras 4, 15
        "2021-06-14",  # para 1: Brussels Summit Communiqué, 14 June 2021
    ]
    assert len(rows(store, "events", as_of="2019")) == 6


# ---------------------------------------------------------------------------
# Gaps
# ---------------------------------------------------------------------------


def test_strong_without_cooperation(store: natokg.Store) -> None:
    """Finds Japan's robotics, AI, self-driving cars and wafers and the ROK's chips and 5G uncovered."""
    assert [row[:3] for row in rows(store, "strong-without-cooperation")] == [
        ("nkgid:japan", "nkgid:robotics", "1.0"),  # para 17; no Japan-NATO robotics activity
        ("nkgid:japan", "nkgid:artificial-intelligence", "0.8"),  # para 19
        ("nkgid:japan", "nkgid:autonomous-vehicles", "0.8"),  # para 18
        ("nkgid:japan", "nkgid:silicon-wafers", "0.8"),  # para 21
        ("nkgid:rok", "nkgid:5g", "1.0"),  # paras 26, 31; cooperation (55-56) is on other topics
        ("nkgid:rok", "nkgid:memory-chips", "1.0"),  # para 30
        ("nkgid:rok", "nkgid:semiconductors", "1.0"),  # paras 26, 28, 29
        ("nkgid:rok", "nkgid:smartphones", "1.0"),  # para 31
        ("nkgid:rok", "nkgid:sub-10nm-chip-fabrication", "1.0"),  # para 29
        ("nkgid:rok", "nkgid:ict", "0.8"),  # paras 26, 31
        ("nkgid:rok", "nkgid:semiconductor-design", "0.8"),  # paras 28, 29
        ("nkgid:rok", "nkgid:semiconductor-fabrication", "0.8"),  # paras 28, 29
    ]
    # Japan's space strength (para 20) is covered by JAXA's work with NASA (para 20).
    only_global = rows(store, "strong-without-cooperation", partner="Japan", min_weight="1.0")
    assert only_global == [("nkgid:japan", "nkgid:robotics", "1.0", "17")]


def test_competitor_invests_partner_strong(store: natokg.Store) -> None:
    """Pairs China's AI, 5G, autonomy and robotics (para 12) and Russia's AI (13) with Japan and the ROK."""
    assert rows(store, "competitor-invests-partner-strong") == [
        ("nkgid:5g", "nkgid:china", "nkgid:rok", "1.0", "12", "31"),  # para 31: Samsung's 5G roll-out
        ("nkgid:artificial-intelligence", "nkgid:china", "nkgid:japan", "0.8", "12", "19"),
        ("nkgid:artificial-intelligence", "nkgid:russia", "nkgid:japan", "0.8", "13", "19"),
        ("nkgid:autonomy", "nkgid:china", "nkgid:japan", "1.0", "12", "17"),  # robotics is under autonomy
        ("nkgid:robotics", "nkgid:china", "nkgid:japan", "1.0", "12", "17"),
    ]


def test_framework_gaps_of_the_rok(store: natokg.Store) -> None:
    """Shows the ROK outside STO-EOP and the STB, where Japan is (paras 53, 54, 60)."""
    assert rows(store, "framework-gaps", partner="ROK") == [
        ("nkgid:rok", "nkgid:stb", "1", "no membership recorded"),  # para 53
        ("nkgid:rok", "nkgid:sto-eop", "1", "no membership recorded"),  # paras 53, 60
    ]
    singapore = {row[1]: row[3] for row in rows(store, "framework-gaps", partner="Singapore")}
    assert singapore["nkgid:nato"] == "not a member"  # para 35: not a NATO partner
    assert {"nkgid:ipcp", "nkgid:pii", "nkgid:sps"} <= set(singapore)


def test_agencies_without_nato_link(store: natokg.Store) -> None:
    """Leaves out Japan's MoD (dialogue channels, para 50) and Mission to NATO (para 48); lists the rest."""
    assert [row[0] for row in rows(store, "agencies-without-nato-link")] == [
        "nkgid:atla",  # para 22 (the Mission to NATO, para 48, is linked to NATO)
        "nkgid:jaxa",  # para 20: works with NASA, not with NATO
        "nkgid:dapa",  # para 33
        "nkgid:dsta",  # para 38
        "nkgid:singapore-mod",  # para 38
        "nkgid:swedish-mod",  # para 43: interviewed for the report
    ]


def test_recommendations_without_activity_for_japan(store: natokg.Store) -> None:
    """Flags maritime technology (para 61; proposed in para 52) and technology protection (63) for Japan."""
    result = rows(store, "recommendations-without-activity", partner="Japan")
    topics = {row[1] for row in result}
    assert {"nkgid:area-maritime-security", "nkgid:area-technology-security"} <= topics
    assert "nkgid:cyber" not in topics  # para 51: Japan and NATO already work on cyber defence
    assert (
        "nkgid:japan",
        "nkgid:area-maritime-security",
        "nkgid:rec-nato-asian-partners-maritime-technology",
        "61",
    ) in result


def test_priority_areas_without_cooperation(store: natokg.Store) -> None:
    """Finds no partner cooperation on AI, biotech, hypersonics or quantum, and none at all for Singapore."""
    result = rows(store, "priority-areas-without-cooperation")
    japan = [row[1] for row in result if row[0] == "nkgid:japan"]
    assert japan == [  # covered: autonomy (para 50), data and computing (51), space (20)
        "nkgid:cis-artificial-intelligence",
        "nkgid:cis-biotechnology-and-human-enhancements",
        "nkgid:cis-hypersonic-technologies",
        "nkgid:cis-quantum-enabled-technologies",
    ]
    rok = [row[1] for row in result if row[0] == "nkgid:rok"]
    assert "nkgid:cis-autonomy" not in rok  # para 55: robotics in SPS projects
    assert "nkgid:cis-space" in rok
    assert (
        len([row for row in result if row[0] == "nkgid:singapore"]) == 7
    )  # para 35: no official cooperation


def test_every_report_and_gap_has_an_answer_test() -> None:
    """Gives every report and gap query a test of its answer in this file."""
    source = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r'rows\(store, "([a-z0-9-]+)"', source))
    expected = {q.id for q in list_queries() if q.kind != "check"}
    assert expected - tested == set()
