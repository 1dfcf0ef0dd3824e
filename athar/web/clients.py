"""Which address a request comes from, for rate limits, sign-in backoff and the audit log.

`X-Forwarded-For` is a header anyone can send. It is read only when the connection itself comes from
a proxy named in `ATHAR_TRUSTED_PROXIES` (addresses or CIDR blocks, comma-separated); then the header
is walked from the right, past every trusted proxy, and the first address that is not one is the
client. From anyone else the header is ignored and the connection's own address is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(spec: str) -> tuple[Network, ...]:
    """`"127.0.0.1, 10.0.0.0/8"` -> networks; a bad entry is an error, never silently dropped."""
    networks = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as e:
            raise ValueError(f"ATHAR_TRUSTED_PROXIES: {item!r} is not an address or CIDR block") from e
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def resolve_client(peer: str | None, forwarded_for: Sequence[str], proxies: Sequence[Network]) -> str | None:
    """The client's address, given the connection's `peer`, the `X-Forwarded-For` header values in
    order, and the trusted proxies."""
    if peer is None or not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        if not _valid(hop):
            return nearest  # garbage from before the first trusted hop: stop at what a proxy vouched for
        if not _trusted(hop, proxies):
            return hop
        nearest = hop
    return nearest


def client_address(request: Request) -> str | None:
    """The address this request came from (see the module docstring)."""
    peer = request.client.host if request.client else None
    proxies = request.app.state.settings.trusted_proxies
    return resolve_client(peer, request.headers.getlist("x-forwarded-for"), proxies)
