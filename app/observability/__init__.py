"""Operating the gateway: Prometheus metrics, JSON logs, request ids, per-operation records.

`metrics` imports nothing from the app, so any layer may count into it; the rest sits beside
app.http (it sees requests and GraphQL operations) and is wired in by app.main.
"""
