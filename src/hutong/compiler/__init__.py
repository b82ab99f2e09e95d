"""The compiler: a WeChat-format mini program project in, runtime bundles out.

Phases, one module each: ``project`` loads the source tree, ``wxml`` parses and generates render code,
``scripts`` wraps the logic modules, ``bundle`` assembles content-addressed output.
"""

from hutong.compiler.bundle import BuildResult, build_project
from hutong.compiler.errors import CompileError

__all__ = ["BuildResult", "CompileError", "build_project"]
