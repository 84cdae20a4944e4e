"""The natokg vocabulary as Python names.

A misspelled term raises ``AttributeError`` instead of minting a wrong IRI
(``_fail = True``). ``tests/test_namespaces.py`` keeps this file in step with
``ontology/natokg.ttl``.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

__all__ = ["NKG", "NKGID", "NKGSH"]

NKGID = Namespace("https://w3id.org/natokg/id/")
"""Individuals: nations, organisations, claims, sources."""

NKGSH = Namespace("https://w3id.org/natokg/shapes#")
"""SHACL shapes."""


class NKG(DefinedNamespace):
    """Classes, properties and controlled values of ``https://w3id.org/natokg/ontology#``."""

    _NS = Namespace("https://w3id.org/natokg/ontology#")
    _fail = True

    # classes
    ActivityStatus: URIRef
    AllianceStrategy: URIRef
    CapabilityClaim: URIRef
    CapabilityLevel: URIRef
    CentreOfExcellence: URIRef
    Claim: URIRef
    Company: URIRef
    CooperationActivity: URIRef
    CooperationArea: URIRef
    CooperationProgramme: URIRef
    CurationNote: URIRef
    DefenceProgramme: URIRef
    EdtCharacter: URIRef
    Event: URIRef
    GovernmentAgency: URIRef
    Indicator: URIRef
    InternationalOrganisation: URIRef
    Membership: URIRef
    MembershipRole: URIRef
    Mission: URIRef
    Nation: URIRef
    NationalStrategy: URIRef
    NatoBody: URIRef
    NatoRelation: URIRef
    NonMembership: URIRef
    NonStateActor: URIRef
    Observation: URIRef
    Organisation: URIRef
    ParliamentaryBody: URIRef
    PartnershipFramework: URIRef
    Programme: URIRef
    Recommendation: URIRef
    Relation: URIRef
    Report: URIRef
    ReportBox: URIRef
    ReportParagraph: URIRef
    ReportSection: URIRef
    ReportTable: URIRef
    ResearchBody: URIRef
    Scenario: URIRef
    Source: URIRef
    SpaceProgramme: URIRef
    Technology: URIRef
    UncoveredParagraph: URIRef
    Unit: URIRef
    WeaponSystem: URIRef

    # properties
    about: URIRef
    afterParagraph: URIRef
    area: URIRef
    assumedIn: URIRef
    channel: URIRef
    citation: URIRef
    concerns: URIRef
    correctedText: URIRef
    country: URIRef
    curationNote: URIRef
    date: URIRef
    edtCharacter: URIRef
    endDate: URIRef
    established: URIRef
    event: URIRef
    framework: URIRef
    holder: URIRef
    inReport: URIRef
    indicator: URIRef
    level: URIRef
    levelWeight: URIRef
    member: URIRef
    mentionedIn: URIRef
    natoPriority: URIRef
    natoRelation: URIRef
    originalText: URIRef
    paragraphNumber: URIRef
    partOf: URIRef
    participant: URIRef
    proposal: URIRef
    proposedChannel: URIRef
    quote: URIRef
    reason: URIRef
    refArea: URIRef
    refPeriod: URIRef
    relationKind: URIRef
    relationObject: URIRef
    relationSubject: URIRef
    renewedDate: URIRef
    replaces: URIRef
    role: URIRef
    runBy: URIRef
    source: URIRef
    startDate: URIRef
    status: URIRef
    subOrganisationOf: URIRef
    technology: URIRef
    unit: URIRef
    value: URIRef
    wording: URIRef

    # controlled values and concept schemes
    ActivityStatuses: URIRef
    Ally: URIRef
    CapabilityLevels: URIRef
    Competitor: URIRef
    ContributorRole: URIRef
    Disruptive: URIRef
    EdtCharacters: URIRef
    Emerging: URIRef
    EmergingPlayer: URIRef
    GlobalLeader: URIRef
    InformalContact: URIRef
    Investing: URIRef
    Leader: URIRef
    MemberRole: URIRef
    MembershipRoles: URIRef
    NatoRelations: URIRef
    ObserverRole: URIRef
    Ongoing: URIRef
    OtherNation: URIRef
    ParticipantRole: URIRef
    Partner: URIRef
    PartnerRole: URIRef
    Past: URIRef
    Proposed: URIRef
    Recommended: URIRef
