"""Which addresses the egress proxy may connect to: public unicast only, resolved by us, never by the
HTTP client (so a name cannot resolve to one address when checked and another when connected)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges Python's is_global does not already exclude, or that smuggle an IPv4 address inside IPv6.
_ALSO_REFUSED: tuple[Network, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "255.255.255.255/32",
        "64:ff9b::/96",  # NAT64 (RFC 6052): reaches an IPv4 address chosen by the caller
        "64:ff9b:1::/48",
        "2002::/16",  # 6to4: embeds an IPv4 address
        "2001::/32",  # Teredo: embeds an IPv4 address
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
    )
)


class AddressRefused(Exception):
    """The name resolves to an address the proxy must not reach (the message says which, and why)."""


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1/32, ::1/128"`` → networks; empty text gives none."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def refusal(address: IPAddress, allowed: Sequence[Network] = ()) -> str | None:
    """Why ``address`` may not be reached, or None when it may."""
    if any(address.version == net.version and address in net for net in allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return "an IPv4-mapped IPv6 address"
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
    )
    for hit, name in checks:
        if hit:
            return f"a {name} address"
    if any(address.version == net.version and address in net for net in _ALSO_REFUSED):
        return "a special-purpose address"
    if not address.is_global:
        return "not a public address"
    return None


async def resolve(host: str, port: int, allowed: Sequence[Network] = ()) -> IPAddress:
    """The address to connect to for ``host``: every address it resolves to must be allowed (a name
    that mixes public and private addresses is refused whole), and the first is used."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as error:
            raise LookupError(f"{host} does not resolve") from error
        addresses = []
        for info in infos:
            found = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if found not in addresses:
                addresses.append(found)
        if not addresses:
            raise LookupError(f"{host} does not resolve")
    for address in addresses:
        why = refusal(address, allowed)
        if why:
            raise AddressRefused(f"{host} resolves to {address}, {why}")
    return addresses[0]
