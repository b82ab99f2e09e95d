"""Structured logging: key=value lines for people, JSON lines for machines, always on stderr (stdout
is a command's answer: `hutong check --json` must print JSON and nothing else)."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.basicConfig(level=level.upper(), format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    if not structlog.is_configured():  # a command that never configured logging still keeps stdout clean
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
