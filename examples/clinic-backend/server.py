"""The clinic's own back end (examples/clinic): what a clinic runs on its server, talking to the
platform exactly as a WeChat mini program's back end talks to WeChat.

- ``POST /bookings`` takes a booking from the mini program (wx.request, with a wx.login code), turns
  the code into the patient's openid (``/sns/jscode2session``) and schedules the reminder.
- The reminder goes out ``--remind-after`` seconds later with ``/cgi-bin/message/subscribe/send``
  (template ``consultation-reminder``, one-time: the patient allowed one message when booking).
- ``POST /bookings/{id}/remind`` sends the reminder again now (a second one-time message is refused
  with 43101 unless the patient allowed another); ``POST /bookings/{id}/report`` sends the
  long-term "report ready" message. ``GET /bookings`` lists the bookings with every send's answer.

Run by ``hutong demo`` (project.config.json ``hutong.backend``), or alone::

    APPID=hutong-clinic APP_SECRET=... PLATFORM_URL=http://127.0.0.1:8000 \\
        python examples/clinic-backend/server.py --port 8701

Only the standard library and httpx; the access token is fetched with the AppSecret and reused until
it is about to expire, as WeChat asks of back ends.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

REMINDER = "consultation-reminder"
REPORT = "consultation-report"
BOOKED_PAGE = "pages/booked/booked"


class Clinic:
    """The clinic's state: its credentials, the cached access token and the bookings."""

    def __init__(self, platform: str, appid: str, secret: str, remind_after: float) -> None:
        self.platform, self.appid, self.secret = platform.rstrip("/"), appid, secret
        self.remind_after = remind_after
        self.bookings: dict[str, dict[str, Any]] = {}
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or self._token[1] < time.time() + 60:
                answer = httpx.get(
                    f"{self.platform}/cgi-bin/token",
                    params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
                    timeout=10,
                ).json()
                if "access_token" not in answer:
                    raise RuntimeError(f"no access token: {answer}")
                self._token = (answer["access_token"], time.time() + int(answer.get("expires_in", 7200)))
            return self._token[0]

    def openid(self, code: str) -> str:
        params = {
            "appid": self.appid,
            "secret": self.secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        answer = httpx.get(f"{self.platform}/sns/jscode2session", params=params, timeout=10).json()
        if "openid" not in answer:
            raise ValueError(f"the login code was refused: {answer}")
        return str(answer["openid"])

    def send(self, booking: dict[str, Any], template: str, data: dict[str, Any]) -> dict[str, Any]:
        body = {
            "touser": booking["openid"],
            "template_id": template,
            "page": f"{BOOKED_PAGE}?id={booking['id']}",
            "data": {key: {"value": value} for key, value in data.items()},
        }
        answer: dict[str, Any] = httpx.post(
            f"{self.platform}/cgi-bin/message/subscribe/send",
            params={"access_token": self.access_token()},
            json=body,
            timeout=10,
        ).json()
        booking["sent"].append({"template": template, **answer})
        return answer

    def remind(self, booking: dict[str, Any]) -> dict[str, Any]:
        return self.send(
            booking,
            REMINDER,
            {"name1": booking["doctor_name"], "time2": booking["time"], "thing4": "请提前15分钟进入诊室"},
        )

    def report(self, booking: dict[str, Any]) -> dict[str, Any]:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        return self.send(booking, REPORT, {"thing1": "问诊报告", "time2": stamp, "phrase4": "已出报告"})

    def book(self, body: dict[str, Any]) -> dict[str, Any]:
        booking = {
            "id": "C" + secrets.token_hex(4),
            "openid": self.openid(str(body.get("code") or "")),
            "doctor": str(body.get("doctor") or "")[:40],
            # Subscription keywords have rules: a `name` is Chinese characters or Latin letters, not both.
            "doctor_name": str(body.get("doctor") or "医生").split(" ")[0][:10],
            "time": when(str(body.get("when") or "")),
            "symptoms": str(body.get("symptoms") or "")[:200],
            "sent": [],
        }
        self.bookings[booking["id"]] = booking
        timer = threading.Timer(self.remind_after, self._remind_quietly, args=(booking,))
        timer.daemon = True
        timer.start()
        return booking

    def _remind_quietly(self, booking: dict[str, Any]) -> None:
        try:
            self.remind(booking)
        except (httpx.HTTPError, RuntimeError) as error:
            booking["sent"].append({"template": REMINDER, "errcode": -1, "errmsg": str(error)})


def when(label: str, today: datetime | None = None) -> str:
    """'今天 19:00' or '明天 09:00' (what the booking page offers) as the `time` keyword wants it."""
    day = today or datetime.now()
    if label.startswith("明天"):
        day += timedelta(days=1)
    clock = re.search(r"\d{1,2}:\d{2}", label)
    return f"{day.year}年{day.month}月{day.day}日 {clock.group(0) if clock else '09:00'}"


def handler_for(clinic: Clinic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            # The mini program calls from the host's sandboxed frame: an opaque origin.
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "content-type")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:
            self._answer(204, {})

        def do_GET(self) -> None:
            if self.path == "/health":
                self._answer(200, {"ok": True})
            elif self.path == "/bookings":
                self._answer(200, [public(b) for b in clinic.bookings.values()])
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = min(int(self.headers.get("content-length") or 0), 64 * 1024)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._answer(400, {"error": "send JSON"})
            if not isinstance(body, dict):
                return self._answer(400, {"error": "send a JSON object"})
            try:
                if self.path == "/bookings":
                    return self._answer(201, public(clinic.book(body)))
                match = re.fullmatch(r"/bookings/(C[0-9a-f]+)/(remind|report)", self.path)
                booking = clinic.bookings.get(match.group(1)) if match else None
                if match is None or booking is None:
                    return self._answer(404, {"error": "no such booking"})
                send = clinic.remind if match.group(2) == "remind" else clinic.report
                return self._answer(200, send(booking))
            except ValueError as error:
                return self._answer(400, {"error": str(error)})
            except (httpx.HTTPError, RuntimeError) as error:
                return self._answer(502, {"error": f"the platform did not answer: {error}"})

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def public(booking: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in booking.items() if key != "openid"}


def main() -> None:
    parser = argparse.ArgumentParser(description="The clinic's back end (examples/clinic).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--remind-after", type=float, default=30.0, help="seconds from booking to reminder")
    args = parser.parse_args()
    platform = os.environ.get("PLATFORM_URL", "http://127.0.0.1:8000")
    appid = os.environ.get("APPID", "hutong-clinic")
    secret = os.environ.get("APP_SECRET")
    if not secret:
        parser.error("set APP_SECRET (the console shows an app's AppSecret once)")
    clinic = Clinic(platform, appid, secret, args.remind_after)
    server = ThreadingHTTPServer((args.host, args.port), handler_for(clinic))
    print(f"clinic back end on http://{args.host}:{args.port}, platform {platform}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
