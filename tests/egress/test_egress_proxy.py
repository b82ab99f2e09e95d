"""The egress proxy against real back ends on loopback (no CORS headers): what it forwards, what it
strips, and every refusal, with stable problem codes. Loopback is reachable only where a test's
settings say HUTONG_EGRESS_ALLOW_NETWORKS=127.0.0.1/32; the default refuses it."""

from __future__ import annotations

import base64
import ipaddress
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from hutong.server.egress import proxy
from hutong.server.egress.addresses import AddressRefused, parse_networks, refusal, resolve
from hutong.server.problems import Problem
from hutong.settings import Settings
from tests.conftest import LiveServer, allow_domains, migrate
from tests.egress.helpers import app_token, egress_platform, publish_test_apps
from tests.nocors_server import Received, nocors_backend
from tests.platform.apiclient import platform

APPID = "test-egress"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "224.0.0.1",
        "ff02::1",
        "fe80::1",
        "fc00::1",
        "240.0.0.1",
        "255.255.255.255",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "198.18.0.1",
    ],
)
def test_private_and_special_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_the_override_lets_only_its_networks_through() -> None:
    networks = parse_networks("127.0.0.1/32, ::1/128")
    assert refusal(ipaddress.ip_address("127.0.0.1"), networks) is None
    assert refusal(ipaddress.ip_address("::1"), networks) is None
    assert refusal(ipaddress.ip_address("127.0.0.2"), networks) is not None
    assert refusal(ipaddress.ip_address("169.254.169.254"), networks) is not None


async def test_a_name_that_resolves_to_loopback_is_refused() -> None:
    with pytest.raises(AddressRefused, match="loopback"):
        await resolve("localhost", 80)
    with pytest.raises(AddressRefused):
        await resolve("[::1]", 80)
    # Other spellings of 127.0.0.1 that a name check would miss: the resolver reads them as addresses.
    for spelling in ("0x7f000001", "2130706433", "127.1", "0177.0.0.1"):
        with pytest.raises(AddressRefused):
            await resolve(spelling, 80)
    # With 127.0.0.1 allowed, localhost is still refused: it also resolves to ::1 (when it does).
    assert str(await resolve("127.0.0.1", 80, parse_networks("127.0.0.1/32"))) == "127.0.0.1"


@pytest.fixture(scope="module")
def backends() -> Iterator[tuple[str, Received, str, Received]]:
    """Two back ends: one on 127.0.0.1 (the override's network) and one on 127.0.0.2 (outside it)."""
    with nocors_backend("127.0.0.1") as (base, seen), nocors_backend("127.0.0.2") as (other, other_seen):
        yield base, seen, other, other_seen


@pytest.fixture(scope="module")
async def open_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    async with egress_platform(tmp_path_factory.mktemp("egress"), ["egress"], "127.0.0.1/32") as live:
        yield live


@pytest.fixture(scope="module")
async def strict_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    async with egress_platform(tmp_path_factory.mktemp("egress-strict"), ["egress"]) as live:
        yield live


async def relay(server: LiveServer, body: dict[str, Any], **headers: str) -> httpx.Response:
    token = await app_token(server, APPID)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        return await client.post(
            f"/api/apps/{APPID}/egress", json=body, headers={"Hutong-App-Token": token, **headers}
        )


def decoded(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(base64.b64decode(response.json()["body"]))


async def test_forwards_the_apps_request_and_nothing_of_the_platforms(
    open_server: LiveServer, backends: tuple[str, Received, str, Received]
) -> None:
    base, _, other, _ = backends
    await allow_domains(open_server, APPID, {"request": [base, other], "proxy": [base, other]})
    response = await relay(
        open_server,
        {
            "url": f"{base}/echo?x=1",
            "method": "POST",
            "header": {
                "X-Test": "yes",
                "Authorization": "Bearer app-own",
                "Cookie": "hutong_session=stolen; app=1",
                "Connection": "x-secret",
                "X-Secret": "hop",
                "Proxy-Authorization": "Basic eA==",
                "X-Forwarded-For": "1.2.3.4",
            },
            "body": base64.b64encode(b'{"a":1}').decode(),
        },
        # What the browser sends the platform: none of it may reach the mini program's server.
        Cookie="hutong_session=platform-secret",
        Authorization="Bearer hut_platform",
    )
    echo = decoded(response)
    assert echo["method"] == "POST" and echo["query"] == "x=1" and echo["body"] == '{"a":1}'
    received = echo["headers"]
    assert received["x-test"] == "yes"
    assert received["authorization"] == "Bearer app-own"  # the app's own credentials to its own server
    assert received["cookie"] == "app=1"
    assert received["host"] == base.removeprefix("http://")
    for name in ("x-secret", "proxy-authorization", "x-forwarded-for", "hutong-app-token"):
        assert name not in received
    assert "platform-secret" not in str(received) and "hut_platform" not in str(received)
    # The back end's cookies come back as data, never as the platform's own Set-Cookie.
    cookie = await relay(open_server, {"url": f"{base}/cookie"})
    assert "set-cookie" not in cookie.headers
    assert ["set-cookie", "backend=1; Path=/; SameSite=lax"] in cookie.json()["headers"]


async def test_redirects_are_followed_and_every_hop_is_vetted(
    open_server: LiveServer, backends: tuple[str, Received, str, Received]
) -> None:
    base, _, other, other_seen = backends
    await allow_domains(open_server, APPID, {"request": [base, other], "proxy": [base, other]})
    hop = await relay(open_server, {"url": f"{base}/redirect?to={base}/echo%3Fhop%3D1"})
    assert decoded(hop)["query"] == "hop=1" and hop.json()["redirects"] == 1
    # 303 after a POST becomes a GET without the body, as browsers do.
    body = base64.b64encode(b"x").decode()
    see_other = await relay(
        open_server, {"url": f"{base}/redirect?status=303&to=/echo", "method": "POST", "body": body}
    )
    assert decoded(see_other)["method"] == "GET" and decoded(see_other)["body"] == ""
    # To 127.0.0.2: on the app's list, but outside the override's networks.
    before = len(other_seen.paths)
    private = await relay(open_server, {"url": f"{base}/redirect?to={other}/echo"})
    assert private.status_code == 403
    assert private.json()["code"] == "egress_redirect_refused"
    assert private.json()["reason"] == "egress_address_refused"
    assert len(other_seen.paths) == before
    # To an origin off the list (the same server under another name).
    port = base.rsplit(":", 1)[1]
    off_list = await relay(open_server, {"url": f"{base}/redirect?to=http://localhost:{port}/echo"})
    assert off_list.status_code == 403
    assert off_list.json()["code"] == "egress_redirect_refused"
    assert off_list.json()["reason"] == "egress_domain_not_allowed"
    # The metadata address, and a redirect to a non-http scheme.
    metadata = await relay(open_server, {"url": f"{base}/redirect?to=http://169.254.169.254/latest/"})
    assert metadata.json()["code"] == "egress_redirect_refused"
    scheme = await relay(open_server, {"url": f"{base}/redirect?to=file:///etc/passwd"})
    assert scheme.json()["code"] == "egress_redirect_refused"
    # Six hops is one too many (each hop's "to" is the rest of the chain, unescaped once per hop).
    loop = "/echo"
    for _ in range(6):
        loop = f"/redirect?to={quote(loop, safe='/')}"
    loop = f"{base}{loop}"
    too_many = await relay(open_server, {"url": loop})
    assert too_many.status_code == 502 and too_many.json()["code"] == "egress_too_many_redirects"


async def test_off_list_and_malformed_targets_are_refused(
    open_server: LiveServer, backends: tuple[str, Received, str, Received]
) -> None:
    base, seen, other, _ = backends
    # On the request list but not the proxy list: the proxy does not relay it.
    await allow_domains(open_server, APPID, {"request": [base, other], "proxy": [other]})
    before = len(seen.paths)
    not_proxied = await relay(open_server, {"url": f"{base}/echo"})
    assert not_proxied.status_code == 403 and not_proxied.json()["code"] == "egress_domain_not_allowed"
    await allow_domains(open_server, APPID, {"request": [base], "proxy": [base]})
    host_port = base.removeprefix("http://")
    port = host_port.rsplit(":", 1)[1]
    for url, code in [
        ("https://evil.example/", "egress_domain_not_allowed"),
        (f"http://127.0.0.1.evil.example:{port}/", "egress_domain_not_allowed"),
        (f"http://localhost.:{port}/", "egress_domain_not_allowed"),  # a trailing dot
        (f"http://{host_port}@evil.example/", "egress_invalid_url"),
        (f"http://user:pw@{host_port}/echo", "egress_invalid_url"),
        (f"{base.replace('127.0.0.1', 'localhost')}/echo", "egress_domain_not_allowed"),
        (f"https://{host_port}/echo", "egress_domain_not_allowed"),  # another scheme, another origin
        ("ftp://example.com/", "egress_invalid_url"),
        ("not a url", "egress_invalid_url"),
    ]:
        refused = await relay(open_server, {"url": url})
        assert refused.status_code in (403, 422), (url, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == code, (url, refused.json())
    # Upload and download lists are separate: the request list does not cover them.
    download = await relay(open_server, {"url": f"{base}/echo", "kind": "download"})
    assert download.json()["code"] == "egress_domain_not_allowed"
    method = await relay(open_server, {"url": f"{base}/echo", "method": "TRACE"})
    assert method.json()["code"] == "egress_method_not_allowed"
    for header in ({"X-A": "1\r\nX-Injected: 1"}, {"Bad Name": "1"}, {"X-B": "a\x00"}):
        injected = await relay(open_server, {"url": f"{base}/echo", "header": header})
        assert injected.status_code == 422 and injected.json()["code"] == "egress_invalid_header", header
    assert len(seen.paths) == before


Backends = tuple[str, Received, str, Received]


async def test_the_token_names_the_app(open_server: LiveServer, backends: Backends) -> None:
    base = backends[0]
    await allow_domains(open_server, APPID, {"request": [base], "proxy": [base]})
    async with httpx.AsyncClient(base_url=open_server.url) as client:
        missing = await client.post(f"/api/apps/{APPID}/egress", json={"url": f"{base}/echo"})
        assert missing.status_code == 401 and missing.json()["code"] == "invalid_app_token"
        forged = await client.post(
            f"/api/apps/{APPID}/egress", json={"url": f"{base}/echo"}, headers={"Hutong-App-Token": "a.b"}
        )
        assert forged.json()["code"] == "invalid_app_token"
        token = await app_token(open_server, APPID)
        wrong = await client.post(
            "/api/apps/another-app/egress", json={"url": f"{base}/echo"}, headers={"Hutong-App-Token": token}
        )
        assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_app"


async def test_by_default_private_addresses_are_refused_even_when_listed(
    strict_server: LiveServer, backends: tuple[str, Received, str, Received]
) -> None:
    base, seen, _, _ = backends
    port = base.rsplit(":", 1)[1]
    targets = [
        base,
        f"http://[::1]:{port}",
        f"http://localhost:{port}",
        "http://10.0.0.1",
        "http://192.168.1.1",
        "http://169.254.169.254",
        "http://0.0.0.0",
        "http://[::ffff:127.0.0.1]",
    ]
    await allow_domains(strict_server, APPID, {"request": targets, "proxy": targets})
    before = len(seen.paths)
    for target in targets:
        refused = await relay(strict_server, {"url": f"{target}/echo"})
        assert refused.status_code == 403, (target, refused.text)
        assert refused.json()["code"] == "egress_address_refused", (target, refused.json())
    assert len(seen.paths) == before


async def test_size_and_time_limits(backends: tuple[str, Received, str, Received]) -> None:
    base = backends[0]
    loopback = parse_networks("127.0.0.1/32")
    policy = proxy.Policy(origins=proxy.origins([base]), networks=loopback, max_bytes=100)
    small = await proxy.forward(proxy.Outgoing(f"{base}/big?n=100"), policy)
    assert small.status == 200 and small.body == b"x" * 100
    with pytest.raises(Problem) as big:
        await proxy.forward(proxy.Outgoing(f"{base}/big?n=101"), policy)
    assert big.value.code == "egress_response_too_large"
    with pytest.raises(Problem) as upload:
        await proxy.forward(proxy.Outgoing(f"{base}/echo", "POST", body=b"y" * 101), policy)
    assert upload.value.code == "egress_request_too_large"
    with pytest.raises(Problem) as slow:
        await proxy.forward(proxy.Outgoing(f"{base}/slow?ms=3000", timeout=0.3), policy)
    assert slow.value.code == "egress_timeout"


async def test_egress_is_rate_limited_per_app(tmp_path: Path, backends: Backends) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    settings = Settings(
        data_dir=tmp_path, database_url=url, egress_allow_networks="127.0.0.1/32", egress_app_per_minute=3
    )
    await publish_test_apps(settings, ["egress"])
    base = backends[0]
    async with platform(settings) as (_app, client):
        live = LiveServer("", settings)
        await allow_domains(live, APPID, {"request": [base], "proxy": [base]})
        token = json.loads((await client.get(f"/api/apps/{APPID}/launch")).content)["events_token"]
        codes = []
        for _ in range(4):
            response = await client.post(
                f"/api/apps/{APPID}/egress", json={"url": f"{base}/echo"}, headers={"Hutong-App-Token": token}
            )
            codes.append(response.status_code)
        assert codes == [200, 200, 200, 429]
        assert response.json()["code"] == "rate_limited" and "retry-after" in response.headers


async def test_header_names_keep_the_case_they_were_given_in() -> None:
    """Names are case-insensitive, but some receivers compare them exactly (a WeChat Pay notification's
    Wechatpay-Signature): the proxy and the outbox send them as given, on the wire."""
    from hutong.server.outbox import http as outbox_http
    from tests.payments.receiver import receiver

    kept = proxy.request_headers({"Wechatpay-Signature": "s", "X-Trace-ID": "t", "connection": "close"})
    assert kept == {"Wechatpay-Signature": "s", "X-Trace-ID": "t", "User-Agent": kept["User-Agent"]}
    # One field per name whatever the case: the last given wins.
    assert proxy.request_headers({"accept": "a", "Accept": "b"})["Accept"] == "b"
    with receiver(lambda headers, body: (204, b"")) as endpoint:
        outcome = await outbox_http.post(
            endpoint.url,
            b"{}",
            headers={"Wechatpay-Signature": "sig", "Wechatpay-Serial": "PUB_KEY_ID_1"},
            allow_networks="127.0.0.0/8",
        )
    assert outcome.kind == "done"
    names = list(endpoint.received[0].headers)
    assert {"Wechatpay-Signature", "Wechatpay-Serial", "Content-Type", "User-Agent"} <= set(names), names
    assert "wechatpay-signature" not in names
