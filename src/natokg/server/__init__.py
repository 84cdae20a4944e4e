"""The SPARQL 1.1 endpoint and its query page (``natokg serve``).

`create_app` returns the Starlette application for a store; `ServerConfig` holds its
limits. Modules: ``protocol`` (requests and content negotiation), ``jobs`` (what the worker
processes run), ``results`` (result formats), ``guard`` (Host/Origin checks, headers),
``pages`` (query page, OpenAPI, service description), ``app`` (routes).
"""

from __future__ import annotations

from natokg.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
