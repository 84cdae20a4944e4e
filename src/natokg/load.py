"""Parse local RDF files into a store, all or nothing, never touching the network.

Every file is read and parsed on its own first; the store changes only when all of them
parsed. Problems raise `LoadError`, which names the file and, where the parser tells,
the line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXParseException

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import NamespaceManager
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import IdentifiedNode

from natokg import resources
from natokg.store import MemoryStore, Store, to_quads

__all__ = [
    "FORMATS",
    "LoadError",
    "LoadResult",
    "Location",
    "check_file",
    "display_path",
    "load_default",
    "load_files",
    "load_graph",
    "parse_file",
]

#: File extension -> rdflib parser name.
FORMATS: Mapping[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_QUAD_FORMATS = {"nquads", "trig", "json-ld"}
_LINE_FORMATS = {"nt", "nquads"}
_BOM = b"\xef\xbb\xbf"
# A scheme of two or more letters: http:, https:, file:, ftp:, urn:, data: ...
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")

PathArg = str | PathLike[str]


class LoadError(Exception):
    """A file could not be loaded; nothing was added to the store.

    Parameters
    ----------
    path
        The file, as the user named it.
    message
        What is wrong, in plain words.
    line, column
        1-based position, where known.
    """

    def __init__(
        self, path: PathArg, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = display_path(path)
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def display_path(path: PathArg) -> str:
    """Return `path` as a user reads it best: relative to the working folder when inside it.

    Parameters
    ----------
    path
        A file path; a relative one is returned as given.

    Returns
    -------
    str
    """
    file = Path(path)
    if not file.is_absolute():
        return str(path)
    try:
        return str(file.relative_to(Path.cwd()))
    except ValueError:
        return str(file)


@dataclass(frozen=True)
class Location:
    """Where a subject is defined: its file and, for line-based syntaxes, its first line."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        file = display_path(self.file)
        return file if self.line is None else f"{file}:{self.line}"


@dataclass(frozen=True)
class LoadResult:
    """What a load did.

    Attributes
    ----------
    store
        The store the files were loaded into.
    files
        The files, in load order.
    triples
        Number of statements parsed (before de-duplication against the store).
    locations
        For every subject: the file that defines it (the first one typing it with
        ``rdf:type``, else the first one mentioning it as a subject).
    """

    store: Store
    files: tuple[Path, ...]
    triples: int
    locations: Mapping[IdentifiedNode, Location] = field(repr=False)


def parse_file(path: PathArg) -> Graph:
    """Parse one local RDF file, with the format guessed from its extension.

    A UTF-8 byte-order mark is accepted and dropped. JSON-LD must inline its
    ``@context``: remote or external contexts are refused, never fetched.

    Parameters
    ----------
    path
        A local file path (not a URL).

    Returns
    -------
    Graph
        A `Dataset` for formats with named graphs (N-Quads, TriG, JSON-LD), else a `Graph`.

    Raises
    ------
    LoadError
        If the path is a URL, missing, a directory, empty, not UTF-8, of unknown type,
        or not valid RDF (with line and column where the parser tells).
    """
    return _parse(path)[0]


def _parse(path: PathArg) -> tuple[Graph, str]:
    """Parse `path`; return the graph and the decoded text."""
    text, fmt = _read_text(path)
    if fmt == "json-ld":
        _refuse_remote_contexts(path, text)
    graph: Graph = Dataset(default_union=True) if fmt in _QUAD_FORMATS else Graph()
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="none")
    try:
        graph.parse(data=text, format=fmt, publicID=Path(path).resolve().as_uri())
    except BadSyntax as exc:
        raise _bad_syntax(path, exc) from None
    except SAXParseException as exc:
        column = exc.getColumnNumber()  # 0-based
        raise LoadError(
            path,
            f"invalid XML: {exc.getMessage()}",
            exc.getLineNumber(),
            None if column is None else column + 1,
        ) from None
    except ParserError as exc:
        line = _first_bad_line(text, fmt) if fmt in _LINE_FORMATS else None
        raise LoadError(path, f"invalid RDF: {exc.msg}", line) from None
    except Exception as exc:  # rdflib's parsers raise many kinds; all mean "bad input"
        raise LoadError(path, f"invalid RDF ({type(exc).__name__}): {exc}") from None
    return graph, text


def load_files(store: Store, paths: Iterable[PathArg]) -> LoadResult:
    """Parse `paths` and add them to `store`, all or nothing.

    Parameters
    ----------
    store
        Where to add the triples.
    paths
        Local files, loaded in the order given.

    Returns
    -------
    LoadResult

    Raises
    ------
    LoadError
        For the first file that cannot be loaded; `store` is then unchanged.
    """
    paths = list(paths)
    for path in paths:  # refuse any URL before reading anything
        _refuse_url(path)
    parsed = [(Path(path), *_parse(path)) for path in paths]
    merged = Dataset(default_union=True)
    merged.namespace_manager = NamespaceManager(merged, bind_namespaces="core")
    locations: dict[IdentifiedNode, Location] = {}
    typed: set[IdentifiedNode] = set()
    for path, graph, text in parsed:
        merged.addN(to_quads(graph, merged))
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace, override=False)
        _record_locations(path, graph, _subject_lines(path, graph, text), locations, typed)
    store.add_graph(merged)
    triples = sum(1 for _ in merged.quads((None, None, None, None)))
    return LoadResult(store, tuple(p for p, _, _ in parsed), triples, locations)


def load_default(store: Store) -> LoadResult:
    """Load the shipped ontology (``ontology/*.ttl`` without the shapes) and ``graph/*.ttl``.

    Parameters
    ----------
    store
        Where to add the triples.

    Returns
    -------
    LoadResult
    """
    return load_files(store, resources.ontology_files() + resources.graph_files())


def load_graph(data: Iterable[PathArg] | None = None, *, store: Store | None = None) -> LoadResult:
    """Load the shipped ontology plus data files into a store.

    Parameters
    ----------
    data
        Data files to load beside the ontology; default: the shipped ``graph/*.ttl``.
    store
        Where to load; default: a new `MemoryStore`.

    Returns
    -------
    LoadResult
        ``result.store`` holds the graph.

    Examples
    --------
    >>> result = load_graph()
    >>> len(result.store) > 0
    True
    """
    target: Store = MemoryStore() if store is None else store
    files = resources.graph_files() if data is None else tuple(data)
    return load_files(target, (*resources.ontology_files(), *files))


def _refuse_url(path: PathArg) -> None:
    if _URL.match(str(path)):
        raise LoadError(
            path,
            "looks like a URL; natokg loads local files only and never fetches "
            "(if it is a local file, write it as ./NAME)",
        )


def check_file(path: PathArg) -> str:
    """Check what can be checked of a file without parsing it; return its rdflib format.

    For loaders that parse with another engine (Oxigraph's bulk loader): the same refusals
    as `parse_file` for URLs, missing files, folders, unknown extensions and empty files,
    and for JSON-LD, contexts that name another document.

    Parameters
    ----------
    path
        A local file path.

    Returns
    -------
    str
        The rdflib format name (a value of `FORMATS`).

    Raises
    ------
    LoadError
        Naming the file and the problem.
    """
    fmt = _format_of(path)
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror}") from None
    if len(head) < (1 << 16) and not head.removeprefix(_BOM).strip():
        raise LoadError(path, "is empty")
    if fmt == "json-ld":
        _refuse_remote_contexts(path, _read_text(path)[0])
    return fmt


def _format_of(path: PathArg) -> str:
    """Return the rdflib format of an existing local file, from its extension."""
    _refuse_url(path)
    file = Path(path)
    if not file.exists():
        raise LoadError(path, "no such file")
    if file.is_dir():
        raise LoadError(path, "is a directory, not a file (pass the files in it, e.g. DIR/*.ttl)")
    fmt = FORMATS.get(file.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise LoadError(path, f"unknown file type {file.suffix or '(none)'!r}; expected {known}")
    return fmt


def _read_text(path: PathArg) -> tuple[str, str]:
    """Return the file's text (UTF-8, BOM dropped) and its rdflib format."""
    fmt = _format_of(path)
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror}") from None
    raw = raw.removeprefix(_BOM)  # editors on Windows add it; it carries no meaning
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise LoadError(
            path,
            f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            line,
            column,
        ) from None
    if not text.strip():
        raise LoadError(path, "is empty")
    return text, fmt


def _position(text: bytes | str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of `index` in `text`."""
    newline: Any = b"\n" if isinstance(text, bytes) else "\n"
    line = text.count(newline, 0, index) + 1
    column = index - (text.rfind(newline, 0, index) + 1) + 1
    return line, column


def _bad_syntax(path: PathArg, exc: BadSyntax) -> LoadError:
    try:  # BadSyntax keeps the parsed text and the offset, but only as private fields
        line, column = _position(exc._str.decode("utf-8"), exc._i)
    except (AttributeError, TypeError, UnicodeDecodeError):
        return LoadError(path, f"bad syntax: {exc}", exc.lines + 1)
    return LoadError(path, f"bad syntax: {exc._why}", line, column)


def _first_bad_line(text: str, fmt: str) -> int | None:
    """Return the first line of a line-based file (N-Triples, N-Quads) that fails to parse."""
    lines = text.splitlines(keepends=True)

    def parses(count: int) -> bool:
        graph = Dataset() if fmt in _QUAD_FORMATS else Graph()
        try:
            graph.parse(data="".join(lines[:count]), format=fmt)
        except Exception:
            return False
        return True

    low, high = 0, len(lines)  # lines[:low] parse, lines[:high] do not
    if parses(high):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if parses(middle):
            low = middle
        else:
            high = middle
    return high


def _refuse_remote_contexts(path: PathArg, text: str) -> None:
    """Refuse a JSON-LD document whose ``@context`` (or ``@import``) names another document."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    for key, value in _json_items(document):
        references = key == "@import" or (
            key == "@context" and (isinstance(value, str) or any(isinstance(v, str) for v in _as_list(value)))
        )
        if references:
            raise LoadError(
                path,
                f"JSON-LD {key} refers to another document; natokg never fetches contexts: "
                "inline the context as a JSON object",
            )


def _json_items(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _json_items(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_items(item)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _record_locations(
    path: Path,
    graph: Graph,
    lines: Mapping[IdentifiedNode, int],
    locations: dict[IdentifiedNode, Location],
    typed: set[IdentifiedNode],
) -> None:
    """Note where each subject of `graph` is defined, preferring files that type it."""
    for subject in set(graph.subjects()):
        if not isinstance(subject, IdentifiedNode) or subject in typed:
            continue
        is_typed = (subject, RDF.type, None) in graph
        if is_typed or subject not in locations:
            locations[subject] = Location(path, lines.get(subject))
        if is_typed:
            typed.add(subject)


_LEADING_TERM = re.compile(r"[ \t]*(<[^<>\s]*>|(?:[A-Za-z][\w.-]*)?:[^\s;,()\[\]{}<>\"']*)")


def _subject_lines(path: Path, graph: Graph, text: str) -> dict[IdentifiedNode, int]:
    """Return the first line where each subject starts a line (Turtle-like syntaxes only).

    Best effort: rdflib does not keep positions, so this reads the leading term of each line.
    """
    if FORMATS.get(path.suffix.lower()) not in {"turtle", "trig", "nt", "nquads"}:
        return {}
    base = path.resolve().as_uri()
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    subjects = set(graph.subjects())
    found: dict[IdentifiedNode, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LEADING_TERM.match(line)
        if match is None:
            continue
        term = match.group(1)
        if term.startswith("<"):
            iri = urljoin(base, term[1:-1])
        else:
            prefix, _, local = term.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + local.rstrip(".").replace("\\", "")
        node = URIRef(iri)
        if node in subjects and node not in found:
            found[node] = number
    return found
