"""A small fixed event set whose figures are worked out by hand in the tests (tests/analytics).

Monday 2 November 2026 (D0), the next day (D1) and a week later (D7), app 1, UTC:
- A visits twice on D0 on an iPhone (a1: index 4 s → detail 12 s, a 'buy' event, an error at
  app.js:3, a 250 ms launch; a2 from a share, detail 60 s), once on D1 (a3: index 2 s, from Shenzhen
  on 5G);
- B visits on D0 from search on a Samsung phone (b1: index 1 s, shares index) and on D7 (b2: index
  5 s);
- C is new on D1 from a scanned code (c1: index → detail → index, 3 s each).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hutong.server.events import store

D0 = date(2026, 11, 2)
D1 = D0 + timedelta(days=1)
D7 = D0 + timedelta(days=7)
APP = 1
UTC_ZONE = ZoneInfo("UTC")


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


def _row(when: datetime, who: str, visit: str, kind: str, name: str = "", **extra: Any) -> dict[str, Any]:
    return store.row(
        at=when, zone=UTC_ZONE, app_id=APP, audience=f"device:{who}", session=visit, kind=kind, name=name,
        release_id=extra.pop("release_id", 10), **extra,
    )  # fmt: skip


IPHONE = {"platform": "iPhone", "system": "iOS", "brand": "Apple", "device": "iPhone"}
SHENZHEN = {"network": "5g", "province": "440000:广东省", "city": "440300:深圳市"}
SAMSUNG = {
    "platform": "Android",
    "system": "Android",
    "brand": "Samsung",
    "device": "Samsung SM-S908B",
    "network": "4g",
}


def rows() -> list[dict[str, Any]]:
    return [
        _row(
            at(D0, 10),
            "A",
            "a1",
            "launch",
            "pages/index/index",
            scene=1001,
            data=IPHONE | {"network": "wifi"},
        ),
        _row(at(D0, 10), "A", "a1", "page", "pages/index/index", value=4000),
        _row(at(D0, 10, 0, 5), "A", "a1", "page", "pages/detail/detail", value=12000),
        _row(at(D0, 10, 0, 6), "A", "a1", "custom", "buy", data={"sku": "x"}),
        _row(at(D0, 10, 0, 7), "A", "a1", "error", "boom", data={"file": "app.js", "line": 3}),
        _row(at(D0, 10, 0, 1), "A", "a1", "perf", "launch", value=250),
        _row(at(D0, 11), "B", "b1", "launch", "", scene=1005, data=SAMSUNG),
        _row(at(D0, 11), "B", "b1", "page", "pages/index/index", value=1000),
        _row(at(D0, 11, 0, 1), "B", "b1", "share", "pages/index/index"),
        _row(at(D0, 15), "A", "a2", "launch", "pages/detail/detail", scene=1007, data={"platform": "iPhone"}),
        _row(at(D0, 15), "A", "a2", "page", "pages/detail/detail", value=60000),
        _row(at(D1, 9), "A", "a3", "launch", "", scene=1001, data=IPHONE | SHENZHEN),
        _row(at(D1, 9), "A", "a3", "page", "pages/index/index", value=2000),
        _row(at(D1, 20), "C", "c1", "launch", "", scene=1047),
        _row(at(D1, 20), "C", "c1", "page", "pages/index/index", value=3000),
        _row(at(D1, 20, 0, 3), "C", "c1", "page", "pages/detail/detail", value=3000),
        _row(at(D1, 20, 0, 6), "C", "c1", "page", "pages/index/index", value=3000),
        _row(at(D7, 8), "B", "b2", "launch", "", scene=1001),
        _row(at(D7, 8), "B", "b2", "page", "pages/index/index", value=5000),
    ]
