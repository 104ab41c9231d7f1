"""The package's plan, read from its imports: each folder one step, imports only downward, eval imported by eval.

Every ``import`` and ``from ... import`` in ``assistant/`` (at any depth, lazy ones included) is an edge of the
graph. A unit is a subpackage (``corpus``, ``verify``, ...) or a top-level module (``cli``, ``errors``, ...).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

#: The steps, lowest first: a unit may import units of a lower rank (and itself), never an equal or higher one.
RANKS = {
    "errors": 0,
    "settings": 1, "prompts": 1, "package_files": 1, "__init__": 1,
    "untrusted": 2,
    "llm": 3,
    "corpus": 4,
    "verify": 5,
    "claims": 6, "answer": 6,
    "report": 7,
    "eval": 8,
    "chat": 9, "serve": 9,
    "cli": 10,
    "__main__": 11,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    where = PACKAGE.joinpath(*dotted.strip(".").split("."))
    return where.with_suffix(".py").is_file() or where.is_dir()


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module relative to the package, line, at module level) for each import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(PACKAGE).parent.parts)
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.split(".")[0] == "assistant":
                target = node.module.removeprefix("assistant").lstrip(".")
            else:
                continue
            submodules = [f"{target}.{a.name}".lstrip(".") for a in node.names if _is_module(f"{target}.{a.name}")]
            for module in submodules or [target or "__init__"]:
                found.append((module, node.lineno, id(node) in top))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "assistant":
                    found.append((alias.name.removeprefix("assistant").lstrip(".") or "__init__", node.lineno,
                                  id(node) in top))
    return found


def graph() -> dict[str, list[tuple[str, int, bool]]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    return module.split(".")[0]


def violations(edges: dict[str, list[tuple[str, int, bool]]], ranks: dict[str, int]) -> list[str]:
    """Every import that goes sideways or up between units, and every unit not placed in ``ranks``."""
    found = []
    for module, targets in edges.items():
        if unit(module) not in ranks:
            found.append(f"{module}: unit {unit(module)!r} has no place in the layout")
            continue
        for target, line, _ in targets:
            low, high = unit(target), unit(module)
            if low != high and ranks.get(low, 99) >= ranks[high]:
                found.append(f"{module} line {line} imports {target}, which is not below it")
    return found


def cycles(edges: dict[str, list[tuple[str, int, bool]]]) -> list[list[str]]:
    """Import cycles between modules (a depth-first search; each cycle reported once from where it closes)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target, _, _ in edges.get(node, []):
            if state.get(target) == 1:
                found.append([*path[path.index(target):], target] if target in path else [node, target])
            elif target in edges and target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in edges:
        if node not in state:
            visit(node, [node])
    return found


def test_every_import_goes_down_the_steps() -> None:
    edges = graph()
    assert len(edges) > 50  # the whole package was read
    assert violations(edges, RANKS) == []


def test_the_import_graph_has_no_cycles() -> None:
    assert cycles(graph()) == []


def test_nothing_outside_eval_imports_eval_except_the_eval_command_when_it_runs() -> None:
    edges = graph()
    outside = [(m, t, line, top) for m, ts in edges.items() if unit(m) != "eval" for t, line, top in ts
               if unit(t) == "eval"]
    assert outside, "the eval command imports the eval package"
    assert all(m == "cli" and not top for m, _, _, top in outside), outside


def test_the_checks_catch_a_back_edge_a_sideways_edge_a_cycle_and_an_unplaced_unit() -> None:
    edges = {
        "corpus.store": [("verify.verdict", 3, True)],
        "claims.check": [("answer.answer", 5, True)],
        "verify.a": [("verify.b", 1, True)], "verify.b": [("verify.a", 1, False)],
        "gadgets": [],
    }
    found = violations(edges, RANKS)
    assert "corpus.store line 3 imports verify.verdict, which is not below it" in found
    assert "claims.check line 5 imports answer.answer, which is not below it" in found
    assert "gadgets: unit 'gadgets' has no place in the layout" in found
    assert cycles(edges) == [["verify.a", "verify.b", "verify.a"]]


def test_the_cli_starts_without_the_eval_package() -> None:
    code = "import sys, assistant.cli; print(sorted(m for m in sys.modules if m.startswith('assistant.eval')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
