"""Nothing natokg does opens a network connection (DESIGN §8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import clean_env

# Runs in a child process: an audit hook cannot be removed once installed.
SCRIPT = r"""
import json, socket, sys

WATCHED = {
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
    "socket.gethostbyname_ex", "socket.gethostbyaddr", "urllib.Request",
    "http.client.connect", "ftplib.connect",
}
events = []
sys.addaudithook(lambda event, args: events.append(event) if event in WATCHED else None)

# The hook works: a numeric address needs no lookup, yet raises the event.
socket.getaddrinfo("127.0.0.1", None)
assert events == ["socket.getaddrinfo"], events
events.clear()

import natokg
from natokg.load import LoadError, parse_file
from natokg.store import RemoteAccessError

seen = {}
loaded = natokg.load_graph()
natokg.validate(loaded.store, locations=loaded.locations)
seen["load and validate the shipped graph"] = list(events)

for path in sys.argv[1:]:
    events.clear()
    try:
        parse_file(path)
    except LoadError:
        pass
    seen[path] = list(events)

events.clear()
try:
    loaded.store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
except RemoteAccessError:
    pass
seen["SERVICE query"] = list(events)
print(json.dumps(seen))
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "http://127.0.0.1:9/entity.txt"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="urn:a"><rdfs:label>&ext;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


def test_loading_and_validating_never_touch_the_network(tmp_path: Path) -> None:
    """Records no socket or URL event while loading, validating and refusing remote input."""
    remote_context = tmp_path / "remote-context.jsonld"
    remote_context.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:a"}')
    external_entity = tmp_path / "external-entity.rdf"
    external_entity.write_text(XXE)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(remote_context), str(external_entity)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert len(seen) == 4
    assert all(events == [] for events in seen.values()), seen
