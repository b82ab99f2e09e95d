"""WXSS to CSS, parsed with tinycss2 (never regexes on CSS).

``rpx`` becomes a share of the page width (750 rpx span it), and type selectors naming built-in
components (`view`, `page`, `button`) become their `wx-` element names.
"""

from __future__ import annotations

import tinycss2
from tinycss2 import ast

from hutong.compiler.builtins import BUILTIN_TAGS

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


def _rewrite_selector(prelude: list[ast.Node]) -> None:
    previous: ast.Node | None = None
    for index, token in enumerate(prelude):
        if (
            isinstance(token, ast.IdentToken)
            and token.lower_value in BUILTIN_TAGS
            and not (isinstance(previous, ast.LiteralToken) and previous.value in (".", ":", "::"))
        ):
            prelude[index] = ast.IdentToken(token.source_line, token.source_column, f"wx-{token.lower_value}")
        previous = token


def _convert_rules(rules: list[ast.Node]) -> None:
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            _rewrite_selector(rule.prelude)
            _convert_tokens(rule.content)
        elif isinstance(rule, ast.AtRule) and rule.content is not None:
            _convert_tokens(rule.prelude)
            if rule.lower_at_keyword in _NESTING_AT_RULES:
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True)
                _convert_rules(inner)
                rule.content = inner
            else:
                _convert_tokens(rule.content)


def compile_wxss(source: str) -> str:
    """Convert one stylesheet, keeping everything else as written."""
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=False)
    _convert_rules(rules)
    css: str = tinycss2.serialize(rules)
    return css
