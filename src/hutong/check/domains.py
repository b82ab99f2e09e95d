"""`hutong check --allow-domain`: origins the checked app may reach, on the lists a release would carry."""

from __future__ import annotations

from urllib.parse import urlsplit

# The lists an origin given on the command line joins. Sockets take the ws(s) form of the origin.
HTTP_KINDS = ("request", "upload", "download")
_SOCKET_SCHEME = {"https": "wss", "http": "ws"}
_HTTP_SCHEME = {"wss": "https", "ws": "http"}
_DEFAULT_PORT = {"https": 443, "http": 80}


class OriginError(ValueError):
    """An --allow-domain value that is not an origin."""


def parse_origin(value: str) -> tuple[str, str]:
    """``value`` as (http origin, socket origin): ``https://api.example.com`` gives
    ``("https://api.example.com", "wss://api.example.com")``; a ws(s) origin gives the same pair."""
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    if scheme not in _SOCKET_SCHEME and scheme not in _HTTP_SCHEME:
        raise OriginError(f"{value!r}: an origin starts with https://, http://, wss:// or ws://")
    if not parts.hostname:
        raise OriginError(f"{value!r}: the origin has no host")
    if parts.username or parts.password:
        raise OriginError(f"{value!r}: an origin carries no user name or password")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OriginError(f"{value!r}: give the origin only (scheme, host and port), without a path")
    try:
        port = parts.port
    except ValueError:
        raise OriginError(f"{value!r}: the port is not valid") from None
    http_scheme = _HTTP_SCHEME.get(scheme, scheme)
    if port == _DEFAULT_PORT[http_scheme]:
        port = None  # as a URL's origin has it (wss shares https's port, ws http's)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    where = host if port is None else f"{host}:{port}"
    return f"{http_scheme}://{where}", f"{_SOCKET_SCHEME[http_scheme]}://{where}"


def domain_lists(origins: list[str]) -> dict[str, list[str]]:
    """The app's domain lists for these origins. https origins also go on the `proxy` list: the
    platform's egress proxy reaches servers that send no CORS headers, as WeChat's clients need none
    (loopback and private addresses stay direct: the proxy refuses them)."""
    lists: dict[str, list[str]] = {kind: [] for kind in (*HTTP_KINDS, "socket", "proxy")}
    for value in origins:
        http_origin, socket_origin = parse_origin(value)
        for kind in HTTP_KINDS:
            if http_origin not in lists[kind]:
                lists[kind].append(http_origin)
        if socket_origin not in lists["socket"]:
            lists["socket"].append(socket_origin)
        if http_origin.startswith("https://") and http_origin not in lists["proxy"]:
            lists["proxy"].append(http_origin)
    return lists
