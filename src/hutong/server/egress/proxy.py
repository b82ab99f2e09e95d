"""Forward one request of a mini program to its own server, for servers that send no CORS headers.

Every hop (the first request and each redirect) must name an origin on the app's list and resolve to
addresses the rules allow (addresses.py); the connection goes to the address we vetted, with the
original name kept in the Host header and in TLS SNI (so certificates are still checked against it),
which leaves no gap for DNS rebinding between the check and the connection."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import httpx

import hutong
from hutong.server.egress.addresses import AddressRefused, Network, resolve
from hutong.server.problems import Problem
from hutong.server.tls import client_context

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
METHODS = frozenset({"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"})
# RFC 9110 §7.6.1 hop-by-hop fields, the proxy's own, and what only the client library may set.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-real-ip",
        "via",
    }
)
# Sent by the mini program's server to a browser, meaningless once we have decoded the body.
RESPONSE_DROPPED = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})
PLATFORM_COOKIE_PREFIX = "hutong_"
# RFC 9110 field names (tokens) and values (no CR, LF or NUL: no header injection).
_FIELD_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_FIELD_VALUE = re.compile(r"^[^\r\n\x00]*$")


@dataclass
class Outgoing:
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timeout: float = 60.0


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    url: str
    redirects: int


@dataclass(frozen=True)
class Policy:
    """What this app may reach: exact origins, and the networks a test or operator lets through."""

    origins: frozenset[str]
    networks: Sequence[Network] = ()
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = MAX_REDIRECTS


def origin_of(url: httpx.URL) -> str:
    """scheme://host[:port], lowercased, IDN as punycode, the default port dropped (as WHATWG URL)."""
    host = url.raw_host.decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{url.scheme}://{host}" + (f":{url.port}" if url.port is not None else "")


def origins(entries: Collection[str]) -> frozenset[str]:
    found = set()
    for entry in entries:
        try:
            found.add(origin_of(httpx.URL(entry)))
        except (httpx.InvalidURL, UnicodeError):
            continue
    return frozenset(found)


def parse_target(raw: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, UnicodeError):
        raise Problem(422, "egress_invalid_url", "the url is not valid") from None
    if url.scheme not in ("http", "https") or not url.raw_host:
        raise Problem(422, "egress_invalid_url", "the url must be http(s) with a host")
    if url.userinfo:
        # https://allowed.example@evil.example is evil.example to every parser; refuse it outright.
        raise Problem(422, "egress_invalid_url", "the url must not carry a user name or password")
    return url


def request_headers(given: dict[str, str]) -> dict[str, str]:
    """The mini program's own headers, without hop-by-hop fields and never a platform cookie (the
    proxy copies nothing from the browser's request to the platform; this is only belt and braces)."""
    connection_named = {
        name.strip().lower()
        for key, value in given.items()
        if key.lower() == "connection"
        for name in value.split(",")
    }
    # Keyed by the lowercased name (one field per name, the last given wins) but sent with the case
    # it was given in: header names are case-insensitive, yet some receivers compare them exactly.
    kept: dict[str, tuple[str, str]] = {}
    for key, value in given.items():
        if not _FIELD_NAME.match(key.strip()) or not _FIELD_VALUE.match(value):
            raise Problem(422, "egress_invalid_header", f"the header {key[:40]!r} is not a valid HTTP field")
        name = key.strip().lower()
        if not name or name in HOP_BY_HOP or name in connection_named:
            continue
        if name == "cookie":
            pairs = [p for p in value.split(";") if not p.strip().lower().startswith(PLATFORM_COOKIE_PREFIX)]
            value = ";".join(pairs).strip()
            if not value:
                continue
        kept[name] = (key.strip(), value)
    kept.setdefault("user-agent", ("User-Agent", f"Hutong-Egress/{hutong.__version__}"))
    return dict(kept.values())


async def _vet(url: httpx.URL, policy: Policy) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address to connect to for ``url``; raises when the origin or the address is refused."""
    if origin_of(url) not in policy.origins:
        raise Problem(403, "egress_domain_not_allowed", f"{origin_of(url)} is not on this app's domain list")
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        return await resolve(host, port, policy.networks)
    except AddressRefused as error:
        raise Problem(403, "egress_address_refused", str(error)) from None
    except LookupError as error:
        raise Problem(502, "egress_connect_failed", str(error)) from None


async def _send(
    client: httpx.AsyncClient,
    url: httpx.URL,
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    method: str,
    headers: dict[str, str],
    body: bytes,
    policy: Policy,
) -> tuple[httpx.Response, bytes]:
    host = url.raw_host.decode("ascii")
    pinned = url.copy_with(host=str(address))
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    request = client.build_request(
        method,
        pinned,
        headers={**headers, "host": url.netloc.decode("ascii")},
        content=body or None,
        extensions=extensions,
    )
    response = await client.send(request, stream=True)
    try:
        if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
            return response, b""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise Problem(502, "egress_response_too_large", f"the response is over {policy.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise Problem(
                    502, "egress_response_too_large", f"the response is over {policy.max_bytes} bytes"
                )
            chunks.append(chunk)
        return response, b"".join(chunks)
    finally:
        await response.aclose()


async def forward(outgoing: Outgoing, policy: Policy) -> Answer:
    """Send ``outgoing`` and follow redirects ourselves, vetting every hop; raises Problem when refused."""
    method = outgoing.method.upper()
    if method not in METHODS:
        raise Problem(422, "egress_method_not_allowed", f"the proxy does not send {method} requests")
    if len(outgoing.body) > policy.max_bytes:
        raise Problem(413, "egress_request_too_large", f"the request body is over {policy.max_bytes} bytes")
    url = parse_target(outgoing.url)
    headers = request_headers(outgoing.headers)
    body = outgoing.body
    address = await _vet(url, policy)
    timeout = httpx.Timeout(outgoing.timeout)
    # trust_env=False: an HTTP(S)_PROXY in the server's environment must not reroute the vetted address.
    async with httpx.AsyncClient(
        timeout=timeout, verify=client_context(), trust_env=False, follow_redirects=False
    ) as client:
        for hop in range(policy.max_redirects + 1):
            try:
                response, data = await _send(client, url, address, method, headers, body, policy)
            except httpx.TimeoutException:
                raise Problem(504, "egress_timeout", "the server did not answer in time") from None
            except httpx.HTTPError as error:
                detail = f"could not reach {origin_of(url)}: {type(error).__name__}"
                raise Problem(502, "egress_connect_failed", detail) from None
            if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
                items = response.headers.multi_items()
                kept = [(k, v) for k, v in items if k.lower() not in RESPONSE_DROPPED]
                return Answer(response.status_code, kept, data, str(url), hop)
            if hop == policy.max_redirects:
                break
            try:
                following = url.join(response.headers["location"])
                following = parse_target(str(following))
            except (Problem, httpx.InvalidURL, UnicodeError):
                detail = "the redirect target is not a valid url"
                raise Problem(403, "egress_redirect_refused", detail) from None
            try:
                address = await _vet(following, policy)
            except Problem as refused:
                raise Problem(
                    403,
                    "egress_redirect_refused",
                    f"redirect to {origin_of(following)} refused: {refused.detail}",
                    reason=refused.code,
                ) from None
            if origin_of(following) != origin_of(url):
                # As browsers do: credentials meant for one server do not follow a redirect to another.
                headers = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "cookie")}
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method = "GET" if method != "HEAD" else "HEAD"
                body = b""
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            url = following
    raise Problem(502, "egress_too_many_redirects", f"more than {policy.max_redirects} redirects")
