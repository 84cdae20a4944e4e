"""Parameters: typed conversion, label resolution, clear errors, and no way to inject SPARQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

import natokg
from natokg.namespaces import NKG, NKGID
from natokg.params import Param, convert, normalize_label
from natokg.queries import bind_params, get_query
from natokg.store import union_graph

JAPAN = URIRef("https://w3id.org/natokg/id/japan")
ROK = URIRef("https://w3id.org/natokg/id/rok")
# Characters that would break out of a string, an IRI or a group if pasted into a query.
NASTY = ['"', "'", ">", "<", "}", "{", "\n", "\r", "#", "\x00", "\u202e", "\u200f", "\\", '"}) . ?s ?p ?o #']


@pytest.fixture(scope="module")
def store() -> natokg.Store:
    return natokg.open_graph()


def bound(store: natokg.Store, query_id: str, **values: object) -> dict[str, object]:
    return dict(bind_params(store, get_query(query_id), values))


@pytest.mark.parametrize(
    "value",
    ["Japan", "japan", "  JAPAN ", "nkgid:japan", str(JAPAN), f"<{JAPAN}>", JAPAN],
)
def test_iri_parameter_accepts_iri_curie_and_label(store: natokg.Store, value: object) -> None:
    """Resolves a full IRI, an <IRI>, a CURIE and a label in any case to the same entity."""
    assert bound(store, "partner-strengths", partner=value)["partner"] == JAPAN


@pytest.mark.parametrize("value", ["ROK", "rok", "Republic of Korea", "South Korea", "Korea"])
def test_acronyms_and_other_names_resolve(store: natokg.Store, value: str) -> None:
    """Resolves the ROK's acronym and alternative names to the one nation."""
    assert bound(store, "partner-strengths", partner=value)["partner"] == ROK


def test_local_name_of_an_iri_resolves(store: natokg.Store) -> None:
    """Resolves "cyber-defence", the local name of nkgid:cyber-defence, when no label matches."""
    assert (
        bound(store, "technology-holders", technology="cyber-defence")["technology"] == NKGID["cyber-defence"]
    )


def test_class_restriction_picks_among_homonyms(store: natokg.Store) -> None:
    """Resolves "GPS" to the technology for a technology parameter, though a programme shares the name."""
    technology = bound(store, "technology-holders", technology="GPS")["technology"]
    assert technology == NKGID["satellite-navigation"]


def test_ambiguous_label_lists_the_candidates(store: natokg.Store) -> None:
    """Refuses a label that names two entities, listing both."""
    with pytest.raises(natokg.ParameterError, match="'GPS' names 2 entities") as caught:
        bound(store, "claim-sources", entity="GPS")
    assert {c.iri for c in caught.value.candidates} == {NKGID.gps, NKGID["satellite-navigation"]}
    assert caught.value.param == "entity"


def test_unknown_label_suggests_near_matches(store: natokg.Store) -> None:
    """Refuses an unknown label and suggests the entities whose labels contain it."""
    with pytest.raises(natokg.ParameterError, match="did you mean") as caught:
        bound(store, "partner-strengths", partner="Kor")
    assert {c.iri for c in caught.value.candidates} == {ROK, NKGID["north-korea"]}


@pytest.mark.parametrize(
    ("query_id", "values", "message"),
    [
        ("partner-strengths", {}, "parameter 'partner': missing"),
        ("partner-strengths", {"partner": "Japan", "colour": "red"}, "parameter 'colour': unknown parameter"),
        ("partner-strengths", {"partner": "Atlantis"}, "parameter 'partner': no entity of class Nation"),
        ("partner-strengths", {"partner": "nkgid:japn"}, "parameter 'partner': no entity"),
        ("partner-strengths", {"partner": "nkgid:sto"}, "parameter 'partner': .* is not a Nation"),
        ("partner-strengths", {"partner": "<https://a b>"}, "parameter 'partner': not a valid IRI"),
        ("partner-strengths", {"partner": 42}, "parameter 'partner': expected an IRI"),
        ("partner-strengths", {"partner": "Japan", "min_weight": "high"}, "'min_weight': expected a decimal"),
        ("partner-strengths", {"partner": "Japan", "min_weight": "nan"}, "'min_weight': expected a decimal"),
        ("paragraph-claims", {"paragraph": "17.5"}, "'paragraph': expected an integer"),
        ("paragraph-claims", {"paragraph": True}, "'paragraph': expected an integer"),
        ("partner-frameworks", {"as_of": "2021-02-30"}, "'as_of': no such date"),
        ("partner-frameworks", {"as_of": "2021-13"}, "'as_of': expected a date"),
        ("partner-frameworks", {"as_of": "yesterday"}, "'as_of': expected a date"),
        (
            "activities-by-partner",
            {"partner": "ROK", "status": "finished"},
            "'status': expected one of Ongoing",
        ),
        ("search", {"text": JAPAN}, "'text': expected text"),
    ],
)
def test_bad_parameter_is_a_clear_error_naming_it(
    store: natokg.Store, query_id: str, values: dict[str, object], message: str
) -> None:
    """Raises ParameterError naming the parameter for a missing, unknown or ill-typed value."""
    with pytest.raises(natokg.ParameterError, match=message):
        bound(store, query_id, **values)


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (Param("n", "integer"), "-12", Literal(-12)),
        (Param("n", "integer"), 7, Literal(7)),
        (Param("x", "decimal"), "0.8", Literal(Decimal("0.8"), datatype=XSD.decimal)),
        (Param("x", "decimal"), 1, Literal(Decimal("1"), datatype=XSD.decimal)),
        (Param("b", "boolean"), "TRUE", Literal(True)),
        (Param("d", "date"), "2019", Literal("2019", datatype=XSD.gYear)),
        (Param("d", "date"), "2019-10", Literal("2019-10", datatype=XSD.gYearMonth)),
        (Param("d", "date"), "2019-10-08", Literal("2019-10-08", datatype=XSD.date)),
        (Param("d", "date"), datetime.date(2021, 2, 1), Literal("2021-02-01", datatype=XSD.date)),
        (Param("y", "year"), 2014, Literal("2014", datatype=XSD.gYear)),
        (Param("t", "literal"), 'a"b', Literal('a"b')),
        (Param("s", "enum", values=(str(NKG.Ongoing), "plain")), "ONGOING", NKG.Ongoing),
        (Param("s", "enum", values=(str(NKG.Ongoing), "plain")), "plain", Literal("plain")),
    ],
)
def test_values_become_typed_rdf_terms(param: Param, value: object, expected: object) -> None:
    """Converts text and Python values into literals of the declared datatype."""
    assert convert(param, value, prefixes={}, resolver=lambda: None) == expected  # type: ignore[arg-type,return-value]


def test_normalize_label_folds_case_width_and_spaces() -> None:
    """Compares labels without regard to case, Unicode width or runs of spaces."""
    assert normalize_label("\uff32\uff2f\uff2b") == normalize_label("rok") == "rok"  # fullwidth ROK
    assert normalize_label("South\n  Korea") == "south korea"


# ---------------------------------------------------------------------------
# Injection: a value is data, never query text
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labels(store: natokg.Store) -> list[tuple[URIRef, str]]:
    """Every (typed entity, label) pair, read from the graph itself rather than by a query."""
    graph = union_graph(store)
    return [
        (s, str(o))
        for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for s, o in graph.subject_objects(p)
        if isinstance(s, URIRef) and (s, RDF.type, None) in graph
    ]


def labels_containing(labels: list[tuple[URIRef, str]], text: str) -> set[URIRef]:
    """Look up, in Python and without SPARQL, the entities with a label containing `text`."""
    needle = text.lower()
    return {entity for entity, label in labels if needle in label.lower()}


@pytest.mark.parametrize("text", NASTY)
def test_nasty_literal_values_match_a_direct_lookup(
    store: natokg.Store, labels: list[tuple[URIRef, str]], text: str
) -> None:
    """Returns for quotes, brackets, newlines, #, NUL and direction marks what a direct lookup does."""
    result = natokg.run_query(store, "search", text=text)
    assert {row[0] for row in result.rows} == labels_containing(labels, text)


@pytest.mark.parametrize("text", NASTY)
def test_nasty_iri_values_are_refused_not_executed(store: natokg.Store, text: str) -> None:
    """Refuses an IRI parameter with breaking characters as an unknown label (spaces are trimmed)."""
    if not text.strip():
        assert bound(store, "partner-strengths", partner=f"Japan{text}")["partner"] == JAPAN
        return
    with pytest.raises(natokg.ParameterError, match="no entity of class Nation is labelled"):
        bound(store, "partner-strengths", partner=f"Japan{text}")


def test_a_label_with_breaking_characters_resolves_exactly() -> None:
    """Resolves an entity whose label is full of quotes, brackets and controls, and finds it by that text."""
    weird = 'Japan"} . ?s ?p ?o #\n\x00\u202e>'
    graph = Graph()
    entity = URIRef("urn:test:weird")
    graph.add((entity, RDF.type, NKG.Nation))
    graph.add((entity, RDFS.label, Literal(weird)))
    store = natokg.MemoryStore()
    store.add_graph(graph)
    query = get_query("partner-strengths")
    assert bind_params(store, query, {"partner": weird})["partner"] == entity
    found = natokg.run_query(store, "search", text=weird)
    assert [row[0] for row in found.rows] == [entity]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40))
def test_any_text_value_matches_a_direct_lookup(
    store: natokg.Store, labels: list[tuple[URIRef, str]], text: str
) -> None:
    """Returns exactly the entities a direct Python lookup finds, for any generated text."""
    result = natokg.run_query(store, "search", text=text, timeout=None)
    assert {row[0] for row in result.rows} == labels_containing(labels, text)


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=0, max_size=30))
def test_any_label_resolves_to_its_own_entity(text: str) -> None:
    """Resolves a generated label to the one entity that carries it, whatever its characters."""
    label = f"L {text}"  # a space: never read as an IRI or a CURIE
    graph = Graph()
    entity = URIRef("urn:test:generated")
    graph.add((entity, RDF.type, NKG.Nation))
    graph.add((entity, RDFS.label, Literal(label)))
    store = natokg.MemoryStore()
    store.add_graph(graph)
    bindings = bind_params(store, get_query("partner-strengths"), {"partner": label})
    assert bindings["partner"] == entity
