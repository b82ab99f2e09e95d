"""TypeScript: types erased in place (lines and columns kept), enums and parameter properties generated."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser

from hutong.compiler import CompileError, build_project
from hutong.compiler.typescript import strip_types
from tests.compiler.helpers import write_tree
from tests.compiler.test_scripts import run_bundle

SOURCE = """import type { Shape } from './types';
import { Helper } from './types';
import { twice, type Unit } from './math';
export interface Point { x: number; y: number }
export type Id = string | number;
export enum Color { Red, Green = 5, Blue, Named = 'n' }
declare const wx: any;
abstract class Base<T> { abstract area(): number; describe(): string { return 'base'; } }
class Square extends Base<number> implements Shape {
  private readonly cache?: number = undefined;
  label!: string;
  constructor(public side: number, protected unit?: Unit) { super(); }
  area(): number { return twice(this.side as number) * (this.side satisfies number) / 2; }
}
function first<T>(items: T[]): T { return items[0]!; }
export const result = { area: new Square(3).area(), side: new Square(4).side, first: first<number>([7]),
  green: Color.Green, blue: Color.Blue, red: Color[0], named: Color.Named };
"""


def test_types_are_erased_on_the_same_lines_and_columns() -> None:
    js = strip_types(SOURCE, "a.ts")
    source_lines, js_lines = SOURCE.split("\n"), js.split("\n")
    assert len(js_lines) == len(source_lines)
    assert js_lines[0].strip() == "" and js_lines[1].strip() == ""  # type-only imports dropped
    assert js_lines[2] == "import { twice,           } from './math';"
    assert js_lines[12].index("twice(") == source_lines[12].index("twice(")
    assert "this.side = side; this.unit = unit;" in js_lines[11]
    assert js_lines[5].startswith('export var Color; (function (Color) { Color[Color["Red"] = 0] = "Red";')


@pytest.mark.browser
async def test_typescript_pages_run(tmp_path: Path, browser: Browser) -> None:
    write_tree(
        tmp_path,
        {
            "project.config.json": {"setting": {"useCompilerPlugins": ["typescript"]}},
            "app.json": {"pages": ["pages/a/a"]},
            "pages/a/a.wxml": "<view/>",
            "pages/a/a.ts": SOURCE,
            "pages/a/math.ts": "export const twice = (n: number): number => n * 2;\nexport type Unit = 'cm';",
            "pages/a/types.d.ts": "export interface Shape { area(): number }",
            "pages/a/types.ts": "export interface Shape { area(): number }\nexport interface Helper {}",
        },
    )
    result = build_project(tmp_path)
    code = result.files["logic.js"].decode()
    assert '__hutong_define("pages/a/a.js"' in code and '__hutong_define("pages/a/math.js"' in code
    value = await run_bundle(browser, code, "load('pages/a/a.js').result")
    assert value == {"area": 9, "side": 4, "first": 7, "green": 5, "blue": 6, "red": "Red", "named": "n"}


def test_typescript_errors_name_the_ts_file(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.json": {"pages": ["a"]}, "a.wxml": "<view/>", "a.ts": "const a: number = 1;\nlet b: = 2;\n"},
    )
    with pytest.raises(CompileError, match=r"^a\.ts:2:6: TypeScript syntax error: unexpected ':'"):
        build_project(tmp_path)
    write_tree(
        tmp_path,
        {
            "a.ts": "const a: number = 1;\n",
            "app.ts": "import { nope } from './missing';\nconsole.log(nope);\n",
        },
    )
    with pytest.raises(CompileError, match=r"^app\.ts:1:22: cannot resolve require\('\./missing'\)"):
        build_project(tmp_path)


def test_a_js_file_beside_its_ts_source_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            "a.wxml": "<view/>",
            "a.ts": "const x: number = 1",
            "a.js": "var x = 2",
        },
    )
    assert b"var x = 2" in build_project(tmp_path).files["logic.js"]
