"""Headless Chromium, launched the way this project always launches it (never a downloaded browser)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("HUTONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
