"""Mini program addresses (BRIEF decision 8, after W3C MiniApp Addressing).

    https://<host>/miniapp/<appid>[;version=<v>]/<page>?<query>
    hutong://miniapp/<appid>[;version=<v>]/<page>?<query>
    https://<host>/s/<appid>/<scene>          what a mini program code carries

``version`` names a channel (``trial``, ``develop``) or a released version; a version number is kept
for the record but the user still gets the release the platform gives them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

SCHEME = "hutong"
CHANNEL_VERSIONS = ("trial", "develop")
# WeChat's getwxacodeunlimit scene: at most 32 visible characters from this set (no `%`).
SCENE_PATTERN = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")
_APPID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Launch scenes (WeChat's numbers): where an opened link or code came from.
SCENE_SEARCH = 1005
SCENE_SHARE = 1007
SCENE_RECENT = 1001
SCENE_SCAN_QR = 1011
SCENE_SCAN_CODE = 1047
SCENE_ALBUM_CODE = 1049
SCENE_URL_SCHEME = 1065
SCENE_URL_LINK = 1194


@dataclass(frozen=True)
class Address:
    """Where a link or code leads: an app, a page in it (empty: its home page) and the page's query."""

    appid: str
    page: str = ""
    query: dict[str, str] = field(default_factory=dict)
    version: str = ""
    # Set for a mini program code: the server maps (appid, scene) to page and query.
    scene: str = ""

    @property
    def channel(self) -> str:
        return self.version if self.version in CHANNEL_VERSIONS else "release"


class NotALink(ValueError):
    """The text is not a mini program address."""


def clean_page(page: str) -> str:
    """``/pages/a/a.html`` or ``pages/a/a`` → ``pages/a/a``; a query, `..` or a scheme is refused."""
    page = page.strip().lstrip("/")
    for suffix in (".html", ".wxml", ".js"):
        page = page.removesuffix(suffix)
    if any(char in page for char in "?#\\") or ".." in page.split("/") or ":" in page or len(page) > 500:
        raise NotALink(f"{page!r} is not a page path")
    return page


def app_link(public_url: str, appid: str, page: str = "", query: dict[str, str] | None = None) -> str:
    """The https link that opens ``page`` of ``appid`` with ``query``."""
    base = f"{public_url.rstrip('/')}/miniapp/{quote(appid, safe='')}/{quote(clean_page(page))}"
    return base + (f"?{urlencode(query)}" if query else "")


def trial_link(public_url: str, appid: str, page: str = "", query: dict[str, str] | None = None) -> str:
    """The https link that opens ``page`` of ``appid``'s trial version (what get_qrcode carries)."""
    base = f"{public_url.rstrip('/')}/miniapp/{quote(appid, safe='')};version=trial/{quote(clean_page(page))}"
    return base + (f"?{urlencode(query)}" if query else "")


def scheme_link(appid: str, page: str = "", query: dict[str, str] | None = None) -> str:
    """The same address as ``hutong://miniapp/…``, for native hosts."""
    base = f"{SCHEME}://miniapp/{quote(appid, safe='')}/{quote(clean_page(page))}"
    return base + (f"?{urlencode(query)}" if query else "")


def code_link(public_url: str, appid: str, scene: str) -> str:
    """What a mini program code carries: the app and the scene token, nothing else."""
    return f"{public_url.rstrip('/')}/s/{quote(appid, safe='')}/{quote(scene, safe='')}"


def parse(text: str) -> Address:
    """Read any of the three address forms (host and port are not checked: any platform's link reads)."""
    parts = urlsplit(text.strip())
    if parts.scheme == SCHEME and parts.netloc == "miniapp":
        return _miniapp(parts.path.lstrip("/"), parts.query)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotALink("not a mini program link")
    segments = parts.path.split("/")
    if len(segments) >= 3 and segments[1] == "miniapp":
        return _miniapp("/".join(segments[2:]), parts.query)
    if len(segments) >= 4 and segments[1] == "s":
        appid, scene = unquote(segments[2]), unquote("/".join(segments[3:]))
        if not _APPID.match(appid) or not SCENE_PATTERN.match(scene):
            raise NotALink("not a mini program code")
        return Address(appid=appid, scene=scene)
    raise NotALink("not a mini program link")


def _miniapp(rest: str, query: str) -> Address:
    head, _, page = rest.partition("/")
    appid, *params = head.split(";")
    appid = unquote(appid)
    if not _APPID.match(appid):
        raise NotALink("the link names no mini program")
    version = ""
    for param in params:
        key, _, value = param.partition("=")
        if key == "version":
            version = unquote(value)
    return Address(
        appid=appid,
        page=clean_page(unquote(page)),
        query=dict(parse_qsl(query, keep_blank_values=True)),
        version=version,
    )
