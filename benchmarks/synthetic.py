"""A seeded generator of synthetic natokg graphs shaped like the real one, at any size.

The shape follows the shipped graph: a technology taxonomy (broader, close matches, NATO
priorities, EDT characters); nations that are partners, Allies, competitors or others; their
agencies and companies; NATO bodies and the programmes they run; report paragraphs; and the
claims that link them, in the shipped graph's proportions (about 30 % capability claims,
40 % cooperation activities, 15 % memberships, the rest non-memberships, recommendations and
relations), each with its source and quote. The same seed gives the same graph.

Usage::

    python benchmarks/synthetic.py 100000 -o build/synthetic-100k.nt   # about 100,000 triples
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

NKG = Namespace("https://w3id.org/natokg/ontology#")
ID = Namespace("https://w3id.org/natokg/id/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")

LEVELS = [NKG.GlobalLeader, NKG.Leader, NKG.EmergingPlayer, NKG.Investing]
STATUSES = [NKG.Ongoing, NKG.Ongoing, NKG.Ongoing, NKG.Past, NKG.Proposed, NKG.Recommended]

#: Triples per claim in the shipped graph, roughly (type, label, links, source, quote, ...).
TRIPLES_PER_CLAIM = 9


def generate(triples: int, seed: int = 42) -> Graph:
    """Return a synthetic graph of about `triples` triples (ontology not included).

    Parameters
    ----------
    triples
        The size wanted; the result is within a few per cent of it.
    seed
        The random seed: the same seed gives the same graph.
    """
    rng = random.Random(seed)
    g = Graph()
    claims = max(40, int(triples * 0.9 / TRIPLES_PER_CLAIM))
    scale = claims / 250  # the shipped graph has about 250 claims

    def node(kind: str, i: int) -> URIRef:
        return ID[f"syn-{kind}-{i}"]

    def label(subject: URIRef, text: str) -> None:
        g.add((subject, RDFS.label, Literal(text, lang="en")))

    # --- sources: reports of 64 paragraphs ---
    paragraphs = []
    for r in range(max(1, int(scale))):
        report = node("report", r)
        g.add((report, RDF.type, NKG.Report))
        label(report, f"Synthetic report {r}")
        for p in range(1, 65):
            para = ID[f"syn-report-{r}-para-{p}"]
            g.add((para, RDF.type, NKG.ReportParagraph))
            g.add((para, NKG.paragraphNumber, Literal(p)))
            g.add((para, NKG.inReport, report))
            label(para, f"Report {r} paragraph {p}")
            paragraphs.append(para)

    # --- technologies: a taxonomy, with the CIS-like priority areas as close matches ---
    n_top = max(8, int(8 * scale**0.5))
    techs: list[URIRef] = []
    tops: list[URIRef] = []
    scheme = ID["scheme-report-technologies"]
    for i in range(n_top):
        top = node("tech", len(techs))
        techs.append(top)
        tops.append(top)
        g.add((top, RDF.type, NKG.Technology))
        g.add((top, SKOS.inScheme, scheme))
        label(top, f"Technology area {i}")
        g.add((top, NKG.edtCharacter, NKG.Disruptive if i % 2 == 0 else NKG.Emerging))
        if i % 3 != 2:
            cis = node("cis", i)
            g.add((cis, RDF.type, NKG.Technology))
            g.add((cis, SKOS.inScheme, scheme))
            label(cis, f"Priority area {i}")
            g.add((cis, NKG.natoPriority, Literal(True)))
            g.add((cis, SKOS.closeMatch, top))
    frontier = list(tops)
    for depth in range(2):
        following = []
        for parent in frontier:
            for _ in range(rng.randint(2, 4)):
                child = node("tech", len(techs))
                techs.append(child)
                following.append(child)
                g.add((child, RDF.type, NKG.Technology))
                g.add((child, SKOS.inScheme, scheme))
                g.add((child, SKOS.broader, parent))
                label(child, f"Technology {len(techs)} (level {depth + 2})")
        frontier = following

    # --- nations ---
    n_nations = max(12, int(30 * scale**0.5))
    relations = (
        [NKG.Partner] * 3 + [NKG.InformalContact] + [NKG.Ally] * 8 + [NKG.Competitor] + [NKG.OtherNation] * 3
    )
    nations = []
    by_relation: dict[URIRef, list[URIRef]] = {r: [] for r in set(relations)}
    for i in range(n_nations):
        nation = node("nation", i)
        relation = relations[i % len(relations)]
        nations.append(nation)
        by_relation[relation].append(nation)
        g.add((nation, RDF.type, NKG.Nation))
        g.add((nation, NKG.natoRelation, relation))
        label(nation, f"Nation {i}")

    # --- organisations: NATO bodies, agencies and companies ---
    nato = node("nato", 0)
    g.add((nato, RDF.type, NKG.NatoBody))
    label(nato, "Synthetic NATO")
    bodies = [nato]
    for i in range(max(6, int(12 * scale**0.5))):
        body = node("body", i)
        g.add((body, RDF.type, NKG.CentreOfExcellence if i % 5 == 4 else NKG.NatoBody))
        g.add((body, NKG.subOrganisationOf, rng.choice(bodies)))
        label(body, f"NATO body {i}")
        bodies.append(body)
    orgs: dict[URIRef, list[URIRef]] = {n: [] for n in nations}
    n_orgs = max(20, int(50 * scale))
    for i in range(n_orgs):
        org = node("org", i)
        nation = rng.choice(nations)
        g.add((org, RDF.type, NKG.GovernmentAgency if i % 3 == 0 else NKG.Company))
        g.add((org, NKG.country, nation))
        label(org, f"Organisation {i}")
        orgs[nation].append(org)

    # --- programmes: partnership frameworks and cooperation programmes run by NATO bodies ---
    programmes = []
    for i in range(max(6, int(12 * scale**0.5))):
        programme = node("programme", i)
        g.add((programme, RDF.type, NKG.PartnershipFramework if i % 2 == 0 else NKG.CooperationProgramme))
        g.add((programme, NKG.runBy, rng.choice(bodies)))
        if programmes and i % 4 == 3:
            g.add((programme, NKG.partOf, rng.choice(programmes)))
        label(programme, f"Programme {i}")
        programmes.append(programme)

    partners = by_relation[NKG.Partner] + by_relation[NKG.InformalContact]
    allies = by_relation[NKG.Ally]
    competitors = by_relation[NKG.Competitor]

    def actor(nation: URIRef) -> URIRef:
        own = orgs[nation]
        return rng.choice(own) if own and rng.random() < 0.3 else nation

    def claim(kind: URIRef, i: int) -> URIRef:
        subject = node("claim", i)
        g.add((subject, RDF.type, kind))
        label(subject, f"Claim {i}")
        g.add((subject, NKG.source, rng.choice(paragraphs)))
        g.add((subject, NKG.quote, Literal(f"synthetic quote {i}", datatype=XSD.string)))
        return subject

    for i in range(claims):
        draw = rng.random()
        if draw < 0.30:  # capability claim
            subject = claim(NKG.CapabilityClaim, i)
            holder = rng.choice(partners if rng.random() < 0.7 else competitors + allies)
            g.add((subject, NKG.holder, actor(holder)))
            for tech in rng.sample(techs, rng.randint(1, 2)):
                g.add((subject, NKG.technology, tech))
            g.add((subject, NKG.level, rng.choice(LEVELS)))
        elif draw < 0.70:  # cooperation activity
            subject = claim(NKG.CooperationActivity, i)
            g.add((subject, NKG.participant, actor(rng.choice(partners))))
            other = rng.random()
            if other < 0.5:
                g.add((subject, NKG.participant, rng.choice(bodies)))
            elif other < 0.85:
                g.add((subject, NKG.participant, actor(rng.choice(allies))))
            else:
                g.add((subject, NKG.participant, actor(rng.choice(partners))))
            g.add((subject, NKG.technology, rng.choice(techs)))
            g.add((subject, NKG.status, rng.choice(STATUSES)))
            if rng.random() < 0.4:
                g.add((subject, NKG.channel, rng.choice(programmes)))
        elif draw < 0.85:  # membership
            subject = claim(NKG.Membership, i)
            g.add((subject, NKG.member, rng.choice(partners + allies)))
            g.add((subject, NKG.framework, rng.choice(programmes + bodies)))
            g.add((subject, NKG.role, NKG.ParticipantRole))
        elif draw < 0.88:  # non-membership
            subject = claim(NKG.NonMembership, i)
            g.add((subject, NKG.member, rng.choice(partners)))
            g.add((subject, NKG.framework, rng.choice(programmes)))
        elif draw < 0.94:  # recommendation
            subject = claim(NKG.Recommendation, i)
            g.add((subject, NKG.concerns, rng.choice(partners)))
            g.add((subject, NKG.concerns, nato))
            g.add((subject, NKG.proposal, Literal(f"synthetic proposal {i}")))
            if rng.random() < 0.5:
                g.add((subject, NKG.proposedChannel, rng.choice(programmes)))
            else:
                g.add((subject, NKG.technology, rng.choice(techs)))
        else:  # relation
            subject = claim(NKG.Relation, i)
            g.add((subject, NKG.relationKind, Literal("develops")))
            g.add((subject, NKG.relationSubject, rng.choice(competitors + partners)))
            g.add((subject, NKG.relationObject, rng.choice(techs)))
    return g


def main() -> None:
    """Write a synthetic graph as N-Triples."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("triples", type=int, help="about how many triples")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .nt file to write")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    graph = generate(args.triples, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    graph.serialize(args.output, format="nt", encoding="utf-8")
    print(f"{len(graph)} triples -> {args.output}")


if __name__ == "__main__":
    main()
