"""How to call a Strawberry resolver straight, without Strawberry's per-call chain.

For a sync resolver with no arguments and no field extensions (permission classes are one),
Strawberry's chain (argument conversion, extensions, exception-handler checks) ends in calling
the function with the parent row and, when it asks for one, an Info. The executor's fast paths
(schema/executor/execution.py, schema/executor/completion.py) make that call themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.types.field import StrawberryField

PlainCall = tuple[Any, bool, list[str], str | None]  # see plain_resolver_call


def plain_resolver_call(definition: Any) -> PlainCall | None:
    """How to call a field's resolver straight: (function, whether it takes the source as
    `self`, parameter names that take the source, the Info parameter's name), or None when the
    resolver takes arguments, is async or has field extensions (permission classes are one)."""
    if (
        not isinstance(definition, StrawberryField)
        or definition.base_resolver is None
        or definition.extensions
        or definition.base_resolver.is_async
    ):
        return None
    resolver = definition.base_resolver
    if resolver.arguments:  # anything but self/root/parent/info
        return None
    source_names = [p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    return resolver.wrapped_func, resolver.self_parameter is not None, source_names, info_name


def info_free_resolver(call: PlainCall) -> Callable[[Any], Any] | None:
    """A plain resolver that takes no Info, as a function of the source alone."""
    function, pass_self, source_names, info_name = call
    if info_name is not None:
        return None
    if pass_self and not source_names:
        return function

    def resolve(source: Any) -> Any:
        kwargs = {name: source for name in source_names}
        return function(source, **kwargs) if pass_self else function(**kwargs)

    return resolve
