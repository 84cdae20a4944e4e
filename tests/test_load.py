"""Loading local files: clear errors, all or nothing, every supported syntax."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from natokg.load import LoadError, load_files, load_graph, parse_file
from natokg.store import MemoryStore, union_graph
from support import FIXTURES

NKGID = "https://w3id.org/natokg/id/"
GOOD_TTL = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{NKGID}japan> rdfs:label "Japan"@en .
"""


def write(path: Path, text: str | bytes) -> Path:
    """Write `text` to `path` and return the path."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def test_malformed_turtle_names_file_line_and_column() -> None:
    """Reports the file, line and column of a Turtle syntax error."""
    path = FIXTURES / "invalid" / "malformed.ttl"
    with pytest.raises(LoadError) as caught:
        parse_file(path)
    error = caught.value
    assert (error.line, error.column) == (7, 27)
    assert str(error).startswith(f"{error.path}:7:27: bad syntax")
    assert "malformed.ttl" in error.path


def test_unbound_prefix_is_reported_with_its_line(tmp_path: Path) -> None:
    """Reports the line of a use of an undeclared prefix."""
    path = write(tmp_path / "prefix.ttl", GOOD_TTL + "nkgid:japan rdfs:label 'x' .\n")
    with pytest.raises(LoadError, match=r"prefix\.ttl:3:\d+: bad syntax.*nkgid:"):
        parse_file(path)


def test_bom_is_accepted(tmp_path: Path) -> None:
    """Loads a file that starts with a UTF-8 byte-order mark as if it had none."""
    plain = parse_file(write(tmp_path / "plain.ttl", GOOD_TTL))
    with_bom = parse_file(write(tmp_path / "bom.ttl", b"\xef\xbb\xbf" + GOOD_TTL.encode()))
    assert isomorphic(plain, with_bom)
    assert len(with_bom) == 1


def test_bom_fixture_loads() -> None:
    """Loads the byte-order-mark fixture with its claim."""
    graph = parse_file(FIXTURES / "valid" / "bom.ttl")
    assert (URIRef(NKGID + "cap-japan-robotics"), None, None) in graph


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """Refuses an empty file with a message that says so."""
    with pytest.raises(LoadError, match=r"empty\.ttl: is empty"):
        parse_file(FIXTURES / "invalid" / "empty.ttl")
    with pytest.raises(LoadError, match="is empty"):
        parse_file(write(tmp_path / "blank.ttl", "  \n\t\n"))


def test_bom_only_file_is_empty(tmp_path: Path) -> None:
    """Refuses a file that holds nothing but a byte-order mark as empty."""
    with pytest.raises(LoadError, match="is empty"):
        parse_file(write(tmp_path / "bom-only.ttl", b"\xef\xbb\xbf\n"))


def test_directory_is_refused(tmp_path: Path) -> None:
    """Refuses a directory passed where a file is expected."""
    folder = tmp_path / "graph.ttl"
    folder.mkdir()
    with pytest.raises(LoadError, match="is a directory, not a file"):
        parse_file(folder)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """Refuses a path that does not exist, naming it."""
    with pytest.raises(LoadError, match=r"nope\.ttl: no such file"):
        parse_file(tmp_path / "nope.ttl")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/graph.ttl",
        "https://w3id.org/natokg/ontology.ttl",
        "file:///etc/hosts.ttl",
        "ftp://example.org/a.nt",
        "HTTPS://EXAMPLE.ORG/A.TTL",
    ],
)
def test_url_is_refused(url: str) -> None:
    """Refuses anything that looks like a URL, before any access."""
    with pytest.raises(LoadError, match="looks like a URL"):
        parse_file(url)


def test_local_name_with_colon_loads_when_written_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads a local file whose name contains a colon when written as ./NAME."""
    write(tmp_path / "notes:b.ttl", GOOD_TTL)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LoadError, match="looks like a URL"):
        parse_file("notes:b.ttl")
    assert len(parse_file("./notes:b.ttl")) == 1


def test_undecodable_bytes_are_refused_with_position(tmp_path: Path) -> None:
    """Refuses bytes that are not UTF-8, naming line and column."""
    path = write(tmp_path / "latin1.ttl", GOOD_TTL.encode() + b'<urn:a> <urn:b> "caf\xe9" .\n')
    with pytest.raises(LoadError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == (3, 21)
    assert "not valid UTF-8 (byte 0xe9)" in str(caught.value)


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    """Refuses a file whose extension names no RDF syntax."""
    with pytest.raises(LoadError, match=r"unknown file type '\.txt'"):
        parse_file(write(tmp_path / "notes.txt", GOOD_TTL))


def test_nothing_half_loaded_when_second_file_is_bad(tmp_path: Path) -> None:
    """Leaves the store unchanged when the second of two files fails to parse."""
    store = MemoryStore()
    load_files(store, [write(tmp_path / "first.ttl", GOOD_TTL)])
    before = union_graph(store)
    good = write(tmp_path / "good.ttl", f'<{NKGID}rok> <{RDFS.label}> "ROK" .\n')
    bad = write(tmp_path / "bad.ttl", "<urn:a> <urn:b> .\n")
    with pytest.raises(LoadError, match=r"bad\.ttl:1"):
        load_files(store, [good, bad])
    assert isomorphic(union_graph(store), before)
    assert len(store) == 1


def test_url_among_files_is_refused_before_reading(tmp_path: Path) -> None:
    """Refuses a URL in a list of files before parsing any of them."""
    store = MemoryStore()
    with pytest.raises(LoadError, match="looks like a URL"):
        load_files(store, [write(tmp_path / "a.ttl", GOOD_TTL), "https://example.org/b.ttl"])
    assert len(store) == 0


def test_jsonld_remote_context_is_refused(tmp_path: Path) -> None:
    """Refuses JSON-LD whose @context is a URL, without fetching it."""
    path = write(tmp_path / "remote.jsonld", '{"@context": "https://schema.org/", "@id": "urn:a"}')
    with pytest.raises(LoadError, match="@context refers to another document"):
        parse_file(path)


@pytest.mark.parametrize(
    "document",
    [
        '{"@context": ["https://schema.org/", {"a": "urn:a"}], "@id": "urn:x"}',
        '{"@context": {"@import": "https://schema.org/"}, "@id": "urn:x"}',
        '{"@graph": [{"@context": "ctx.jsonld", "@id": "urn:x"}]}',
        '{"@context": {"knows": {"@id": "urn:knows", "@context": "https://e.org/c"}}}',
    ],
)
def test_jsonld_nested_or_listed_external_contexts_are_refused(tmp_path: Path, document: str) -> None:
    """Refuses external contexts in a list, an @import or a nested or scoped context."""
    with pytest.raises(LoadError, match="refers to another document"):
        parse_file(write(tmp_path / "ctx.jsonld", document))


def test_jsonld_inline_context_loads(tmp_path: Path) -> None:
    """Loads JSON-LD whose context is inline."""
    document = (
        '{"@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},'
        f' "@id": "{NKGID}japan", "rdfs:label": "Japan"}}'
    )
    graph = parse_file(write(tmp_path / "inline.jsonld", document))
    assert (URIRef(NKGID + "japan"), RDFS.label, Literal("Japan")) in graph


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    """Reports the line and column of a JSON syntax error."""
    path = write(tmp_path / "broken.jsonld", '{\n  "@id": "urn:a",\n}')
    with pytest.raises(LoadError) as caught:
        parse_file(path)
    assert (caught.value.line, caught.value.column) == (3, 1)


def test_ntriples_error_names_the_line(tmp_path: Path) -> None:
    """Reports the line of the first bad N-Triples statement."""
    good = "<urn:a> <urn:b> <urn:c> .\n"
    path = write(tmp_path / "bad.nt", good * 5 + '<urn:a> <urn:b> "open .\n' + good * 3)
    with pytest.raises(LoadError, match=r"bad\.nt:6: invalid RDF"):
        parse_file(path)


def test_nquads_error_names_the_line(tmp_path: Path) -> None:
    """Reports the line of the first bad N-Quads statement."""
    path = write(tmp_path / "bad.nq", "<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> .\n")
    with pytest.raises(LoadError, match=r"bad\.nq:2: invalid RDF"):
        parse_file(path)


def test_rdfxml_error_names_line_and_column(tmp_path: Path) -> None:
    """Reports the line and column of an XML error in RDF/XML."""
    document = (
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="urn:a">\n'
        "  </rdf:RDF>\n"
    )
    with pytest.raises(LoadError, match=r"bad\.rdf:4:\d+: invalid XML: mismatched tag"):
        parse_file(write(tmp_path / "bad.rdf", document))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("g.ttl", GOOD_TTL),
        ("g.nt", f'<{NKGID}japan> <{RDFS.label}> "Japan"@en .\n'),
        ("g.nq", f'<{NKGID}japan> <{RDFS.label}> "Japan"@en <urn:g> .\n'),
        ("g.trig", f'<urn:g> {{ <{NKGID}japan> <{RDFS.label}> "Japan"@en . }}\n'),
        (
            "g.jsonld",
            f'{{"@id": "{NKGID}japan", "{RDFS.label}": {{"@value": "Japan", "@language": "en"}}}}',
        ),
        (
            "g.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
            f'<rdf:Description rdf:about="{NKGID}japan"><rdfs:label xml:lang="en">Japan</rdfs:label>'
            "</rdf:Description></rdf:RDF>",
        ),
    ],
)
def test_every_syntax_loads_the_same_triple(tmp_path: Path, name: str, text: str) -> None:
    """Loads the same triple from each supported syntax, guessed from the extension."""
    store = MemoryStore()
    load_files(store, [write(tmp_path / name, text)])
    expected = Graph().add((URIRef(NKGID + "japan"), RDFS.label, Literal("Japan", lang="en")))
    assert isomorphic(union_graph(store), expected)


def test_named_graphs_are_kept(tmp_path: Path) -> None:
    """Keeps the graph names of a TriG file in the store."""
    store = MemoryStore()
    load_files(store, [write(tmp_path / "g.trig", "<urn:g> { <urn:a> <urn:b> <urn:c> . }\n")])
    names = {g.identifier for g in store.dataset().graphs() if len(g)}
    assert names == {URIRef("urn:g")}


def test_locations_name_the_defining_file_and_line(tmp_path: Path) -> None:
    """Maps each subject to the file that types it, with the line where it starts."""
    mention = write(tmp_path / "a-mention.ttl", GOOD_TTL)
    typed = write(
        tmp_path / "b-typed.ttl",
        "@prefix nkg: <https://w3id.org/natokg/ontology#> .\n"
        f"@prefix nkgid: <{NKGID}> .\n\n"
        "nkgid:japan\n    a nkg:Nation .\n",
    )
    result = load_files(MemoryStore(), [mention, typed])
    location = result.locations[URIRef(NKGID + "japan")]
    assert (location.file, location.line) == (typed, 4)
    assert result.files == (mention, typed)


def test_load_graph_loads_ontology_and_given_files() -> None:
    """Loads the shipped ontology plus only the given data files."""
    fixture = FIXTURES / "valid" / "minimal.ttl"
    result = load_graph([fixture])
    assert result.files[-1] == fixture
    assert all("graph" not in p.parts[-2:-1] for p in result.files)
    assert (URIRef(NKGID + "cap-japan-robotics"), None, None) in union_graph(result.store)


def test_load_graph_default_includes_the_shipped_graph() -> None:
    """Loads the shipped ontology and graph/*.ttl, but not the shapes."""
    result = load_graph()
    names = [p.name for p in result.files]
    assert "natokg.ttl" in names
    assert "shapes.ttl" not in names
    assert any(p.parent.name == "graph" for p in result.files)
    assert len(result.store) == result.triples > 0
