"""Helpers the tests share: repository paths, child-process environment, system tools, Virtuoso."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NoReturn

import pytest
from rdflib import Graph, Literal

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The type of the ``run_natokg`` fixture: ``run(*args, cwd=None, env=None)``.
RunNatokg = Callable[..., subprocess.CompletedProcess[str]]


def require_tool(name: str) -> str:
    """Return the path of system tool `name`; skip the test when it is missing.

    In CI (``CI=true``) a missing tool fails the test instead: CI installs it
    (``make system-deps``), so a skip there would hide a broken setup.
    """
    path = shutil.which(name)
    if path is None:
        reason = f"system tool {name!r} is not installed (make system-deps installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have it")
        pytest.skip(reason)
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """Return the environment for a child process: no colour settings, natokg importable."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def run_natokg_process(
    *args: str | os.PathLike[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m natokg ARGS`` in a child process; stdout and stderr kept apart."""
    return subprocess.run(
        [sys.executable, "-m", "natokg", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=clean_env(**(env or {})),
        timeout=300,
        check=False,
    )


# ---------------------------------------------------------------------------
# Virtuoso: the CI's instance (NATOKG_VIRTUOSO_* set by .ci/virtuoso), or one of our own
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso on loopback and its dba account."""

    url: str
    user: str
    password: str
    password_file: Path

    @property
    def query_url(self) -> str:
        """The anonymous, read-only SPARQL endpoint."""
        return f"{self.url}/sparql"

    @property
    def update_url(self) -> str:
        """The SPARQL endpoint that takes updates (HTTP Digest auth)."""
        return f"{self.url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store Protocol endpoint (HTTP Digest auth)."""
        return f"{self.url}/sparql-graph-crud-auth"

    def push_args(self, graph: str) -> list[str]:
        """Return the arguments of ``natokg push`` that replace `graph` with the shipped graph."""
        args = ["push", "--endpoint", self.update_url, "--graph-store", self.graph_store_url]
        return [*args, "--graph", graph, "--user", self.user, "--password-file", str(self.password_file)]

    def drop(self, graph: str) -> None:
        """Drop named graph `graph`, if it is there."""
        from natokg.store_sparql import SparqlStore, make_auth

        writer = SparqlStore(self.update_url, self.update_url, auth=make_auth(self.user, self.password))
        writer.update(f"DROP SILENT GRAPH <{graph}>")
        writer.close()


def virtuoso_from_env() -> Virtuoso | None:
    """Return the Virtuoso that ``.ci/virtuoso start`` announced in the environment, if any."""
    url = os.environ.get("NATOKG_VIRTUOSO_URL")
    password = os.environ.get("NATOKG_VIRTUOSO_PASSWORD")
    if not url or not password:
        return None
    password_file = os.environ.get("NATOKG_VIRTUOSO_PASSWORD_FILE")
    if not password_file:
        raise RuntimeError("NATOKG_VIRTUOSO_PASSWORD_FILE is not set beside NATOKG_VIRTUOSO_URL")
    return Virtuoso(url, os.environ.get("NATOKG_VIRTUOSO_USER", "dba"), password, Path(password_file))


def start_virtuoso(directory: Path) -> Virtuoso:
    """Start a private Virtuoso with ``.ci/virtuoso start DIRECTORY/server`` and return it.

    As ``.ci/run`` does, it starts with the shipped graph loaded (``VIRTUOSO_WARMUP``): started
    on an empty database, Virtuoso 7.2 answers some anti-joins wrongly.
    """
    from natokg.load import load_graph
    from natokg.store import union_graph

    warmup = directory / "warmup.nt"
    union_graph(load_graph().store).serialize(warmup, format="nt", encoding="utf-8")
    env = {
        **os.environ,
        "VIRTUOSO_BUFFERS": os.environ.get("VIRTUOSO_BUFFERS", "20000"),
        "VIRTUOSO_WARMUP": str(warmup),
    }
    done = subprocess.run(
        [str(REPO / ".ci" / "virtuoso"), "start", str(directory / "server")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f".ci/virtuoso start failed ({done.returncode}):\n{done.stderr}")
    values = dict(
        line.removeprefix("export ").split("=", 1)
        for line in done.stdout.splitlines()
        if line.startswith("export ")
    )
    return Virtuoso(
        values["NATOKG_VIRTUOSO_URL"],
        values["NATOKG_VIRTUOSO_USER"],
        values["NATOKG_VIRTUOSO_PASSWORD"],
        Path(values["NATOKG_VIRTUOSO_PASSWORD_FILE"]),
    )


def stop_virtuoso(directory: Path) -> None:
    """Stop the Virtuoso that `start_virtuoso` started in `directory` (by its recorded PID)."""
    subprocess.run(
        [str(REPO / ".ci" / "virtuoso"), "stop", str(directory / "server")], timeout=120, check=True
    )


def missing_component(reason: str) -> NoReturn:
    """Skip the test for a missing system component; fail it in CI, which must have it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must have it")
    pytest.skip(reason)


# ---------------------------------------------------------------------------
# A small HTTP server on loopback, for stand-in endpoints and a failing proxy
# ---------------------------------------------------------------------------

#: Answers a request: (method, path with query, headers, body) -> (status, headers, body).
Responder = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


@contextmanager
def http_server(respond: Responder) -> Iterator[str]:
    """Serve `respond` on a free loopback port; yield the base URL (``http://127.0.0.1:PORT``)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, content = respond(self.command, self.path, dict(self.headers.items()), body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def canonical_graph(graph: Graph) -> Graph:
    """Return `graph` with each typed literal written from its value, numbers without trailing zeros.

    Virtuoso keeps numbers, dates and booleans as native values and writes them back in its
    own canonical form ("4.0"^^xsd:decimal comes back as "4"): the same RDF value, another
    lexical form, so graphs are compared in this form.
    """
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and o.value is not None:
            value = o.value
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                o = Literal(format(Decimal(str(value)).normalize(), "f"), datatype=o.datatype)
            else:
                o = Literal(value, datatype=o.datatype)
        result.add((s, p, o))
    return result
