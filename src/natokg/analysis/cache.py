"""A cache of projections on disk, so that repeated commands skip parsing the Turtle.

Parsing the shipped files with rdflib takes about 0.4 s, more than everything else a
command such as ``natokg gaps`` does; the projection it yields is a few hundred kilobytes.
An entry is keyed by the SHA-256 of the analysis code and of every input file's bytes, so
an edited file or a new natokg version never sees a stale projection. Only files the
user's own account writes are read (a folder of mode 0700 under the user's cache home);
an unreadable or damaged entry is ignored and rebuilt, and a cache that cannot be written
costs only the time it would have saved.

``NATOKG_CACHE_DIR`` sets the folder; ``NATOKG_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx

from natokg.analysis.project import KG

__all__ = ["cache_dir", "cached_projection", "projection_key"]

_CODE = Path(__file__).resolve().parent  # the analysis package: its code shapes the projection


def cache_dir() -> Path | None:
    """Return the cache folder, or None when ``NATOKG_NO_CACHE`` turns the cache off."""
    if os.environ.get("NATOKG_NO_CACHE", "") not in {"", "0"}:
        return None
    if folder := os.environ.get("NATOKG_CACHE_DIR"):
        return Path(folder)
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "natokg"


def projection_key(files: Sequence[Path]) -> str:
    """Return the cache key of the projection of `files`: a hash of code and contents.

    Examples
    --------
    >>> from natokg import resources
    >>> key = projection_key(resources.ontology_files())
    >>> len(key), key == projection_key(resources.ontology_files())
    (64, True)
    """
    digest = hashlib.sha256()
    for source in sorted(_CODE.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for path in files:
        digest.update(b"file\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


def cached_projection(files: Sequence[Path], build: Callable[[], KG]) -> KG:
    """Return the projection of `files` from the cache, or `build` it and store it.

    Parameters
    ----------
    files
        Every file the projection is made from (ontology, data, overlay), in order.
    build
        Makes the projection when the cache has none; its errors propagate, and nothing is
        stored for input that fails.

    Returns
    -------
    networkx.MultiDiGraph
    """
    folder = cache_dir()
    try:
        entry = folder / f"projection-{projection_key(files)}.pickle" if folder else None
    except OSError:
        entry = None  # an unreadable input file: `build` reports it properly
    if entry is not None and not _private(entry.parent):
        entry = None
    if entry is not None:
        try:
            with entry.open("rb") as handle:
                found = pickle.load(handle)  # our own entry, in a folder only we can write
            if isinstance(found, nx.MultiDiGraph):
                return found
        except Exception:  # missing or damaged (any unpickling error): rebuild it
            pass
    projection = build()
    if entry is not None:
        _store(entry, projection)
    return projection


def _private(folder: Path) -> bool:
    """Tell whether `folder` is missing or only this user can write to it (pickles run code)."""
    try:
        status = folder.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _store(entry: Path, projection: KG) -> None:
    from natokg.export import write_atomic

    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(entry, pickle.dumps(projection, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only home: the command still works, only without the cache
