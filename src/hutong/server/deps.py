"""What routes take from the running app: the database, the blob store, the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

from hutong.server.db import Database
from hutong.server.storage import BlobStore
from hutong.settings import Settings

if TYPE_CHECKING:
    from hutong.server.events.sink import EventSink


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blobs
    return store


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def event_sink(request: Request) -> EventSink:
    """This process's analytics buffer (server/events/sink.py)."""
    sink: EventSink = request.app.state.events
    return sink
