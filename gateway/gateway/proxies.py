"""Who the reader is when the gateway sits behind the front door (deploy/nginx/) or an ingress.

A request then comes from the proxy; the proxy names the reader in `X-Forwarded-For`. That
header is believed only from the proxies in TRUSTED_PROXIES (addresses or networks): from
anyone else it is just text a client wrote. Rate limits and the one-open-flag-per-reader rule
work with the address found here.
"""
from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network


def networks(setting: str | None) -> list[Network]:
    """TRUSTED_PROXIES ("127.0.0.1, 10.0.0.0/8") as networks; a bad entry fails the start."""
    return [ip_network(part.strip(), strict=False) for part in (setting or "").split(",") if part.strip()]


def _trusted(address: str, trusted: Iterable[Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: list[Network]) -> str:
    """The reader's address: the peer, unless the peer is a trusted proxy; then the nearest
    address in X-Forwarded-For that is not a trusted proxy itself (hops are appended, so the
    nearest is the last). A malformed hop ends the trust: the peer is all we know then."""
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(hops):
        try:
            ip_address(hop)
        except ValueError:
            return peer
        if not _trusted(hop, trusted):
            return hop
    return hops[0]
