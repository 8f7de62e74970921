"""Static measures of one operation (depth, aliases, cost), read from the validated AST.

Cost, in the manner of GitHub's and Shopify's: every field returning an object costs one point
times how many of it can come back. A field taking `first`/`last` multiplies what is below it by
that number (by DEFAULT_PAGE when absent), `nodes(ids)` by the number of ids, and any other list
of objects by LIST_WEIGHT, except the `edges`/`nodes` of a connection (its page is counted
already). Scalars are free. A field that searches text adds points for the length of its
term (schema/limits/search_cost.py). The cost is an upper bound of what the query may load, so
a query that could return a million nodes is refused before it runs, however few rows exist today.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)

from schema.limits.search_cost import search_cost_of

DEFAULT_PAGE = 100
LIST_WEIGHT = 10
PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class QueryShape:
    depth: int
    aliases: int
    cost: int


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> QueryShape | None:
    """The shape of the operation that will run, or None when none can be picked."""
    operation = select_operation(document, operation_name)
    if operation is None:
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    # Variables the request leaves out take their defaults (`$first: Int = 50`).
    values = {
        v.variable.name.value: value_from_ast_untyped(v.default_value)
        for v in operation.variable_definitions or ()
        if v.default_value is not None
    }
    values.update(variables or {})
    return _MEASURED.get(schema, document, operation, values) or _MEASURED.put(
        schema, document, operation, _measure(schema, document, root, operation, values)
    )


def _measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    root: GraphQLObjectType,
    operation: OperationDefinitionNode,
    values: dict[str, Any],
) -> tuple[QueryShape, dict[str, Any]]:
    """The shape, and the variables it was read from (by name: the walk's trace)."""
    read = _Read(values)
    walker = _Walker(schema, document, read)
    cost, depth = walker.walk(root, operation.selection_set, 1, 0, frozenset())
    return QueryShape(depth=depth, aliases=walker.aliases, cost=cost), read.trace


_ABSENT: Any = object()  # a variable the request does not give


def _same(a: Any, b: Any) -> bool:
    """Equal and of one type (1 and 1.0 weigh differently)."""
    return a is b or (type(a) is type(b) and a == b)


class _Read(dict[str, Any]):
    """A request's variables that note which ones were read, and their values."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.trace: dict[str, Any] = {}

    def get(self, name: str, default: Any = None) -> Any:
        value = super().get(name, _ABSENT)
        self.trace[name] = value
        return default if value is _ABSENT else value

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        self.trace[name] = value
        return value


class _Measured:
    """Shapes already measured, per (schema, document, operation). A shape depends on the
    document and on the variables its walk read (page sizes, ids), nothing else: a request
    whose variables agree with an earlier walk's trace has that walk's shape. Documents come
    from the parse cache, so the same text is the same object; the entry keeps it alive so
    its id is not reused."""

    def __init__(self, documents: int = 512, traces: int = 16) -> None:
        self.documents, self.traces = documents, traces
        self._entries: OrderedDict[tuple[int, int, int], _Entry] = OrderedDict()

    def get(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        values: dict[str, Any],
    ) -> QueryShape | None:
        entry = self._entries.get((id(schema), id(document), id(operation)))
        if entry is None or entry.document is not document:
            return None
        for trace, shape in entry.shapes:
            if all(_same(values.get(name, _ABSENT), value) for name, value in trace.items()):
                return shape
        return None

    def put(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        measured: tuple[QueryShape, dict[str, Any]],
    ) -> QueryShape:
        shape, trace = measured
        key = (id(schema), id(document), id(operation))
        entry = self._entries.get(key)
        if entry is None or entry.document is not document:
            entry = self._entries[key] = _Entry(document, [])
            if len(self._entries) > self.documents:
                self._entries.popitem(last=False)
        entry.shapes.insert(0, (trace, shape))
        del entry.shapes[self.traces :]
        return shape


@dataclass
class _Entry:
    document: DocumentNode
    shapes: list[tuple[dict[str, Any], QueryShape]]  # (trace, shape), newest first


_MEASURED = _Measured()


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]
    ) -> None:
        self.types = schema.type_map
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.aliases = 0

    def walk(
        self,
        parent: GraphQLNamedType,
        selections: SelectionSetNode,
        multiplier: int,
        depth: int,
        seen: frozenset[str],
    ) -> tuple[int, int]:
        """(cost, deepest field level) of a selection set on `parent`."""
        cost, deepest = 0, depth
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                c, d = self.field(parent, selection, multiplier, depth + 1, seen)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self._type(selection.type_condition.name.value) or parent
                c, d = self.walk(target, selection.selection_set, multiplier, depth, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation reports these
                    continue
                target = self._type(fragment.type_condition.name.value) or parent
                c, d = self.walk(target, fragment.selection_set, multiplier, depth, seen | {name})
            else:  # pragma: no cover - no other selection kinds exist
                continue
            cost, deepest = cost + c, max(deepest, d)
        return cost, deepest

    def field(
        self,
        parent: GraphQLNamedType,
        node: FieldNode,
        multiplier: int,
        depth: int,
        seen: frozenset[str],
    ) -> tuple[int, int]:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0, depth
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0, depth  # a scalar, an enum or __typename: free
        returned = get_named_type(definition.type)
        below = multiplier * self._fan_out(parent, node, definition.type)
        cost, deepest = self.walk(returned, node.selection_set, below, depth, seen)
        return multiplier * (1 + self._search(definition, node)) + cost, deepest

    def _search(self, definition: Any, node: FieldNode) -> int:
        """Points for the text the field searches, if it searches."""
        search = search_cost_of(definition.extensions)
        if search is None or not node.arguments:
            return 0
        name = search.path[0]
        for argument in node.arguments:
            if argument.name.value == name:
                value = value_from_ast_untyped(argument.value, self.variables)
                return search.points({name: value})
        return 0

    def _fan_out(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, node: FieldNode, field_type: Any
    ) -> int:
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if name in arguments:
                value = value_from_ast_untyped(arguments[name], self.variables)
                if isinstance(value, int) and value > 0:
                    return value
        if "ids" in arguments:
            value = value_from_ast_untyped(arguments["ids"], self.variables)
            return max(len(value), 1) if isinstance(value, list) else LIST_WEIGHT
        if parent.name.endswith("Connection"):
            return 1  # edges / nodes: the connection's page is counted already
        field_arguments = getattr(parent.fields.get(node.name.value), "args", {})
        if any(name in field_arguments for name in PAGE_ARGUMENTS):
            return DEFAULT_PAGE
        return LIST_WEIGHT if _is_list(field_type) else 1

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.types.get(name)


def _is_list(field_type: Any) -> bool:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)
