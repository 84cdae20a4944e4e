"""Every quote, of the facts and of the what-if scenarios, occurs verbatim in the source it cites."""

from __future__ import annotations

import os

import pytest
import rdflib

from natokg.namespaces import NKG
from seedtext import ID, normalise, parts, seed_path

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(
        [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("graph/*.ttl"), *ROOT.glob("scenarios/*.ttl")]
    ):
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def report_parts() -> dict[str, str]:
    path = seed_path()
    if path is None:
        reason = "the seed report (../shared/seed/000_8524b36771c30f37.txt) is not beside this checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI has shared/ beside the checkout")
        pytest.skip(reason)
    return parts(path.read_text(encoding="utf-8"))


def test_every_quote_occurs_in_a_cited_source(report_parts: dict[str, str]) -> None:
    """Finds each claim's quote, whitespace-normalised, in one of the sources the claim cites."""
    graph = _graph()
    missing = []
    for claim, quote in sorted(graph.subject_objects(NKG.quote)):
        sources = [str(s).removeprefix(ID) for s in graph.objects(claim, NKG.source)]
        texts = [report_parts.get(s, "") for s in sources]
        if not any(normalise(str(quote)) in text for text in texts):
            missing.append(f"{claim}: {quote!r} not in {sources}")
    assert not missing, "\n".join(missing)


def test_every_claim_has_a_quote() -> None:
    """Gives every claim at least one quote (the shapes check it too; this names them all at once)."""
    graph = _graph()
    claims = {
        s
        for kind in graph.transitive_subjects(rdflib.RDFS.subClassOf, NKG.Claim)
        for s in graph.subjects(rdflib.RDF.type, kind)
    }
    assert claims, "the graph holds no claims"
    assert not sorted(c for c in claims if graph.value(c, NKG.quote) is None)
