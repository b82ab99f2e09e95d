"""Compile speed and memory: cold and incremental (one file changed), per app.

    .venv/bin/python bench/compile.py [PROJECT_DIR ...]

Every example under examples/ (and tests/apps/) is measured, plus any folder given. Each app runs in a
fresh Python process, on a copy of the project: ``cold`` is the first build (empty cache), ``incr`` a
rebuild after one page script changed, with the cache of the first build. ``process`` is the child's
whole wall time, interpreter start and imports included; ``peak`` its peak resident memory, and
``worker`` that of the largest compile worker it forked (big apps only, see compiler/parallel.py).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def measure(directory: Path) -> dict[str, object]:
    """Run inside the child process: cold build, then incremental builds after touching one file."""
    from hutong.compiler import CompileError
    from hutong.compiler.bundle import build_project
    from hutong.compiler.cache import CompileCache
    from hutong.compiler.project import find_root, load_project

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "app"
        shutil.copytree(directory, copy, ignore=shutil.ignore_patterns("node_modules", ".git"))
        cache = CompileCache()
        started = time.perf_counter()
        try:
            result = build_project(copy, cache)
        except CompileError as error:
            return {"error": str(error).split("\n")[0]}
        cold = (time.perf_counter() - started) * 1000
        project = load_project(copy)
        root, _ = find_root(copy)
        target = next(
            (root / f"{page}.js" for page in project.pages if (root / f"{page}.js").is_file()), None
        )
        incremental = []
        for run in range(RUNS):
            if target is not None:
                target.write_text(target.read_text(encoding="utf-8") + f"\n// edit {run}\n", encoding="utf-8")
            started = time.perf_counter()
            build_project(copy, cache)
            incremental.append((time.perf_counter() - started) * 1000)
    return {
        "pages": len(result.config["pages"]),
        "files": len(project.file_list),
        "bytes": sum(len(data) for data in result.files.values()),
        "cold_ms": round(cold, 1),
        "incremental_ms": round(sorted(incremental)[len(incremental) // 2], 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # Big builds fork compile workers (compiler/parallel.py): the largest one's peak.
        "worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def run_child(directory: Path) -> dict[str, object]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(directory)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr else "failed"}
    report: dict[str, object] = json.loads(completed.stdout)
    report["process_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return report


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--child"]:
        print(json.dumps(measure(Path(arguments[1]))))
        return
    apps = sorted(path.parent for path in (ROOT / "examples").glob("*/project.config.json"))
    apps += sorted(path.parent for path in (ROOT / "tests" / "apps").glob("*/project.config.json"))
    apps += [Path(argument) for argument in arguments]
    columns = (
        ("pages", 5),
        ("files", 5),
        ("cold ms", 8),
        ("incr ms", 8),
        ("process ms", 10),
        ("peak MB", 8),
        ("worker MB", 9),
    )
    print(f"{'app':<34} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for directory in apps:
        report = run_child(directory)
        name = directory.name if directory.is_relative_to(ROOT) else str(directory)
        if "error" in report:
            print(f"{name[-34:]:<34} error: {report['error']}")
            continue
        print(
            f"{name[-34:]:<34} {report['pages']:>5} {report['files']:>5} {report['cold_ms']:>8} "
            f"{report['incremental_ms']:>8} {report['process_ms']:>10} {report['peak_mb']:>8} "
            f"{report['worker_mb']:>9}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
