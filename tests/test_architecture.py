"""The layers of ARCHITECTURE.md, held against the code's own imports (read with ast, nothing imported).

Each layer may import only the layers below it; the domain does no I/O; no module imports another in a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("pipeline", "data", "domain", "analysis", "views", "exports")
# layer -> the layers it may import (besides itself); "entry" is cli, warmup and __main__
ALLOWED = {
    "domain": set(),
    "data": {"domain"},
    "pipeline": {"data", "domain"},
    "analysis": {"data", "domain"},
    "exports": {"analysis", "data", "domain"},
    "views": {"exports", "analysis", "data", "domain"},
    "entry": {"pipeline", "data", "domain", "analysis", "views", "exports", "entry"},
    "ui": {"views", "exports", "analysis", "data", "domain"},
    "pages": {"views", "ui"},
    "app": {"ui", "data", "entry"},
}
# The one import that runs upwards, on purpose: a serving process with no warehouse builds one on its first query.
LAZY_EXCEPTIONS = {("indicators/data/db.py", "indicators.pipeline.load")}
DOMAIN_MAY_IMPORT = {  # the pure parts of the standard library, numpy, pandas, babel's number formats, the domain
    "__future__",
    "collections",
    "dataclasses",
    "decimal",
    "enum",
    "functools",
    "itertools",
    "math",
    "re",
    "textwrap",
    "typing",
    "babel",
    "numpy",
    "pandas",
    "indicators",
}
WRITERS = {"open", "to_csv", "to_excel", "to_parquet", "to_json", "to_sql", "to_pickle", "to_feather"}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "indicators":
        return parts[0]
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "entry"


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def sources() -> list[Path]:
    found = [p for folder in ("indicators", "ui", "pages") for p in sorted((ROOT / folder).rglob("*.py"))]
    return found + [ROOT / "app.py"]


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import of the project's own code in a file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            targets = [n if _is_module(n) else node.module for n in names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in ("indicators", "ui", "pages"):
                found.append((target, id(node) in top))
    return found


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_every_layer_imports_only_the_layers_below_it():
    paths = sources()
    assert len(paths) > 60 and {layer_of(module_of(p)) for p in paths} >= set(LAYERS) | {"entry", "ui", "pages"}
    wrong = []
    for path in paths:
        rel = str(path.relative_to(ROOT))
        source = "app" if rel == "app.py" else layer_of(module_of(path))
        for target, _ in imports(path):
            if (rel, target) in LAZY_EXCEPTIONS:
                continue
            destination = layer_of(target)
            if destination != source and destination not in ALLOWED[source]:
                wrong.append(f"{rel} ({source}) imports {target} ({destination})")
    assert wrong == []


def test_the_upward_exception_stays_lazy():
    """data/db.py may reach the pipeline only inside a function (a process that serves never loads the build unless
    it has to)."""
    found = [(t, top) for t, top in imports(ROOT / "indicators/data/db.py") if t.startswith("indicators.pipeline")]
    assert found == [("indicators.pipeline.load", False)]


def test_the_domain_does_no_io():
    """Domain modules import only the standard library's pure parts, numpy, pandas and the domain itself, and open
    no files: no duckdb, Streamlit, Plotly, os or pathlib, and no open() or pandas readers."""
    offenders = []
    for path in sorted((ROOT / "indicators/domain").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for module in modules:
                    if module.split(".")[0] not in DOMAIN_MAY_IMPORT or (
                        module.startswith("indicators") and not module.startswith("indicators.domain")
                    ):
                        offenders.append(f"{path.name} imports {module}")
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in WRITERS or name.startswith("read_"):
                    offenders.append(f"{path.name}:{node.lineno} calls {name}")
    assert len(list((ROOT / "indicators/domain").glob("*.py"))) >= 10
    assert offenders == []


def test_no_module_imports_another_in_a_loop():
    """Module-level imports between the project's modules form no cycle (a cycle makes import order matter)."""
    graph: dict[str, set[str]] = {}
    for path in sources():
        graph[module_of(path)] = {t for t, top in imports(path) if top}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert len(graph) > 60 and cycles == []


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [("domain", "data", False), ("data", "analysis", False), ("views", "analysis", True), ("pages", "analysis", False)],
)
def test_the_rules_themselves(source, target, allowed):
    assert (target in ALLOWED[source]) is allowed
