"""TrustedDocumentsGuard: resolve document ids to text, and in trusted mode refuse the rest.

Resolves ids before parsing, refuses at validation: an unknown id is PERSISTED_QUERY_NOT_FOUND
(Apollo clients then
resend the full text, which only helps when trusted mode is off); a full document that is not
listed is TRUSTED_DOCUMENT_REQUIRED. HTTP and WebSocket operations both pass through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from app.trusted_documents import document_hash, requested_document_id, trusted_documents
from schema.limits.codes import RequestErrorCode
from schema.limits.extension import limit_error

PLACEHOLDER = "{ __typename }"
NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


class TrustedDocumentsGuard(SchemaExtension):
    def __init__(self) -> None:
        self.refusal: GraphQLError | None = None

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        text, self.refusal = self._resolve(ctx.query, ctx.operation_extensions, ctx.context)
        if self.refusal is not None:
            # Refused in the validation step (below): the one place both the HTTP and the
            # WebSocket paths turn an error into a clean "request error" answer.
            name = ctx.operation_name
            ctx.query = PLACEHOLDER
            if isinstance(name, str) and NAME.match(name):
                ctx.query = f"query {name} {PLACEHOLDER}"
        elif text is not None:
            ctx.query = text
        yield

    def on_validate(self) -> Iterator[None]:
        if self.refusal is not None:
            self.execution_context.pre_execution_errors = [self.refusal]
        yield

    @staticmethod
    def _resolve(
        query: str | None, extensions: dict[str, Any] | None, context: Any
    ) -> tuple[str | None, GraphQLError | None]:
        settings = getattr(context, "settings", None)
        strict = bool(settings and settings.trusted_documents)
        store = trusted_documents()
        document_id = requested_document_id(extensions)
        if document_id is not None:
            text = store.lookup(document_id)
            if text is None and query and not strict:
                # Apollo's automatic persisted queries: the text registers its own hash.
                text = query if document_hash(query) == document_id else None
            if text is None:
                return None, limit_error(
                    RequestErrorCode.PERSISTED_QUERY_NOT_FOUND,
                    "PersistedQueryNotFound: no trusted document has this id.",
                )
            if query and query.strip() != text.strip():
                return None, limit_error(
                    RequestErrorCode.BAD_REQUEST, "The document does not match its id."
                )
            return text, None
        if strict and not (query and store.is_trusted(query)):
            return None, limit_error(
                RequestErrorCode.TRUSTED_DOCUMENT_REQUIRED,
                "Only trusted documents run on this server: send a listed document or its id.",
            )
        return None, None
