"""The parsed source of the package, and the small questions asked of its syntax trees."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
Callable_ = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
REPORT_PACKAGES = ("kho.ingest", "kho.warehouse")  # where the load report's words are built


class Each(ast.expr):
    """Synthetic: each item of a collection (or the ``index``-th part of each), for loop variables
    such as ``for magic, what in MAGIC``."""

    def __init__(self, collection: ast.expr, index: int | None):
        super().__init__()
        self.collection, self.index = collection, index


@dataclass
class Module:
    """One parsed source file with what is needed to follow names across files."""

    name: str
    rel: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @property
    def is_report(self) -> bool:
        return self.name.startswith(REPORT_PACKAGES)


@dataclass(frozen=True)
class Ctx:
    module: Module
    scope: Scope


def load_modules(root: Path, unparsable: list[str] | None = None) -> dict[str, Module]:
    """Every module of the package, parsed, keyed by dotted name (files that do not parse are
    listed in ``unparsable`` and left out, so one half-edited file does not stop the rest)."""
    out: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            if unparsable is not None:
                unparsable.append(path.relative_to(root.parent.parent).as_posix())
            continue
        module = Module(name, path.relative_to(root.parent.parent).as_posix(), tree)
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                module.parents[child] = node
        _read_imports(module, is_package=parts[-1] == "__init__")
        out[name] = module
    return out


def _read_imports(module: Module, *, is_package: bool) -> None:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0],
                    None,
                )
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module.name, node, is_package=is_package)
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (base, alias.name)


def _absolute(current: str, node: ast.ImportFrom, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = current.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    base = ".".join(parts[:keep])
    return f"{base}.{node.module}" if node.module else base


def keyword_arg(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def top_level(tree: ast.Module, name: str) -> Callable_ | None:
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name == name
        ):
            return node
    return None


def method_of(cls: ast.ClassDef, name: str) -> Callable_ | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def parameters(target: Callable_) -> list[str]:
    """Positional parameter names of a function, or the fields of a dataclass, in order."""
    if isinstance(target, ast.ClassDef):
        init = method_of(target, "__init__")
        if isinstance(init, ast.FunctionDef | ast.AsyncFunctionDef):
            return parameters(init)
        return [
            n.target.id
            for n in target.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        ]
    names = [a.arg for a in (*target.args.posonlyargs, *target.args.args)]
    return names[1:] if names and names[0] in ("self", "cls") else names


def default_of(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    positional = [*func.args.posonlyargs, *func.args.args]
    offset = len(positional) - len(func.args.defaults)
    for i, arg in enumerate(positional):
        if arg.arg == name and i >= offset:
            return func.args.defaults[i - offset]
    for arg, default in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True):
        if arg.arg == name:
            return default
    return None


def own_nodes(scope: Scope) -> Iterator[ast.AST]:
    """The nodes of a scope, not descending into nested functions or classes."""
    stack: list[ast.AST] = list(scope.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ):
                stack.append(child)


def assignments(scope: Scope, name: str) -> list[tuple[ast.expr, int | None]]:
    """Values assigned to ``name`` in a scope; the index is set for tuple unpacking."""
    out: list[tuple[ast.expr, int | None]] = []
    for node in own_nodes(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                out.extend(_match_target(target, name, node.value))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            out.extend(_match_target(node.target, name, node.value))
        elif isinstance(node, ast.NamedExpr) and node.target.id == name:
            out.append((node.value, None))
        elif isinstance(node, ast.For | ast.comprehension):
            out.extend(_loop_values(node.target, name, node.iter))
    return out


def _loop_values(
    target: ast.expr, name: str, iterable: ast.expr
) -> list[tuple[ast.expr, int | None]]:
    """What a loop variable takes: the items of a literal tuple/list, else something unknown."""
    if isinstance(target, ast.Name):
        index = None if target.id == name else -1
    elif isinstance(target, ast.Tuple):
        names = [t.id if isinstance(t, ast.Name) else "" for t in target.elts]
        index = names.index(name) if name in names else -1
    else:
        return []
    if index == -1:
        return []
    if not isinstance(iterable, ast.Tuple | ast.List):
        return [(Each(iterable, index), None)]
    out: list[tuple[ast.expr, int | None]] = []
    for item in iterable.elts:
        if index is None:
            out.append((item, None))
        elif isinstance(item, ast.Tuple | ast.List) and index < len(item.elts):
            out.append((item.elts[index], None))
        else:
            out.append((ast.Constant(value=None), None))
    return out


def _match_target(
    target: ast.expr, name: str, value: ast.expr
) -> list[tuple[ast.expr, int | None]]:
    if isinstance(target, ast.Name) and target.id == name:
        return [(value, None)]
    if isinstance(target, ast.Tuple):
        return [
            (value, i)
            for i, t in enumerate(target.elts)
            if isinstance(t, ast.Name) and t.id == name
        ]
    return []


def last_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None
