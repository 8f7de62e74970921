"""Retry delays, and which URLs and addresses webhooks may reach."""

from __future__ import annotations

import ipaddress
import random

import pytest

from app.domain.errors import DomainError
from app.webhooks.addresses import check_url, is_public, parse_url
from app.webhooks.backoff import retry_delay

pytestmark = pytest.mark.anyio


def test_retry_delays_double_up_to_the_cap_with_jitter():
    rng = random.Random(7)
    for failures, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0), (200, 60.0)):
        delays = [retry_delay(failures, base=2.0, cap=60.0, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) == 200  # jittered: no two retries at the same instant


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False), ("10.0.0.1", False), ("172.31.255.255", False),
        ("192.168.1.1", False), ("169.254.169.254", False), ("0.0.0.0", False), ("::", False),
        ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:10.0.0.1", False),
        ("100.64.0.1", False), ("224.0.0.1", False),
    ],
)  # fmt: skip
def test_public_addresses(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_urls_parse_to_their_target():
    target = parse_url("https://hooks.example.com:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path) == (
        "https", "hooks.example.com", 8443, "/in?x=1"
    )  # fmt: skip
    assert parse_url("http://example.com").path == "/"
    for bad in ("http://exa mple.com/", "http://example.com:99999/", "mailto:a@b", "/relative",
                "http://example.com/#frag", "http://user@example.com/", "x" * 3000):  # fmt: skip
        with pytest.raises(DomainError):
            parse_url(bad)


async def test_a_name_that_resolves_to_loopback_is_refused():
    with pytest.raises(DomainError) as refused:
        await check_url("http://localhost:8080/hook", allow_private=False)
    assert refused.value.field == "url"
    assert "loopback, private" in refused.value.message
    target = await check_url("http://localhost:8080/hook", allow_private=True)
    assert target.port == 8080


async def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(DomainError) as refused:
        await check_url("http://no-such-host.invalid/", allow_private=False)
    assert "does not resolve" in refused.value.message
