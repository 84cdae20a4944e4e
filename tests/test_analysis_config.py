"""The gap analysis's weights file: defaults, overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from natokg.analysis.config import ConfigError, default_config, expand_iri, load_config
from support import REPO

NKG = "https://w3id.org/natokg/ontology#"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weights.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_hold_every_weight_of_the_score() -> None:
    """Lists the decimal weights of strength, coverage and priority, and nothing else."""
    weights = default_config().weights()
    assert weights["strength.levels.GlobalLeader"] == 1.0
    assert weights["coverage.counterpart.ally"] == 0.6
    assert weights["priority.nato_priority"] == 0.3
    assert all(name.split(".")[0] in {"strength", "coverage", "priority"} for name in weights)
    assert "strength.max_hops" not in weights


def test_level_weights_mirror_the_ontology() -> None:
    """Gives each capability level the weight the ontology's nkg:levelWeight gives it."""
    ontology = Graph().parse(REPO / "ontology" / "natokg.ttl")
    levels = default_config().table("strength.levels")
    for name, value in levels.items():
        declared = ontology.value(URIRef(NKG + name), URIRef(NKG + "levelWeight"))
        assert declared is not None
        assert float(declared) == value


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    """Keeps every default a user file leaves out and takes the ones it gives."""
    config = load_config(write(tmp_path, "[coverage.counterpart]\nally = 0.9\n"))
    assert config.number("coverage.counterpart.ally") == 0.9
    assert config.number("coverage.counterpart.nato") == 1.0
    assert "weights.toml" in config.source


def test_a_whole_number_is_accepted_for_a_weight(tmp_path: Path) -> None:
    """Reads a weight written without a decimal point as a number."""
    config = load_config(write(tmp_path, "[priority]\nbase = 1\n"))
    assert config.number("priority.base") == 1.0
    assert config.weights()["priority.base"] == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[priority]\nbogus = 0.1\n", "unknown setting 'priority.bogus'"),
        ("[nonsense]\nx = 1\n", "unknown setting 'nonsense'"),
        ('[priority]\nbase = "high"\n', "'priority.base' must be a number"),
        ("[strength]\nmax_hops = 1.5\n", "'strength.max_hops' must be a whole number"),
        ("[priority]\nbase = -0.1\n", "must be a finite number >= 0"),
        ('[links]\nmethod = "magic"\n', "'links.method' must be one of l3n, l3, pa"),
        ("[robustness]\nspread = 1.5\n", "strictly between 0 and 1"),
        ("[priority\nbase = 0.1\n", "invalid TOML"),
        ("priority = 3\n", "'priority' must be a table"),
    ],
)
def test_a_bad_user_file_is_refused_with_file_and_setting(tmp_path: Path, text: str, message: str) -> None:
    """Raises ConfigError naming the file and the setting for a bad override."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    """Raises ConfigError for a configuration file that does not exist."""
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")


def test_with_weights_changes_a_copy_only() -> None:
    """Returns a new configuration with the weights changed and leaves the original alone."""
    config = default_config()
    changed = config.with_weights({"priority.base": 0.5})
    assert changed.number("priority.base") == 0.5
    assert config.number("priority.base") == 0.2
    with pytest.raises(KeyError):
        config.with_weights({"strength.max_hops": 3.0})


def test_compact_iris_are_expanded() -> None:
    """Expands nkgid: and nkg: prefixes and leaves full IRIs alone."""
    assert expand_iri("nkgid:sps") == "https://w3id.org/natokg/id/sps"
    assert expand_iri("nkg:Ally") == NKG + "Ally"
    assert expand_iri("https://example.org/x") == "https://example.org/x"
    assert all(
        iri.startswith("https://w3id.org/natokg/id/") for iri in default_config().iris("channels.frameworks")
    )
