"""The Oxigraph store: persistent, fast on large graphs, through pyoxigraph.

A store at ``PATH`` is a folder of *generations*, each a complete Oxigraph (RocksDB)
database, and a small manifest, ``natokg-store.json``, naming the current one. A
published generation is never written again. Every write (`OxigraphStore.add_graph`,
`OxigraphStore.bulk_load`) builds the next generation beside it, from a cheap copy of the
current one (hard links: RocksDB's files are immutable), and publishes it by replacing the
manifest atomically (write, fsync, rename). A write that fails, or a process killed in
the middle of one, leaves the manifest, and so the content, as it was; the half-built
generation is removed by the next write. Readers open the current generation read-only, so
they never see a write in progress.

Queries run on pyoxigraph with the union of all graphs as the default graph, like the memory
store; their results come back as rdflib terms, so the rest of natokg cannot tell the stores
apart. pyoxigraph is imported when a store is opened, never before.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from natokg._gc import paused
from natokg._oxigraph_io import (
    Counting,
    Progress,
    Rows,
    converter,
    locked,
    sync_folder,
    syntax_message,
    turtle_prefixes,
)
from natokg.export import write_atomic
from natokg.load import LoadError, check_file, display_path
from natokg.store import StoreError, bind_values, refuse_remote_text

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["MANIFEST", "OxigraphStore", "Progress"]

#: The manifest: the file that names a store's current generation (and keeps its prefixes and size).
MANIFEST = "natokg-store.json"
_LOCK = ".natokg-lock"
_GENERATION = re.compile(r"^data-(\d{6,})$")
_BOM = b"\xef\xbb\xbf"
_OX_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "json-ld": "JSON_LD",
    "xml": "RDF_XML",
}


class OxigraphStore:
    """An Oxigraph store, on disk (`path`) or in memory (no `path`).

    Opening never creates anything: a store whose folder does not exist yet is empty, and
    the first write creates it.

    Parameters
    ----------
    path
        The store's folder; None for a store in memory (gone when the process ends).

    Raises
    ------
    StoreError
        If `path` is a file, or a folder that is neither empty nor a natokg store, or
        pyoxigraph is not installed.

    Examples
    --------
    >>> from rdflib import Graph, URIRef
    >>> store = OxigraphStore()
    >>> store.add_graph(Graph().add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))))
    >>> len(store)
    1
    >>> [str(row[0]) for row in store.query("SELECT ?s WHERE { ?s ?p ?o }")]
    ['urn:a']
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        try:
            import pyoxigraph
        except ModuleNotFoundError:
            raise StoreError(
                "the Oxigraph store needs pyoxigraph, which is not installed: pip install 'natokg[oxigraph]'"
            ) from None

        self._ox = pyoxigraph
        self.path = None if path is None else Path(path)
        self._resolved = None if self.path is None else str(self.path.resolve())
        self._meta: dict[str, Any] = {}
        self._handle: ox.Store = pyoxigraph.Store()
        if self.path is not None:
            self._check_folder()
            self._open_current()

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else ''!r})"

    @property
    def snapshot(self) -> tuple[str, str] | None:
        """The published generation this store reads, which never changes (None in memory).

        The query layer keeps one long-lived worker process per snapshot (`natokg._workers`).
        """
        current = self._meta.get("current")
        return None if self._resolved is None or not current else (self._resolved, str(current))

    @property
    def exists(self) -> bool:
        """Whether the store has been written at least once (always True in memory)."""
        return self.path is None or bool(self._meta.get("current"))

    # -- reading ---------------------------------------------------------------------------

    def query(self, sparql: str, init_bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run a SPARQL 1.1 query over the union of all graphs; the answer holds rdflib terms.

        Parameters
        ----------
        sparql
            A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).
        init_bindings
            Values for variables, bound as RDF terms: a VALUES block that rdflib writes
            (`natokg.store.bind_values`), never text pasted into the query.

        Returns
        -------
        rdflib.query.Result

        Raises
        ------
        RemoteAccessError
            If the query uses ``SERVICE`` or ``FROM``/``FROM NAMED``: natokg never fetches.
        """
        refuse_remote_text(sparql)
        text = bind_values(sparql, init_bindings) if init_bindings else sparql
        answer = self._handle.query(text, use_default_graph_as_union=True)
        if isinstance(answer, self._ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
            return result
        convert = converter(shared=True)
        if isinstance(answer, self._ox.QueryTriples):
            result = Result("CONSTRUCT")
            graph = Graph()
            graph.addN((convert(t.subject), convert(t.predicate), convert(t.object), graph) for t in answer)  # type: ignore[misc]
            result.graph = graph
            return result
        variables = [Variable(v.value) for v in answer.variables]
        with paused():  # a large answer is millions of new objects and no cycles
            return Rows(variables, [tuple(map(convert, solution)) for solution in answer])

    def __len__(self) -> int:
        if self.path is not None:
            return int(self._meta.get("triples", 0))
        return len(self._handle)

    def dataset(self) -> Dataset:
        """Return a copy of the content as an rdflib `Dataset`, named graphs and prefixes kept.

        Returns
        -------
        Dataset
        """
        copy = Dataset(default_union=True)
        copy.namespace_manager = NamespaceManager(copy, bind_namespaces="core")
        convert = converter()
        graphs: dict[Any, Graph] = {}

        def target(name: Any) -> Graph:
            if name not in graphs:
                default = isinstance(name, self._ox.DefaultGraph)
                graphs[name] = copy.default_graph if default else copy.graph(convert(name))  # type: ignore[arg-type]
            return graphs[name]

        copy.addN(
            (convert(q.subject), convert(q.predicate), convert(q.object), target(q.graph_name))  # type: ignore[misc]
            for q in self._handle
        )
        for prefix, namespace in self.prefixes().items():
            copy.bind(prefix, namespace, override=False)
        return copy

    def triples(
        self, predicates: Iterable[str] | None = None, *, distinct: bool = True
    ) -> Iterator[tuple[Node, Node, Node]]:
        """Yield the triples as rdflib terms, as `MemoryStore.triples` does.

        With ``distinct=False`` a triple comes once per graph holding it, and none is remembered.
        """
        ox = self._ox
        convert = converter()
        if predicates is None:
            quads: Iterable[Any] = self._handle
        else:
            quads = (
                quad
                for predicate in sorted(predicates)
                for quad in self._handle.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
            )
        seen: set[tuple[Any, Any, Any]] = set()
        for quad in quads:
            if distinct:
                triple = (quad.subject, quad.predicate, quad.object)
                if triple in seen:
                    continue
                seen.add(triple)
            yield (convert(quad.subject), convert(quad.predicate), convert(quad.object))  # type: ignore[misc]

    def prefixes(self) -> dict[str, str]:
        """Return the prefixes of the loaded files (prefix -> namespace)."""
        return dict(self._meta.get("prefixes", {}))

    # -- writing ---------------------------------------------------------------------------

    def add_graph(self, graph: Graph) -> None:
        """Add every triple (or quad, for a `Dataset`) of `graph`, all or nothing.

        Parameters
        ----------
        graph
            A `Graph` (into the default graph) or a `Dataset` (its named graphs kept).
        """
        quads = list(self._quads(graph))
        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
        self._write(lambda store: store.extend(quads), prefixes, replace=False)

    def bulk_load(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Load RDF files with Oxigraph's own parsers, all or nothing.

        Parameters
        ----------
        paths
            Local files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML by extension).
        replace
            Start from an empty store instead of adding to the current content.
        progress
            Called with the file, the bytes read and the file's size as loading goes.

        Returns
        -------
        int
            The number of quads in the store afterwards.

        Raises
        ------
        LoadError
            For the first file that cannot be loaded (with line and column where the
            parser tells); the store is then unchanged.
        """
        files = [(Path(path), check_file(path)) for path in paths]  # all checked before any load
        prefixes: dict[str, str] = {}
        for file, fmt in files:
            if fmt in {"turtle", "trig"}:
                for prefix, namespace in turtle_prefixes(file).items():
                    prefixes.setdefault(prefix, namespace)

        def fill(store: ox.Store) -> None:
            for file, fmt in files:
                self._load_file(store, file, fmt, progress)

        self._write(fill, prefixes, replace=replace)
        return len(self)

    def _load_file(self, store: ox.Store, file: Path, fmt: str, progress: Progress | None) -> None:
        total = file.stat().st_size
        with file.open("rb", buffering=0) as raw:
            if raw.read(len(_BOM)) != _BOM:  # editors on Windows add it; Oxigraph refuses it
                raw.seek(0)
            reader = io.BufferedReader(Counting(raw, file, total, progress), 1 << 20)
            try:
                load = store.bulk_load if self.path is not None else store.load
                rdf_format = getattr(self._ox.RdfFormat, _OX_FORMATS[fmt])
                load(input=reader, format=rdf_format, base_iri=file.resolve().as_uri())
            except SyntaxError as exc:
                raise LoadError(file, syntax_message(exc), exc.lineno, exc.offset) from None
            except (OSError, ValueError) as exc:
                raise LoadError(file, f"cannot load: {exc}") from None

    def _write(self, fill: Callable[[ox.Store], None], prefixes: Mapping[str, str], *, replace: bool) -> None:
        """Apply `fill` to the next generation and publish it; in memory, to the store itself."""
        if self.path is None:
            if replace:
                self._handle = self._ox.Store()
            fill(self._handle)  # extend and load are transactional in memory
            merged = {} if replace else self.prefixes()
            self._meta["prefixes"] = {**prefixes, **merged}
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with locked(self.path / _LOCK):
            meta = self._read_manifest()  # another process may have written since we opened
            current = meta.get("current")
            name = self._next_generation()  # numbers are never reused, not even a killed write's
            self._remove_generations(keep={current, meta.get("previous")})
            folder = self.path / name
            try:
                if current and not replace:
                    self._ox.Store.read_only(str(self.path / current)).backup(str(folder))
                writer = self._ox.Store(str(folder))
                fill(writer)
                writer.flush()
                triples = len(writer)
                del writer  # closes the database before it is published
                merged = {} if replace else dict(meta.get("prefixes", {}))
                published = {
                    "format": 1,
                    "current": name,
                    "previous": current,
                    "triples": triples,
                    "prefixes": dict(sorted({**prefixes, **merged}.items())),
                }
                write_atomic(self.path / MANIFEST, (json.dumps(published, indent=2) + "\n").encode("utf-8"))
                sync_folder(self.path)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            self._open_current()
            self._remove_generations(keep={name, current})

    # -- the folder ------------------------------------------------------------------------

    def _check_folder(self) -> None:
        assert self.path is not None
        where = display_path(self.path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{where}: is a file; an Oxigraph store is a folder")
        if self.path.is_dir() and not (self.path / MANIFEST).exists():
            strangers = sorted(
                p.name for p in self.path.iterdir() if p.name != _LOCK and not _GENERATION.match(p.name)
            )
            if strangers:
                raise StoreError(
                    f"{where}: not a natokg Oxigraph store (no {MANIFEST}, and it holds "
                    f"{strangers[0]!r}); choose a new or empty folder"
                )

    def _read_manifest(self) -> dict[str, Any]:
        assert self.path is not None
        manifest = self.path / MANIFEST
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StoreError(f"{display_path(manifest)}: unreadable store manifest: {exc}") from None
        current = meta.get("current") if isinstance(meta, dict) else None
        if not isinstance(current, str) or not _GENERATION.match(current):
            raise StoreError(f"{display_path(manifest)}: names no valid generation")
        if not (self.path / current).is_dir():
            raise StoreError(f"{display_path(manifest)}: its generation {current} is missing")
        found: dict[str, Any] = meta
        return found

    def _open_current(self) -> None:
        assert self.path is not None
        self._meta = self._read_manifest()
        current = self._meta.get("current")
        if current:
            try:
                self._handle = self._ox.Store.read_only(str(self.path / current))
            except OSError as exc:
                raise StoreError(f"{display_path(self.path)}: cannot open the store: {exc}") from None
        else:
            self._handle = self._ox.Store()

    def _next_generation(self) -> str:
        assert self.path is not None
        numbers = [int(m.group(1)) for p in self.path.iterdir() if (m := _GENERATION.match(p.name))]
        return f"data-{max(numbers, default=0) + 1:06d}"

    def _remove_generations(self, keep: set[Any]) -> None:
        """Remove generations other than `keep`: half-built ones, and those no manifest names."""
        assert self.path is not None
        for folder in self.path.iterdir():
            if _GENERATION.match(folder.name) and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    # -- terms -----------------------------------------------------------------------------

    def _quads(self, graph: Graph) -> Iterator[ox.Quad]:
        default = self._ox.DefaultGraph()
        if isinstance(graph, Dataset):
            for s, p, o, name in graph.quads((None, None, None, None)):
                plain = name is None or name == DATASET_DEFAULT_GRAPH_ID
                graph_name = default if name is None or plain else self._to_ox(name)
                yield self._ox.Quad(self._to_ox(s), self._to_ox(p), self._to_ox(o), graph_name)
        else:
            for s, p, o in graph:
                yield self._ox.Quad(self._to_ox(s), self._to_ox(p), self._to_ox(o), default)

    def _to_ox(self, term: Node) -> Any:
        try:
            if isinstance(term, URIRef):
                return self._ox.NamedNode(str(term))
            if isinstance(term, BNode):
                return self._ox.BlankNode(str(term))
            if isinstance(term, Literal):
                if term.language:
                    return self._ox.Literal(str(term), language=term.language)
                if term.datatype is not None:
                    return self._ox.Literal(str(term), datatype=self._ox.NamedNode(str(term.datatype)))
                return self._ox.Literal(str(term))
        except ValueError as exc:  # pyoxigraph checks IRIs, language tags and blank node ids
            raise StoreError(f"cannot store {str(term)!r} in Oxigraph: {exc}") from None
        raise StoreError(f"cannot store {term!r} in Oxigraph")
