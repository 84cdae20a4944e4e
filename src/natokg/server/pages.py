"""What the endpoint says about itself: query page, query list, OpenAPI, service description.

The query page is a Jinja2 template (autoescaped) with our own small script and style
sheet from ``static/``; it loads nothing from anywhere else (its Content-Security-Policy
says so to the browser too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import RDF, BNode, Graph, Namespace, URIRef

from natokg import __version__
from natokg.queries import NamedQuery

__all__ = [
    "NETWORK_CSP",
    "PAGE_HEADERS",
    "STATIC",
    "index_html",
    "openapi_document",
    "query_list",
    "service_description",
]

#: The query page's script and style sheet.
STATIC = Path(__file__).resolve().parent / "static"
_TEMPLATES = Path(__file__).resolve().parent / "templates"

_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Headers of the query page.
PAGE_HEADERS = {"content-security-policy": _PAGE_CSP, "cache-control": "no-cache"}
#: The network page inlines its script and styles; it may still load nothing from elsewhere.
NETWORK_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_FORMATS = Namespace("http://www.w3.org/ns/formats/")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
# OpenAPI schema of each parameter type (all arrive as text, as on the command line).
_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "description": "a full IRI, a CURIE (nkgid:japan) or a label (Japan, ROK)"},
    "integer": {"type": "string", "pattern": "^[+-]?[0-9]+$"},
    "decimal": {"type": "string", "pattern": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"},
    "boolean": {"type": "string", "enum": ["true", "false"]},
    "date": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
}


def index_html(*, updates: bool) -> str:
    """Return the query page."""
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template("index.html").render(version=__version__, updates=updates)


def query_list(queries: Iterable[NamedQuery]) -> list[dict[str, Any]]:
    """Return the named queries as JSON-ready records: id, kind, summary, tags, params, text, url."""
    return [
        {
            "id": q.id,
            "kind": q.kind,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "doc": p.doc,
                    "default": p.default,
                    "class": p.cls,
                    "values": list(p.values),
                }
                for p in q.params
            ],
            "text": q.text,
            "url": f"/api/queries/{q.id}",
        }
        for q in queries
    ]


def openapi_document(queries: Sequence[NamedQuery]) -> dict[str, Any]:
    """Return the OpenAPI 3.1 description of ``/api/queries`` and of each named query."""
    error = {
        "description": "an error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The named queries, with their headers and text",
                "responses": {"200": {"description": "the list", "content": {"application/json": {}}}},
            }
        }
    }
    for q in queries:
        parameters = []
        for p in q.params:
            schema = dict(_SCHEMAS.get(p.type, {"type": "string"}))
            if p.type == "enum":
                schema["enum"] = list(p.values)
            if p.default is not None:
                schema["default"] = p.default
            parameters.append(
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.doc,
                    "schema": schema,
                }
            )
        paths[f"/api/queries/{q.id}"] = {
            "get": {
                "operationId": q.id,
                "summary": q.summary,
                "tags": [q.kind],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "the rows (cut at the server's row cap; see truncated)",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Rows"}},
                            "text/csv": {},
                            "text/tab-separated-values": {},
                        },
                    },
                    "400": error,
                    "503": error,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "natokg named queries", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": {
                "Rows": {
                    "type": "object",
                    "required": ["query", "columns", "rows", "truncated"],
                    "properties": {
                        "query": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {"type": "array", "items": {"type": "array"}},
                        "truncated": {"type": "boolean"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}, "parameter": {"type": ["string", "null"]}},
                },
            }
        },
    }


def service_description(endpoint: str, fmt: str, *, graphs: Iterable[URIRef], updates: bool) -> bytes:
    """Return the SPARQL 1.1 service description of the endpoint in RDF syntax `fmt`."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", _FORMATS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if updates:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, _FORMATS[name]))
    dataset = BNode()
    default = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    for name in sorted(graphs):
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, name))
    return graph.serialize(format=fmt, encoding="utf-8")
