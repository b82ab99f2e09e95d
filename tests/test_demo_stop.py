"""`hutong demo` stops its sidecars (the sandbox bank, the shops' and the clinic's back ends) when it is
stopped with SIGTERM, and a sidecar whose parent is SIGKILLed exits on its own (PR_SET_PDEATHSIG).
While it runs, 零食派's back end offers the voucher the demo seeded (tests/coupons/test_demo_voucher.py
checks the seeding itself)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
HUTONG = Path(sys.executable).with_name("hutong")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, uses prctl")


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/health", timeout=0.5)
    except httpx.HTTPError:
        return False
    return True


def three_free_ports() -> int:
    """A port with the two after it free too (the demo serves the shops' back ends on them)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port < 65000 and all(_free(port + i) for i in range(3)):
            return port
    raise AssertionError("no three free ports in a row")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@linux_only
def test_sigterm_stops_every_sidecar(tmp_path: Path) -> None:
    # Only the examples with back ends: compiling the rest would only slow the start.
    examples = tmp_path / "examples"
    examples.mkdir()
    for name in ("tea", "tea-server", "snacks", "snacks-server", "clinic", "clinic-backend"):
        (examples / name).symlink_to(ROOT / "examples" / name)
    port = three_free_ports()
    env = {**os.environ, "HUTONG_DATA_DIR": str(tmp_path / "data"), "HUTONG_LOG_JSON": "false"}
    for name in ("HUTONG_DATABASE_URL", "HUTONG_PUBLIC_URL", "HUTONG_FUNDING_SANDBOX_URL"):
        env.pop(name, None)
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [str(HUTONG), "demo", "--port", str(port), "--examples", str(examples)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
    try:
        platform = f"http://127.0.0.1:{port}"
        assert until(lambda: answers(platform) or demo.poll() is not None, 240), log.read_text()
        assert demo.poll() is None, log.read_text()
        text = log.read_text()
        urls = re.findall(r"at (http://127\.0\.0\.1:\d+)", text)
        urls = [url for url in dict.fromkeys(urls) if url != platform]
        # The bank, the tea shop's, the snacks shop's and (when 8701 is free) the clinic's back end.
        assert len(urls) >= 3, text
        assert all(answers(url) for url in urls)
        # 零食派's back end offers the voucher the demo seeded, and signs it (it is the shop's own).
        snacks = f"http://127.0.0.1:{port + 2}"
        offered = httpx.get(f"{snacks}/api/coupons/offer", timeout=10).json()["stock_id"]
        assert offered.isdigit()
        signed = httpx.post(f"{snacks}/api/coupons/sign", json={"stock_id": offered}, timeout=20)
        assert signed.status_code == 200, signed.text
        assert signed.json()["send_coupon_params"][0]["stock_id"] == offered
        sidecars = children(demo.pid)
        assert len(sidecars) == len(urls), (sidecars, urls)

        demo.send_signal(signal.SIGTERM)
        demo.wait(20)
        assert until(lambda: not any(alive(pid) for pid in sidecars), 10)
        assert not any(answers(url) for url in urls)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


@linux_only
def test_a_sidecar_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    port = three_free_ports()
    child = tmp_path / "child.py"
    child.write_text(
        "import sys\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n"
        "class H(BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\n"
        "HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
    )
    parent = tmp_path / "parent.py"
    parent.write_text(
        "import os, sys, time\nfrom hutong import sidecar\n"
        f"with sidecar.serving([sys.executable, {str(child)!r}, '{port}'], 'http://127.0.0.1:{port}', 'x')"
        " as p:\n"
        "    print(p.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    runner = subprocess.Popen([sys.executable, str(parent)], stdout=subprocess.PIPE)
    try:
        assert runner.stdout is not None
        pid = int(runner.stdout.readline())
        assert alive(pid) and answers(f"http://127.0.0.1:{port}")
        runner.kill()  # no finally runs: only the kernel can tell the sidecar
        runner.wait()
        assert until(lambda: not alive(pid), 5)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
