"""``natokg serve``: the SPARQL 1.1 endpoint and its query page (see `natokg.server`).

Starlette, uvicorn and the server modules are imported inside the command, so that
``natokg --help`` and the other commands stay fast.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Annotated

import typer

from natokg._cli_app import MEMORY, PathsArgument, StoreOption, app, console, fail, load

__all__ = ["serve"]

_MIN_TOKEN = 16


@app.command()
def serve(
    paths: PathsArgument = None,
    store_spec: StoreOption = MEMORY,
    host: Annotated[
        str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless you must).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 7878,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may run; past it its worker is killed (503).", min=0.1)
    ] = 30.0,
    max_rows: Annotated[
        int, typer.Option(help="Rows (or triples) a response holds at most; more are cut.", min=1)
    ] = 10_000,
    max_body: Annotated[
        int, typer.Option(help="Bytes a request body may have (413 past it).", min=1024)
    ] = 1_048_576,
    workers: Annotated[
        int, typer.Option(help="Queries that run at once, each in its own process.", min=1, max=64)
    ] = 4,
    cors: Annotated[
        str | None, typer.Option(help="Let pages of this one origin (https://host:port) call the endpoint.")
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Accept this Host header too (a name, or name:port); repeatable.", show_default=False
        ),
    ] = None,
    allow_update: Annotated[bool, typer.Option(help="Accept SPARQL Update (needs --token-file).")] = False,
    token_file: Annotated[
        Path | None,
        typer.Option(help="File holding the bearer token that updates must carry.", show_default=False),
    ] = None,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol, with a query page at /.

    Read-only unless --allow-update; every query runs in a worker process under --timeout
    and its answer is cut at --max-rows.
    """
    token = _token(allow_update, token_file)
    if cors is not None and not cors.startswith(("http://", "https://")):
        fail(f"--cors {cors}: give an origin such as https://example.org:8443")
    import uvicorn

    from natokg.server import ServerConfig, create_app

    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        cors=cors,
        allowed_hosts=tuple(allowed_host or ()),
        update_token=token,
        workers=workers,
    )
    store = load(paths, store_spec).store
    application = create_app(store, config)  # forks the workers before uvicorn starts threads
    out = console(stderr=True)
    shown = f"[{host}]" if ":" in host else host
    out.print(
        f"natokg: SPARQL endpoint at http://{shown}:{port}/sparql, query page at http://{shown}:{port}/"
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        out.print(
            "natokg: warning: listening beyond this machine; add --allowed-host for the name clients use"
        )
    uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False)


def _token(allow_update: bool, token_file: Path | None) -> str | None:
    if not allow_update:
        if token_file is not None:
            fail("--token-file is for --allow-update")
        return None
    if token_file is None:
        fail("--allow-update needs --token-file FILE (the bearer token updates must carry)")
    try:
        token = token_file.read_text(encoding="utf-8").strip()
        mode = token_file.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{token_file}: cannot read the token: {exc}")
    if len(token) < _MIN_TOKEN or any(c.isspace() for c in token):
        fail(f"{token_file}: the token must be one word of at least {_MIN_TOKEN} characters")
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        console(stderr=True).print(f"natokg: warning: {token_file} is readable by other users (chmod 600 it)")
    return token
