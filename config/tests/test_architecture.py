"""The shape of the code: no import cycle between modules of our own (the layer contracts in
pyproject.toml, checked by `lint-imports` in CI, keep the apps' floors), and no module over the
size a reader can hold in mind."""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"static", "templates"}
)


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), tests left out."""
    modules = sorted(m for m in graph.modules if ".tests" not in m and not m.endswith(".conftest"))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(module: str) -> None:
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if target not in index and target in modules:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_between_our_modules():
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    assert _cycles(graph) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_700_lines(package):
    """Outside migrations and tests, a module that grows past this is doing two jobs: split it."""
    too_long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert too_long == {}
