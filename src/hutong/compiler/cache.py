"""Per-file compile results, keyed by the file's content hash, for incremental builds (`hutong dev`).

One entry per (kind, path): a changed file replaces its old result, so the cache never grows past the
project's size. A script's CompileError is a result like any other (compiler/scripts.py decides
whether it fails the build once it knows which files are used): it depends on the content alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from hutong.compiler.parallel import run_all

T = TypeVar("T")


class CompileCache:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, Any]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, path: str, content: bytes, compute: Callable[[], T], context: str = "") -> T:
        """The cached result for ``path`` if its content and ``context`` are unchanged, else compute it."""
        digest = _digest(content, context)
        entry = self._entries.get((kind, path))
        if entry is not None and entry[0] == digest:
            self.hits += 1
            value: T = entry[1]
            return value
        self.misses += 1
        value = compute()
        self._entries[(kind, path)] = (digest, value)
        return value

    def get_all(self, jobs: list[Job]) -> list[Any]:
        """Each job's result, from the cache where the content is unchanged; the rest computed together
        (in parallel when there are many: ``parallel.run_all``)."""
        results: list[Any] = [None] * len(jobs)
        missing: list[tuple[int, str]] = []
        for index, job in enumerate(jobs):
            digest = _digest(job.content, job.context)
            entry = self._entries.get((job.kind, job.path))
            if entry is not None and entry[0] == digest:
                self.hits += 1
                results[index] = entry[1]
            else:
                missing.append((index, digest))
        computed = run_all([jobs[index].compute for index, _ in missing])
        for (index, digest), value in zip(missing, computed, strict=True):
            self.misses += 1
            self._entries[(jobs[index].kind, jobs[index].path)] = (digest, value)
            results[index] = value
        return results


@dataclass
class Job:
    """One file's compile step: what it is, its content (and context), and how to compute it."""

    kind: str
    path: str
    content: bytes
    compute: Callable[[], Any]
    context: str = ""


def _digest(content: bytes, context: str) -> str:
    return hashlib.sha256(content + b"\0" + context.encode()).hexdigest()


def no_cache() -> CompileCache:
    """A fresh cache for one-off builds (it simply fills and is dropped)."""
    return CompileCache()
