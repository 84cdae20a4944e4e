"""Query parameters: their declared types, and the conversion of user input to RDF terms.

A named query declares its parameters in its ``#+ params:`` header; each is a variable of
the query, pre-bound with ``initBindings`` (never pasted into the text). This module turns
what a user typed (``--param partner=ROK``) or passed from Python (``partner="ROK"``) into
the one RDF term the declared type allows, or raises `ParameterError` naming the parameter.

Types
-----
``iri``
    A full IRI (``https://w3id.org/natokg/id/japan`` or ``<...>``), a CURIE with a known
    prefix (``nkgid:japan``) or a label or acronym (``"Japan"``, ``"ROK"``), matched without
    regard to case against ``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel``. A label
    must name exactly one entity (of the declared ``class``, when there is one); otherwise the
    error lists the candidates.
``literal`` (alias ``string``)
    Any text, as a plain ``xsd:string`` literal.
``integer``, ``decimal``, ``boolean``
    ``-12``; ``3.5``; ``true`` or ``false``.
``date``
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (an ``xsd:gYear``, ``xsd:gYearMonth`` or
    ``xsd:date``): the report dates things to the year, the month or the day.
``year``
    ``YYYY`` (``xsd:gYear``).
``enum``
    One of the declared ``values``; a CURIE value (``nkg:Ongoing``) may be given by its local
    name (``ongoing``), case-insensitively.
"""

from __future__ import annotations

import datetime
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import XSD, Literal, URIRef, Variable
from rdflib.term import Identifier

__all__ = [
    "DEFAULT_TIMEOUT",
    "KINDS",
    "PARAM_TYPES",
    "Param",
    "ParameterError",
    "QueryError",
    "Resolver",
    "convert",
    "expand_curie",
    "normalize_label",
    "valid_name",
    "variable",
]

#: Seconds a query may run unless told otherwise (here, not in queries.py, so that the command
#: line can name it without importing the query layer at start).
DEFAULT_TIMEOUT = 30.0

#: The kinds of named query, and the folders they live in.
KINDS: Mapping[str, str] = {"report": "reports", "construct": "reports", "gap": "gaps", "check": "checks"}

#: The parameter types a query header may declare.
PARAM_TYPES = ("iri", "literal", "string", "integer", "decimal", "boolean", "date", "year", "enum")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_YEAR = re.compile(r"^([0-9]{4})$")
_YEAR_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
# A prefixed name: PN_PREFIX ':' PN_LOCAL, simplified to what our data uses.
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?:([A-Za-z0-9_][A-Za-z0-9_.%-]*)?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Characters an IRIREF may not contain (SPARQL 1.1 grammar, production 139), plus controls.
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]')
_MAX_CANDIDATES = 10


class QueryError(Exception):
    """A query could not be run: unknown, malformed, refused, failed or too slow."""


class ParameterError(QueryError):
    """A parameter value is missing, unknown, of the wrong type or ambiguous.

    Attributes
    ----------
    param
        The parameter's name.
    candidates
        For an ambiguous or unknown label: the entities it could mean.
    """

    def __init__(self, param: str, message: str, candidates: Sequence[Candidate] = ()) -> None:
        self.param = param
        self.candidates = tuple(candidates)
        super().__init__(f"parameter {param!r}: {message}")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query.

    Attributes
    ----------
    name
        The query variable it binds (without ``?``).
    type
        One of `PARAM_TYPES`.
    required
        Whether the query refuses to run without it.
    doc
        What it does, in a few words.
    default
        The value used when it is not given (as a user would type it), if any.
    cls
        For ``iri``: the class (a full IRI) the entity must be an instance of.
    values
        For ``enum``: the allowed values, full IRIs or plain strings.
    """

    name: str
    type: str
    required: bool = False
    doc: str = ""
    default: str | None = None
    cls: str | None = None
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return a one-line summary, e.g. ``partner (iri, required)``."""
        flags = [self.type, "required" if self.required else "optional"]
        if self.default is not None:
            flags.append(f"default {self.default}")
        return f"{self.name} ({', '.join(flags)})"


@dataclass(frozen=True)
class Candidate:
    """An entity a label may stand for."""

    iri: URIRef
    label: str


class Resolver:
    """Turns labels and acronyms into entities, using the graph itself.

    Parameters
    ----------
    labels
        ``(entity, label)`` pairs: every ``rdfs:label``, ``skos:prefLabel`` and
        ``skos:altLabel`` of an IRI; or a function returning them, called the first time a
        label is looked up (a parameter given as an IRI needs no labels, and a large store
        has hundreds of thousands).
    is_instance
        ``is_instance(entity, cls)``: whether the entity is an instance of the class.
    exists
        ``exists(entity)``: whether the graph mentions the entity at all.
    """

    def __init__(
        self,
        labels: Iterable[tuple[URIRef, str]] | Callable[[], Iterable[tuple[URIRef, str]]],
        is_instance: Callable[[URIRef, URIRef], bool],
        exists: Callable[[URIRef], bool],
    ) -> None:
        self._source = labels
        self._indexed = False
        self._lock = threading.Lock()
        self._labels: dict[str, set[URIRef]] = {}
        self._display: dict[URIRef, str] = {}
        self._local: dict[str, set[URIRef]] = {}
        self.is_instance = is_instance
        self.exists = exists

    def _index(self) -> None:
        # A resolver of an unchanging store serves several threads (natokg serve): the index
        # is built once, under a lock, and published whole.
        with self._lock:
            if self._indexed:
                return
            labels: dict[str, set[URIRef]] = {}
            local_names: dict[str, set[URIRef]] = {}
            display: dict[URIRef, str] = {}
            for entity, label in self._source() if callable(self._source) else self._source:
                labels.setdefault(normalize_label(label), set()).add(entity)
                local = re.split(r"[#/]", str(entity))[-1]
                local_names.setdefault(normalize_label(local), set()).add(entity)
                shown = display.get(entity)
                if shown is None or (len(label), label) > (len(shown), shown):
                    display[entity] = label  # the longest label is usually the full name
            self._labels, self._local, self._display = labels, local_names, display
            self._indexed = True

    def label(self, entity: URIRef) -> str:
        """Return the entity's fullest label, or its IRI."""
        self._index()
        return self._display.get(entity, str(entity))

    def candidates(self, text: str, cls: URIRef | None) -> tuple[list[URIRef], list[URIRef]]:
        """Return the entities labelled `text` (else so named by their IRI) and those labelled with it in."""
        self._index()
        key = normalize_label(text)
        exact = sorted(e for e in self._labels.get(key, ()) if cls is None or self.is_instance(e, cls))
        if not exact:  # the IRI's local name, as in nkgid:cyber-defence, also names the entity
            exact = sorted(e for e in self._local.get(key, ()) if cls is None or self.is_instance(e, cls))
        near: set[URIRef] = set()
        if not exact and key:
            for label, entities in self._labels.items():
                if key in label:
                    near.update(e for e in entities if cls is None or self.is_instance(e, cls))
        return exact, sorted(near)

    def described(self, entities: Iterable[URIRef]) -> list[Candidate]:
        """Return `entities` as candidates with their labels (at most ten)."""
        return [Candidate(e, self.label(e)) for e in list(entities)[:_MAX_CANDIDATES]]


def normalize_label(text: str) -> str:
    """Return `text` as labels are compared: NFKC, case-folded, spaces collapsed.

    Examples
    --------
    >>> normalize_label("  Republic  of KOREA ")
    'republic of korea'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def expand_curie(text: str, prefixes: Mapping[str, str]) -> URIRef | None:
    """Expand ``prefix:local`` with `prefixes`; None when `text` is not a CURIE of a known prefix.

    Examples
    --------
    >>> expand_curie("nkgid:japan", {"nkgid": "https://w3id.org/natokg/id/"})
    rdflib.term.URIRef('https://w3id.org/natokg/id/japan')
    >>> expand_curie("Japan", {"nkgid": "https://w3id.org/natokg/id/"}) is None
    True
    """
    match = _CURIE.match(text)
    if match is None:
        return None
    prefix, local = match.group(1) or "", match.group(2) or ""
    namespace = prefixes.get(prefix)
    return None if namespace is None else URIRef(namespace + local)


def convert(
    param: Param,
    value: object,
    *,
    prefixes: Mapping[str, str],
    resolver: Callable[[], Resolver],
) -> Identifier:
    """Convert a user's `value` for `param` into an RDF term.

    Parameters
    ----------
    param
        The declared parameter.
    value
        What the user gave: text (as typed on the command line), a Python number, bool or
        date, or an rdflib term of the right kind.
    prefixes
        Prefix -> namespace, for CURIEs (the query's own and the graph's).
    resolver
        Returns the `Resolver` for labels (called only when a label must be resolved).

    Returns
    -------
    rdflib.term.Identifier
        A `URIRef` or a `Literal`.

    Raises
    ------
    ParameterError
        If the value does not fit the type, or a label is unknown or ambiguous.

    Examples
    --------
    >>> convert(Param("n", "integer"), "42", prefixes={}, resolver=lambda: None)
    rdflib.term.Literal('42', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    kind = "literal" if param.type == "string" else param.type
    try:
        converter = _CONVERTERS[kind]
    except KeyError:
        raise ParameterError(param.name, f"unknown type {param.type!r}") from None
    return converter(param, value, prefixes, resolver)


def _text(param: Param, value: object, what: str) -> str:
    if isinstance(value, Literal | URIRef):
        return str(value)
    if not isinstance(value, str):
        raise ParameterError(param.name, f"expected {what}, got {type(value).__name__} {value!r}")
    return value.strip()


def _iri(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, Literal) or (not isinstance(value, str | URIRef)):
        raise ParameterError(
            param.name, f"expected an IRI, a CURIE or a label, got {type(value).__name__} {value!r}"
        )
    cls = URIRef(param.cls) if param.cls else None
    if isinstance(value, URIRef):
        return _checked(param, value, cls, resolver)
    text = value.strip()
    if not text:
        raise ParameterError(param.name, "expected an IRI, a CURIE or a label, got an empty value")
    if text.startswith("<") and text.endswith(">"):
        return _checked(param, _absolute_iri(param, text[1:-1]), cls, resolver)
    curie = expand_curie(text, prefixes)
    if curie is not None:
        return _checked(param, curie, cls, resolver)
    if (
        _SCHEME.match(text)
        and not any(c.isspace() for c in text)
        and ("/" in text or text.startswith("urn:"))
    ):
        return _checked(param, _absolute_iri(param, text), cls, resolver)
    return _by_label(param, text, cls, resolver())


def _absolute_iri(param: Param, text: str) -> URIRef:
    bad = _BAD_IRI_CHAR.search(text)
    if bad is not None:
        raise ParameterError(param.name, f"not a valid IRI: character {bad.group()!r} is not allowed")
    if not _SCHEME.match(text):
        raise ParameterError(param.name, f"not an absolute IRI: {text!r} (no scheme)")
    return URIRef(text)


def _checked(param: Param, iri: URIRef, cls: URIRef | None, resolver: Callable[[], Resolver]) -> URIRef:
    if _BAD_IRI_CHAR.search(str(iri)):
        raise ParameterError(param.name, f"not a valid IRI: {str(iri)!r}")
    found = resolver()
    if not found.exists(iri):
        raise ParameterError(param.name, f"no entity {iri} in the graph")
    if cls is not None and not found.is_instance(iri, cls):
        raise ParameterError(param.name, f"{iri} is not a {found.label(cls)} ({cls})")
    return iri


def _by_label(param: Param, text: str, cls: URIRef | None, resolver: Resolver) -> URIRef:
    exact, near = resolver.candidates(text, cls)
    of_class = "" if cls is None else f" of class {resolver.label(cls)}"
    if len(exact) == 1:
        return exact[0]
    if exact:
        candidates = resolver.described(exact)
        listed = "; ".join(f"{c.iri} ({c.label})" for c in candidates)
        raise ParameterError(
            param.name, f"{text!r} names {len(exact)} entities{of_class}: {listed}; give one IRI", candidates
        )
    candidates = resolver.described(near)
    hint = "; did you mean: " + "; ".join(f"{c.iri} ({c.label})" for c in candidates) if candidates else ""
    raise ParameterError(param.name, f"no entity{of_class} is labelled {text!r}{hint}", candidates)


def _literal(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, URIRef) or not isinstance(value, str | Literal):
        raise ParameterError(param.name, f"expected text, got {type(value).__name__} {value!r}")
    return Literal(str(value))


def _integer(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(value)
    text = _text(param, value, "an integer")
    if not _INTEGER.match(text):
        raise ParameterError(param.name, f"expected an integer, got {text!r}")
    return Literal(int(text))


def _decimal(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = _text(param, value, "a decimal number")
        if not _DECIMAL.match(text):
            raise ParameterError(param.name, f"expected a decimal number, got {text!r}")
        number = Decimal(text)
    try:
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ParameterError(param.name, f"expected a finite decimal number, got {value!r}") from None
    return Literal(number, datatype=XSD.decimal)


def _boolean(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, bool):
        return Literal(value)
    text = _text(param, value, "true or false").lower()
    if text not in {"true", "false"}:
        raise ParameterError(param.name, f"expected true or false, got {text!r}")
    return Literal(text == "true")


def _date(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, datetime.datetime):
        raise ParameterError(param.name, "expected a date, got a date and time")
    if isinstance(value, datetime.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    text = _text(param, value, "a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    month = _YEAR_MONTH.match(text)
    if month and 1 <= int(month.group(2)) <= 12:
        return Literal(text, datatype=XSD.gYearMonth)
    if _DAY.match(text):
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise ParameterError(param.name, f"no such date: {text!r}") from None
        return Literal(text, datatype=XSD.date)
    raise ParameterError(param.name, f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")


def _year(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    text = _text(param, value, "a year (YYYY)")
    if not _YEAR.match(text):
        raise ParameterError(param.name, f"expected a year as YYYY, got {text!r}")
    return Literal(text, datatype=XSD.gYear)


def _enum(
    param: Param, value: object, prefixes: Mapping[str, str], resolver: Callable[[], Resolver]
) -> Identifier:
    text = _text(param, value, f"one of {', '.join(_enum_names(param))}")
    wanted = text.casefold()
    for allowed, name in zip(param.values, _enum_names(param), strict=True):
        if wanted in {allowed.casefold(), name.casefold()}:
            return URIRef(allowed) if _SCHEME.match(allowed) else Literal(allowed)
    raise ParameterError(param.name, f"expected one of {', '.join(_enum_names(param))}, got {text!r}")


def _enum_names(param: Param) -> list[str]:
    """Return the short names of the enum's values: the local name of an IRI, else the value."""
    return [re.split(r"[#/]", v)[-1] if _SCHEME.match(v) else v for v in param.values]


_CONVERTERS: dict[str, Callable[[Param, Any, Mapping[str, str], Callable[[], Resolver]], Identifier]] = {
    "iri": _iri,
    "literal": _literal,
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "date": _date,
    "year": _year,
    "enum": _enum,
}


def variable(param: Param) -> Variable:
    """Return the query variable `param` binds."""
    return Variable(param.name)


def valid_name(name: str) -> bool:
    """Whether `name` can be a parameter (and SPARQL variable) name."""
    return bool(_NAME.match(name))
