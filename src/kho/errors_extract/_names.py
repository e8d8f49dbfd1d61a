"""Following a name back to what it may hold: assignments, callers' arguments, literals."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kho.errors_extract._source import (
    Callable_,
    Ctx,
    Each,
    Module,
    Scope,
    assignments,
    default_of,
    method_of,
    own_nodes,
    parameters,
    top_level,
)

MAX_DEPTH = 12
# Text that comes out of these is already in the reader's language: not followed.
TRANSLATORS = frozenset({"kho.i18n", "kho.web.i18n", "kho.errors_i18n", "kho.ingest.reasons"})


class Names:
    """Where names, calls and loop variables lead, across the modules of the package."""

    def __init__(self, modules: dict[str, Module]):
        self.modules = modules
        self._callers: dict[Callable_, list[tuple[Ctx, ast.Call]]] | None = None

    def _named_args(
        self, call: ast.Call, target: Callable_ | None
    ) -> Iterator[tuple[str, ast.expr]]:
        for kw in call.keywords:
            if kw.arg:
                yield kw.arg, kw.value
        names = parameters(target) if target is not None else []
        yield from zip(names, call.args, strict=False)

    def _is_parameter(self, name: str, ctx: Ctx) -> bool:
        """Whether ``name`` is a parameter of a public method: callers elsewhere (the web and the
        CLI through ``platform.…``) are not seen here, so its values are never spelled out. The
        callers of functions and private methods are all seen, and their words may be."""
        for scope in self._scopes(ctx):
            if assignments(scope.scope, name):
                return False
            if isinstance(scope.scope, ast.FunctionDef | ast.AsyncFunctionDef):
                args = scope.scope.args
                if name in [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]:
                    owner = ctx.module.parents.get(scope.scope)
                    return isinstance(owner, ast.ClassDef) and not scope.scope.name.startswith("_")
        return False

    def _bindings(
        self, expr: ast.Name | ast.Attribute, ctx: Ctx
    ) -> list[tuple[ast.expr, Ctx, int | None]]:
        """What a name may hold: its assignments in scope, its callers' arguments, a constant."""
        if isinstance(expr, ast.Attribute):
            return self._attribute_bindings(expr, ctx)
        for scope in self._scopes(ctx):
            found = assignments(scope.scope, expr.id)
            if isinstance(scope.scope, ast.FunctionDef | ast.AsyncFunctionDef):
                found_args = self._argument_values(scope.scope, expr.id)
                if found or found_args:
                    return [(v, scope, i) for v, i in found] + found_args
            elif found:
                return [(v, scope, i) for v, i in found]
        origin = ctx.module.imports.get(expr.id)
        if origin and origin[1] and origin[0] in self.modules:
            module = self.modules[origin[0]]
            return [
                (v, Ctx(module, module.tree), i) for v, i in assignments(module.tree, origin[1])
            ]
        return []

    def _attribute_bindings(
        self, expr: ast.Attribute, ctx: Ctx
    ) -> list[tuple[ast.expr, Ctx, int | None]]:
        if isinstance(expr.value, ast.Name):
            origin = ctx.module.imports.get(expr.value.id)
            if origin and origin[1] is None and origin[0] in self.modules:
                module = self.modules[origin[0]]
                return [
                    (v, Ctx(module, module.tree), i) for v, i in assignments(module.tree, expr.attr)
                ]
            if origin and origin[1] and f"{origin[0]}.{origin[1]}" in self.modules:
                module = self.modules[f"{origin[0]}.{origin[1]}"]
                return [
                    (v, Ctx(module, module.tree), i) for v, i in assignments(module.tree, expr.attr)
                ]
        return []

    def _scopes(self, ctx: Ctx) -> Iterator[Ctx]:
        node: ast.AST | None = ctx.scope
        while node is not None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
                yield Ctx(ctx.module, node)
            node = ctx.module.parents.get(node)

    def _scope_of(self, module: Module, node: ast.AST) -> Scope:
        current = module.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                return current
            current = module.parents.get(current)
        return module.tree

    def _argument_values(
        self, func: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> list[tuple[ast.expr, Ctx, int | None]]:
        """The expressions every caller passes for parameter ``name`` (and its default)."""
        names = parameters(func)
        if name not in names and name not in [a.arg for a in func.args.kwonlyargs]:
            return []
        out: list[tuple[ast.expr, Ctx, int | None]] = []
        for caller_ctx, call in self.callers().get(func, []):
            for arg_name, value in self._named_args(call, func):
                if arg_name == name:
                    out.append((value, caller_ctx, None))
        default = default_of(func, name)
        if default is not None:
            module = self._module_of(func)
            out.append((default, Ctx(module, self._scope_of(module, func)), None))
        return out or [(ast.Constant(value=None), Ctx(self._module_of(func), func), None)]

    def _module_of(self, node: ast.AST) -> Module:
        return next(m for m in self.modules.values() if node in m.parents or node is m.tree)

    def callers(self) -> dict[Callable_, list[tuple[Ctx, ast.Call]]]:
        if self._callers is None:
            self._callers = {}
            for module in self.modules.values():
                for node in ast.walk(module.tree):
                    if isinstance(node, ast.Call):
                        ctx = Ctx(module, self._scope_of(module, node))
                        target = self._target(node.func, ctx)
                        if target is not None:
                            self._callers.setdefault(target, []).append((ctx, node))
        return self._callers

    def _returns(self, call: ast.Call, ctx: Ctx) -> Iterator[tuple[ast.expr, Ctx]]:
        func = self._target(call.func, ctx)
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            return
        module = self._module_of(func)
        if module.name in TRANSLATORS or func.name in ("t", "_", "gettext"):
            return
        for node in own_nodes(func):
            if isinstance(node, ast.Return) and node.value is not None:
                yield node.value, Ctx(module, func)

    def _target(self, func: ast.expr, ctx: Ctx) -> Callable_ | None:
        """The function or class of Kho a call (or a base class) refers to, if it can be told."""
        if isinstance(func, ast.Name):
            local = top_level(ctx.module.tree, func.id)
            if local is not None:
                return local
            origin = ctx.module.imports.get(func.id)
            if origin and origin[1] and origin[0] in self.modules:
                return top_level(self.modules[origin[0]].tree, origin[1])
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls"):
                cls = self._enclosing_class(ctx)
                return method_of(cls, func.attr) if cls is not None else None
            origin = ctx.module.imports.get(owner)
            if origin is None:
                return None
            dotted = origin[0] if origin[1] is None else f"{origin[0]}.{origin[1]}"
            if dotted in self.modules:
                return top_level(self.modules[dotted].tree, func.attr)
        return None

    def _enclosing_class(self, ctx: Ctx) -> ast.ClassDef | None:
        node: ast.AST | None = ctx.scope
        while node is not None:
            if isinstance(node, ast.ClassDef):
                return node
            node = ctx.module.parents.get(node)
        return None

    def _members(
        self, expr: Each | ast.Subscript, ctx: Ctx, depth: int
    ) -> list[tuple[ast.expr, Ctx]]:
        """What a loop variable or ``TABLE[key]`` can be: the members of a literal collection."""
        found = self._literal(expr.collection if isinstance(expr, Each) else expr.value, ctx, depth)
        if found is None:
            return []
        node, where = found
        if isinstance(expr, ast.Subscript):
            if isinstance(node, ast.Dict):
                return [(v, where) for v in node.values]
            key = expr.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, int):
                elts = getattr(node, "elts", [])
                return [(elts[key.value], where)] if -len(elts) <= key.value < len(elts) else []
            return [(v, where) for v in getattr(node, "elts", [])]
        items = list(node.keys) if isinstance(node, ast.Dict) else list(node.elts)
        items = [i for i in items if i is not None]
        if expr.index is None:
            return [(i, where) for i in items]
        return [
            (i.elts[expr.index], where)
            for i in items
            if isinstance(i, ast.Tuple | ast.List) and expr.index < len(i.elts)
        ]

    def _literal(
        self, expr: ast.expr, ctx: Ctx, depth: int
    ) -> tuple[ast.List | ast.Tuple | ast.Set | ast.Dict, Ctx] | None:
        """The literal list, tuple, set or dict a name is bound to, if it is one."""
        if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.Dict):
            return expr, ctx
        if depth > MAX_DEPTH or not isinstance(expr, ast.Name | ast.Attribute):
            return None
        for value, value_ctx, index in self._bindings(expr, ctx):
            if index is None:
                found = self._literal(value, value_ctx, depth + 1)
                if found is not None:
                    return found
        return None
