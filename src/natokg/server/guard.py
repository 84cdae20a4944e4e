"""The endpoint's outer wall: Host and Origin checks, and security headers on every response.

A page on another site can make a browser send requests to ``127.0.0.1``; two checks stop
it. The ``Host`` header must name this server (DNS rebinding points a foreign name at
127.0.0.1, but the browser still sends the foreign name), and a request that carries an
``Origin`` must come from this server's own pages or the one origin allowed by ``--cors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Guard", "host_allowed"]

#: Host names that always reach this machine only.
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'"


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Return whether a ``Host`` header names this server.

    `allowed` holds host names (any port) and ``name:port`` pairs; the loopback names are
    always allowed.

    Examples
    --------
    >>> host_allowed("127.0.0.1:7878", [])
    True
    >>> host_allowed("attacker.example:7878", [])
    False
    >>> host_allowed("kg.example:8080", ["kg.example:8080"])
    True
    """
    host = host.strip().lower()
    if not host:
        return False
    name, port = host, ""
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name += "]"
        port = rest.removeprefix(":")
    elif host.count(":") == 1:
        name, port = host.split(":")
    if port and not port.isdigit():
        return False
    names = _LOOPBACK | {a.lower() for a in allowed}
    return name in names or host in names


class Guard:
    """ASGI middleware: refuse foreign ``Host`` and ``Origin`` (403); add security headers.

    Parameters
    ----------
    app
        The application inside.
    allowed_hosts
        Extra host names (or ``name:port``) besides the loopback names.
    cors_origin
        The one foreign origin allowed (``--cors``), or None.
    """

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str], cors_origin: str | None) -> None:
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)
        self.cors_origin = cors_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 403 to a foreign Host or Origin; pass anything else on, adding the headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        origin = headers.get("origin")
        if not host_allowed(host, self.allowed_hosts):
            await _refuse(
                send, b"host not allowed: this server answers to localhost only (see --allowed-host)"
            )
            return
        if origin is not None and origin != self.cors_origin and origin != f"{scope['scheme']}://{host}":
            await _refuse(send, b"cross-origin request refused (see --cors)")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in _HEADERS:
                    out.append(name.decode(), value.decode())
                if "content-security-policy" not in out:
                    out.append("content-security-policy", _DEFAULT_CSP.decode())
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, message: bytes) -> None:
    body = message + b"\n"
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *_HEADERS,
        (b"content-security-policy", _DEFAULT_CSP),
    ]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
