"""Headless Chromium, launched the way this project always launches it (never a downloaded browser)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("HUTONG_CHROMIUM", "/usr/bin/chromium")
# The switches of every Chromium this project launches, before the features it switches off.
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's own --disable-features list (playwright-core's chromiumSwitches.ts, Playwright 1.65).
# Chromium keeps only the last --disable-features switch it is given, and Playwright puts the caller's
# arguments after its own, so a list of ours must repeat these (tests/test_browser_pool.py checks that
# Chromium ends up with all of them, against a browser launched with BASE_ARGS).
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
# Headless Chromium preloads the omnibox's popup, two WebUI pages in a renderer process of their own,
# for every window, which is every page of a new context (`hutong check` opens each page in one): about
# 0.6 s of CPU each time, for a popup nobody ever sees. Nothing a page can observe depends on it.
WITHOUT_OMNIBOX_POPUP = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"]
CHROMIUM_ARGS = [
    *BASE_ARGS,
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + WITHOUT_OMNIBOX_POPUP),
]
