"""Updates, allowed only with --allow-update and a bearer token, applied all or nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from natokg.store import MemoryStore
from serverkit import LiveServer, listener, live_server

TOKEN = "s3cret-token-for-tests-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}
ASK_B = "ASK { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with live_server(MemoryStore(), update_token=TOKEN, timeout=3.0) as running:
        yield running


def _ask(server: LiveServer, query: str) -> bool:
    response = httpx.get(server.url + "/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def _update(server: LiveServer, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(
        server.url + "/sparql",
        content=text.encode(),
        headers={"content-type": "application/sparql-update", **(headers or {})},
        timeout=60,
    )


def test_update_with_the_token_is_applied(server: LiveServer) -> None:
    """Applies an update carrying the token (204), visible to the next query and in the graph list."""
    response = _update(server, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", AUTH)
    assert response.status_code == 204
    assert _ask(server, ASK_B)
    named = "ASK FROM NAMED <urn:g> { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    assert _ask(server, named)
    form = httpx.post(server.url + "/sparql", data={"update": "DROP ALL"}, headers=AUTH)
    assert form.status_code == 204
    assert not _ask(server, ASK_B)


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer wrong-token-0123456789"}, {"authorization": f"Basic {TOKEN}"}],
    ids=["none", "wrong", "basic"],
)
def test_update_without_the_token_is_refused(server: LiveServer, headers: dict[str, str]) -> None:
    """Answers 401 to an update without the right bearer token, and changes nothing."""
    response = _update(server, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert not _ask(server, ASK_B)


def test_token_in_a_form_field_is_not_accepted(server: LiveServer) -> None:
    """Answers 401 to an update whose token comes in the form instead of the Authorization header."""
    response = httpx.post(
        server.url + "/sparql",
        data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "access_token": TOKEN},
    )
    assert response.status_code == 401


def test_update_by_get_is_refused(server: LiveServer) -> None:
    """Answers 400 to an update sent by GET, even with the token."""
    response = httpx.get(server.url + "/sparql", params={"update": "CLEAR ALL"}, headers=AUTH)
    assert response.status_code == 400


def test_load_is_refused_with_the_token_too(server: LiveServer) -> None:
    """Answers 400 to LOAD even with the token, and the loopback listener receives nothing."""
    with listener() as (port, received):
        response = _update(server, f"LOAD <http://127.0.0.1:{port}/data.ttl>", AUTH)
    assert response.status_code == 400
    assert received == []


def test_update_past_the_time_limit_changes_nothing(server: LiveServer) -> None:
    """Answers 503 to an update past the time limit and keeps the store as it was."""
    seed = " ".join(f"<urn:s{i}> <urn:p> <urn:o{i}> ." for i in range(150))
    assert _update(server, f"INSERT DATA {{ {seed} }}", AUTH).status_code == 204
    slow = (
        "INSERT { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
        " WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    )
    response = _update(server, slow, AUTH)
    assert response.status_code == 503
    assert not _ask(server, ASK_B)
    assert _ask(server, "ASK { <urn:s149> <urn:p> <urn:o149> }")


def test_read_only_server_refuses_updates() -> None:
    """Answers 403 to an update with any token when the server was started without --allow-update."""
    with live_server(MemoryStore(), workers=1) as running:
        response = _update(running, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", AUTH)
        assert response.status_code == 403
        assert not _ask(running, "ASK { <urn:a> <urn:b> <urn:c> }")
