"""/graphql over WebSocket: message limits (graphql-transport-ws) and the legacy graphql-ws
protocol's queries and mutations.
"""
