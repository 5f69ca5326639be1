"""The house's shape: the layers of pyproject.toml's import-linter contracts hold, the import graph has no
circle (function-level imports included), only the configuration module reads the environment, and the
pure tests collect without the machine-learning stack."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("translate", "summarize", "jobs", "web")
LIBRARY = ("translate", "summarize", "jobs")
ML_STACK = ("torch", "transformers", "ctranslate2", "sentencepiece", "tokenizers", "safetensors")


def test_the_import_linter_contracts_are_kept() -> None:
    done = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                           "lint_imports_command()", "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout and done.stdout.count("KEPT") == 3


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def test_the_import_graph_has_no_circle() -> None:
    import grimp

    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert len(edges) > 40
    assert cycles(edges) == []


def library_files() -> list[Path]:
    return sorted(path for package in LIBRARY for path in (ROOT / package).rglob("*.py"))


READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\b|\benviron\b|\bsetting\(")


def test_only_the_configuration_module_reads_the_environment() -> None:
    files = library_files()
    assert ROOT / "translate" / "config.py" in files and len(files) > 20
    readers = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for path in files
               if path != ROOT / "translate" / "config.py"
               for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
               if READS_ENVIRONMENT.search(line)]
    assert readers == []


def test_the_grep_finds_a_reader() -> None:
    assert READS_ENVIRONMENT.search('    value = os.environ.get("KHABAR_BEAMS")')
    assert READS_ENVIRONMENT.search('    beams = setting("beams", None, 4)')
    assert not READS_ENVIRONMENT.search("    settings = dict(beams=4)")


BLOCKED_COLLECTION = textwrap.dedent("""
    import sys
    for name in {blocked!r}:
        sys.modules[name] = None  # import fails, as without the package; find_spec says it is not there
    import pytest
    sys.exit(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *{paths!r}]))
""")


@pytest.mark.parametrize("paths", [["tests"]], ids=["whole-suite"])
def test_the_tests_collect_without_the_machine_learning_stack(paths: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", BLOCKED_COLLECTION.format(blocked=ML_STACK, paths=paths)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"\d{3,} tests collected", done.stdout), done.stdout[-500:]


def test_the_pure_tests_run_without_the_machine_learning_stack() -> None:
    pure = ["tests/test_text.py", "tests/test_checks.py"]
    done = subprocess.run([sys.executable, "-c", BLOCKED_COLLECTION.format(blocked=ML_STACK, paths=pure)
                           .replace('"--collect-only", ', "")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"\d{3,} passed", done.stdout), done.stdout[-500:]
