"""The import rules of docs/architecture.md, checked on the source.

Every `import` and `from … import` of the project's own modules is read with
`ast`, at the top of a module and inside functions alike (an import inside a
function is an arrow too: hiding it there only hides it from a reader).  The
graph must have no cycle, and imports inside functions stay rare and
explained.  A package's `__init__` run because one of its submodules is
imported is not an arrow of its own: only the modules an import names count.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("bcgslides", "generator", "operations")
IN_FUNCTION_LIMIT = 10
REASON_MARK = "noqa: PLC0415 --"


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int
    in_function: bool
    reason: str


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _named(node: ast.AST, source: str, modules: dict[str, Path]) -> list[str]:
    """The project modules an import statement names (longest known prefix of each name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            raise AssertionError(f"{source}: relative import (the project imports absolutely)")
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                 for alias in node.names]
    targets = []
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != source:
            targets.append(name)
    return targets


def _arrows() -> list[Arrow]:
    modules = _modules()
    arrows = []
    for source, path in modules.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        parent_of = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            in_function, type_checking, up = False, False, node
            while up in parent_of:
                up = parent_of[up]
                in_function |= isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef))
                type_checking |= isinstance(up, ast.If) and "TYPE_CHECKING" in ast.unparse(up.test)
            if type_checking:
                continue
            statement = " ".join(lines[node.lineno - 1:node.end_lineno])
            reason = statement.partition(REASON_MARK)[2].strip()
            for target in _named(node, source, modules):
                arrows.append(Arrow(source, target, node.lineno, in_function, reason))
    return arrows


def _cycles(arrows: list[Arrow]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {}
    for arrow in arrows:
        graph.setdefault(arrow.source, set()).add(arrow.target)
        graph.setdefault(arrow.target, set())
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
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
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def arrows():
    return _arrows()


def test_the_project_has_no_import_cycle(arrows):
    cycles = _cycles(arrows)
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_imports_inside_functions_are_few_and_each_says_why(arrows):
    inside = [a for a in arrows if a.in_function]
    unexplained = [f"{a.source}:{a.line} → {a.target}" for a in inside if not a.reason]
    assert not unexplained, "in-function imports without a reason: " + ", ".join(unexplained)
    assert len({(a.source, a.line) for a in inside}) < IN_FUNCTION_LIMIT, [
        f"{a.source}:{a.line}" for a in inside]


def test_the_engine_imports_nothing_of_the_callers_the_models_or_the_language_model(arrows):
    """The renderer, lint and readers run without Django models, use cases or LLM code."""
    engine = ("generator.render", "generator.lint", "generator.outline", "generator.spec",
              "generator.design", "generator.fonts")
    above = ("generator.models", "generator.decks", "generator.web", "generator.api",
             "generator.llm", "generator.tasks", "generator.files", "operations")
    wrong = [f"{a.source} → {a.target}" for a in arrows
             if a.source.startswith(engine) and a.target.startswith(above)]
    assert not wrong, wrong


def test_the_domain_never_imports_the_task_layer_or_the_callers(arrows):
    """Use cases enqueue through the queueing leaf; pages and the API call use cases, never the reverse."""
    domain = ("generator.decks", "generator.llm", "generator.learning", "generator.previews",
              "generator.material", "generator.render", "generator.lint", "generator.intake")
    callers = ("generator.tasks", "generator.web", "generator.api", "generator.admin",
               "generator.management")
    wrong = [f"{a.source} → {a.target}" for a in arrows
             if a.source.startswith(domain) and a.target.startswith(callers)
            ]
    assert not wrong, wrong


def test_the_checker_sees_a_cycle_and_an_in_function_import():
    """The walk itself: a made-up graph with a cycle through an in-function import is caught."""
    made_up = [Arrow("a", "b", 1, False, ""), Arrow("b", "c", 3, True, ""),
               Arrow("c", "a", 2, False, ""), Arrow("c", "d", 4, False, "")]
    assert _cycles(made_up) == [["a", "b", "c"]]
    source = "def f():\n    import generator.spec\n"
    tree = ast.parse(source)
    node = tree.body[0].body[0]
    assert _named(node, "x", {"generator.spec": Path("spec.py")}) == ["generator.spec"]
