"""The app fixtures live in tests/app_fixtures.py (registered for the whole suite); re-exported
here for modules that import them from this path."""

from tests.app_fixtures import GraphQLClient, app, client, factory, gql, key, read_key

__all__ = ["GraphQLClient", "app", "client", "factory", "gql", "key", "read_key"]
