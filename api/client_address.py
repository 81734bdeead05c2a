"""The client's address, for throttles and logs.

`X-Forwarded-For` is believed only when the socket peer is a configured trusted proxy (`DUBAN_TRUSTED_PROXIES`);
then the header is read from the right, skipping further trusted proxies, and the first address that is not one
is the client. Anyone can send the header, so with no trusted proxies (the default) it is ignored and the
socket peer is the client.
"""

import ipaddress

from fastapi import Request

from core.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in networks)


def forwarded_client(peer: str, forwarded_for: list[str], networks: list[Network]) -> str:
    """The client address given the socket peer and the `X-Forwarded-For` header values (in order)."""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage in the header: the last trusted hop is as far as we can tell
        client = hop
        if not _trusted(hop, networks):
            break
    return client


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    settings: Settings = request.app.state.settings
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"), settings.trusted_proxy_networks)


def secure_request(request: Request) -> bool:
    """Whether the browser reached us over HTTPS: directly, or through a trusted proxy that says so
    (`X-Forwarded-Proto: https`). A cookie set on such a request is marked `Secure`."""
    if request.url.scheme == "https":
        return True
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else ""
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https" and bool(settings.trusted_proxy_networks) and _trusted(peer, settings.trusted_proxy_networks)
