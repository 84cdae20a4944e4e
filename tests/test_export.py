"""Exports read back as the same graph, and are written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from natokg.export import EXPORT_FORMATS, serialize, write_atomic
from natokg.load import load_files, load_graph
from natokg.store import MemoryStore, union_graph
from support import FIXTURES


def reparse(data: bytes, fmt: str) -> Dataset:
    """Parse exported bytes back into a dataset."""
    dataset = Dataset()
    dataset.parse(data=data, format=EXPORT_FORMATS[fmt])
    return dataset


def as_graph(dataset: Dataset) -> Graph:
    """Return the union of a dataset's graphs as one graph."""
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_export_reimports_isomorphic(fmt: str, tmp_path: Path) -> None:
    """Loads each export format back, with natokg's own loader, as an isomorphic graph."""
    store = load_graph([FIXTURES / "valid" / "minimal.ttl"]).store
    exported = tmp_path / f"natokg.{fmt}"
    exported.write_bytes(serialize(store, fmt))
    again = MemoryStore()
    load_files(again, [exported])
    assert isomorphic(union_graph(again), union_graph(store))


@pytest.mark.parametrize("fmt", ["trig", "jsonld"])
def test_export_keeps_named_graphs(tmp_path: Path, fmt: str) -> None:
    """Keeps graph names in the formats that can hold them."""
    source = tmp_path / "g.trig"
    source.write_text("<urn:g> { <urn:a> <urn:b> [ <urn:c> 1 ] . }\n<urn:x> <urn:y> <urn:z> .\n")
    store = MemoryStore()
    load_files(store, [source])
    back = reparse(serialize(store, fmt), fmt)
    named = {g.identifier for g in back.graphs() if len(g) and g.identifier != URIRef("urn:x-rdflib:default")}
    assert named == {URIRef("urn:g")}
    assert isomorphic(as_graph(back), union_graph(store))


def test_unknown_format_is_refused() -> None:
    """Refuses an export format it does not know."""
    with pytest.raises(ValueError, match="unknown export format 'rdfa'"):
        serialize(MemoryStore(), "rdfa")


def test_atomic_write_replaces_the_file(tmp_path: Path) -> None:
    """Replaces the target file's content and leaves no temporary file."""
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_failing_write_leaves_existing_file_untouched(tmp_path: Path) -> None:
    """Keeps the existing file intact and removes the temporary file when writing fails."""
    target = tmp_path / "natokg.ttl"
    target.write_bytes(b"the previous export\n")

    def chunks() -> Iterator[bytes]:
        yield b"@prefix nkg: <https://w3id.org/natokg/ontology#> .\n"
        raise RuntimeError("serialiser crashed half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        write_atomic(target, chunks())
    assert target.read_bytes() == b"the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["natokg.ttl"]


def test_atomic_write_creates_missing_folders_with_plain_mode(tmp_path: Path) -> None:
    """Creates missing parent folders and gives the file a normal, readable mode."""
    target = tmp_path / "build" / "natokg.ttl"
    previous = os.umask(0o022)
    try:
        write_atomic(target, [b"a", b"b"])
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"ab"
    assert target.stat().st_mode & 0o777 == 0o644
