"""Run independent per-file compile jobs on every core, when there are enough of them to pay off.

Worker processes are forked, so they start at once with the compiler already imported; forking is only
safe in a single-threaded process, so a process with other threads (a server) compiles in its own
thread, one file after another. Results and errors come back in job order, as if run serially.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

# Below this many jobs, starting workers costs more than it saves.
MIN_JOBS = 48
MAX_WORKERS = 8


def _call(job: Callable[[], Any]) -> Any:
    return job()


def run_all(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """``[job() for job in jobs]``, spread over processes when that is safe and worth it."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(jobs) < MIN_JOBS or workers < 2 or threading.active_count() > 1:
        return [job() for job in jobs]
    # Imported here: a small build, which never forks, is spared their ~10 ms.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    chunk = max(1, len(jobs) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_call, jobs, chunksize=chunk))
