"""The Starlette application: routes, the worker pool, and how errors become responses.

Every query runs in a worker process of a `natokg.workers.WorkerPool` under the time limit
(503 past it, the worker killed); the server process parses requests and passes bytes on.
"""

from __future__ import annotations

import contextlib
import hmac
import importlib.util
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from pyparsing import ParseException
from rdflib import URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from natokg.params import QueryError
from natokg.queries import QueryTimeoutError, get_query, list_queries
from natokg.server import pages
from natokg.server.guard import Guard
from natokg.server.jobs import Reply, apply_update, graph_names, network_page, run_named, run_sparql
from natokg.server.protocol import GRAPH_TYPES, Operation, ProtocolError, negotiate, read_operation
from natokg.store import RemoteAccessError, Store, prepare_local_update
from natokg.workers import WorkerError, WorkerPool

__all__ = ["ServerConfig", "create_app"]

T = TypeVar("T")

_API_TYPES = {"application/json": "json", "text/csv": "csv", "text/tab-separated-values": "tsv"}
_CHARSET = {"text/csv", "text/tab-separated-values", "text/turtle", "application/json"}


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint runs; the defaults are the safe ones.

    Attributes
    ----------
    host, port
        Where it listens (used for the Host check and the service description).
    timeout
        Seconds a query (or update) may run before its worker is killed (503).
    max_rows
        Rows (or triples) past this are cut and the response says so.
    max_body
        Bytes a request body may have (413 past it).
    cors
        The one foreign origin allowed to call the endpoint from a browser, or None.
    allowed_hosts
        Host names (or ``name:port``) accepted besides localhost, 127.0.0.1 and [::1].
    update_token
        Updates are allowed only when set, with ``Authorization: Bearer <token>``.
    workers
        Queries that run at once, each in its own process.
    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 1_048_576
    cors: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    update_token: str | None = field(default=None, repr=False)
    workers: int = 4


class _State:
    """What the routes share: the pool and what is known of the store's graphs."""

    def __init__(self, pool: WorkerPool, config: ServerConfig) -> None:
        self.pool = pool
        self.config = config
        self.graphs: frozenset[URIRef] = pool.call(graph_names, timeout=config.timeout)
        self.network: Reply | None = None

    async def call(self, func: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(
            partial(self.pool.call, func, *args, timeout=self.config.timeout)
        )


def create_app(store: Store, config: ServerConfig | None = None) -> Starlette:
    """Return the endpoint's ASGI application, serving `store`.

    The worker processes are forked here, before any server thread starts; they stop when
    the application shuts down (or on ``app.state.pool.close()``).

    Parameters
    ----------
    store
        Any `natokg.store.Store`.
    config
        Limits and switches; `ServerConfig()` by default.

    Returns
    -------
    starlette.applications.Starlette
    """
    config = config or ServerConfig()
    pool = WorkerPool(store, size=config.workers)
    try:
        state = _State(pool, config)
    except BaseException:
        pool.close()
        raise
    allowed = [*config.allowed_hosts]
    if config.host not in ("0.0.0.0", "::", ""):
        allowed += [config.host, f"{config.host}:{config.port}"]
    middleware = [Middleware(Guard, allowed_hosts=allowed, cors_origin=config.cors)]
    if config.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[config.cors],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type", "Authorization"],
                expose_headers=["Natokg-Truncated", "Natokg-Max-Rows"],
            )
        )
    index = pages.index_html(updates=config.update_token is not None)
    openapi = pages.openapi_document(list_queries())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()

    async def sparql(request: Request) -> Response:
        try:
            operation = await read_operation(request, max_body=config.max_body)
            if operation.kind == "description":
                return _description(request, state)
            if operation.kind == "update":
                return await _update(request, operation, state)
            reply = await state.call(
                run_sparql,
                operation.text,
                operation.default_graphs,
                operation.named_graphs,
                request.headers.get("accept"),
                config.max_rows,
                state.graphs,
            )
        except ProtocolError as exc:
            return _error(exc.status, exc.message)
        except QueryTimeoutError as exc:
            return _error(503, str(exc))
        except WorkerError:
            return _error(500, "internal error: the query process failed")
        return _reply(reply, config)

    async def named_query(request: Request) -> Response:
        query_id = request.path_params["query_id"]
        try:
            get_query(query_id)
        except QueryError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        media = negotiate(request.headers.get("accept"), list(_API_TYPES))
        if media is None:
            return JSONResponse({"error": f"acceptable: {', '.join(_API_TYPES)}"}, status_code=406)
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in params:
                return JSONResponse({"error": f"parameter {key!r} is given twice"}, status_code=400)
            params[key] = value
        try:
            reply = await state.call(run_named, query_id, params, media, config.max_rows)
        except QueryTimeoutError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        except WorkerError:
            return JSONResponse({"error": "internal error: the query process failed"}, status_code=500)
        if reply.status != 200:
            body = {"error": reply.message, "parameter": reply.parameter}
            return JSONResponse(body, status_code=reply.status)
        return _reply(reply, config)

    async def network(request: Request) -> Response:
        if importlib.util.find_spec("natokg.viz") is None:
            return _error(404, "the network page is not part of this build (natokg.viz is missing)")
        if state.network is None:
            try:
                state.network = await state.call(network_page)
            except QueryTimeoutError as exc:
                return _error(503, str(exc))
            except WorkerError:
                return _error(500, "internal error: the network page could not be drawn")
        if state.network.status != 200:
            return _error(state.network.status, state.network.message)
        return Response(
            state.network.body, media_type="text/html", headers={"content-security-policy": pages.NETWORK_CSP}
        )

    routes = [
        Route("/", lambda request: Response(index, media_type="text/html", headers=pages.PAGE_HEADERS)),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql/", sparql, methods=["GET", "POST"]),
        Route("/api/queries", lambda request: JSONResponse(pages.query_list(list_queries()))),
        Route("/api/queries/{query_id}", named_query),
        Route("/api/openapi.json", lambda request: JSONResponse(openapi)),
        Route("/network", network),
        Mount("/static", StaticFiles(directory=pages.STATIC)),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.add_exception_handler(Exception, _internal_error)
    app.state.pool = pool
    return app


async def _update(request: Request, operation: Operation, state: _State) -> Response:
    # LOAD, SERVICE and USING are refused as such (400), read-only or not: never a silent no-op.
    try:
        await anyio.to_thread.run_sync(prepare_local_update, operation.text)
    except ParseException as exc:
        return _error(400, f"syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}")
    except RemoteAccessError as exc:
        return _error(400, str(exc))
    except RecursionError:
        return _error(400, "the update is nested too deeply")
    token = state.config.update_token
    if token is None:
        return _error(403, "this endpoint is read-only (updates need natokg serve --allow-update)")
    given = request.headers.get("authorization", "")
    scheme, _, credential = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), token.encode()):
        return _error(401, "updates need 'Authorization: Bearer <token>'", {"www-authenticate": "Bearer"})
    if operation.method != "POST":
        return _error(400, "updates must be sent by POST")
    if operation.using_graphs:
        return _error(400, "using-graph-uri and using-named-graph-uri are not supported")
    try:
        await anyio.to_thread.run_sync(
            partial(state.pool.promote, apply_update, operation.text, timeout=state.config.timeout)
        )
    except QueryTimeoutError as exc:
        return _error(503, str(exc))
    except WorkerError as exc:
        return _error(400, f"the update failed: {exc}"[:500])
    state.graphs = await state.call(graph_names)
    state.network = None
    return Response(status_code=204)


def _description(request: Request, state: _State) -> Response:
    media = negotiate(request.headers.get("accept"), list(GRAPH_TYPES))
    if media is None:
        return _error(406, f"the service description is available as {', '.join(GRAPH_TYPES)}")
    endpoint = str(request.url.replace(query=""))
    body = pages.service_description(
        endpoint, GRAPH_TYPES[media], graphs=state.graphs, updates=state.config.update_token is not None
    )
    return Response(body, media_type=_content_type(media), headers={"vary": "Accept"})


def _reply(reply: Reply, config: ServerConfig) -> Response:
    if reply.status != 200:
        return _error(reply.status, reply.message)
    headers = {"vary": "Accept", "natokg-max-rows": str(config.max_rows)}
    if reply.truncated:
        headers["natokg-truncated"] = "true"
    return Response(reply.body, media_type=_content_type(reply.media_type), headers=headers)


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in _CHARSET else media


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.splitlines()[0][:500] + "\n", status_code=status, headers=headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    return _error(500, "internal error")
