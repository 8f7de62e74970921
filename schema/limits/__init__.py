"""Query limits checked before execution: depth, aliases, tokens, cost, and the rate limit."""

from schema.limits.analysis import QueryShape, measure
from schema.limits.extension import QueryLimits

__all__ = ["QueryLimits", "QueryShape", "measure"]
