"""Providers of per-user, per-app data. A domain that keeps rows about a user and an app registers one:

    register(DataProvider("events", export_events, delete_events, apps_with_events))

``export(session, user_id, app_id)`` answers JSON-ready data (empty, or only empty values, when there
is none), ``delete`` removes it and answers how many records went (or None when it does not count),
``apps`` answers the ids of the apps that hold any."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Export = Callable[[AsyncSession, int, int], Awaitable[Any]]
Delete = Callable[[AsyncSession, int, int], Awaitable[int | None]]
Apps = Callable[[AsyncSession, int], Awaitable[set[int]]]


@dataclass(frozen=True)
class DataProvider:
    name: str  # a stable key in the export: "recent", "events", ...
    export_user_data: Export
    delete_user_data: Delete
    apps_with_data: Apps
    description: str = ""


_PROVIDERS: dict[str, DataProvider] = {}


def rows_removed(result: Any) -> int:
    """How many rows a DELETE removed: what a provider's delete reports."""
    return int(getattr(result, "rowcount", 0) or 0)


def register(provider: DataProvider) -> DataProvider:
    """Add ``provider``; registering the same name again replaces it (a module imported twice)."""
    _PROVIDERS[provider.name] = provider
    return provider


def providers() -> list[DataProvider]:
    # Importing the list here, not at the top, lets a provider's module import register() freely.
    from hutong.server.privacy import providers as _listed  # noqa: F401

    return [_PROVIDERS[name] for name in sorted(_PROVIDERS)]
