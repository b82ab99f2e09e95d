"""WXSS to CSS, parsed with tinycss2 (never regexes on CSS).

``rpx`` becomes a share of the page width (750 rpx span it), and type selectors naming built-in
components (`view`, `page`, `button`) become their `wx-` element names. A ``font-family`` (or ``font``)
that names no generic family gets ``sans-serif`` at its end: a phone falls back to its sans-serif face
for a font it lacks ("Microsoft YaHei"), where a desktop browser would fall back to serif.
``@import "x.wxss";`` (relative, or root-absolute with a leading slash) is inlined where it stands; a
cycle or a missing file is a CompileError at the ``@import``. ``:host`` and everything else pass
through: each component's styles go into its own shadow root (see docs/ARCHITECTURE.md, "Styles").

A file compiles on its own into a ``StyleUnit`` (cacheable by content hash); ``link_style`` then
inlines the imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import tinycss2
from tinycss2 import ast

from hutong.compiler.builtins import BUILTIN_TAGS
from hutong.compiler.errors import CompileError, Position
from hutong.compiler.paths import join, parent_dir

_RPX_PER_VW = 7.5
# At-rules whose block holds rules rather than declarations.
_NESTING_AT_RULES = frozenset({"media", "supports", "document", "layer", "container"})


def _convert_tokens(tokens: list[ast.Node]) -> None:
    for index, token in enumerate(tokens):
        if isinstance(token, ast.DimensionToken) and token.lower_unit == "rpx":
            value = token.value / _RPX_PER_VW
            text = f"{value:.6f}".rstrip("0").rstrip(".") or "0"
            tokens[index] = ast.DimensionToken(
                token.source_line, token.source_column, value, None, text, "vw"
            )
        elif isinstance(token, ast.FunctionBlock):
            _convert_tokens(token.arguments)
        elif isinstance(token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
            _convert_tokens(token.content)


_GENERIC_FAMILIES = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "ui-rounded",
        "math",
        "emoji",
        "fangsong",
        "-apple-system",
        "blinkmacsystemfont",
    }
)
_WIDE_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert", "revert-layer"})


def _is_blank(token: ast.Node) -> bool:
    return isinstance(token, ast.WhitespaceToken | ast.Comment)


def _needs_generic(name: str, value: list[ast.Node]) -> bool:
    """Whether a font-family or font value names families but no generic one to fall back on."""
    meaningful = [token for token in value if not _is_blank(token)]
    if not meaningful:
        return False
    if any(isinstance(token, ast.FunctionBlock) for token in meaningful):
        return False  # var(), env(): not known until the page runs
    idents = {token.lower_value for token in meaningful if isinstance(token, ast.IdentToken)}
    if idents & _GENERIC_FAMILIES or (len(meaningful) == 1 and idents & _WIDE_KEYWORDS):
        return False
    if name == "font":
        # Only a whole shorthand (a size, then the families), not `font: caption` or `font: inherit`.
        return any(isinstance(token, ast.DimensionToken | ast.PercentageToken) for token in meaningful)
    return True


def _add_generic_family(content: list[ast.Node]) -> list[ast.Node]:
    """Append `, sans-serif` to each font-family or font declaration in a rule's block that lacks one."""
    if not any(isinstance(t, ast.IdentToken) and t.lower_value in ("font-family", "font") for t in content):
        return content
    result: list[ast.Node] = []
    index = 0
    while index < len(content):
        token = content[index]
        result.append(token)
        index += 1
        if not (isinstance(token, ast.IdentToken) and token.lower_value in ("font-family", "font")):
            continue
        colon = index
        while colon < len(content) and _is_blank(content[colon]):
            colon += 1
        if not (
            colon < len(content) and isinstance(content[colon], ast.LiteralToken) and content[colon] == ":"
        ):
            continue
        end = colon + 1
        while end < len(content) and not (isinstance(content[end], ast.LiteralToken) and content[end] == ";"):
            end += 1
        value = content[colon + 1 : end]
        important = next(
            (i for i, t in enumerate(value) if isinstance(t, ast.LiteralToken) and t == "!"), len(value)
        )
        families = value[:important]
        if _needs_generic(token.lower_value, families):
            last = len(families)
            while last > 0 and _is_blank(families[last - 1]):
                last -= 1
            line, column = token.source_line, token.source_column
            fallback: list[ast.Node] = [
                ast.LiteralToken(line, column, ","),
                ast.WhitespaceToken(line, column, " "),
                ast.IdentToken(line, column, "sans-serif"),
            ]
            value = [*families[:last], *fallback, *families[last:], *value[important:]]
        result.extend(content[index : colon + 1])
        result.extend(value)
        index = end
    return result


# A component's element whose only content is an unfilled <slot> is :empty in WeChat (its slots are
# replaced by what fills them); here the <slot> stays, so the view marks such an element
# `hutong-empty` (view/vdom.js markSlotParent) and :empty reads either.
_EMPTY = ":is(:empty, [hutong-empty])"


def _rewrite_empty(tokens: list[ast.Node]) -> None:
    """``:empty`` -> ``_EMPTY``, also inside ``:not()``, ``:is()``, ``:where()`` and ``:has()``."""
    for index, token in enumerate(tokens):
        if isinstance(token, ast.FunctionBlock):
            _rewrite_empty(token.arguments)
        elif (
            isinstance(token, ast.IdentToken)
            and token.lower_value == "empty"
            and index >= 1
            and isinstance(tokens[index - 1], ast.LiteralToken)
            and tokens[index - 1].value == ":"
            and not (
                index >= 2
                and isinstance(tokens[index - 2], ast.LiteralToken)
                and tokens[index - 2].value == ":"
            )
        ):
            tokens[index - 1] = ast.LiteralToken(token.source_line, token.source_column, "")
            tokens[index] = ast.LiteralToken(token.source_line, token.source_column, _EMPTY)


def _rewrite_selector(prelude: list[ast.Node]) -> None:
    _rewrite_empty(prelude)
    previous: ast.Node | None = None
    for index, token in enumerate(prelude):
        if (
            isinstance(token, ast.IdentToken)
            and token.lower_value in BUILTIN_TAGS
            and not (isinstance(previous, ast.LiteralToken) and previous.value in (".", ":", "::"))
        ):
            prelude[index] = ast.IdentToken(token.source_line, token.source_column, f"wx-{token.lower_value}")
        previous = token


# WeChat's own class names inside checkbox, radio and switch, which public apps restyle
# (`checkbox .wx-checkbox-input.wx-checkbox-input-checked::before`). Our components are shadow roots
# whose inner elements carry the same names as parts (view/components/fields.js), so such a compound
# becomes `::part()` on the component.
_INNER = re.compile(r"wx-(checkbox|radio|switch)-input(?:-checked|-disabled)?")
_HOSTS = {"checkbox": ":is(wx-checkbox, wx-switch)", "radio": "wx-radio", "switch": "wx-switch"}
_HOST_STATES = {"checked": "[hutong-checked]", "disabled": "[disabled]:not([disabled='false'])"}
# Pseudo-classes a ::part() may carry (user action only); anything else would void the whole rule.
_PART_PSEUDO_CLASSES = frozenset({"hover", "active", "focus", "focus-visible", "focus-within"})
_COMBINATORS = frozenset({">", "+", "~"})


def _is_break(token: ast.Node) -> bool:
    return isinstance(token, ast.WhitespaceToken) or (
        isinstance(token, ast.LiteralToken) and token.value in _COMBINATORS
    )


def _inner_part_selector(tokens: list[ast.Node]) -> str | None:
    """``tokens`` (one complex selector) with its WeChat inner-element compound as ``::part()``, or
    None when it names no inner element (or one we cannot express: something after it)."""
    at = next(
        (
            index
            for index in range(len(tokens) - 1)
            if isinstance(tokens[index], ast.LiteralToken)
            and tokens[index].value == "."
            and isinstance(tokens[index + 1], ast.IdentToken)
            and _INNER.fullmatch(tokens[index + 1].value)
        ),
        None,
    )
    if at is None:
        return None
    start = at
    while start > 0 and not _is_break(tokens[start - 1]):
        start -= 1
    end = at
    while end < len(tokens) and not _is_break(tokens[end]):
        end += 1
    if any(not isinstance(token, ast.WhitespaceToken) for token in tokens[end:]):
        return None
    kind = ""
    parts: list[str] = []
    host_states: list[str] = []
    pseudo = ""
    index = start
    while index < end:
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < end else None
        if (
            isinstance(token, ast.LiteralToken)
            and token.value == "."
            and isinstance(following, ast.IdentToken)
        ):
            match = _INNER.fullmatch(following.value)
            if match:
                kind = kind or match.group(1)
                parts.append(following.value)
            index += 2
        elif isinstance(token, ast.LiteralToken) and token.value == ":" and following is not None:
            if isinstance(following, ast.LiteralToken) and following.value == ":":
                pseudo += tinycss2.serialize(tokens[index:end])  # a pseudo-element ends the compound
                break
            if isinstance(following, ast.IdentToken) and following.lower_value in _PART_PSEUDO_CLASSES:
                pseudo += f":{following.value}"
            elif isinstance(following, ast.FunctionBlock) and following.lower_name == "not":
                negated = tinycss2.serialize(following.arguments)
                state = re.fullmatch(
                    r"\s*\.wx-(?:checkbox|radio|switch)-input-(checked|disabled)\s*", negated
                )
                if state:
                    host_states.append(f":not({_HOST_STATES[state.group(1)]})")
            index += 2
        else:
            index += 1  # anything else on the inner element (another class, an attribute) is not kept
    host = _HOSTS[kind] + "".join(host_states)
    left = tinycss2.serialize(tokens[:start]).strip()
    while left and left[-1] in "".join(_COMBINATORS):
        left = left[:-1].strip()
    scoped = f":is({left} {host}, {host}:is({left}))" if left else host
    return f"{scoped}::part({' '.join(dict.fromkeys(parts))}){pseudo}"


def _rewrite_inner_parts(prelude: list[ast.Node]) -> list[ast.Node]:
    selectors: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    rewritten = [_inner_part_selector(selector) for selector in selectors]
    if all(text is None for text in rewritten):
        return prelude
    text = ",".join(
        tinycss2.serialize(selector) if new is None else new
        for selector, new in zip(selectors, rewritten, strict=True)
    )
    result: list[ast.Node] = tinycss2.parse_component_value_list(text)
    return result


def _convert_rules(rules: list[ast.Node]) -> None:
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            _rewrite_selector(rule.prelude)
            rule.prelude = _rewrite_inner_parts(rule.prelude)
            _convert_tokens(rule.content)
            rule.content = _add_generic_family(rule.content)
        elif isinstance(rule, ast.AtRule) and rule.content is not None:
            _convert_tokens(rule.prelude)
            if rule.lower_at_keyword in _NESTING_AT_RULES:
                inner = [
                    node
                    for node in tinycss2.parse_rule_list(rule.content, skip_comments=True)
                    if not isinstance(node, ast.ParseError)
                ]
                _convert_rules(inner)
                rule.content = inner
            else:
                _convert_tokens(rule.content)


def compile_wxss(source: str) -> str:
    """Convert one stylesheet with no imports, keeping everything else as written."""
    rules = [
        rule
        for rule in tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=False)
        if not isinstance(rule, ast.ParseError)
    ]
    _convert_rules(rules)
    css: str = tinycss2.serialize(rules)
    return css


@dataclass(frozen=True)
class StyleImport:
    specifier: str
    position: Position


@dataclass
class StyleUnit:
    """One stylesheet, converted, with its @import rules left as markers."""

    pieces: list[str | StyleImport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _import_specifier(rule: ast.AtRule) -> str | None:
    for token in rule.prelude:
        if isinstance(token, ast.WhitespaceToken | ast.Comment):
            continue
        if isinstance(token, ast.StringToken | ast.URLToken):
            return str(token.value)
        if isinstance(token, ast.FunctionBlock) and token.lower_name == "url":
            for argument in token.arguments:
                if isinstance(argument, ast.StringToken):
                    return str(argument.value)
        return None
    return None


def compile_unit(source: str, path: str) -> StyleUnit:
    """Convert one .wxss file, leaving its imports to ``link_style``."""
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=False)
    unit = StyleUnit()
    pending: list[ast.Node] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule) and rule.lower_at_keyword == "import":
            specifier = _import_specifier(rule)
            position = Position(path, rule.source_line, rule.source_column)
            if specifier is None:
                raise CompileError("@import needs a quoted path", position, source)
            _convert_rules(pending)
            unit.pieces.append(tinycss2.serialize(pending))
            pending = []
            unit.pieces.append(StyleImport(specifier, position))
        elif isinstance(rule, ast.ParseError):
            unit.warnings.append(
                f"{path}:{rule.source_line}:{rule.source_column}: CSS {rule.message.rstrip('.')}, skipped"
            )
        else:
            pending.append(rule)
    _convert_rules(pending)
    unit.pieces.append(tinycss2.serialize(pending))
    return unit


def resolve_import(
    path: str,
    specifier: str,
    exists: Callable[[str], bool],
    alias: Callable[[str], str | None] | None = None,
) -> str | None:
    """The .wxss file an @import in ``path`` names: relative to it, or from the root with a slash;
    else where ``alias`` maps the specifier (an extended library's sheets)."""
    base = join(parent_dir(path), specifier.split("?")[0].strip())
    other = alias(specifier) if alias is not None else None
    for start in (base, other):
        for candidate in (start, f"{start}.wxss") if start is not None else ():
            if exists(candidate):
                return candidate
    return None


def link_style(
    path: str,
    unit_of: Callable[[str], StyleUnit],
    exists: Callable[[str], bool],
    check: Callable[[str, str, Position], None] | None = None,
    alias: Callable[[str], str | None] | None = None,
) -> str:
    """``path``'s CSS with every @import inlined, depth first; cycles and missing files are errors."""
    out: list[str] = []

    def visit(current: str, stack: list[str]) -> None:
        for piece in unit_of(current).pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            target = resolve_import(current, piece.specifier, exists, alias)
            if target is None:
                raise CompileError(f"@import {piece.specifier!r}: no such file", piece.position)
            if target in stack:
                cycle = " -> ".join([*stack[stack.index(target) :], target])
                raise CompileError(f"@import cycle: {cycle}", piece.position)
            if check is not None:
                check(current, target, piece.position)
            visit(target, [*stack, target])

    visit(path, [path])
    return "".join(out)
