"""What routes take from the running app: the database, the blob store, the settings."""

from __future__ import annotations

from fastapi import Request

from hutong.server.db import Database
from hutong.server.storage import BlobStore
from hutong.settings import Settings


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blobs
    return store


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value
