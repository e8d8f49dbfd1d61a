"""The walk: every place a message for a person is built, resolved to templates."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from kho.errors_extract._names import MAX_DEPTH, Names
from kho.errors_extract._source import Ctx, Each, Module, keyword_arg, last_name

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
UNKNOWN: list[Variant] = [((Slot.VALUE,), frozenset())]
COUNTED: list[Variant] = [((Slot.COUNT,), frozenset())]
STR_METHODS = frozenset({"strip", "rstrip", "lstrip", "replace"})  # same words after them
# The load report's words: fields, calls and functions that carry them.
REPORT_FIELDS = frozenset({"reason", "warnings", "changes", "schema_changes"})
REPORT_METHODS = frozenset({"warn"})


@dataclass
class Entry:
    """One template and where it was found."""

    locations: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)


class Extractor(Names):
    """Collects templates from every place a message for a person is built."""

    def __init__(self, modules: dict[str, Module]):
        super().__init__(modules)
        self.templates: dict[str, Entry] = {}
        self.error_classes = self._error_classes()
        self._active: set[tuple[int, int]] = set()

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
            message = call.args[0] if call.args else keyword_arg(call, "message")
            if message is not None:
                self._collect(message, ctx, "message")
            hint = keyword_arg(call, "hint")
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
            if any(last_name(t) in REPORT_FIELDS for t in targets):
                self._collect_list_or_text(node.value, ctx, "report")
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and isinstance(ctx.scope, ast.FunctionDef)
            and _is_report_function(ctx.scope.name)
        ):
            self._collect_list_or_text(node.value, ctx, "report")

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


def _join(left: list[Variant], right: list[Variant]) -> list[Variant]:
    """Every way the two texts can read one after the other (capped)."""
    out = [(a + b, fa | fb) for (a, fa), (b, fb) in itertools.product(left, right)]
    return out[:MAX_VARIANTS]


def _is_prose(template: str) -> bool:
    """A part worth translating: words with a space, or one lower-case word (`numbers`)."""
    return " " in template or template.isalpha() and template.islower()


def _is_report_function(name: str) -> bool:
    return "warning" in name or name == "describe"


def _is_report_list(func: ast.Attribute, ctx: Ctx) -> bool:
    """``….warnings.append(x)``, or ``out.append(x)`` inside a `…warnings()` helper."""
    receiver = last_name(func.value)
    if receiver in REPORT_FIELDS:
        return True
    scope = ctx.scope
    return isinstance(scope, ast.FunctionDef) and _is_report_function(scope.name)


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
