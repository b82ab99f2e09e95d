"""Static files the app ships beside its code (images, audio, video, fonts), by source path.

Each is delivered as a content-addressed blob under its own path; the view runtime maps a path like
``/images/a.png`` to the blob's URL (docs/ARCHITECTURE.md, "Assets").
"""

from __future__ import annotations

import mimetypes

from hutong.compiler.project import Project

ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".bmp": "image/bmp",
    ".ico": "image/x-icon",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


def asset_type(path: str) -> str | None:
    """The media type of an asset path, or None when the file is not an asset."""
    dot = path.rfind(".")
    if dot < 0:
        return None
    return ASSET_TYPES.get(path[dot:].lower())


def collect_assets(project: Project) -> dict[str, str]:
    """Every asset in the project: path -> media type."""
    found = {}
    for path in project.file_list:
        kind = asset_type(path)
        if kind is not None:
            found[path] = kind or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return found
