"""natokg: a knowledge graph of NATO S&T cooperation with Asia-Pacific partners.

Load the shipped graph, validate it, query it:

>>> import natokg
>>> loaded = natokg.load_graph()
>>> report = natokg.validate(loaded.store, locations=loaded.locations)
>>> result = natokg.run_query(loaded.store, "partner-frameworks", partner="ROK")
>>> result.columns[:2]
('partner', 'framework')
"""

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("natokg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

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
