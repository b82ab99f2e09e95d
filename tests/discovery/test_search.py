"""Search finds mini programs by Chinese words, English, full pinyin and pinyin initials."""

from __future__ import annotations

import pytest

from hutong.server.discovery.search import SearchDocument, SearchIndex

APPS = [
    SearchDocument("tea", "茶小铺奶茶", ("奶茶", "tea", "milk tea"), "现做奶茶和水果茶，在线点单", "food"),
    SearchDocument("moving", "快搬家", ("搬家", "moving"), "Moving company: quotes and booking", "services"),
    SearchDocument(
        "snacks", "零食派", ("零食", "优惠券", "snacks"), "Snack coupons to redeem in store", "shopping"
    ),
    SearchDocument("clinic", "云诊所", ("问诊", "医生", "clinic"), "在线问诊，预约医生", "health"),
    SearchDocument(
        "classroom", "Classroom", ("courses", "课程"), "Online courses with video lessons", "education"
    ),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(APPS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("奶茶", "tea"),
        ("tea", "tea"),
        ("naicha", "tea"),
        ("nc", "tea"),
        ("Milk Tea", "tea"),
        ("搬家", "moving"),
        ("banjia", "moving"),
        ("优惠券", "snacks"),
        ("医生", "clinic"),
        ("yisheng", "clinic"),
        ("课程", "classroom"),
        ("course", "classroom"),
        ("ＴＥＡ", "tea"),
    ],
)
def test_first_hit(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query)
    assert hits, query
    assert hits[0].appid == expected, [(hit.appid, round(hit.score, 2)) for hit in hits]


def test_no_match_and_empty_query(index: SearchIndex) -> None:
    assert index.search("zzzqqq") == []
    assert index.search("   ") == []


def test_use_breaks_ties_but_never_beats_relevance() -> None:
    index = SearchIndex(
        [
            SearchDocument("a", "Tea House", ("tea",), "", "", uses=0),
            SearchDocument("b", "Tea Garden", ("tea",), "", "", uses=10_000),
            SearchDocument("c", "Coffee", ("coffee",), "also sells tea", "", uses=1_000_000),
        ]
    )
    assert [hit.appid for hit in index.search("tea")][:2] == ["b", "a"]
    assert index.search("tea house")[0].appid == "a"


def test_remove_and_update() -> None:
    index = SearchIndex(APPS)
    index.remove("tea")
    assert all(hit.appid != "tea" for hit in index.search("奶茶"))
    index.add(SearchDocument("tea", "Bubble Tea", ("boba",), ""))
    assert index.search("boba")[0].appid == "tea"
