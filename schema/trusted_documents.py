"""TrustedDocumentsGuard: resolve document ids to text, and in trusted mode refuse the rest.

Runs first, before parsing: an unknown id is PERSISTED_QUERY_NOT_FOUND (Apollo clients then
resend the full text, which only helps when trusted mode is off); a full document that is not
listed is TRUSTED_DOCUMENT_REQUIRED. HTTP and WebSocket operations both pass through here.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from app.trusted_documents import document_hash, requested_document_id, trusted_documents
from schema.limits.codes import RequestErrorCode
from schema.limits.extension import limit_error


class TrustedDocumentsGuard(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        settings = getattr(ctx.context, "settings", None)
        strict = bool(settings and settings.trusted_documents)
        store = trusted_documents()
        document_id = requested_document_id(ctx.operation_extensions)
        if document_id is not None:
            text = store.lookup(document_id)
            if text is None and ctx.query and not strict:
                # Apollo's automatic persisted queries: the text registers its own hash.
                text = ctx.query if document_hash(ctx.query) == document_id else None
            if text is None:
                raise limit_error(
                    RequestErrorCode.PERSISTED_QUERY_NOT_FOUND,
                    "PersistedQueryNotFound: no trusted document has this id.",
                )
            if ctx.query and ctx.query != text:
                raise limit_error(
                    RequestErrorCode.BAD_REQUEST, "The document does not match its id."
                )
            ctx.query = text
        elif strict and not (ctx.query and store.is_trusted(ctx.query)):
            raise limit_error(
                RequestErrorCode.TRUSTED_DOCUMENT_REQUIRED,
                "Only trusted documents run on this server: send a listed document or its id.",
            )
        yield
