"""`hutong --help` and `hutong build` import only what they use: not the server, the database, the
browser or the HTTP client, which cost seconds and over 100 MB before a command does anything; nor
pydantic, which typer 0.29 and later import to coerce every argument (~0.1 s: pyproject.toml pins below).
A small build also leaves out what only some projects need: the worker pool of a big build, the
TypeScript grammar of a project without .ts files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# What only serving, checking or talking to a platform needs.
HEAVY = (
    *("hutong.server", "hutong.check", "hutong.devserver", "fastapi", "sqlalchemy", "playwright"),
    "pydantic",  # typer 0.29 on coerces every argument through it (pyproject.toml pins below)
)
# What a build of a few JavaScript pages does without (hutong.compiler.parallel forks only for 48+ jobs).
NOT_FOR_SMALL_BUILD = ("multiprocessing", "concurrent.futures", "hutong.compiler.typescript")
# asyncio alone is ~0.15 s of a 0.3 s budget: only the commands that run a loop import it.
HEAVY_FOR_HELP = (*HEAVY, "hutong.compiler", "hutong.settings", "httpx", "uvicorn", "cryptography", "asyncio")

# Runs the command in a fresh interpreter, then reports every module it imported.
PROBE = """
import json, sys
code = None
from hutong.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by(*arguments: str) -> tuple[str, set[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, check=True
    )
    output, _, report = completed.stdout.rpartition("\nMODULES ")
    found = json.loads(report)
    assert found["code"] in (0, None), completed.stderr
    return output, set(found["modules"])


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(name for name in modules if any(name == p or name.startswith(f"{p}.") for p in packages))


def test_help_imports_neither_server_nor_compiler() -> None:
    output, modules = imported_by("--help")
    assert "build" in output and "serve" in output  # the help was really printed
    assert "typer" in modules
    assert loaded(modules, HEAVY_FOR_HELP) == []


def test_build_imports_the_compiler_only(tmp_path: Path) -> None:
    output, modules = imported_by("build", str(EXAMPLES / "counter"), "-o", str(tmp_path / "out"))
    assert "compiled" in output and (tmp_path / "out").is_dir()
    assert "hutong.compiler.bundle" in modules
    assert loaded(modules, HEAVY) == []
    assert loaded(modules, NOT_FOR_SMALL_BUILD) == []
