"""The merchants file of a batch deployment (``hutong provider deploy``): stdlib only, so the CLI reads
it without loading the server."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def parse_merchants(text: str, kind: str) -> list[dict[str, Any]]:
    """A merchants file: JSON ``[{"appid", "ext": {...}} | {"appid", "ext_json": {...}}]``, or CSV with an
    ``appid`` column and one column per ext key (a value that is JSON, such as a list, is parsed)."""
    rows: list[dict[str, Any]] = []
    if kind == "json":
        loaded = json.loads(text)
        if not isinstance(loaded, list):
            raise ValueError("the merchants file is a JSON list")
        for entry in loaded:
            if not isinstance(entry, dict) or not isinstance(entry.get("appid"), str):
                raise ValueError("each merchant has an appid")
            ext_json = entry.get("ext_json") or {"extAppid": entry["appid"], "ext": entry.get("ext", {})}
            rows.append({"appid": entry["appid"], "ext_json": ext_json})
        return rows
    for record_ in csv.DictReader(io.StringIO(text)):
        if None in record_:
            raise ValueError("a CSV row has more cells than the header (quote cells with commas)")
        appid = (record_.pop("appid", "") or "").strip()
        if not appid:
            raise ValueError("each CSV row has an appid")
        ext: dict[str, Any] = {}
        for key, value in record_.items():
            try:
                ext[key] = json.loads(value) if value and value.strip()[:1] in "[{" else value
            except json.JSONDecodeError:
                ext[key] = value
        rows.append({"appid": appid, "ext_json": {"extAppid": appid, "ext": ext}})
    return rows
