"""Charter's own modules import each other at the top of the file, and never in a circle.

A function-level import of a charter module is usually written to dodge a cycle: a seam in the
wrong place (../shared/STYLE.md, "Cycles are a design smell"). Imports under ``if TYPE_CHECKING:``
run only for the type checker and are not counted. Third-party imports inside a function (heavy
optional libraries loaded on first use) are allowed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src"


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted((SRC / "charter").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement run at import or call time, with whether it sits inside a function."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from walk(other, in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
                continue
            nested = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, in_function or nested)

    yield from walk(tree, False)


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    found = {_resolve(name) for name in names if name == "charter" or name.startswith("charter.")}
    targets = {target for target in found if target is not None}
    # Importing charter.a.b first runs charter.a's __init__: an edge too, unless it encloses this module.
    for target in list(targets):
        parts = target.split(".")
        targets |= {".".join(parts[:n]) for n in range(2, len(parts))} & MODULES.keys()
    return {t for t in targets if t != module and not module.startswith(t + ".")}


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    local: list[str] = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in _imports(tree):
            targets = _targets(module, path, node)
            edges[module] |= targets
            if in_function and targets:
                local.append(f"{path.relative_to(SRC)}:{node.lineno} imports {', '.join(sorted(targets))}")
    return edges, local


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# Parsed once, when the module is collected (before any test runs): CPython 3.11.7's ast.parse can raise
# "SystemError: AST constructor recursion depth mismatch" once a test has loaded torch and its
# compiler (seen in CI after the training tests; fixed in later CPython releases).
GRAPH = _graph()


def test_no_import_cycle_between_charter_modules_counting_function_level_imports() -> None:
    edges, _ = GRAPH
    assert _cycles(edges) == []


def test_no_function_level_import_of_a_charter_module() -> None:
    _, local = GRAPH
    assert local == []


def test_the_check_sees_a_cycle_and_a_function_level_import() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    tree = ast.parse("import os\nif TYPE_CHECKING:\n    import charter.x\ndef f():\n    from charter import errors\n")
    assert [(type(node).__name__, nested) for node, nested in _imports(tree)] == [
        ("Import", False),
        ("ImportFrom", True),
    ]


#: The faces (STYLE.md, "One library, thin faces"): they translate, the capabilities hold the logic.
FACES = ("charter.api", "charter.cli", "charter.console")
#: What one face may take from another, as (importer or its package, imported): the API's request
#: plumbing (the console checks roles and reads the runtime as the API does), the app factory mounting
#: the console, and ``charter serve`` starting the app.
FACE_PLUMBING = {
    ("charter.console", "charter.api.deps"),
    ("charter.api.app", "charter.console"),
    ("charter.cli", "charter.api.app"),
    ("charter.cli", "charter.api.server"),
}


def _face(module: str) -> str | None:
    return next((face for face in FACES if module == face or module.startswith(face + ".")), None)


def _face_imports(edges: dict[str, set[str]]) -> list[str]:
    """Each import of a face by a capability, or of one face by another beyond its plumbing."""
    wrong = []
    for module, targets in sorted(edges.items()):
        mine = _face(module)
        for target in sorted(targets):
            theirs = _face(target)
            if theirs is None or theirs == mine or any(
                target == allowed and (module == importer or module.startswith(importer + "."))
                for importer, allowed in FACE_PLUMBING
            ):
                continue
            wrong.append(f"{module} imports {target}")
    return wrong


def test_no_capability_imports_a_face_and_faces_share_only_plumbing() -> None:
    edges, _ = GRAPH
    assert _face_imports(edges) == []


def test_the_face_check_sees_a_capability_or_a_face_reaching_into_a_face() -> None:
    edges = {
        "charter.evals.gate": {"charter.api.evals"},
        "charter.console.evals": {"charter.api.evals", "charter.api.deps", "charter.evals.launch"},
        "charter.cli.core": {"charter.api.app"},
    }
    assert _face_imports(edges) == [
        "charter.console.evals imports charter.api.evals",
        "charter.evals.gate imports charter.api.evals",
    ]
