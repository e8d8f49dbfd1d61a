"""Find every English sentence Kho builds for a person and keep the translators' catalogue in step.

Error messages (the KhoError family's message and ``hint=``) and the load report's type reasons
and warnings are f-strings spread over ``src/kho``; nobody should have to wrap each one by hand.
This walks the source with :mod:`ast`, follows variables, helper functions and their callers to
the string literals, turns each into a template with numbered placeholders
(``f"No table {base!r}."`` → ``No table {0}.``) and refreshes ``web/locale/{vi,en}/errors.po``
like ``pybabel update``: translations kept, new ids added, vanished ids marked obsolete.
:mod:`kho.errors_i18n` reads that catalogue to translate messages where a person reads them.
Run it with ``scripts/extract_messages.py`` after adding or changing a message.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SRC = PACKAGE.parent
LOCALE_DIR = PACKAGE / "web" / "locale"
DOMAIN = "errors"
MAX_DEPTH = 12
MAX_VARIANTS = 32
MAX_INLINE = 6
MIN_LETTERS = 3  # a template needs this much literal text, or it would match anything


class Slot(Enum):
    """A value only known at run time: any text, or a count written with `{n:,}`."""

    VALUE = "value"
    COUNT = "count"


Part = str | Slot
Pieces = tuple[Part, ...]
Variant = tuple[Pieces, frozenset[str]]  # one way the text can read, and the files it comes from
Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
Callable_ = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
UNKNOWN: list[Variant] = [((Slot.VALUE,), frozenset())]
COUNTED: list[Variant] = [((Slot.COUNT,), frozenset())]
STR_METHODS = frozenset({"strip", "rstrip", "lstrip", "replace"})  # same words after them

# Where the load report's words come from (names of fields, calls and functions that carry them).
REPORT_PACKAGES = ("kho.ingest", "kho.warehouse")
REPORT_FIELDS = frozenset({"reason", "warnings", "changes", "schema_changes"})
REPORT_METHODS = frozenset({"warn"})
# Text that comes out of these is already in the reader's language: not followed.
TRANSLATORS = frozenset({"kho.i18n", "kho.web.i18n", "kho.errors_i18n", "kho.ingest.reasons"})


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


@dataclass
class Entry:
    """One template and where it was found."""

    locations: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Ctx:
    module: Module
    scope: Scope


def load_modules(root: Path = PACKAGE, unparsable: list[str] | None = None) -> dict[str, Module]:
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


class Extractor:
    """Collects templates from every place a message for a person is built."""

    def __init__(self, modules: dict[str, Module]):
        self.modules = modules
        self.templates: dict[str, Entry] = {}
        self.error_classes = self._error_classes()
        self._callers: dict[Callable_, list[tuple[Ctx, ast.Call]]] | None = None
        self._active: set[tuple[int, int]] = set()

    # the error family -----------------------------------------------------------------------
    def _error_classes(self) -> set[ast.ClassDef]:
        """KhoError and every class that derives from it, wherever it is defined."""
        found = {n for n in self.modules["kho.errors"].tree.body if isinstance(n, ast.ClassDef)}
        grew = True
        while grew:
            grew = False
            for module in self.modules.values():
                for node in ast.walk(module.tree):
                    if isinstance(node, ast.ClassDef) and node not in found:
                        scope = Ctx(module, module.tree)
                        if any(self._target(b, scope) in found for b in node.bases):
                            found.add(node)
                            grew = True
        return found

    # walking --------------------------------------------------------------------------------
    def run(self) -> dict[str, Entry]:
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                ctx = Ctx(module, self._scope_of(module, node))
                if isinstance(node, ast.Call):
                    self._visit_call(node, ctx)
                elif module.is_report:
                    self._visit_report_node(node, ctx)
        return self.templates

    def _visit_call(self, call: ast.Call, ctx: Ctx) -> None:
        target = self._target(call.func, ctx)
        if target in self.error_classes:
            message = call.args[0] if call.args else _keyword(call, "message")
            if message is not None:
                self._collect(message, ctx, "message")
            hint = _keyword(call, "hint")
            if hint is not None:
                self._collect(hint, ctx, "hint")
        if not ctx.module.is_report:
            return
        for name, arg in self._named_args(call, target):
            if name in REPORT_FIELDS:
                self._collect_list_or_text(arg, ctx, "report")
        if not isinstance(call.func, ast.Attribute) or not call.args:
            return
        if call.func.attr in REPORT_METHODS:
            self._collect(call.args[0], ctx, "report")
        elif call.func.attr in ("append", "extend") and _is_report_list(call.func, ctx):
            self._collect_list_or_text(call.args[0], ctx, "report")

    def _visit_report_node(self, node: ast.AST, ctx: Ctx) -> None:
        """Assignments to report fields and what `…warnings()` helpers return."""
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_last_name(t) in REPORT_FIELDS for t in targets):
                self._collect_list_or_text(node.value, ctx, "report")
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and isinstance(ctx.scope, ast.FunctionDef)
            and _is_report_function(ctx.scope.name)
        ):
            self._collect_list_or_text(node.value, ctx, "report")

    def _named_args(
        self, call: ast.Call, target: Callable_ | None
    ) -> Iterator[tuple[str, ast.expr]]:
        for kw in call.keywords:
            if kw.arg:
                yield kw.arg, kw.value
        names = _parameters(target) if target is not None else []
        yield from zip(names, call.args, strict=False)

    # collecting -----------------------------------------------------------------------------
    def _collect(self, expr: ast.expr, ctx: Ctx, role: str) -> None:
        for pieces, origins in self._resolve(expr, ctx, 0):
            template = to_template(pieces)
            if template is None or (role == "part" and not _is_prose(template)):
                continue
            entry = self.templates.setdefault(template, Entry())
            entry.locations.update(origins or {ctx.module.rel})
            entry.roles.add(role)

    def _collect_list_or_text(self, expr: ast.expr, ctx: Ctx, role: str) -> None:
        for item, item_ctx in self._elements(expr, ctx, 0):
            self._collect(item, item_ctx, role)

    def _elements(self, expr: ast.expr, ctx: Ctx, depth: int) -> Iterator[tuple[ast.expr, Ctx]]:
        """The string expressions a list-valued (or string-valued) expression is made of."""
        if depth > MAX_DEPTH:
            return
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            for elt in expr.elts:
                inner = elt.value if isinstance(elt, ast.Starred) else elt
                yield from self._elements(inner, ctx, depth + 1)
        elif isinstance(expr, ast.ListComp | ast.GeneratorExp):
            yield from self._elements(expr.elt, ctx, depth + 1)
        elif not self._is_listy(expr, ctx, 0):
            yield expr, ctx
        elif isinstance(expr, ast.BinOp):
            yield from self._elements(expr.left, ctx, depth + 1)
            yield from self._elements(expr.right, ctx, depth + 1)
        elif isinstance(expr, ast.Name):
            for value, value_ctx, index in self._bindings(expr, ctx):
                yield from self._element_of(value, value_ctx, index, depth)
        elif isinstance(expr, ast.Call):
            for value, value_ctx in self._returns(expr, ctx):
                yield from self._elements(value, value_ctx, depth + 1)
        elif isinstance(expr, ast.IfExp):
            yield from self._elements(expr.body, ctx, depth + 1)
            yield from self._elements(expr.orelse, ctx, depth + 1)

    def _element_of(
        self, value: ast.expr, ctx: Ctx, index: int | None, depth: int
    ) -> Iterator[tuple[ast.expr, Ctx]]:
        if index is None:
            yield from self._elements(value, ctx, depth + 1)
        elif isinstance(value, ast.Tuple) and index < len(value.elts):
            yield from self._elements(value.elts[index], ctx, depth + 1)
        elif isinstance(value, ast.Call):
            for ret, ret_ctx in self._returns(value, ctx):
                yield from self._element_of(ret, ret_ctx, index, depth + 1)

    def _is_listy(self, expr: ast.expr, ctx: Ctx, depth: int) -> bool:
        """Whether an expression holds a list of texts rather than one text."""
        if depth > MAX_DEPTH:
            return False
        if isinstance(expr, ast.List | ast.Tuple | ast.Set | ast.ListComp | ast.GeneratorExp):
            return True
        if isinstance(expr, ast.BinOp | ast.IfExp):
            sides = (
                (expr.left, expr.right) if isinstance(expr, ast.BinOp) else (expr.body, expr.orelse)
            )
            return any(self._is_listy(side, ctx, depth + 1) for side in sides)
        if isinstance(expr, ast.Name):
            return any(
                index is not None or self._is_listy(value, value_ctx, depth + 1)
                for value, value_ctx, index in self._bindings(expr, ctx)
            )
        if isinstance(expr, ast.Call):
            return any(
                self._is_listy(value, value_ctx, depth + 1)
                for value, value_ctx in self._returns(expr, ctx)
            )
        return False

    # resolving an expression to the strings it can be -------------------------------------
    def _resolve(self, expr: ast.expr, ctx: Ctx, depth: int) -> list[Variant]:
        key = (id(expr), depth > MAX_DEPTH)
        if depth > MAX_DEPTH or key in self._active:
            return UNKNOWN
        self._active.add(key)
        try:
            return self._resolve_node(expr, ctx, depth)
        finally:
            self._active.discard(key)

    def _resolve_node(self, expr: ast.expr, ctx: Ctx, depth: int) -> list[Variant]:
        here = frozenset({ctx.module.rel})
        if isinstance(expr, ast.Constant):
            return [((expr.value,), here)] if isinstance(expr.value, str) else UNKNOWN
        if isinstance(expr, ast.JoinedStr):
            return self._fstring(expr, ctx, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self._resolve(expr.left, ctx, depth + 1)
            right = self._resolve(expr.right, ctx, depth + 1)
            return _join(left, right)
        if isinstance(expr, ast.IfExp):
            return self._resolve(expr.body, ctx, depth + 1) + self._resolve(
                expr.orelse, ctx, depth + 1
            )
        if isinstance(expr, ast.BoolOp):  # `names or "none"`: any of the operands
            return [p for value in expr.values for p in self._resolve(value, ctx, depth + 1)]
        if isinstance(expr, ast.Name | ast.Attribute):
            found = [
                p
                for value, value_ctx, index in self._bindings(expr, ctx)
                for p in self._resolve_bound(value, value_ctx, index, depth)
            ]
            return found or UNKNOWN
        if isinstance(expr, Each | ast.Subscript):
            found = [
                p
                for item, item_ctx in self._members(expr, ctx, depth)
                for p in self._resolve(item, item_ctx, depth + 1)
            ]
            return found or UNKNOWN
        if isinstance(expr, ast.Call) and isinstance(self._target(expr.func, ctx), ast.FunctionDef):
            found = [
                p
                for value, value_ctx in self._returns(expr, ctx)
                for p in self._resolve(value, value_ctx, depth + 1)
            ]
            return found or UNKNOWN
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in STR_METHODS
        ):
            return self._resolve(expr.func.value, ctx, depth + 1)  # "…".strip(): same words
        return UNKNOWN

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

    def _resolve_bound(
        self, value: ast.expr, ctx: Ctx, index: int | None, depth: int
    ) -> list[Variant]:
        if index is None:
            return self._resolve(value, ctx, depth + 1)
        if isinstance(value, ast.Tuple) and index < len(value.elts):
            return self._resolve(value.elts[index], ctx, depth + 1)
        return UNKNOWN

    def _fstring(self, expr: ast.JoinedStr, ctx: Ctx, depth: int) -> list[Variant]:
        variants: list[Variant] = [((), frozenset({ctx.module.rel}))]
        for value in expr.values:
            if isinstance(value, ast.Constant):
                options: list[Variant] = [((str(value.value),), frozenset())]
            elif isinstance(value, ast.FormattedValue):
                options = self._formatted(value, ctx, depth)
            else:
                options = UNKNOWN
            variants = _join(variants, options)
        return variants

    def _formatted(self, value: ast.FormattedValue, ctx: Ctx, depth: int) -> list[Variant]:
        """A `{…}` in an f-string: inline a choice between a few English words, else a placeholder.

        ``{'sampled ' if … else ''}`` or a name only ever bound to ``"table"`` / ``"new data"``
        gives one whole sentence per choice. A value built from English text in another way
        (``what = f"{family} dates"``) becomes a template of its own, so the translation of the
        sentence can translate it too.
        """
        if value.format_spec is not None:
            return COUNTED if "," in ast.unparse(value.format_spec) else UNKNOWN
        if value.conversion != -1:
            return UNKNOWN
        inline = isinstance(value.value, ast.IfExp) or (
            isinstance(value.value, ast.Name) and not self._is_parameter(value.value.id, ctx)
        )
        if inline:
            choices = self._resolve(value.value, ctx, depth + 1)
            words = [c for c in choices if all(isinstance(p, str) for p in c[0])]
            if (
                words
                and len(words) <= MAX_INLINE
                and (
                    isinstance(value.value, ast.IfExp)
                    or all(_is_prose("".join(str(p) for p in pieces)) for pieces, _ in words)
                )
            ):
                if len(words) == len(choices):
                    return words
                self._collect_part(value.value, ctx)  # the other values may be phrases too
                return words + UNKNOWN
        self._collect_part(value.value, ctx)
        return UNKNOWN

    def _is_parameter(self, name: str, ctx: Ctx) -> bool:
        """Whether ``name`` is a parameter of a public method: callers elsewhere (the web and the
        CLI through ``platform.…``) are not seen here, so its values are never spelled out. The
        callers of functions and private methods are all seen, and their words may be."""
        for scope in self._scopes(ctx):
            if _assignments(scope.scope, name):
                return False
            if isinstance(scope.scope, ast.FunctionDef | ast.AsyncFunctionDef):
                args = scope.scope.args
                if name in [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]:
                    owner = ctx.module.parents.get(scope.scope)
                    return isinstance(owner, ast.ClassDef) and not scope.scope.name.startswith("_")
        return False

    def _collect_part(self, expr: ast.expr, ctx: Ctx) -> None:
        if isinstance(
            expr,
            ast.Constant
            | ast.JoinedStr
            | ast.Name
            | ast.IfExp
            | ast.BinOp
            | ast.BoolOp
            | ast.Subscript,
        ):
            self._collect(expr, ctx, "part")

    # names ----------------------------------------------------------------------------------
    def _bindings(
        self, expr: ast.Name | ast.Attribute, ctx: Ctx
    ) -> list[tuple[ast.expr, Ctx, int | None]]:
        """What a name may hold: its assignments in scope, its callers' arguments, a constant."""
        if isinstance(expr, ast.Attribute):
            return self._attribute_bindings(expr, ctx)
        for scope in self._scopes(ctx):
            found = _assignments(scope.scope, expr.id)
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
                (v, Ctx(module, module.tree), i) for v, i in _assignments(module.tree, origin[1])
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
                    (v, Ctx(module, module.tree), i)
                    for v, i in _assignments(module.tree, expr.attr)
                ]
            if origin and origin[1] and f"{origin[0]}.{origin[1]}" in self.modules:
                module = self.modules[f"{origin[0]}.{origin[1]}"]
                return [
                    (v, Ctx(module, module.tree), i)
                    for v, i in _assignments(module.tree, expr.attr)
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
        names = _parameters(func)
        if name not in names and name not in [a.arg for a in func.args.kwonlyargs]:
            return []
        out: list[tuple[ast.expr, Ctx, int | None]] = []
        for caller_ctx, call in self.callers().get(func, []):
            for arg_name, value in self._named_args(call, func):
                if arg_name == name:
                    out.append((value, caller_ctx, None))
        default = _default(func, name)
        if default is not None:
            module = self._module_of(func)
            out.append((default, Ctx(module, self._scope_of(module, func)), None))
        return out or [(ast.Constant(value=None), Ctx(self._module_of(func), func), None)]

    def _module_of(self, node: ast.AST) -> Module:
        return next(m for m in self.modules.values() if node in m.parents or node is m.tree)

    # calls ----------------------------------------------------------------------------------
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
        for node in _own_nodes(func):
            if isinstance(node, ast.Return) and node.value is not None:
                yield node.value, Ctx(module, func)

    def _target(self, func: ast.expr, ctx: Ctx) -> Callable_ | None:
        """The function or class of Kho a call (or a base class) refers to, if it can be told."""
        if isinstance(func, ast.Name):
            local = _top_level(ctx.module.tree, func.id)
            if local is not None:
                return local
            origin = ctx.module.imports.get(func.id)
            if origin and origin[1] and origin[0] in self.modules:
                return _top_level(self.modules[origin[0]].tree, origin[1])
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls"):
                cls = self._enclosing_class(ctx)
                return _method(cls, func.attr) if cls is not None else None
            origin = ctx.module.imports.get(owner)
            if origin is None:
                return None
            dotted = origin[0] if origin[1] is None else f"{origin[0]}.{origin[1]}"
            if dotted in self.modules:
                return _top_level(self.modules[dotted].tree, func.attr)
        return None

    def _enclosing_class(self, ctx: Ctx) -> ast.ClassDef | None:
        node: ast.AST | None = ctx.scope
        while node is not None:
            if isinstance(node, ast.ClassDef):
                return node
            node = ctx.module.parents.get(node)
        return None


# small AST helpers ---------------------------------------------------------------------------
def _join(left: list[Variant], right: list[Variant]) -> list[Variant]:
    """Every way the two texts can read one after the other (capped)."""
    out = [(a + b, fa | fb) for (a, fa), (b, fb) in itertools.product(left, right)]
    return out[:MAX_VARIANTS]


def _is_prose(template: str) -> bool:
    """A part worth translating: words with a space, or one lower-case word (`numbers`)."""
    return " " in template or template.isalpha() and template.islower()


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _top_level(tree: ast.Module, name: str) -> Callable_ | None:
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name == name
        ):
            return node
    return None


def _method(cls: ast.ClassDef, name: str) -> Callable_ | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def _parameters(target: Callable_) -> list[str]:
    """Positional parameter names of a function, or the fields of a dataclass, in order."""
    if isinstance(target, ast.ClassDef):
        init = _method(target, "__init__")
        if isinstance(init, ast.FunctionDef | ast.AsyncFunctionDef):
            return _parameters(init)
        return [
            n.target.id
            for n in target.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        ]
    names = [a.arg for a in (*target.args.posonlyargs, *target.args.args)]
    return names[1:] if names and names[0] in ("self", "cls") else names


def _default(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    positional = [*func.args.posonlyargs, *func.args.args]
    offset = len(positional) - len(func.args.defaults)
    for i, arg in enumerate(positional):
        if arg.arg == name and i >= offset:
            return func.args.defaults[i - offset]
    for arg, default in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True):
        if arg.arg == name:
            return default
    return None


def _own_nodes(scope: Scope) -> Iterator[ast.AST]:
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


def _assignments(scope: Scope, name: str) -> list[tuple[ast.expr, int | None]]:
    """Values assigned to ``name`` in a scope; the index is set for tuple unpacking."""
    out: list[tuple[ast.expr, int | None]] = []
    for node in _own_nodes(scope):
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


def _last_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def _is_report_function(name: str) -> bool:
    return "warning" in name or name == "describe"


def _is_report_list(func: ast.Attribute, ctx: Ctx) -> bool:
    """``….warnings.append(x)``, or ``out.append(x)`` inside a `…warnings()` helper."""
    receiver = _last_name(func.value)
    if receiver in REPORT_FIELDS:
        return True
    scope = ctx.scope
    return isinstance(scope, ast.FunctionDef) and _is_report_function(scope.name)


# templates -----------------------------------------------------------------------------------
def to_template(pieces: Pieces) -> str | None:
    """``("No table ", VALUE, ".")`` → ``No table {0}.``, a count → ``{0:,}``; None when too
    little text is fixed to recognise the message by."""
    merged: list[Part] = []
    for part in pieces:
        last = merged[-1] if merged else ""
        if isinstance(part, Slot) and isinstance(last, Slot):
            merged[-1] = Slot.VALUE  # two values side by side cannot be told apart: one
        elif isinstance(part, str) and isinstance(last, str) and merged:
            merged[-1] = last + part
        elif part != "":
            merged.append(part)
    literal = "".join(p for p in merged if isinstance(p, str))
    if sum(ch.isascii() and ch.isalpha() for ch in literal) < MIN_LETTERS:
        return None
    out, n = [], 0
    for part in merged:
        if isinstance(part, Slot):
            out.append(f"{{{n}:,}}" if part is Slot.COUNT else f"{{{n}}}")
            n += 1
        else:
            out.append(part.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def extract(root: Path = PACKAGE, unparsable: list[str] | None = None) -> dict[str, Entry]:
    """Every template in the package, with the files it comes from."""
    return Extractor(load_modules(root, unparsable)).run()


# the catalogue -------------------------------------------------------------------------------
def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / f"{DOMAIN}.po"


HEADER = {
    "vi": "# Kho — error messages and load-report reasons (Vietnamese). msgid = English.\n"
    "# Refreshed by scripts/extract_messages.py: write the msgstr, keep every {0}, {1}…",
    "en": "# Kho — error messages and load-report reasons (English: msgid is the text).\n"
    "# Refreshed by scripts/extract_messages.py.",
}


def render_catalogue(lang: str, templates: dict[str, Entry], old_text: bytes | None) -> bytes:
    """The refreshed .po file for ``lang``: existing translations kept, new ids empty."""
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(locale=lang, domain=DOMAIN, fuzzy=False)
    for msgid in sorted(templates):
        entry = templates[msgid]
        template.add(
            msgid,
            locations=[(loc, 0) for loc in sorted(entry.locations)],
            auto_comments=[", ".join(sorted(entry.roles))],
        )
    catalog = read_po(BytesIO(old_text), locale=lang) if old_text else Catalog(locale=lang)
    for key, message in catalog.obsolete.items():  # a message that comes back gets its text back
        if key not in catalog:
            catalog[key] = message
    catalog.obsolete = {}
    catalog.update(template, no_fuzzy_matching=lang == "en")
    catalog.obsolete = {k: m for k, m in catalog.obsolete.items() if m.string and not m.fuzzy}
    catalog.header_comment = HEADER[lang]
    catalog.fuzzy = False
    out = BytesIO()
    write_po(out, catalog, width=100, omit_header=False, include_lineno=False, sort_output=True)
    return _strip_volatile(out.getvalue())


def _strip_volatile(po: bytes) -> bytes:
    """Drop header fields that change on every run (dates, version) or say nothing."""
    volatile = (
        b'"POT-Creation-Date:',
        b'"PO-Revision-Date:',
        b'"Generated-By:',
        b'"Project-Id-Version:',
        b'"Report-Msgid-Bugs-To:',
        b'"Last-Translator:',
        b'"Language-Team:',
    )
    return b"".join(line for line in po.splitlines(keepends=True) if not line.startswith(volatile))


def refresh(templates: dict[str, Entry] | None = None) -> dict[str, bool]:
    """Rewrite both catalogues; returns, per language, whether the file changed."""
    found = extract() if templates is None else templates
    changed: dict[str, bool] = {}
    for lang in ("vi", "en"):
        path = po_path(lang)
        old = path.read_bytes() if path.exists() else None
        new = render_catalogue(lang, found, old)
        changed[lang] = new != old
        if changed[lang]:
            path.write_bytes(new)
    return changed


def untranslated(lang: str = "vi") -> list[str]:
    """msgids in the catalogue still without a (non-fuzzy) translation."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        return sorted(str(m.id) for m in read_po(fh) if m.id and (not m.string or m.fuzzy))


def main() -> int:
    """Refresh both catalogues and say what is left to translate (exit 0 either way)."""
    skipped: list[str] = []
    found = extract(unparsable=skipped)
    for rel in skipped:
        print(f"warning: {rel} does not parse; its messages were left out this time")
    changed = refresh(found)
    missing = untranslated("vi")
    print(
        f"{len(found)} templates; {len(found) - len(missing)} translated, {len(missing)} to "
        f"translate in {po_path('vi').relative_to(SRC.parent)}"
        + ("" if any(changed.values()) else " (no change)")
    )
    for msgid in missing:
        print(f"  to translate: {msgid}")
    return 0
