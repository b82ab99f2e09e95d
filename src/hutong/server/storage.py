"""Content-addressed blob storage on local disk: a blob's name is its SHA-256, written atomically.

A blob may carry the media type it was stored with (a ``<sha256>.type`` file beside it), which is what
/blobs/ serves it as; ``media_type_for`` gives the type for a file name from a short allow-list.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
OCTET_STREAM = "application/octet-stream"
# What a mini program's files are served as. Deliberately a short list: a type not here is served as
# application/octet-stream, and every blob response also carries a sandboxing policy (delivery/routes.py),
# so an uploaded .html or .svg opened directly cannot run script on the platform's origin.
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".wxss": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}


def media_type_for(name: str) -> str:
    """The type a file called ``name`` is served as (application/octet-stream if not listed)."""
    return MEDIA_TYPES.get(posixpath.splitext(name.lower())[1], OCTET_STREAM)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes, media_type: str | None = None) -> str:
        """Store ``data`` once; a blob that is already there is not written again. ``media_type`` is
        recorded the first time one is given (the same bytes keep the type they were first given)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            self._write(target, data)
        if media_type and media_type != OCTET_STREAM and not self._type_path(digest).exists():
            self._write(self._type_path(digest), media_type.encode())
        return digest

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a reader never sees half a blob.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _type_path(self, sha256: str) -> Path:
        return self.path(sha256).with_name(f"{sha256}.type")

    def media_type(self, sha256: str) -> str:
        """The type the blob was stored with (application/octet-stream if none was recorded)."""
        try:
            return self._type_path(sha256).read_text().strip() or OCTET_STREAM
        except (FileNotFoundError, ValueError):
            return OCTET_STREAM

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except (FileNotFoundError, ValueError):
            return None
