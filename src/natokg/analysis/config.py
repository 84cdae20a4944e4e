"""The gap analysis's weights and settings: one TOML file with defaults, overridable.

The defaults live in ``weights.toml`` beside this module (shipped in the wheel); every
weight is documented there. A user file given with ``--config`` overrides any subset of
them; a name that the defaults do not have, or a value of the wrong type, is refused with
the file and the setting named.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = [
    "Config",
    "ConfigError",
    "default_config",
    "expand_iri",
    "load_config",
]

NKG_PREFIX = "https://w3id.org/natokg/ontology#"
NKGID_PREFIX = "https://w3id.org/natokg/id/"

#: The sections whose decimal numbers are the weights of the gap score.
WEIGHT_SECTIONS = ("strength", "coverage", "priority")

_DEFAULTS_NAME = "weights.toml"
_CHOICES = {"links.method": ("l3n", "l3", "pa")}
_OPEN_UNIT = {"links.holdout", "robustness.spread"}  # must lie strictly between 0 and 1


class ConfigError(ValueError):
    """A configuration file cannot be used; the message names the file and the setting."""


def expand_iri(value: str) -> str:
    """Return `value` as a full IRI, expanding the ``nkgid:`` and ``nkg:`` prefixes.

    Parameters
    ----------
    value
        A full IRI or a compact one (``nkgid:rok``).

    Returns
    -------
    str

    Examples
    --------
    >>> expand_iri("nkgid:rok")
    'https://w3id.org/natokg/id/rok'
    """
    if value.startswith("nkgid:"):
        return NKGID_PREFIX + value.removeprefix("nkgid:")
    if value.startswith("nkg:"):
        return NKG_PREFIX + value.removeprefix("nkg:")
    return value


@dataclass(frozen=True)
class Config:
    """Validated weights and settings.

    Read values with the typed accessors (`number`, `integer`, `texts`, `iris`, `table`);
    `weights` lists the gap score's weights, `with_weights` returns a copy with some changed.

    Attributes
    ----------
    source
        Where the values came from: the defaults, or the defaults and a user file.
    """

    tree: Mapping[str, Any] = field(repr=False)
    source: str = "defaults"

    @cached_property
    def _flat(self) -> dict[str, Any]:
        """Every setting by dotted name, tables included (computed once: lookups are hot)."""
        found: dict[str, Any] = {}

        def walk(node: Mapping[str, Any], prefix: str) -> None:
            for key, value in node.items():
                found[prefix + key] = value
                if isinstance(value, Mapping):
                    walk(value, f"{prefix}{key}.")

        walk(self.tree, "")
        return found

    @cached_property
    def fingerprint(self) -> tuple[tuple[str, Any], ...]:
        """A hashable summary of every setting, to key caches by."""
        return tuple(
            (path, tuple(value) if isinstance(value, list) else value)
            for path, value in sorted(self._flat.items())
            if not isinstance(value, Mapping)
        )

    def _get(self, path: str) -> Any:
        try:
            return self._flat[path]
        except KeyError:
            raise KeyError(f"no setting {path!r}") from None

    def number(self, path: str) -> float:
        """Return the number at dotted `path` (e.g. ``"coverage.counterpart.ally"``)."""
        value = self._get(path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"setting {path!r} is not a number")
        return float(value)

    def integer(self, path: str) -> int:
        """Return the whole number at dotted `path`."""
        value = self._get(path)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"setting {path!r} is not a whole number")
        return value

    def text(self, path: str) -> str:
        """Return the string at dotted `path`."""
        value = self._get(path)
        if not isinstance(value, str):
            raise TypeError(f"setting {path!r} is not a string")
        return value

    def texts(self, path: str) -> tuple[str, ...]:
        """Return the list of strings at dotted `path`."""
        value = self._get(path)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TypeError(f"setting {path!r} is not a list of strings")
        return tuple(value)

    def iris(self, path: str) -> tuple[str, ...]:
        """Return the list at dotted `path` as full IRIs (``nkgid:`` expanded)."""
        return tuple(expand_iri(item) for item in self.texts(path))

    def table(self, path: str) -> dict[str, float]:
        """Return the table of numbers at dotted `path` (e.g. ``"strength.levels"``)."""
        value = self._get(path)
        if not isinstance(value, Mapping):
            raise TypeError(f"setting {path!r} is not a table")
        return {key: float(item) for key, item in value.items()}

    def weights(self) -> dict[str, float]:
        """Return the gap score's weights: every decimal number of the weight sections.

        Returns
        -------
        dict
            Dotted name -> value, sorted by name.
        """
        found = {
            path: float(value)
            for path, value in _leaves(self.tree)
            if path.split(".", 1)[0] in WEIGHT_SECTIONS and isinstance(value, float)
        }
        return dict(sorted(found.items()))

    def with_weights(self, changes: Mapping[str, float]) -> Config:
        """Return a copy with the weights of `changes` (dotted name -> value) replaced.

        Raises
        ------
        KeyError
            If a name is not one of `weights`.
        """
        known = self.weights()
        tree = copy.deepcopy(dict(self.tree))
        for path, value in changes.items():
            if path not in known:
                raise KeyError(f"{path!r} is not a weight")
            *parents, leaf = path.split(".")
            node = tree
            for part in parents:
                node = node[part]
            node[leaf] = float(value)
        return Config(tree, self.source)

    def as_dict(self) -> dict[str, Any]:
        """Return every setting as plain, JSON-ready data (the ``params`` of the gap JSON)."""
        return copy.deepcopy(dict(self.tree))


def _leaves(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _leaves(value, path + ".")
        else:
            yield path, value


def _read(path: Path, shown: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: is not valid UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None


def _merge(base: dict[str, Any], user: Mapping[str, Any], shown: str, prefix: str = "") -> None:
    """Override `base` with `user` in place, refusing unknown names and wrong types."""
    for key, value in user.items():
        path = f"{prefix}{key}"
        if key not in base:
            known = ", ".join(sorted(base))
            raise ConfigError(f"{shown}: unknown setting {path!r} (known here: {known})")
        default = base[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{shown}: {path!r} must be a table ([{path}])")
            _merge(default, value, shown, path + ".")
        else:
            base[key] = _checked(path, default, value, shown)


def _checked(path: str, default: Any, value: Any, shown: str) -> Any:
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{shown}: {path!r} must be a number, not {value!r}")
        value = float(value)
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{shown}: {path!r} must be a whole number, not {value!r}")
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{shown}: {path!r} must be a string, not {value!r}")
    elif isinstance(default, list) and (
        not isinstance(value, list) or not all(isinstance(item, str) for item in value)
    ):
        raise ConfigError(f"{shown}: {path!r} must be a list of strings")
    return value


def _validate(tree: Mapping[str, Any], shown: str) -> None:
    for path, value in _leaves(tree):
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"{shown}: {path!r} must be a finite number >= 0, not {value!r}")
            if path in _OPEN_UNIT and not 0 < value < 1:
                raise ConfigError(f"{shown}: {path!r} must lie strictly between 0 and 1, not {value!r}")
        if path in _CHOICES and value not in _CHOICES[path]:
            choices = ", ".join(_CHOICES[path])
            raise ConfigError(f"{shown}: {path!r} must be one of {choices}, not {value!r}")


def default_config() -> Config:
    """Return the shipped defaults (``natokg/analysis/weights.toml``).

    Returns
    -------
    Config

    Examples
    --------
    >>> default_config().number("strength.levels.GlobalLeader")
    1.0
    """
    resource = files("natokg.analysis") / _DEFAULTS_NAME
    tree = tomllib.loads(resource.read_text(encoding="utf-8"))
    return Config(tree, "defaults")


def load_config(path: str | PathLike[str] | None = None) -> Config:
    """Return the defaults, overridden by the TOML file at `path` if one is given.

    Parameters
    ----------
    path
        A TOML file holding any subset of the settings of ``weights.toml``.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        If the file is missing or not TOML, names an unknown setting, or gives a value of
        the wrong type or out of range; the message names the file and the setting.

    Examples
    --------
    >>> load_config().number("priority.base")
    0.2
    """
    defaults = default_config()
    if path is None:
        return defaults
    shown = str(path)
    tree = defaults.as_dict()
    _merge(tree, _read(Path(path), shown), shown)
    _validate(tree, shown)
    return Config(tree, f"defaults + {shown}")
