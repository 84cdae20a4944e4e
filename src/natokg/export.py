"""Serialise a store to RDF files, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from natokg.store import Store, union_graph

__all__ = ["EXPORT_FORMATS", "serialize", "write_atomic"]

#: Export format name (as on the command line) -> rdflib serializer name.
EXPORT_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}


def serialize(store: Store, fmt: str) -> bytes:
    r"""Serialise everything in `store`.

    Turtle and N-Triples hold one graph, so they get the union of all graphs; TriG and
    JSON-LD keep named graphs.

    Parameters
    ----------
    store
        The store to export.
    fmt
        One of `EXPORT_FORMATS`: ``ttl``, ``nt``, ``jsonld``, ``trig``.

    Returns
    -------
    bytes
        UTF-8 encoded RDF.

    Raises
    ------
    ValueError
        For an unknown format.

    Examples
    --------
    >>> from rdflib import Graph, URIRef
    >>> from natokg.store import MemoryStore
    >>> store = MemoryStore()
    >>> store.add_graph(Graph().add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))))
    >>> serialize(store, "nt")
    b'<urn:a> <urn:b> <urn:c> .\n\n'
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    graph = union_graph(store) if fmt in {"ttl", "nt"} else store.dataset()
    if fmt == "jsonld":  # compact IRIs with the data's own prefixes, as in the Turtle
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix and prefix != "xml"}
        return graph.serialize(format="json-ld", encoding="utf-8", context=context, auto_compact=True)
    return graph.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    Readers see the old file or the new one, never a half-written one; on any error the
    old file is left as it was and the temporary file is removed.

    Parameters
    ----------
    path
        The file to (re)place; missing parent folders are created.
    data
        The bytes, or an iterable of byte chunks.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in [data] if isinstance(data, bytes) else data:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        temp.chmod(mode)  # mkstemp makes 0600; give the file the mode a plain write would
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
