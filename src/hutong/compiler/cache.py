"""Per-file compile results, keyed by the file's content hash, for incremental builds (`hutong dev`).

One entry per (kind, path): a changed file replaces its old result, so the cache never grows past the
project's size. Errors are not cached; a file that failed is compiled again next time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class CompileCache:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, Any]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, path: str, content: bytes, compute: Callable[[], T], context: str = "") -> T:
        """The cached result for ``path`` if its content and ``context`` are unchanged, else compute it."""
        digest = hashlib.sha256(content + b"\0" + context.encode()).hexdigest()
        entry = self._entries.get((kind, path))
        if entry is not None and entry[0] == digest:
            self.hits += 1
            value: T = entry[1]
            return value
        self.misses += 1
        value = compute()
        self._entries[(kind, path)] = (digest, value)
        return value


def no_cache() -> CompileCache:
    """A fresh cache for one-off builds (it simply fills and is dropped)."""
    return CompileCache()
