"""SSRF guard: refuse to connect to addresses a public news source has no business at.

The check runs inside the HTTP connection itself (a wrapped network backend),
on the address actually dialled after DNS resolution, so every redirect hop
and every DNS answer is checked and a rebinding answer cannot slip through
between "check" and "connect".
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud instance-metadata endpoints: refused unless allow-listed by exact address.
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)


class BlockedAddressError(Exception):
    """Raised inside the transport when a connection target is not allowed."""


class AddressGuard:
    """Decides whether a host/address may be contacted, given the operator's allow-list."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.hosts: set[str] = set()
        self.addresses: set[IPAddress] = set()
        self.networks: list[IPNetwork] = []
        for entry in allow:
            entry = str(entry).strip().lower()
            if not entry:
                continue
            try:
                if "/" in entry:
                    self.networks.append(ipaddress.ip_network(entry, strict=False))
                else:
                    self.addresses.add(ipaddress.ip_address(entry.strip("[]")))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    def host_allowed(self, host: str) -> bool:
        """True when the host name itself is on the allow-list (any address then goes)."""
        return host.lower().rstrip(".") in self.hosts

    def refusal(self, address: str, host: str = "") -> str | None:
        """Why connecting to ``address`` (for ``host``) is refused, or None when it is fine."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{address!r} is not an IP address"
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        if ip in self.addresses:
            return None
        if ip in METADATA_ADDRESSES:
            return f"{ip} is a cloud metadata address"
        if host and self.host_allowed(host):
            return None
        if any(ip in net for net in self.networks):
            return None
        if ip.is_loopback:
            return f"{ip} is a loopback address"
        if ip.is_link_local:
            return f"{ip} is a link-local address"
        if ip.is_multicast:
            return f"{ip} is a multicast address"
        if ip.is_unspecified:
            return f"{ip} is an unspecified address"
        if ip.is_private:
            return f"{ip} is a private address"
        if ip.is_reserved or not ip.is_global:
            return f"{ip} is a reserved or non-public address"
        return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Network backend that resolves names itself, checks every answer, then dials an IP."""

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve(host, port, timeout)
        if not addresses:
            raise BlockedAddressError(f"{host}: name did not resolve")
        for address in addresses:
            why = self.guard.refusal(address, host)
            if why:
                # One bad answer refuses the host: a name mixing public and private
                # answers is the shape of a rebinding attack.
                raise BlockedAddressError(f"refused {host}: {why}")
        last: Exception | None = None
        for address in addresses:  # all checked above; try them in resolver order (IPv6, then IPv4, ...)
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """All addresses ``host`` resolves to (IP literals resolve to themselves)."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
        return [bare]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(bare, port, type=socket.SOCK_STREAM), timeout=timeout or 10.0
        )
    except (OSError, TimeoutError) as exc:
        raise httpcore.ConnectError(f"{host}: DNS lookup failed ({exc})") from exc
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        addr = str(sockaddr[0])
        if addr not in seen:
            seen.append(addr)
    return seen


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connection pool dials through :class:`GuardedBackend`."""

    def __init__(self, guard: AddressGuard, *, limits: httpx.Limits, **kwargs: Any) -> None:
        super().__init__(limits=limits, trust_env=False, **kwargs)
        # httpx builds its pool without a hook for the network backend, so swap the
        # pool for an identical one that has ours (tests/sources/test_fetcher.py checks it holds).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(guard),
        )
