"""InputGuard: bad argument values are refused before anything runs, naming the argument.

What is refused is decided in schema/input_values.py (and app/domain/input_rules.py); this
finds every argument of a document with its type, once per document: the problems of its
literals, and where each variable lands. At each request only the variables are walked.

A refusal is a request error (`BAD_USER_INPUT`, `extensions.field` = the path inside the
argument, no `data`; HTTP 400 under application/graphql-response+json), so nothing is read or
written, whatever the operation. It runs before validation and the query limits: a refused
request spends no rate-limit points.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    Node,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    Visitor,
    is_input_type,
    type_from_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from app.config import Settings
from app.domain.errors import ErrorCode
from schema.input_values import Problem, literal_problems, value_problems

_DEFAULTS = Settings()
MAX_ERRORS = 20  # a list of 40,000 bad strings is one problem, and a few arguments are enough


@dataclass(frozen=True, slots=True)
class VariableSite:
    """A variable filling (part of) an argument."""

    variable: str
    type: GraphQLInputType
    owner: str | None  # the field or directive taking the argument; None: a variable's default
    path: str  # "filter.ticketIds"
    node: Node


Refusal = tuple[str | None, Problem, Node]  # (owner, problem, node), made an error per request


@dataclass(slots=True)
class InputPlan:
    literal_refusals: list[Refusal] = field(default_factory=list)
    sites: list[VariableSite] = field(default_factory=list)


def refusal(owner: str | None, problem: Problem, node: Node) -> GraphQLError:
    path, reason = problem
    where = f"Argument '{path}' of '{owner}'" if owner else f"The default of '{path}'"
    return GraphQLError(
        f"{where} {reason}.",
        nodes=node,
        extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": path},
    )


class _ArgumentWalker(Visitor):
    def __init__(
        self, schema: GraphQLSchema, type_info: TypeInfo, plan: InputPlan, max_items: int
    ) -> None:
        super().__init__()
        self.schema, self.type_info, self.plan, self.max_items = schema, type_info, plan, max_items
        self.owners: list[str] = []  # the fields and directives around the argument

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.owners.append(node.name.value)

    def leave_field(self, *_: Any) -> None:
        self.owners.pop()

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.owners.append("@" + node.name.value)

    def leave_directive(self, *_: Any) -> None:
        self.owners.pop()

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> Any:
        name = "$" + node.variable.name.value
        type_ = type_from_ast(self.schema, node.type)
        if node.default_value is not None and is_input_type(type_):
            self._walk(None, node, node.default_value, type_, name)
        return self.SKIP

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is not None and self.owners:
            self._walk(self.owners[-1], node, node.value, argument.type, node.name.value)
        return self.SKIP

    def _walk(self, owner: str | None, node: Node, value: Any, type_: Any, path: str) -> None:
        def on_variable(name: str, at_type: GraphQLInputType, at_path: str) -> None:
            self.plan.sites.append(VariableSite(name, at_type, owner, at_path, node))

        problems = literal_problems(value, type_, path, self.max_items, on_variable)
        if (first := next(problems, None)) is not None:
            self.plan.literal_refusals.append((owner, first, node))


def plan_inputs(schema: GraphQLSchema, document: DocumentNode, max_items: int) -> InputPlan:
    plan = InputPlan()
    type_info = TypeInfo(schema)
    walker = _ArgumentWalker(schema, type_info, plan, max_items)
    visit(document, TypeInfoVisitor(type_info, walker))
    return plan


class _Plans:
    """Plans of recent documents. Parsed documents are cached and reused (schema/limits), so
    the same request text finds its plan again; an entry keeps its schema and document alive
    so that the ids it is keyed by are never reused meanwhile."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[int, int, int], tuple[object, InputPlan]] = OrderedDict()

    def get(self, schema: GraphQLSchema, document: DocumentNode, max_items: int) -> InputPlan:
        key = (id(schema), id(document), max_items)
        found = self._plans.get(key)
        if found is not None:
            self._plans.move_to_end(key)
            return found[1]
        plan = plan_inputs(schema, document, max_items)
        self._plans[key] = ((schema, document), plan)
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return plan


_PLANS = _Plans()


def input_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    max_items: int,
) -> list[GraphQLError]:
    plan = _PLANS.get(schema, document, max_items)
    if plan.literal_refusals:
        return [refusal(*found) for found in plan.literal_refusals[:MAX_ERRORS]]
    errors: list[GraphQLError] = []
    given = variables or {}
    for site in plan.sites:
        if site.variable not in given:
            continue
        value = given[site.variable]
        first = next(value_problems(value, site.type, site.path, max_items), None)
        if first is not None:
            errors.append(refusal(site.owner, first, site.node))
            if len(errors) == MAX_ERRORS:
                break
    return errors


class InputGuard(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and ctx.graphql_document is not None:
            settings = getattr(ctx.context, "settings", None) or _DEFAULTS
            errors = input_errors(
                ctx.schema._schema, ctx.graphql_document, ctx.variables, settings.max_list_items
            )
            if errors:
                ctx.pre_execution_errors = errors
        yield
