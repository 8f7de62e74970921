"""Trusted documents: the operations in schema/operations/**/*.graphql, by sha256 of their text
(readme/ holds the README's examples, word for word).

A client may send a listed document in full, or only its id: Apollo's persisted-query
extension (`extensions.persistedQuery.sha256Hash`) or a plain `documentId` / `id`. With
TICKETGW_TRUSTED_DOCUMENTS=1 nothing else runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

OPERATIONS_DIR = Path(__file__).resolve().parent.parent / "schema" / "operations"


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TrustedDocuments:
    def __init__(self, documents: Mapping[str, str]) -> None:
        self._by_hash = dict(documents)

    @classmethod
    def from_directory(cls, directory: Path = OPERATIONS_DIR) -> TrustedDocuments:
        documents: dict[str, str] = {}
        for path in sorted(directory.rglob("*.graphql")):
            text = path.read_text(encoding="utf-8")
            # The file as is, and without the surrounding blank space an editor adds or drops.
            documents[document_hash(text)] = text
            documents.setdefault(document_hash(text.strip()), text.strip())
        return cls(documents)

    def __len__(self) -> int:
        return len(self._by_hash)

    def lookup(self, document_id: str) -> str | None:
        return self._by_hash.get(document_id.removeprefix("sha256:"))

    def is_trusted(self, text: str) -> bool:
        return document_hash(text) in self._by_hash


@lru_cache(maxsize=1)
def trusted_documents() -> TrustedDocuments:
    return TrustedDocuments.from_directory()


def requested_document_id(extensions: Mapping[str, Any] | None) -> str | None:
    """The document id a request names in its extensions, if any."""
    if not extensions:
        return None
    persisted = extensions.get("persistedQuery")
    if isinstance(persisted, Mapping) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    value = extensions.get("documentId")
    return value if isinstance(value, str) else None
