"""Paths inside a mini program: `import`, `include`, wxs `src` and wxs `require` name files this way."""

from __future__ import annotations

import posixpath


def resolve_path(from_file: str, request: str) -> str | None:
    """The root-relative path that ``request``, written in ``from_file``, names.

    A leading `/` means the mini program root; anything else is relative to ``from_file``'s folder.
    None when the path leaves the root.
    """
    request = request.strip().replace("\\", "/")
    if not request:
        return None
    base = "" if request.startswith("/") else posixpath.dirname(from_file)
    joined = posixpath.normpath(posixpath.join("/", base, request.lstrip("/")))
    if joined == "/" or joined.startswith("/.."):
        return None
    return joined.lstrip("/")
