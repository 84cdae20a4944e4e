"""natokg: a knowledge graph of NATO S&T cooperation with Asia-Pacific partners.

Load the shipped graph, validate it, query it:

>>> import natokg
>>> loaded = natokg.load_graph()
>>> report = natokg.validate(loaded.store, locations=loaded.locations)
"""

from importlib.metadata import PackageNotFoundError, version

from natokg.load import LoadError, LoadResult, load_graph
from natokg.store import MemoryStore, Store
from natokg.validate import Problem, ValidationReport, validate

try:
    __version__ = version("natokg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "LoadError",
    "LoadResult",
    "MemoryStore",
    "Problem",
    "Store",
    "ValidationReport",
    "__version__",
    "load_graph",
    "validate",
]
