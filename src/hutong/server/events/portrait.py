"""Who an app's visitors are, as WeChat's ``getweanalysisappiduserportrait`` shows them, limited to what
the platform honestly knows at a launch:

- **platform, system, brand and device** from the browser's user agent (Chrome's reduced Android agent
  names no model: left out). Safari names no iPhone model either: the runtime sends the screen's size
  in points and its pixel ratio with the launch, and each size names the iPhones that have it
  (``IPHONE_SCREENS``, e.g. "iPhone 12/13/14"); an unknown size is "iPhone";
- **province and city** from the visitor's IP address, only where the operator configured a table of
  address ranges (``HUTONG_ANALYTICS_REGIONS_FILE``: CSV ``network,province_code,province,city_code,
  city``, e.g. ``1.2.3.0/24,440000,广东省,440100,广州市``): Hutong ships no geolocation data;
- **network type** as the runtime sees it (``wx.getNetworkType``'s value: wifi, 2g–5g, unknown), sent
  with the launch;
- **new or returning**: WeChat's two halves, ``visit_uv_new`` (first seen in the range) and
  ``visit_uv`` (everyone who visited in it).

**Gender and age are not known**: Hutong holds no such profile of its users (WeChat takes them from
its own), so those lists are always empty. Each launch records what it saw in its event's data; a
range's portrait counts each visitor once, by their latest launch in the range. A closed range's
portrait is counted once and kept (``analytics_rollups``, metric ``portrait``)."""

from __future__ import annotations

import csv
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.events import rollups, store
from hutong.server.events.models import AnalyticsRollup, AnalyticsUser, events

NETWORKS = ("wifi", "2g", "3g", "4g", "5g", "unknown", "none")
PLATFORM_IDS = {"iPhone": 1, "Android": 2, "other": 3}
# Android model prefixes → brand (the common ones in China and elsewhere); others keep the model only.
BRANDS = (
    ("SM-", "Samsung"), ("Pixel", "Google"), ("Redmi", "Xiaomi"), ("MI ", "Xiaomi"), ("Mi ", "Xiaomi"),
    ("M2", "Xiaomi"), ("22", "Xiaomi"), ("23", "Xiaomi"), ("OPPO", "OPPO"), ("CPH", "OPPO"),
    ("PB", "OPPO"), ("PC", "OPPO"), ("PD", "OPPO"), ("vivo", "vivo"), ("V2", "vivo"),
    ("HUAWEI", "HUAWEI"), ("ELS-", "HUAWEI"), ("ANA-", "HUAWEI"), ("NOH-", "HUAWEI"), ("LIO-", "HUAWEI"),
    ("HONOR", "HONOR"), ("ONEPLUS", "OnePlus"), ("Nokia", "Nokia"), ("moto", "Motorola"),
)  # fmt: skip
# An iPhone's screen in points (portrait) and its pixel ratio → the models that share it; Safari's agent
# names none, and the screen is all a web page can tell. Pro models with the same screen as the plain
# ones are not told apart from them.
IPHONE_SCREENS = {
    (320, 480, 2): "iPhone 4/4s",
    (320, 568, 2): "iPhone 5/5s/5c/SE",
    (375, 667, 2): "iPhone 6/6s/7/8/SE (2nd, 3rd)",
    (414, 736, 3): "iPhone 6/6s/7/8 Plus",
    (375, 812, 3): "iPhone X/XS/11 Pro/12 mini/13 mini",
    (414, 896, 2): "iPhone XR/11",
    (414, 896, 3): "iPhone XS Max/11 Pro Max",
    (390, 844, 3): "iPhone 12/13/14/16e",
    (428, 926, 3): "iPhone 12/13 Pro Max/14 Plus",
    (393, 852, 3): "iPhone 14 Pro/15/16",
    (430, 932, 3): "iPhone 14 Pro Max/15 Plus/15 Pro Max/16 Plus",
    (402, 874, 3): "iPhone 16 Pro",
    (440, 956, 3): "iPhone 16 Pro Max",
}
_SCREEN = re.compile(r"^(\d{3,4})x(\d{3,4})@(\d(?:\.\d+)?)$")
_ANDROID_MODEL = re.compile(r"Android [\d.]+; (?:[a-z]{2}[-_][A-Za-z]{2}; )?([^;)]+?)(?: Build/[^;)]*)?[;)]")
FIELDS = ("platform", "system", "brand", "device", "network", "province", "city")


def system_of(user_agent: str) -> str:
    if "OpenHarmony" in user_agent or "HarmonyOS" in user_agent:
        return "HarmonyOS"
    if "iPhone" in user_agent or "iPad" in user_agent:
        return "iOS"
    if "Android" in user_agent:
        return "Android"
    for marker, name in (
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ):
        if marker in user_agent:
            return name
    return "other"


def iphone_of(screen: str) -> str:
    """The iPhones with this screen (``WIDTHxHEIGHT@RATIO``, points), or "iPhone"."""
    found = _SCREEN.match(screen)
    if found is None:
        return "iPhone"
    width, height = int(found.group(1)), int(found.group(2))
    key = (min(width, height), max(width, height), round(float(found.group(3))))
    return IPHONE_SCREENS.get(key, "iPhone")


def device_of(user_agent: str, screen: str = "") -> tuple[str, str]:
    """(brand, device) as far as the agent (and, for an iPhone, the screen) tells; empty when not."""
    if "iPhone" in user_agent:
        return "Apple", iphone_of(screen)
    if "iPad" in user_agent:
        return "Apple", "iPad"
    found = _ANDROID_MODEL.search(user_agent)
    if found:
        model = found.group(1).strip()
        if model in ("K", "Mobile", "wv") or len(model) < 2:  # Chrome's reduced agent: no model
            return "", ""
        brand = next((name for prefix, name in BRANDS if model.startswith(prefix)), "")
        return brand, (f"{brand} {model}" if brand and not model.startswith(brand) else model)[:64]
    if "Macintosh" in user_agent:
        return "Apple", "Mac"
    if "Windows" in user_agent or "Linux" in user_agent or "CrOS" in user_agent:
        return "", "PC"
    return "", ""


@dataclass
class Regions:
    """The operator's address ranges → (province, city), each "code:name"; the longest range wins."""

    ranges: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path | None) -> Regions:
        if not path:
            return cls()
        found = []
        with Path(path).open(encoding="utf-8", newline="") as handle:
            for line in csv.reader(handle):
                if len(line) < 5 or line[0].lstrip().startswith("#"):
                    continue
                network, province_code, province, city_code, city = (part.strip() for part in line[:5])
                try:
                    parsed = ipaddress.ip_network(network, strict=False)
                except ValueError:
                    continue
                found.append(
                    (
                        parsed,
                        f"{int(province_code or 0)}:{province}",
                        f"{int(city_code or 0)}:{city}" if city else "",
                    )
                )
        found.sort(key=lambda item: -item[0].prefixlen)
        return cls(found)

    def lookup(self, address: str) -> tuple[str, str]:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return "", ""
        for network, province, city in self.ranges:
            if ip.version == network.version and ip in network:
                return province, city
        return "", ""


def describe(
    user_agent: str, address: str, network: str, regions: Regions, screen: str = ""
) -> dict[str, str]:
    """What a launch records of its visitor (empty fields are left out)."""
    brand, device = device_of(user_agent, screen)
    province, city = regions.lookup(address)
    seen = {
        "platform": rollups.platform_of(user_agent),
        "system": system_of(user_agent),
        "brand": brand,
        "device": device,
        "network": network if network in NETWORKS else "",
        "province": province,
        "city": city,
    }
    return {key: value for key, value in seen.items() if value}


def _listing(counts: Counter[str], kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for position, (name, value) in enumerate(ranked, start=1):
        if kind == "platform":
            items.append({"id": PLATFORM_IDS.get(name, 3), "name": name, "value": value})
        elif kind in ("province", "city"):
            code, _, label = name.partition(":")
            items.append({"id": int(code or 0), "name": label, "value": value})
        else:
            items.append({"id": position, "name": name, "value": value})
    if kind == "platform":
        items.sort(key=lambda item: item["id"])
    return items


KEYS = {
    "province": "province", "city": "city", "platform": "platforms", "device": "devices",
    # Hutong's additions (WeChat's portrait has none of these):
    "brand": "brands", "system": "systems", "network": "networks",
}  # fmt: skip


def shape(counts: dict[str, Counter[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"genders": [], "ages": []}  # not known: see the module's docstring
    for field_name, key in KEYS.items():
        out[key] = _listing(counts.get(field_name, Counter()), field_name)
    return out


async def _count(
    session: AsyncSession, app_id: int, start: date, end: date
) -> dict[str, dict[str, Counter[str]]]:
    """For everyone who launched in the range (and those first seen in it): their latest launch's
    fields, counted once per visitor."""
    e = events.c
    latest = (
        select(
            e.audience,
            e.data,
            func.row_number().over(partition_by=e.audience, order_by=e.at.desc()).label("n"),
        )
        .where(e.app_id == app_id, e.day >= start, e.day <= end, e.kind == "launch")
        .subquery()
    )
    u = AnalyticsUser
    new = set(
        await session.scalars(
            select(u.audience).where(u.app_id == app_id, u.first_day >= start, u.first_day <= end)
        )
    )
    out: dict[str, dict[str, Counter[str]]] = {"visit_uv": {}, "visit_uv_new": {}}
    for audience, data in (
        await session.execute(select(latest.c.audience, latest.c.data).where(latest.c.n == 1))
    ).all():
        seen = data if isinstance(data, dict) else {}
        for half in ("visit_uv", "visit_uv_new") if audience in new else ("visit_uv",):
            for field_name in FIELDS:
                value = seen.get(field_name) or ("other" if field_name == "platform" else "")
                if value:
                    out[half].setdefault(field_name, Counter())[str(value)[:120]] += 1
    return out


async def portrait(
    session: AsyncSession, app_id: int, start: date, end: date, zone: ZoneInfo, now: datetime | None = None
) -> dict[str, Any]:
    """userportrait's ``visit_uv_new`` and ``visit_uv`` for the range (kept once the range is closed)."""
    kept_range = rollups.closed(end, zone, now or datetime.now(UTC))
    counts: dict[str, dict[str, Counter[str]]] = {"visit_uv": {}, "visit_uv_new": {}}
    prefix = f"{start.isoformat()}\t"
    rows = []
    if kept_range:
        rows = list(
            (
                await session.execute(
                    select(AnalyticsRollup.key, AnalyticsRollup.value).where(
                        AnalyticsRollup.app_id == app_id,
                        AnalyticsRollup.day == end,
                        AnalyticsRollup.metric == "portrait",
                        AnalyticsRollup.key.startswith(prefix),
                    )
                )
            ).all()
        )
    if rows:
        for key, value in rows:
            _, half, field_name, name = [*key.split("\t", 3), "", "", ""][:4]
            if field_name:
                counts[half].setdefault(field_name, Counter())[name] += int(value)
    else:
        counts = await _count(session, app_id, start, end)
        if kept_range:
            fresh = [
                {
                    "app_id": app_id,
                    "day": end,
                    "metric": "portrait",
                    "key": f"{prefix}{half}\t{f}\t{name}"[:300],
                    "value": n,
                }
                for half, fields in counts.items()
                for f, counter in fields.items()
                for name, n in counter.items()
            ] or [{"app_id": app_id, "day": end, "metric": "portrait", "key": f"{prefix}-", "value": 0}]
            dialect = (await session.connection()).dialect.name
            await session.execute(store._insert(dialect)(AnalyticsRollup).on_conflict_do_nothing(), fresh)
    return {"visit_uv_new": shape(counts["visit_uv_new"]), "visit_uv": shape(counts["visit_uv"])}
