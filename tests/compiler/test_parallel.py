"""Big builds spread per-file work over processes; the output and the errors are the serial ones."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

from hutong.compiler import CompileError, build_project
from hutong.compiler.errors import Position
from hutong.compiler.parallel import MIN_JOBS
from tests.compiler.helpers import page, write_tree

CHILD = """
import json, sys
from pathlib import Path
from hutong.compiler import CompileError, build_project
try:
    files = build_project(Path(sys.argv[1])).files
    print(json.dumps({name: data.decode("latin-1") for name, data in files.items()}))
except CompileError as error:
    print(json.dumps({"error": str(error), "line": error.position.line if error.position else None}))
"""


def big_app(root: Path, broken: bool = False) -> Path:
    files = {"app.json": {"pages": ["a"]}, **page("a", js="require('./m0')\nPage({})")}
    for index in range(MIN_JOBS + 10):
        files[f"m{index}.js"] = f"export const value{index} = {index};\nrequire('./m{index + 1}');\n"
        files[f"s{index}.wxss"] = f".c{index} {{ width: {index}rpx }}"
    files[f"m{MIN_JOBS + 10}.js"] = "module.exports = 'end'"
    if broken:
        files["m7.js"] = "const ok = 1;\nvar 1x = 2;\n"
    return write_tree(root, files)


def in_child(root: Path) -> dict[str, str]:
    # A fresh single-threaded process, where the compiler does fork its workers.
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, check=True
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_parallel_build_equals_the_serial_one(tmp_path: Path) -> None:
    root = big_app(tmp_path)
    serial = {name: data.decode("latin-1") for name, data in build_project(root).files.items()}
    assert in_child(root) == serial


def test_parallel_build_reports_the_same_error(tmp_path: Path) -> None:
    root = big_app(tmp_path, broken=True)
    try:
        build_project(root)
    except CompileError as error:
        expected = str(error)
    assert expected.startswith("m7.js:2:5: JavaScript syntax error")
    assert in_child(root) == {"error": expected, "line": 2}


def test_compile_errors_keep_their_position_when_pickled() -> None:
    error = CompileError("boom", Position("a.js", 3, 4), "x\ny\nzzzzz")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.position == Position("a.js", 3, 4) and str(copy) == str(error)
