"""An app's icon: uploaded by its developers, checked and re-encoded, stored as a blob.

Re-encoding (to a PNG of at most 256 px) means what the platform serves and puts at the centre of the
app's codes is always a plain image the platform made, whatever was uploaded."""

from __future__ import annotations

import io
import re

from PIL import Image, UnidentifiedImageError

from hutong.server.problems import Problem
from hutong.server.storage import BlobStore

MAX_ICON_BYTES = 2 * 1024 * 1024
ICON_SIZE = 256
_BLOB_URL = re.compile(r"^/blobs/([0-9a-f]{64})$")


def normalise_icon(data: bytes) -> bytes:
    if len(data) > MAX_ICON_BYTES:
        raise Problem(413, "too_large", "an icon is at most 2 MB")
    try:
        opened = Image.open(io.BytesIO(data))
        if opened.width * opened.height > 40_000_000:
            raise Problem(422, "invalid_icon", "the icon is too large")
        picture = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Problem(422, "invalid_icon", "the icon must be a PNG, JPEG, GIF or WebP image") from None
    picture.thumbnail((ICON_SIZE, ICON_SIZE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def store_icon(store: BlobStore, data: bytes) -> str:
    """The icon's URL on this platform (a content-addressed blob)."""
    return f"/blobs/{store.put(normalise_icon(data), 'image/png')}"


def icon_bytes(store: BlobStore, icon: str) -> bytes | None:
    """The icon's image if it is one the platform stores; external URLs are never fetched (SSRF)."""
    match = _BLOB_URL.match(icon or "")
    return store.get(match.group(1)) if match else None
