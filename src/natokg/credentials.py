"""The account of a SPARQL store: its password file, and where HTTP Basic auth may go.

`natokg push` and ``sparql:`` store specs share these rules. Standard library only, so that
the command line can check its options without importing the HTTP client.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["AUTH_SCHEMES", "is_loopback", "masked", "read_password", "refuse_basic_in_clear"]

#: The HTTP authentication schemes a store accepts (`natokg.store_sparql.make_auth`).
AUTH_SCHEMES = ("digest", "basic")


_USERINFO = re.compile(r"//[^/?#]*@")


def masked(text: str) -> str:
    """Return `text` with the ``user:password@`` of any URL in it masked, for messages.

    Examples
    --------
    >>> masked("http://dba:secret@127.0.0.1:8890/sparql")
    'http://***@127.0.0.1:8890/sparql'
    """
    return _USERINFO.sub("//***@", text)


def read_password(path: Path) -> str:
    """Return the password in file `path` (one line; the line end is not part of it).

    Raises
    ------
    ValueError
        If the file cannot be read or holds no password; the message never holds the file's text.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the password file: {exc}") from None
    password = text.removesuffix("\n").removesuffix("\r")
    if not password or "\n" in password:
        raise ValueError(f"{path}: the password file must hold one line, the password")
    return password


def is_loopback(url: str) -> bool:
    """Return whether `url` names this machine (``localhost`` or a loopback address).

    Examples
    --------
    >>> is_loopback("http://127.0.0.1:8890/sparql"), is_loopback("http://example.org/sparql")
    (True, False)
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_basic_in_clear(url: str, what: str, hint: str = "digest auth") -> None:
    """Raise `ValueError` if HTTP Basic auth to `url` would cross the network in clear text.

    Plain ``http://`` is accepted on loopback only; `hint` names the way out besides https.
    """
    if urlsplit(url).scheme == "http" and not is_loopback(url):
        raise ValueError(
            f"{what} {url}: basic auth over plain http would send the password in clear; use https or {hint}"
        )
