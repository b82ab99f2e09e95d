"""Path rules shared by components, scripts and styles: relative, root-absolute and miniprogram_npm.

Every path here is a POSIX path relative to the mini program root, with no leading slash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator


def parent_dir(path: str) -> str:
    """The folder holding ``path`` ("" for the root)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def join(base_dir: str, request: str) -> str | None:
    """``request`` resolved against ``base_dir`` (a leading slash: the root); None if it leaves the root."""
    parts = [] if request.startswith("/") or not base_dir else base_dir.split("/")
    for part in request.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def is_relative(request: str) -> bool:
    return request.startswith(("./", "../")) or request in (".", "..")


def npm_roots(owner_dir: str) -> Iterator[str]:
    """The miniprogram_npm folders WeChat looks in for an owner in ``owner_dir``: its own, then upwards."""
    current: str | None = owner_dir
    while current is not None:
        yield f"{current}/miniprogram_npm" if current else "miniprogram_npm"
        current = parent_dir(current) if current else None


def npm_candidates(owner_dir: str, request: str, main_of: Callable[[str], str | None]) -> Iterator[str]:
    """Candidate base paths (no extension rules applied) for a package request like ``pkg/sub``.

    ``main_of(package_dir)`` gives the package's main file (from its package.json), if any.
    """
    for npm in npm_roots(owner_dir):
        base = f"{npm}/{request}"
        yield base
        name_parts = 2 if request.startswith("@") else 1
        if request.count("/") < name_parts:
            main = main_of(base)
            if main:
                joined = join(base, main)
                if joined:
                    yield joined


def resolve_path(from_file: str, request: str) -> str | None:
    """The root-relative path that ``request``, written in ``from_file``, names (`import`, `include`,
    wxs `src` and wxs `require`). A leading `/` means the root; None when the path leaves the root."""
    request = request.strip().replace("\\", "/")
    if not request:
        return None
    resolved = join(parent_dir(from_file), request)
    return resolved or None
