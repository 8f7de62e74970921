"""ticketgw: one GraphQL API over queue tickets and helpdesk tickets.

Packages, top to bottom (docs/ARCHITECTURE.md; pyproject.toml's import contracts check it):
edges (cli, main, http, and the `schema` package beside app) > context > demo > ingest, access >
tickets > live, loaders > db > domain. The root modules (config, background, observability,
outages, socket_guard, serving, gc_tuning, trusted_documents) are small utilities any layer uses.
"""
