"""Open a store from a spec string: ``memory``, ``oxigraph:PATH`` or ``sparql:QUERY_URL[,UPDATE_URL]``.

The command line's ``--store`` option and the Python API take the same strings. Each backend
is imported only when its spec is opened, so ``natokg --help`` never pays for pyoxigraph.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from natokg.store import MemoryStore, Store, StoreError

__all__ = ["KINDS", "StoreSpec", "open_store", "parse_store_spec"]

#: The kinds of store, with the form of their spec.
KINDS = {
    "memory": "memory",
    "oxigraph": "oxigraph:PATH",
    "sparql": "sparql:QUERY_URL[,UPDATE_URL]",
}


@dataclass(frozen=True)
class StoreSpec:
    """A parsed store spec.

    Attributes
    ----------
    kind
        ``memory``, ``oxigraph`` or ``sparql``.
    path
        The Oxigraph store's folder.
    query_url, update_url
        The SPARQL endpoint's query and (optional) update URLs.
    """

    kind: str
    path: Path | None = None
    query_url: str | None = None
    update_url: str | None = None


def parse_store_spec(spec: str) -> StoreSpec:
    """Parse a store spec without opening anything.

    Parameters
    ----------
    spec
        ``memory``, ``oxigraph:PATH`` or ``sparql:QUERY_URL[,UPDATE_URL]``.

    Returns
    -------
    StoreSpec

    Raises
    ------
    StoreError
        For a malformed spec; the message names it and lists the accepted forms.

    Examples
    --------
    >>> parse_store_spec("oxigraph:build/store").path
    PosixPath('build/store')
    >>> parse_store_spec("sparql:http://127.0.0.1:8890/sparql").query_url
    'http://127.0.0.1:8890/sparql'
    """
    text = spec.strip()
    kind, colon, rest = text.partition(":")
    if text == "memory":
        return StoreSpec("memory")
    if colon and kind == "oxigraph":
        if not rest.strip():
            _bad(spec, "oxigraph: needs the store's folder, e.g. oxigraph:build/store")
        return StoreSpec("oxigraph", path=Path(rest).expanduser())
    if colon and kind == "sparql":
        urls = rest.split(",")
        if len(urls) > 2:
            _bad(spec, "sparql: takes a query URL and at most one update URL, separated by a comma")
        for url in urls:
            _check_url(spec, url)
        return StoreSpec("sparql", query_url=urls[0], update_url=urls[1] if len(urls) == 2 else None)
    _bad(spec, "unknown kind of store")


def open_store(spec: str) -> Store:
    """Open the store a spec names.

    Parameters
    ----------
    spec
        ``memory`` (a new, empty in-memory store), ``oxigraph:PATH`` (the persistent
        Oxigraph store in folder PATH; nothing is created until the first write) or
        ``sparql:QUERY_URL[,UPDATE_URL]`` (a SPARQL 1.1 endpoint).

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        For a malformed spec, or a backend that is not installed or cannot open the store.

    Examples
    --------
    >>> len(open_store("memory"))
    0
    """
    parsed = parse_store_spec(spec)
    if parsed.kind == "memory":
        return MemoryStore()
    if parsed.kind == "oxigraph":
        from natokg.store_oxigraph import OxigraphStore

        return OxigraphStore(parsed.path)
    try:  # by name: the SPARQL store lives in its own module, written beside this one
        module = importlib.import_module("natokg.store_sparql")
    except ModuleNotFoundError as exc:
        raise StoreError(f"{spec}: the SPARQL endpoint store is not available ({exc})") from None
    store: Store = module.SparqlStore(parsed.query_url, parsed.update_url)
    return store


def _check_url(spec: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        _bad(spec, f"{url!r} is not an http(s) URL with a host")


def _bad(spec: str, why: str) -> NoReturn:
    forms = ", ".join(KINDS.values())
    raise StoreError(f"store {spec!r}: {why}; expected one of {forms}")
