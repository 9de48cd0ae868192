"""Partner endpoints: the guard against server-side request forgery, and the HTTP call.

A partner's URL could point into our own network (the broker's management port, a cloud's
metadata service at 169.254.169.254). So an endpoint is refused when any address its host
resolves to is not a global one (loopback, private, link-local, shared, multicast, reserved),
unless WEBHOOK_ALLOWED_NETWORKS admits it. The check runs when a partner is registered and
again on every connection: the connection goes to the very address that was checked, so a name
that resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding) is
caught. Redirects are not followed, and proxies from the environment are not used.
"""
from __future__ import annotations

import ipaddress
import socket
import time
import urllib.parse
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
USER_AGENT = "WijkWijzer-Webhooks/1.0 (+https://wijkwijzer.nl/docs/partners)"


class Refused(ValueError):
    """The endpoint may not be called (the message says why, for the admin)."""


def networks(text: str | None) -> tuple[Network, ...]:
    """WEBHOOK_ALLOWED_NETWORKS: comma-separated CIDRs, e.g. `127.0.0.0/8,::1/128`."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in (text or "").split(",") if part.strip())


@dataclass(frozen=True)
class Guard:
    allowed: tuple[Network, ...] = ()

    def admits(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped       # ::ffff:127.0.0.1 is 127.0.0.1
        if any(ip in network for network in self.allowed if network.version == ip.version):
            return True
        return ip.is_global and not (ip.is_multicast or ip.is_reserved)   # 224.0.0.1 counts as global

    def resolve(self, host: str, port: int) -> list[tuple]:
        """The addresses to connect to, every one of them admitted; Refused otherwise."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refused(f"{host} does not resolve ({exc})") from None
        refused = sorted({info[4][0] for info in found if not self.admits(info[4][0])})
        if refused:
            raise Refused(f"{host} resolves to an address that is not public ({', '.join(refused)})")
        return found

    def check_url(self, url: str) -> None:
        """At registration: a URL the platform may call (Refused says why not)."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise Refused("an http(s) URL with a host")
        if parts.username or parts.password:
            raise Refused("no user name or password in the URL (the signature authenticates us)")
        found = self.resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        if parts.scheme == "http" and not all(self._allowed(info[4][0]) for info in found):
            raise Refused("https is required (plain http only for WEBHOOK_ALLOWED_NETWORKS)")

    def _allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        return any(ip in network for network in self.allowed if network.version == ip.version)


def _guarded_connect(connection: HTTPConnection, guard: Guard):
    """Connect to an address the guard admitted, the one it checked (no second lookup)."""
    last: OSError | None = None
    for family, kind, proto, _, address in guard.resolve(connection._dns_host, connection.port):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(connection.timeout if isinstance(connection.timeout, (int, float)) else None)
            for option in connection.socket_options or ():
                sock.setsockopt(*option)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last or OSError("no address to connect to")


def _session(guard: Guard) -> requests.Session:
    class GuardedHTTP(HTTPConnection):
        def _new_conn(self):
            return _guarded_connect(self, guard)

    class GuardedHTTPS(HTTPSConnection):
        def _new_conn(self):
            return _guarded_connect(self, guard)

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": GuardedHTTP}),
                "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": GuardedHTTPS}),
            }

    session = requests.Session()
    session.trust_env = False     # no proxy from the environment: it would be called instead
    for scheme in ("http://", "https://"):
        session.mount(scheme, Adapter(pool_maxsize=20))
    return session


@dataclass(frozen=True)
class Answer:
    status: int | None          # None: no answer
    headers: dict[str, str]
    latency_ms: int
    error: str | None = None


class Caller:
    """POSTs deliveries to partner endpoints through the guard; one per process (it pools
    connections per endpoint)."""

    def __init__(self, guard: Guard, timeout: float):
        self.guard = guard
        self.timeout = timeout
        self.session = _session(guard)

    def post(self, url: str, body: str, headers: dict[str, str]) -> Answer:
        started = time.monotonic()
        try:
            response = self.session.post(
                url, data=body.encode(), allow_redirects=False, timeout=self.timeout, stream=True,
                headers={"Content-Type": "application/cloudevents+json; charset=utf-8",
                         "User-Agent": USER_AGENT, **headers})
            response.close()   # the body is not read: only the status counts
            return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                          _ms(started))
        except Refused as exc:
            return Answer(None, {}, _ms(started), f"refused: {exc}")
        except requests.Timeout:
            return Answer(None, {}, _ms(started), f"no answer within {self.timeout:g} s")
        except requests.RequestException as exc:
            return Answer(None, {}, _ms(started), _why(exc))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _why(exc: BaseException) -> str:
    """What went wrong, for the delivery log: the innermost cause in a few words ("connection
    refused", a TLS certificate error), not the wrapper's repr."""
    causes = [exc]
    while (inner := causes[-1].__cause__ or causes[-1].__context__) is not None and inner not in causes:
        causes.append(inner)
    refused = next((c for c in causes if isinstance(c, Refused)), None)
    if refused is not None:
        return f"refused: {refused}"
    root = causes[-1]
    if isinstance(root, OSError) and root.strerror:
        return f"{root.strerror.lower()} ({type(exc).__name__})"
    return (str(root) or type(root).__name__)[:300]

