"""Every test says what it checks in one present-tense sentence (DESIGN §9)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TEST_FILES = sorted(Path(__file__).parent.glob("test_*.py"))


def find_tests(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Return the test functions defined in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    ]


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_every_test_has_a_one_sentence_present_tense_docstring(path: Path) -> None:
    """Gives each test function a docstring of one sentence starting with a present-tense verb."""
    bad = []
    for function in find_tests(path):
        doc = ast.get_docstring(function) or ""
        sentence = " ".join(doc.split())
        verb = sentence.split(" ", 1)[0]
        if not (sentence.endswith(".") and sentence.count(". ") == 0 and verb.endswith("s")):
            bad.append(f"{path.name}:{function.lineno} {function.name}: {doc!r}")
    assert bad == []
