"""WeChat's keyword value rules, one type at a time: the longest allowed value passes, one character
more or a wrong kind of character fails."""

from __future__ import annotations

import pytest

from hutong.server.subscribe.keywords import RULES, valid

CASES: list[tuple[str, list[str], list[str]]] = [
    ("thing", ["请提前15分钟进入诊室", "x" * 20], ["x" * 21, "", "line\nbreak", "zero\u200bwidth"]),
    ("number", ["3", "1" * 32, "12.50", "-4"], ["1" * 33, "12a", "1.2.3"]),
    ("letter", ["A", "a" * 32], ["a" * 33, "A1", "甲"]),
    ("symbol", ["↑", "%", "+-*/!"], ["%%%%%%", "a", "1", "↑ "]),
    ("character_string", ["T20261206001", "BJ-2026-000123", "x" * 32], ["x" * 33, "订单1", "a b"]),
    (
        "time",
        ["15:01", "2026年12月6日 19:00", "2026-12-06 08:00", "14:00~15:00", "2026/12/6 9:05:30"],
        ["tomorrow", "25", "2026年12月6日", "15:01~16:00~17:00"],
    ),
    (
        "date",
        ["2026年12月31日", "2026-12-31", "2026/12/10", "2026.12.10 15:01", "2026-12-01~2026-12-31"],
        ["12月31日", "15:01", "soon"],
    ),
    ("amount", ["¥18.00", "18.00元", "$5", "1234567890"], ["¥", "¥12345678901", "18.001", "十八元", "€€5"]),
    ("phone_number", ["13800000000", "+86 138-0000-0000", "(010)12345678"], ["1" * 18, "call me", "+-"]),
    ("car_number", ["京A12345", "京B8888警", "AB1234"], ["京A1234567", "京A 1234", "京京A1"]),
    ("name", ["李明", "张" * 10, "Ms Zhou", "x" * 20], ["张" * 11, "x" * 21, "李Ming", "R2D2"]),
    ("phrase", ["制作中", "已出报告", "五个汉字呀"], ["六个汉字呀呀", "ok", "配送 中"]),
]


@pytest.mark.parametrize(("rule", "good", "bad"), CASES, ids=[case[0] for case in CASES])
def test_each_rule(rule: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert valid(rule, value), (rule, value)
    for value in bad:
        assert not valid(rule, value), (rule, value)


def test_enum_takes_only_its_values() -> None:
    assert valid("enum", "通过", ["通过", "不通过"])
    assert not valid("enum", "通过了", ["通过", "不通过"])
    assert not valid("enum", "通过", [])


def test_every_rule_is_tested_and_unknown_rules_refuse() -> None:
    assert {case[0] for case in CASES} | {"enum"} == set(RULES)
    assert not valid("colour", "red")
