"""WeChat's keyword types and their value rules (the table under "订阅消息参数值内容限制"). A value
that breaks its keyword's rule is refused with 47003 naming the field, as WeChat does
(``argument invalid! data.thing3.value invalid``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"^[{CJK}]+$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_LETTER = re.compile(r"^[A-Za-z]+$")
_CHARACTER_STRING = re.compile(r"^[\x21-\x7e]+$")  # digits, letters and symbols: printable ASCII
_PHONE = re.compile(r"^[\d+\-() ]+$")
_CAR = re.compile(f"^[{CJK}]?[A-Za-z0-9]+[{CJK}]?$")
_LATIN_NAME = re.compile(r"^[A-Za-z .·'\-]+$")
_AMOUNT = re.compile(r"^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$")
_CLOCK = r"\d{1,2}:\d{2}(:\d{2})?"
_DAY = r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
_TIME_POINT = re.compile(f"^({_DAY} ?)?{_CLOCK}$")
_DATE_POINT = re.compile(f"^{_DAY}( ?{_CLOCK})?$")

# rule -> (most characters, description shown in the library)
RULES: dict[str, tuple[int, str]] = {
    "thing": (20, "20 characters of any kind"),
    "number": (32, "32 digits at most, a decimal point allowed"),
    "letter": (32, "32 letters at most"),
    "symbol": (5, "5 symbols at most"),
    "character_string": (32, "32 digits, letters or symbols at most"),
    "time": (64, "24-hour time, a date before it allowed; a range joined by ~"),
    "date": (64, "a date (年月日, - / or .), a 24-hour time after it allowed; a range joined by ~"),
    "amount": (16, "one currency sign and 10 digits at most, 2 decimals, 元 at the end allowed"),
    "phone_number": (17, "17 digits or symbols at most"),
    "car_number": (8, "8 characters at most: a Chinese character first and last allowed"),
    "name": (20, "10 Chinese characters or 20 letters at most"),
    "phrase": (5, "5 Chinese characters at most"),
    "enum": (20, "one of the listed values"),
}


def _has_control(value: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in value)


def _range(value: str, point: re.Pattern[str]) -> bool:
    parts = value.split("~")
    return len(parts) <= 2 and all(point.match(part.strip()) for part in parts)


def _symbols(value: str) -> bool:
    return all(not char.isalnum() and not char.isspace() for char in value)


def _name(value: str) -> bool:
    if _HAN.match(value):
        return len(value) <= 10
    return bool(_LATIN_NAME.match(value)) and len(value) <= 20


def valid(rule: str, value: str, enum_values: Sequence[str] = ()) -> bool:
    """Whether ``value`` obeys ``rule`` (empty values and control characters never do)."""
    if not value or _has_control(value) or rule not in RULES:
        return False
    limit = RULES[rule][0]
    if len(value) > limit:
        return False
    checks: dict[str, Callable[[], bool]] = {
        "thing": lambda: True,
        "number": lambda: bool(_NUMBER.match(value)),
        "letter": lambda: bool(_LETTER.match(value)),
        "symbol": lambda: _symbols(value),
        "character_string": lambda: bool(_CHARACTER_STRING.match(value)),
        "time": lambda: _range(value, _TIME_POINT),
        "date": lambda: _range(value, _DATE_POINT),
        "amount": lambda: bool(_AMOUNT.match(value)) and any(char.isdigit() for char in value),
        "phone_number": lambda: bool(_PHONE.match(value)) and any(char.isdigit() for char in value),
        "car_number": lambda: bool(_CAR.match(value)),
        "name": lambda: _name(value),
        "phrase": lambda: bool(_HAN.match(value)),
        "enum": lambda: value in enum_values,
    }
    return checks[rule]()
