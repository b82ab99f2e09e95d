"""Service categories for /wxa/get_category: Hutong keeps one free-text category per app, and answers
it as WeChat's two-level category (first_class/second_class with numeric ids). The first level and
its ids are the platform's category list (subscribe/seed.py's CATEGORIES, modelled on WeChat's); the
second level is fixed here. An app's text picks the most specific class whose words it contains; text
that names none is 工具/其他."""

from __future__ import annotations

from dataclasses import dataclass

from hutong.server.subscribe.seed import CATEGORIES


@dataclass(frozen=True)
class Category:
    first_id: int
    first_class: str
    second_id: int
    second_class: str

    def answer(self) -> dict[str, object]:
        return {
            "first_class": self.first_class,
            "second_class": self.second_class,
            "first_id": self.first_id,
            "second_id": self.second_id,
        }


# first id -> [(second id, name, words)]; the first listed is the class's default.
SECONDS: dict[int, list[tuple[int, str, list[str]]]] = {
    307: [
        (3071, "餐厅", ["餐厅", "restaurant"]),
        (3072, "饮品", ["奶茶", "茶饮", "饮品", "咖啡", "tea", "coffee", "drink"]),
        (3073, "外卖", ["外卖", "takeaway"]),
    ],
    311: [
        (3111, "电商平台", ["电商", "e-commerce"]),
        (3112, "零售超市", ["超市", "便利店", "零食", "snack", "grocery"]),
        (3113, "服装", ["服装", "clothing"]),
    ],
    320: [
        (3201, "综合生活服务", ["生活"]),
        (3202, "家政", ["家政", "cleaning"]),
        (3203, "美容美发", ["美容", "美发", "beauty"]),
    ],
    410: [(4101, "政务服务", ["政务", "government"])],
    420: [
        (4201, "挂号平台", ["挂号", "booking"]),
        (4202, "诊所", ["诊所", "clinic"]),
    ],
    430: [
        (4301, "培训机构", ["培训", "training"]),
        (4302, "学校", ["学校", "school"]),
    ],
    440: [
        (4401, "出行服务", ["出行", "taxi"]),
        (4402, "公共交通", ["公交", "地铁", "bus", "metro"]),
    ],
    450: [
        (4501, "效率", ["效率", "productivity"]),
        (4502, "信息查询", ["查询", "lookup"]),
        (4509, "其他", []),
    ],
}
_FIRST = {ident: (name.split(" ")[0], words) for ident, name, words, _long in CATEGORIES}
OTHER = Category(450, _FIRST[450][0], 4509, "其他")


def classify(text: str) -> Category | None:
    """The two-level category of an app's category text (None for no text)."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    for first_id, seconds in SECONDS.items():
        for second_id, name, words in seconds:
            if any(word in lowered for word in words):
                return Category(first_id, _FIRST[first_id][0], second_id, name)
    for first_id, (first_name, words) in _FIRST.items():
        if any(word.lower() in lowered for word in words):
            second_id, name, _words = SECONDS[first_id][0]
            return Category(first_id, first_name, second_id, name)
    return OTHER
