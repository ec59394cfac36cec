"""APL data-binding expressions (``${...}``), the subset the preview needs.

Grammar, loosest binding first: ``a ? b : c``, ``||``, ``&&``, ``== != < > <= >=``, ``+ -``,
``* / %``, unary ``! -``, then literals (numbers, 'single' or "double" quoted strings, true,
false, null), names, ``.name`` and ``[index]`` lookups, ``.length`` and parentheses. An unknown
name or a lookup on nothing gives null, as in APL; anything outside the grammar raises
:class:`ExpressionError`, which the preview reports instead of drawing a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*'|"[^"]*")|(?P<name>[A-Za-z_]\w*)
                        |(?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:().\[\]]))""",
    re.VERBOSE,
)
_BINDING = re.compile(r"\$\{([^}]*)\}")
_BINARY = [("||",), ("&&",), ("==", "!=", "<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
_CONSTANTS = {"true": True, "false": False, "null": None}


class ExpressionError(ValueError):
    """An expression the preview cannot evaluate."""


def truthy(value: Any) -> bool:
    """APL truthiness: null, false, 0 and the empty string are false."""
    return value not in (None, False, 0, "") and value == value  # NaN is false too


@lru_cache(maxsize=1024)  # a document's few expressions are read on every turn
def _tokens(text: str) -> tuple[tuple[str, str], ...]:
    found, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return tuple(found)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    try:
        return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    except TypeError:
        return False


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    if op == "+" and (isinstance(left, str) or isinstance(right, str)):
        return to_text(left) + to_text(right)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
        return None
    if op in "/%" and right == 0:
        return None
    return {
        "+": lambda: left + right,
        "-": lambda: left - right,
        "*": lambda: left * right,
        "/": lambda: left / right,
        "%": lambda: left % right,
    }[op]()


class _Parser:
    def __init__(self, text: str, scope: Mapping[str, Any]) -> None:
        self.text, self.scope = text, scope
        self.tokens, self.position = _tokens(text), 0

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ExpressionError(f"{self.text!r} ends too soon")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r} in {self.text!r}, found {token[1]!r}")
        self.position += 1
        return token

    def parse(self) -> Any:
        value = self.conditional()
        if self.position != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return value

    def conditional(self) -> Any:
        test = self.binary(0)
        if self.peek() != "?":
            return test
        self.take("?")
        yes = self.conditional()
        self.take(":")
        no = self.conditional()
        return yes if truthy(test) else no

    def binary(self, level: int) -> Any:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BINARY[level]:
            op = self.take()[1]
            right = self.binary(level + 1)
            if op == "||":
                left = left if truthy(left) else right
            elif op == "&&":
                left = right if truthy(left) else left
            elif level == 2:
                left = _compare(op, left, right)
            else:
                left = _arithmetic(op, left, right)
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        if self.peek() == "-":
            self.take()
            return _arithmetic("-", 0, self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "string":
            return text[1:-1]
        if kind == "name":
            return _CONSTANTS[text] if text in _CONSTANTS else self.scope.get(text)
        if text == "(":
            value = self.conditional()
            self.take(")")
            return value
        raise ExpressionError(f"unexpected {text!r} in {self.text!r}")

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "name":
                    raise ExpressionError(f"expected a name after '.' in {self.text!r}")
                value = _member(value, name)
            else:
                key = self.conditional()
                self.take("]")
                value = _member(value, key)
        return value


def _member(value: Any, key: Any) -> Any:
    if key == "length" and isinstance(value, (list, str)):
        return len(value)
    if isinstance(value, Mapping):
        return value.get(key) if isinstance(key, str) else None
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
        return value[key] if -len(value) <= key < len(value) else None
    return None


def evaluate(expression: str, scope: Mapping[str, Any]) -> Any:
    """The value of one expression (the text inside ``${}``)."""
    return _Parser(expression, scope).parse()


def to_text(value: Any) -> str:
    """How APL writes a value into a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bind(value: Any, scope: Mapping[str, Any]) -> Any:
    """A property with its bindings resolved: ``"${a}"`` alone keeps a's type, mixed text is a string;
    lists and objects are resolved item by item."""
    if isinstance(value, str):
        whole = _BINDING.fullmatch(value)
        if whole:
            return evaluate(whole.group(1), scope)
        if "${" not in value:
            return value
        replace: Callable[[re.Match[str]], str] = lambda m: to_text(evaluate(m.group(1), scope))  # noqa: E731
        return _BINDING.sub(replace, value)
    if isinstance(value, list):
        return [bind(item, scope) for item in value]
    if isinstance(value, dict):
        return {key: bind(item, scope) for key, item in value.items()}
    return value
