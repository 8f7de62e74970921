"""Who is calling: resolved from an API key, carried through every layer."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from app.domain.enums import Role

KEY_PREFIX = "tgw_"


@dataclass(frozen=True)
class Principal:
    workspace_id: int
    user_id: int
    role: Role
    key_id: int
    # A DISPLAY key's lines: the only ones its board may show. None for every other role.
    line_ids: tuple[int, ...] | None = None

    @property
    def is_display(self) -> bool:
        return self.role is Role.DISPLAY

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def generate_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    # surrogatepass: a key sent with a lone surrogate (JSON allows the escape) hashes to
    # something no stored key has, instead of failing to encode.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def generate_webhook_secret() -> str:
    return secrets.token_hex(32)
