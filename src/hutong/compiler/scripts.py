"""The logic bundle: every .js file as a CommonJS module, in a form the logic runtime loads.

Each module starts on a known line of the bundle, so that a runtime error's line maps back to the
source file and line (see ``LogicBundle.line_map``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hutong.compiler.project import Project


@dataclass
class LogicBundle:
    code: str
    # (first bundle line of the module's source, module path), ascending.
    line_map: list[tuple[int, str]] = field(default_factory=list)


def build_logic(project: Project) -> LogicBundle:
    lines: list[str] = ["/* hutong logic bundle */"]
    line_map: list[tuple[int, str]] = []
    for path in project.files(".js"):
        source = project.read_text(path).replace("\r\n", "\n")
        lines.append(f"__hutong_define({json.dumps(path)}, function (require, module, exports) {{")
        line_map.append((len(lines) + 1, path))
        lines.extend(source.split("\n"))
        lines.append("});")
    return LogicBundle("\n".join(lines) + "\n", line_map)
