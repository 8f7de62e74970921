"""Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,<base64 HMAC-SHA256>`
of "<msg id>.<unix timestamp>.<raw body>", keyed with the bytes a `whsec_<base64>` secret holds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24  # the spec asks for 24 to 64 bytes of randomness


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    return sign(secret_key(secret), msg_id, timestamp, body)


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The signature by a key already decoded (the worker decodes an endpoint's once)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(keys: Iterable[bytes], msg_id: str, timestamp: int, body: bytes) -> str:
    """Space-separated signatures, one per key (two during a rotation's grace period)."""
    return " ".join(sign(key, msg_id, timestamp, body) for key in keys)
