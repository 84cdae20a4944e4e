"""Helpers the endpoint's tests share: a live server on loopback, listeners, small stores."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from rdflib import Dataset, Graph, URIRef

from natokg.load import load_graph
from natokg.server import ServerConfig, create_app
from natokg.store import MemoryStore, Store
from support import REPO


def require_chromium() -> str:
    """Return the path of the system's Chromium; skip without it (fail in CI, which installs it)."""
    path = Path("/usr/bin/chromium")
    if not path.exists():
        reason = "/usr/bin/chromium is not installed (make system-deps installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have it")
        pytest.skip(reason)
    return str(path)


def require_w3c() -> Path:
    """Return the W3C protocol tests' folder; skip without it (fail in CI, which has shared/)."""
    if not (W3C / "manifest.ttl").is_file():
        reason = f"the W3C SPARQL 1.1 Protocol tests are not at {W3C}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have them")
        pytest.skip(reason)
    return W3C


#: The W3C SPARQL 1.1 Protocol tests, beside the checkout (../shared/w3c/sparql11-protocol).
W3C = REPO.parent / "shared" / "w3c" / "sparql11-protocol"
KASEI = "http://kasei.us/2009/09/sparql/data/"


@dataclass
class LiveServer:
    """A running endpoint: its base URL and the application behind it."""

    url: str
    port: int
    app: object = field(repr=False)


@contextmanager
def live_server(store: Store, **config: object) -> Iterator[LiveServer]:
    """Serve `store` on a free loopback port in a thread; stop it (and its workers) on exit.

    The workers are forked by `create_app` here, before the server thread starts.
    """
    settings = {"timeout": 10.0, "workers": 2, **config}
    app = create_app(store, ServerConfig(**settings))  # type: ignore[arg-type]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", port, app)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def natokg_store() -> Store:
    """Return the shipped graph."""
    return load_graph().store


def w3c_store(*, with_data0: bool = True) -> MemoryStore:
    """Return a store holding data1.nt-data3.nt under the graph names the W3C manifest uses.

    The manifest also names ``data0.rdf`` as a default graph but ships no file for it; with
    `with_data0`, a graph of the same shape (one triple) stands in for it.
    """
    dataset = Dataset()
    for number in (1, 2, 3):
        name = URIRef(f"{KASEI}data{number}.rdf")
        graph = Graph().parse(require_w3c() / f"data{number}.nt", format="nt")
        dataset.graph(name).addN((s, p, o, dataset.graph(name)) for s, p, o in graph)
    if with_data0:
        name = URIRef(f"{KASEI}data0.rdf")
        foaf_document = URIRef("http://xmlns.com/foaf/0.1/Document")
        rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        dataset.graph(name).add((name, rdf_type, foaf_document))
    store = MemoryStore()
    store.add_graph(dataset)
    return store


@contextmanager
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """Listen on a free loopback port; yield the port and what connections sent (must stay empty)."""
    received: list[bytes] = []
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    received.append(conn.recv(65536) or b"<connected>")
                except OSError:
                    received.append(b"<connected>")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(5)
        server.close()
