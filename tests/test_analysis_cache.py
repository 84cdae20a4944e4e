"""The on-disk projection cache: same answers as without it, never stale, never trusted blindly."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from natokg import resources
from natokg.analysis.cache import cache_dir, cached_projection, projection_key
from natokg.analysis.project import project_graphs
from natokg.load import parse_file
from support import FIXTURES, RunNatokg

TINY = FIXTURES / "analysis" / "tiny.ttl"


def files_with(tmp_path: Path) -> list[Path]:
    data = tmp_path / "data.ttl"
    shutil.copy(TINY, data)
    return [*resources.ontology_files(), data]


def build_of(files: list[Path], calls: list[int]) -> nx.MultiDiGraph:
    calls.append(1)
    return project_graphs([parse_file(path) for path in files])


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NATOKG_CACHE_DIR", str(folder))
    monkeypatch.delenv("NATOKG_NO_CACHE", raising=False)
    return folder


def same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return (
        list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
        and a.graph == b.graph
    )


def test_a_second_call_reads_the_cache_and_gives_the_same_projection(cache: Path, tmp_path: Path) -> None:
    """Builds once, then returns an equal projection from the cache without building."""
    files, calls = files_with(tmp_path), []
    first = cached_projection(files, lambda: build_of(files, calls))
    second = cached_projection(files, lambda: build_of(files, calls))
    assert calls == [1]
    assert same(first, second)
    assert first.number_of_edges() > 0
    assert len(list(cache.glob("projection-*.pickle"))) == 1


def test_an_edited_file_gets_a_new_key_and_a_fresh_projection(cache: Path, tmp_path: Path) -> None:
    """Rebuilds after one byte of an input file changes, so no stale projection is returned."""
    files, calls = files_with(tmp_path), []
    before = projection_key(files)
    cached_projection(files, lambda: build_of(files, calls))
    files[-1].write_text(files[-1].read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert projection_key(files) != before
    cached_projection(files, lambda: build_of(files, calls))
    assert calls == [1, 1]


def test_a_damaged_entry_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    """Ignores an entry that is not a pickled projection and writes a good one over it."""
    files, calls = files_with(tmp_path), []
    cached_projection(files, lambda: build_of(files, calls))
    (entry,) = cache.glob("projection-*.pickle")
    entry.write_bytes(b"not a pickle")
    rebuilt = cached_projection(files, lambda: build_of(files, calls))
    assert calls == [1, 1]
    assert same(rebuilt, cached_projection(files, lambda: build_of(files, calls)))
    assert calls == [1, 1]


def test_a_folder_others_can_write_is_not_read(cache: Path, tmp_path: Path) -> None:
    """Ignores a cache folder that other users could write to, reading and writing nothing there."""
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    files, calls = files_with(tmp_path), []
    cached_projection(files, lambda: build_of(files, calls))
    cached_projection(files, lambda: build_of(files, calls))
    assert calls == [1, 1]
    assert list(cache.iterdir()) == []


def test_an_unwritable_cache_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Returns the projection even when the cache folder cannot be created."""
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("NATOKG_CACHE_DIR", str(blocker / "cache"))
    files, calls = files_with(tmp_path), []
    assert cached_projection(files, lambda: build_of(files, calls)).number_of_nodes() > 0
    assert calls == [1]


def test_no_cache_turns_it_off(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds every time and writes nothing when NATOKG_NO_CACHE=1."""
    monkeypatch.setenv("NATOKG_NO_CACHE", "1")
    assert cache_dir() is None
    files, calls = files_with(tmp_path), []
    cached_projection(files, lambda: build_of(files, calls))
    cached_projection(files, lambda: build_of(files, calls))
    assert calls == [1, 1]
    assert not cache.exists()


def test_the_cache_folder_is_private(cache: Path, tmp_path: Path) -> None:
    """Creates the cache folder readable and writable by its owner only."""
    files = files_with(tmp_path)
    cached_projection(files, lambda: build_of(files, []))
    assert cache.stat().st_mode & 0o077 == 0


def test_gaps_json_is_the_same_from_the_cache(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Prints byte-identical JSON on a cold run, a warm run and a run with the cache off."""
    env = {"NATOKG_CACHE_DIR": str(tmp_path / "cache")}
    cold = run_natokg("gaps", "--format", "json", env=env)
    warm = run_natokg("gaps", "--format", "json", env=env)
    off = run_natokg("gaps", "--format", "json", env={**env, "NATOKG_NO_CACHE": "1"})
    assert cold.returncode == warm.returncode == off.returncode == 0, cold.stderr
    assert cold.stdout == warm.stdout == off.stdout
    assert '"gaps"' in cold.stdout
    assert len(list((tmp_path / "cache").glob("projection-*.pickle"))) == 1


def test_a_bad_file_is_reported_even_with_a_warm_cache(run_natokg: RunNatokg, tmp_path: Path) -> None:
    """Reports a syntax error in a data file with file and line, cache or not, and caches nothing for it."""
    env = {"NATOKG_CACHE_DIR": str(tmp_path / "cache")}
    data = tmp_path / "data.ttl"
    shutil.copy(TINY, data)
    assert run_natokg("gaps", data, env=env).returncode == 0
    data.write_text(data.read_text(encoding="utf-8") + "\nthis is not turtle .\n", encoding="utf-8")
    line = data.read_text(encoding="utf-8").splitlines().index("this is not turtle .") + 1
    broken = run_natokg("gaps", data, env=env)
    assert broken.returncode == 2
    assert f"data.ttl:{line}:1: bad syntax" in broken.stderr
    assert len(list((tmp_path / "cache").glob("projection-*.pickle"))) == 1
