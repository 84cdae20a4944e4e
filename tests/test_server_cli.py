"""``natokg serve`` on the command line: its options, its refusals, a real start and stop."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from support import REPO, RunNatokg, clean_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_serve_help_lists_the_hardening_options(run_natokg: RunNatokg) -> None:
    """Lists the time limit, row cap, body cap, CORS, Host and update options in the help."""
    result = run_natokg("serve", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    for option in ("--host", "--port", "--timeout", "--max-rows", "--max-body", "--cors", "--allowed-host"):
        assert option in result.stdout
    assert "--allow-update" in result.stdout
    assert "--token-file" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow-update"], "--token-file"),
        (["--token-file", "token.txt"], "--allow-update"),
        (["--allow-update", "--token-file", "short.txt"], "at least 16"),
        (["--allow-update", "--token-file", "missing.txt"], "cannot read"),
        (["--cors", "*"], "origin"),
    ],
)
def test_serve_refuses_unsafe_or_broken_options(
    run_natokg: RunNatokg, tmp_path: Path, args: list[str], message: str
) -> None:
    """Exits 2 with a clear message for an update switch without a good token, or a bad CORS origin."""
    (tmp_path / "token.txt").write_text("a-long-enough-token-0123456789\n")
    (tmp_path / "short.txt").write_text("abc\n")
    result = run_natokg("serve", *[str(tmp_path / a) if a.endswith(".txt") else a for a in args])
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.slow
def test_serve_answers_on_loopback_and_stops_cleanly() -> None:
    """Serves the shipped graph on 127.0.0.1 and leaves no worker process behind when stopped."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "natokg", "serve", "--port", str(port), "--workers", "2", "--timeout", "5"],
        cwd=REPO,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        answer = None
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"})
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, process.stderr.read() if process.stderr else ""
        assert answer.json() == {"head": {}, "boolean": True}
        workers = _descendants(process.pid)
        assert len(workers) >= 3  # the zygote and two workers
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert f"http://127.0.0.1:{port}/sparql" in stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]
