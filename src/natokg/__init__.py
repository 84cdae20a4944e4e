"""natokg: a knowledge graph of NATO S&T cooperation with Asia-Pacific partners.

Load the shipped graph, validate it, query it:

>>> import natokg
>>> loaded = natokg.load_graph()
>>> report = natokg.validate(loaded.store, locations=loaded.locations)
>>> result = natokg.run_query(loaded.store, "partner-frameworks", partner="ROK")
>>> result.columns[:2]
('partner', 'framework')
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from natokg.load import LoadError, LoadResult, load_graph
    from natokg.params import ParameterError, QueryError
    from natokg.queries import (
        NamedQuery,
        QueryTimeoutError,
        get_query,
        list_queries,
        open_graph,
        run_query,
        sparql,
    )
    from natokg.result import QueryResult
    from natokg.store import MemoryStore, Store, StoreError
    from natokg.stores import open_store
    from natokg.validate import Problem, ValidationReport, validate

    __version__: str

__all__ = [
    "LoadError",
    "LoadResult",
    "MemoryStore",
    "NamedQuery",
    "ParameterError",
    "Problem",
    "QueryError",
    "QueryResult",
    "QueryTimeoutError",
    "Store",
    "StoreError",
    "ValidationReport",
    "__version__",
    "get_query",
    "list_queries",
    "load_graph",
    "open_graph",
    "open_store",
    "run_query",
    "sparql",
    "validate",
]

# Imported on first use, so `natokg --help` and each command pay only for what they use
# (the SPARQL engine and pySHACL alone take a quarter of a second to import).
_HOMES = {
    "LoadError": "natokg.load",
    "LoadResult": "natokg.load",
    "load_graph": "natokg.load",
    "ParameterError": "natokg.params",
    "QueryError": "natokg.params",
    "NamedQuery": "natokg.queries",
    "QueryTimeoutError": "natokg.queries",
    "get_query": "natokg.queries",
    "list_queries": "natokg.queries",
    "open_graph": "natokg.queries",
    "run_query": "natokg.queries",
    "sparql": "natokg.queries",
    "QueryResult": "natokg.result",
    "MemoryStore": "natokg.store",
    "Store": "natokg.store",
    "StoreError": "natokg.store",
    "open_store": "natokg.stores",
    "Problem": "natokg.validate",
    "ValidationReport": "natokg.validate",
    "validate": "natokg.validate",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'natokg' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """The package module; its API names win over same-named submodules (``validate``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing natokg.validate binds the submodule as an attribute of the package; the
        # public name is the function, as it was when the API was imported eagerly.
        if isinstance(value, ModuleType) and name in _HOMES:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("natokg")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"
