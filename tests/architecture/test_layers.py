"""The house's one-way layers, checked on the source: app → services → tenants → shared → infra.

Every import counts, at module level or inside a function: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "services", "tenants", "shared", "infra")
BELOW: dict[str, tuple[str, ...]] = {  # what a layer may import besides itself
    "infra": (),
    "shared": ("infra",),
    "tenants": ("shared", "infra"),
    "services": ("tenants", "shared", "infra"),
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (a name imported from a package counts as the package)
    names: tuple[str, ...]  # names taken from the target, empty for `import x`
    line: int


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(known: dict[str, Path]) -> Iterator[Import]:
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in PACKAGES:
                        yield Import(name, alias.name, (), node.lineno)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.split(".")[0] not in PACKAGES:
                    continue
                plain = []
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in known:  # `from package import submodule`
                        yield Import(name, f"{node.module}.{alias.name}", (), node.lineno)
                    else:
                        plain.append(alias.name)
                if plain:
                    yield Import(name, node.module, tuple(plain), node.lineno)


def domain(module: str) -> str:
    """services.<d> and tenants are domains; app, shared and infra are one layer each."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "services" and len(parts) > 1 else parts[0]


def test_each_layer_imports_only_the_layers_below() -> None:
    wrong = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in imports(modules())
        if (layer := i.source.split(".")[0]) in BELOW
        and (other := i.target.split(".")[0]) != layer
        and other not in BELOW[layer]
    ]
    assert not wrong, "\n".join(wrong)


def test_a_domain_uses_another_only_through_its_public_face() -> None:
    """`from services.registry import name` with the name in its __all__; never routes or a private module."""
    known = modules()
    wrong = []
    for i in imports(known):
        if i.source.split(".")[0] not in ("services", "tenants"):
            continue
        home, away = domain(i.source), domain(i.target)
        if home == away or away in ("shared", "infra"):
            continue
        if i.target != away:
            wrong.append(f"{i.source}:{i.line} imports {i.target}, not the face of {away}")
            continue
        public = set(getattr(importlib.import_module(away), "__all__", ()))
        wrong += [f"{i.source}:{i.line} takes {n} from {away}, not in its __all__" for n in i.names if n not in public]
    assert not wrong, "\n".join(wrong)


def test_no_import_circle_spans_two_domains() -> None:
    """Domains form a ladder (the read model above what it reads): no domain reaches back to one that uses it."""
    graph: dict[str, set[str]] = defaultdict(set)
    for i in imports(modules()):
        home, away = domain(i.source), domain(i.target)
        if home != away and home.split(".")[0] in ("services", "tenants"):
            graph[home].add(away)
    circles = []
    for start in list(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    circles.append(" → ".join([*path, nxt]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert not circles, "\n".join(circles)


def test_every_domain_declares_its_public_face() -> None:
    faces = [m for m in modules() if m.startswith("services.") and m.count(".") == 1] + ["tenants"]
    assert all(hasattr(importlib.import_module(face), "__all__") for face in faces)


def test_spreadsheets_are_written_only_through_the_kernel() -> None:
    """shared.spreadsheets neutralises formulas; a module writing XLSX (xlsxwriter, openpyxl) or CSV on its own
    would bypass it."""
    writer = ROOT / "shared" / "spreadsheets.py"
    found = []
    for name, path in modules().items():
        if path == writer:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported = [node.module or ""]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if (node.value.id, node.attr) in (("csv", "writer"), ("csv", "DictWriter")):
                    found.append(f"{name}:{node.lineno} writes CSV with csv.{node.attr}")
                continue
            else:
                continue
            if any(module.split(".")[0] in ("xlsxwriter", "openpyxl") for module in imported):
                found.append(f"{name}:{node.lineno} imports a spreadsheet writer")
    assert found == []
