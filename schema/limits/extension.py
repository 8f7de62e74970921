"""QueryLimits: refuse oversized operations and spend rate-limit points, before any resolver runs.

Runs in the validation step: the standard rules first (so the measures read a valid document),
then depth, aliases and cost against the Settings, then the caller's token bucket. A refusal is
a validation-stage error (no `data`; HTTP 400 or 429 under application/graphql-response+json).
The cost and the bucket's state are reported in `extensions.cost` (Shopify's shape) when the
request asks for them, and in response headers always.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, GraphQLSyntaxError, parse, validate
from strawberry.extensions import SchemaExtension

from app.access.rate_limit import Decision, bucket_for_key
from app.config import Settings
from app.observability import metrics
from schema.limits.analysis import QueryShape, measure
from schema.limits.codes import RequestErrorCode

_DEFAULTS = Settings()

# Clients send the same few documents over and over: parsing and validating them again cost
# about as much as executing a small query. Documents are never mutated once parsed.
_CACHE_SIZE = 1024
_known_valid: OrderedDict[tuple[Any, ...], None] = OrderedDict()


@lru_cache(maxsize=_CACHE_SIZE)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def _validate(
    schema: GraphQLSchema, document: DocumentNode, query: str | None, rules: Any
) -> list[GraphQLError]:
    """The standard rules' errors; documents that passed before are remembered by their text."""
    key = (schema, query, tuple(rules or ()))
    if query is not None and key in _known_valid:
        _known_valid.move_to_end(key)
        return []
    errors = validate(schema, document, rules)
    if not errors and query is not None:
        _known_valid[key] = None
        if len(_known_valid) > _CACHE_SIZE:
            _known_valid.popitem(last=False)
    return errors


def limit_error(code: RequestErrorCode, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, **extensions})


def asks_for_cost(operation_extensions: dict[str, Any] | None) -> bool:
    """The request's `"extensions": {"cost": true}`: every result then says its cost."""
    return bool((operation_extensions or {}).get("cost"))


class QueryLimits(SchemaExtension):
    def __init__(self) -> None:
        self.shape: QueryShape | None = None
        self.decision: Decision | None = None
        self.parsed_query: str | None = None  # the text the document was parsed from here

    @property
    def settings(self) -> Settings:
        return getattr(self.execution_context.context, "settings", None) or _DEFAULTS

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        limit = self.settings.max_tokens
        if ctx.graphql_document is None and ctx.query and limit > 0:
            try:
                ctx.graphql_document = _parse(ctx.query, limit)
                self.parsed_query = ctx.query
            except GraphQLSyntaxError as error:
                if "tokens" in error.message and "more than" in error.message:
                    raise limit_error(
                        RequestErrorCode.TOKEN_LIMIT_EXCEEDED,
                        f"The document has more than {limit} tokens.",
                        limit=limit,
                    ) from None
                # Any other syntax error: Strawberry's own parse reports it.
        yield

    async def on_validate(self) -> Any:
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and ctx.graphql_document is not None:
            schema = ctx.schema._schema
            errors = _validate(
                schema, ctx.graphql_document, self.parsed_query, ctx.validation_rules
            )
            if not errors:
                errors = await self._check(schema, ctx.graphql_document)
            ctx.pre_execution_errors = errors
        yield

    async def _check(self, schema: Any, document: DocumentNode) -> list[GraphQLError]:
        ctx, settings = self.execution_context, self.settings
        shape = measure(schema, document, ctx.operation_name, ctx.variables)
        if shape is None:
            return []
        self.shape = shape
        if settings.max_depth and shape.depth > settings.max_depth:
            return [
                self._refuse(RequestErrorCode.DEPTH_LIMIT_EXCEEDED, "depth", settings.max_depth)
            ]
        if settings.max_aliases and shape.aliases > settings.max_aliases:
            return [
                self._refuse(RequestErrorCode.ALIAS_LIMIT_EXCEEDED, "aliases", settings.max_aliases)
            ]
        if settings.max_cost and shape.cost > settings.max_cost:
            return [self._refuse(RequestErrorCode.QUERY_TOO_COMPLEX, "cost", settings.max_cost)]
        return await self._spend(shape.cost)

    def _refuse(self, code: RequestErrorCode, measure_name: str, limit: int) -> GraphQLError:
        value = getattr(self.shape, "depth" if measure_name == "depth" else measure_name)
        return limit_error(
            code,
            f"The query's {measure_name} ({value}) is over the limit of {limit}.",
            limit=limit,
            value=value,
        )

    async def _spend(self, cost: int) -> list[GraphQLError]:
        context = self.execution_context.context
        limiter = getattr(context, "rate_limiter", None)
        principal = getattr(context, "principal", None)
        if limiter is None or principal is None or cost <= 0:
            return []
        self.decision = decision = await limiter.take(bucket_for_key(principal.key_id), cost)
        if decision.allowed:
            return []
        metrics.RATE_LIMITED.inc()
        retry_after = max(1, math.ceil(decision.retry_after))
        return [
            limit_error(
                RequestErrorCode.RATE_LIMITED,
                "Rate limit exceeded for this API key: retry after the given seconds.",
                retryAfter=retry_after,
                cost=cost,
            )
        ]

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost` when the request asks (`"extensions": {"cost": true}`); the
        X-Query-Cost / X-RateLimit-* response headers always."""
        if self.shape is None:
            return {}
        self._set_headers()
        if not asks_for_cost(self.execution_context.operation_extensions):
            return {}
        cost: dict[str, Any] = {
            "requestedQueryCost": self.shape.cost,
            "maximumAvailable": self.settings.max_cost,
        }
        if self.decision is not None:
            cost["throttleStatus"] = {
                "maximumAvailable": self.decision.capacity,
                "currentlyAvailable": math.floor(self.decision.remaining),
                "restoreRate": round(self.decision.restore_rate, 3),
            }
        return {"cost": cost}

    def _set_headers(self) -> None:
        response = getattr(self.execution_context.context, "response", None)
        headers: Any = getattr(response, "headers", None)  # Starlette's, when there is one
        if not hasattr(headers, "__setitem__") or self.shape is None:
            return  # a WebSocket: its handshake headers are gone
        headers["X-Query-Cost"] = str(self.shape.cost)
        if self.decision is not None:
            headers["X-RateLimit-Limit"] = str(self.decision.capacity)
            headers["X-RateLimit-Remaining"] = str(math.floor(self.decision.remaining))
