"""Open a store from a spec string: ``memory``, ``oxigraph:PATH`` or ``sparql:QUERY_URL[,...]``.

The command line's ``--store`` option and the Python API take the same strings. Each backend
is imported only when its spec is opened, so ``natokg --help`` never pays for pyoxigraph.

A ``sparql:`` spec is a comma-separated list: the query URL, an optional update URL, then
``key=value`` fields (a field is a key field when it starts with lowercase letters or ``-``
and ``=``): ``graph=IRI`` (the named graph to read and write), ``user=NAME`` with
``password-file=PATH`` (the account; the password is read from the file when the store is
opened, never kept in the spec) and ``auth=digest|basic`` (default digest).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from natokg.credentials import AUTH_SCHEMES, read_password, refuse_basic_in_clear
from natokg.store import MemoryStore, Store, StoreError

__all__ = ["KINDS", "StoreSpec", "open_store", "parse_store_spec"]

#: The kinds of store, with the form of their spec.
KINDS = {
    "memory": "memory",
    "oxigraph": "oxigraph:PATH",
    "sparql": (
        "sparql:QUERY_URL[,UPDATE_URL][,graph=IRI][,user=NAME][,password-file=PATH][,auth=digest|basic]"
    ),
}

_KEY = re.compile(r"^([a-z-]+)=")
_FIELDS = ("graph", "user", "password-file", "auth")


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
    graph
        The named graph a SPARQL store reads and writes (None: the endpoint's default graph).
    user, password_file
        The endpoint's account and the file holding its password (the password itself is
        read by `open_store` and kept nowhere here).
    auth
        ``digest`` or ``basic``; None means digest.
    """

    kind: str
    path: Path | None = None
    query_url: str | None = None
    update_url: str | None = None
    graph: str | None = None
    user: str | None = None
    password_file: Path | None = None
    auth: str | None = None


def parse_store_spec(spec: str) -> StoreSpec:
    """Parse a store spec without opening anything.

    Parameters
    ----------
    spec
        ``memory``, ``oxigraph:PATH`` or
        ``sparql:QUERY_URL[,UPDATE_URL][,graph=IRI][,user=NAME][,password-file=PATH][,auth=digest|basic]``.

    Returns
    -------
    StoreSpec

    Raises
    ------
    StoreError
        For a malformed spec; the message names it and lists the accepted forms. The password
        file is not read here (see `open_store`).

    Examples
    --------
    >>> parse_store_spec("oxigraph:build/store").path
    PosixPath('build/store')
    >>> parse_store_spec("sparql:http://127.0.0.1:8890/sparql").query_url
    'http://127.0.0.1:8890/sparql'
    >>> parse_store_spec("sparql:http://127.0.0.1:8890/sparql,graph=https://w3id.org/natokg/graph").graph
    'https://w3id.org/natokg/graph'
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
        return _parse_sparql(spec, rest)
    _bad(spec, "unknown kind of store")


def _parse_sparql(spec: str, rest: str) -> StoreSpec:
    urls: list[str] = []
    fields: dict[str, str] = {}
    for field in rest.split(","):
        key = _KEY.match(field)
        if key is None:
            if fields:
                _bad(spec, f"URL {field!r} after a key=value field: give the URLs first")
            urls.append(field)
            continue
        name, value = key.group(1), field[key.end() :]
        if name not in _FIELDS:
            _bad(spec, f"unknown field '{name}='; sparql: takes {', '.join(f + '=' for f in _FIELDS)}")
        if name in fields:
            _bad(spec, f"{name}= is given twice")
        if not value.strip():
            _bad(spec, f"{name}= has no value")
        fields[name] = value
    if not urls:
        _bad(spec, "sparql: needs a query URL first")
    if len(urls) > 2:
        _bad(spec, "sparql: takes a query URL and at most one update URL, separated by a comma")
    for url in urls:
        _check_url(spec, url)
    parsed = StoreSpec(
        "sparql",
        query_url=urls[0],
        update_url=urls[1] if len(urls) == 2 else None,
        graph=fields.get("graph"),
        user=fields.get("user"),
        password_file=Path(fields["password-file"]).expanduser() if "password-file" in fields else None,
        auth=fields.get("auth"),
    )
    _check_account(spec, parsed)
    return parsed


def _check_account(spec: str, parsed: StoreSpec) -> None:
    """Check the graph IRI and the account of a ``sparql:`` spec."""
    from natokg.sparql_text import SparqlTextError, check_iri

    try:
        if parsed.graph is not None:
            check_iri(parsed.graph, "graph IRI")
    except SparqlTextError as exc:
        _bad(spec, str(exc))
    if parsed.user is not None and parsed.password_file is None:
        _bad(spec, "user= needs password-file= (a file holding the password)")
    if parsed.password_file is not None and parsed.user is None:
        _bad(spec, "password-file= needs user=")
    if parsed.auth is not None and parsed.user is None:
        _bad(spec, "auth= needs user= and password-file=")
    if parsed.auth is not None and parsed.auth not in AUTH_SCHEMES:
        _bad(spec, f"auth= must be digest or basic, not {parsed.auth!r}")
    if parsed.auth == "basic":
        pairs = [("query endpoint", parsed.query_url), ("update endpoint", parsed.update_url)]
        try:
            for what, url in pairs:
                if url is not None:
                    refuse_basic_in_clear(url, what, "auth=digest")
        except ValueError as exc:
            _bad(spec, str(exc))


def open_store(spec: str) -> Store:
    """Open the store a spec names.

    Parameters
    ----------
    spec
        ``memory`` (a new, empty in-memory store), ``oxigraph:PATH`` (the persistent
        Oxigraph store in folder PATH; nothing is created until the first write) or
        ``sparql:QUERY_URL[,UPDATE_URL][,graph=IRI][,user=NAME][,password-file=PATH][,auth=digest|basic]``
        (a SPARQL 1.1 endpoint; with ``graph=``, the named graph that queries read and loads
        write; with ``user=``, requests authenticate with the password read from ``password-file=``).

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        For a malformed spec, an unreadable password file, or a backend that is not installed
        or cannot open the store. No message holds the password.

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
    try:
        password = None if parsed.password_file is None else read_password(parsed.password_file)
        auth = module.make_auth(parsed.user, password, parsed.auth or "digest")
        store: Store = module.SparqlStore(parsed.query_url, parsed.update_url, auth=auth, graph=parsed.graph)
    except ValueError as exc:
        raise StoreError(f"store {_shown(spec)!r}: {exc}") from None
    return store


def _check_url(spec: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        _bad(spec, f"{_shown(url)!r} is not an http(s) URL with a host")
    if parts.username is not None or parts.password is not None:
        _bad(spec, f"{_shown(url)!r}: give the account as user= and password-file=, not in the URL")


def _shown(text: str) -> str:
    """Return `text` with any ``user:password@`` of a URL masked, for messages."""
    from natokg.credentials import masked

    return masked(text)


def _bad(spec: str, why: str) -> NoReturn:
    forms = ", ".join(KINDS.values())
    raise StoreError(f"store {_shown(spec)!r}: {why}; expected one of {forms}")
