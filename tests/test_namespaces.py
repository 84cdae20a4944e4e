"""The Python vocabulary mirrors the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDFS

from natokg.namespaces import NKG

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "natokg.ttl"
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/natokg/ontology")


def _declared_terms() -> set[str]:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    prefix = str(NKG._NS)
    return {
        str(term).removeprefix(prefix)
        for term in graph.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI)
        if str(term).startswith(prefix)
    }


def test_namespace_lists_exactly_the_declared_terms() -> None:
    """Names every term that ontology/natokg.ttl defines, and no other."""
    python_terms = set(NKG.__annotations__)
    assert python_terms == _declared_terms()


def test_misspelled_term_raises() -> None:
    """Raises AttributeError on a term the ontology does not define."""
    with pytest.raises(AttributeError):
        _ = NKG.CapabilityClam


def test_term_is_an_iri_of_the_namespace() -> None:
    """Builds the IRI of a declared term."""
    assert NKG.CapabilityClaim == rdflib.URIRef("https://w3id.org/natokg/ontology#CapabilityClaim")
