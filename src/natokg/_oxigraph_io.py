"""What the Oxigraph store needs around pyoxigraph (private): terms, answers, files, locks.

Terms go from pyoxigraph to rdflib once per distinct term of an answer; a SELECT answer is an
rdflib `Result` whose rows are built without a dict each; files are read through a counter
(the progress bar) with the ``@prefix`` lines noted on the side; a store has one writer at
a time (an exclusive lock) and its manifest's rename reaches the disk (the folder is synced).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableSequence
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node, Variable

from natokg.load import display_path
from natokg.store import StoreError

__all__ = [
    "Counting",
    "Progress",
    "Rows",
    "converter",
    "locked",
    "sync_folder",
    "syntax_message",
    "turtle_prefixes",
]

#: ``progress(file, bytes_done, bytes_total)``, called while a file loads.
Progress = Callable[[Path, int, int], None]

_XSD_STRING = str(XSD.string)
_XSD_DECIMAL = str(XSD.decimal)
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>")
_MISSING = object()


#: Terms converted for earlier answers, kept for the next ones (a worker answers query
#: after query, mostly about the same entities; an rdflib literal takes microseconds to make).
_SHARED: dict[Any, Node | None] = {None: None}
_SHARED_MAX = 1 << 16


def converter(*, shared: bool = False) -> Callable[[Any], Node | None]:
    """Return a function that turns pyoxigraph terms into rdflib terms, each distinct term once.

    With `shared`, terms converted for earlier answers are reused (a query answer); without
    it, the function keeps its own (a dump of the whole store, which would flush the rest).
    """
    if shared and len(_SHARED) > _SHARED_MAX:
        _SHARED.clear()
        _SHARED[None] = None
    seen: dict[Any, Node | None] = _SHARED if shared else {None: None}
    get = seen.get

    def convert(term: Any) -> Node | None:
        value = get(term, _MISSING)
        if value is _MISSING:
            value = seen[term] = _rdflib_term(term)
        return value  # type: ignore[return-value]

    return convert


def _rdflib_term(term: Any) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return str.__new__(URIRef, term.value)  # Oxigraph checked the IRI: skip rdflib's check
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:  # RDF 1.1: a literal without a datatype; rdflib keeps it plain
            return Literal(term.value)
        value = term.value
        if datatype == _XSD_DECIMAL and "." not in value:  # Oxigraph writes 1.0 as 1; rdflib keeps 1.0
            value += ".0"
        return Literal(value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"natokg does not handle RDF-star terms: {term}")


class Rows(Result):
    """A SELECT answer built from converted rows: its rows share one class and no dict each."""

    def __init__(self, variables: list[Variable], rows: list[tuple[Node | None, ...]]) -> None:
        super().__init__("SELECT")
        self.vars = variables
        self._rows = rows
        # ResultRow finds a column by name through `labels`; a class attribute serves every row.
        self._row = type("Row", (ResultRow,), {"labels": {str(v): i for i, v in enumerate(variables)}})

    @property
    def bindings(self) -> MutableSequence[Mapping[Variable, Identifier]]:
        """The rows as dicts (built on demand: iterating needs none)."""
        variables = self.vars or []
        return [
            {v: term for v, term in zip(variables, row, strict=True) if isinstance(term, Identifier)}
            for row in self._rows
        ]

    @bindings.setter
    def bindings(self, rows: Iterable[Mapping[Variable, Identifier]]) -> None:
        variables = self.vars or []
        self._rows = [tuple(row.get(v) for v in variables) for row in rows]

    def __iter__(self) -> Iterator[ResultRow]:
        make, row_type = tuple.__new__, self._row
        for row in self._rows:
            yield make(row_type, row)

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)


class Counting(io.RawIOBase):
    """A binary file that reports how much of it was read."""

    def __init__(self, raw: IO[bytes], file: Path, total: int, progress: Progress | None) -> None:
        self._raw, self._file, self._total, self._progress = raw, file, total, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer) or 0  # type: ignore[attr-defined]
        if self._progress is not None:
            self._progress(self._file, self._raw.tell(), self._total)
        return count


def turtle_prefixes(file: Path) -> dict[str, str]:
    """Return the ``@prefix`` / ``PREFIX`` declarations of a Turtle or TriG file."""
    found: dict[str, str] = {}
    with file.open(encoding="utf-8", errors="replace") as text:
        for line in text:
            if "refix" in line[:16] or "REFIX" in line[:16]:
                match = _PREFIX_LINE.match(line)
                if match:
                    found.setdefault(match.group(1) or "", match.group(2))
    return found


def syntax_message(exc: SyntaxError) -> str:
    """Return a pyoxigraph syntax error's message without its position (the caller reports it)."""
    message = str(exc.msg or exc)
    return re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", message)


@contextlib.contextmanager
def locked(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock` (one writer per store), or fail at once."""
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{display_path(lock.parent)}: another process is writing this store") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the rename of the manifest) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
