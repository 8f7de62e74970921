"""Outbound webhooks: every ticket event pushed to a customer's URL, signed by the Standard
Webhooks specification, per endpoint in cursor order, at least once, never skipped.

Endpoints are rows that carry their own delivery cursor (`last_delivered_seq`) and a lease: one
process at a time delivers an endpoint, event after event from its cursor; a process that dies
mid-delivery leaves the lease to expire and another sends that event again. Every attempt is a
`webhook_delivery` row (what the admin API lists).

Modules: signing (secrets, signatures), addresses (SSRF refusal), filters (the stored
TicketEventFilter), endpoints (admin commands), payload (the JSON body), backoff, sender (one
HTTP POST), leases (claiming endpoints), worker (the delivery loop).

May import: app.domain, app.db, app.live, app.access, app.observability, app.background,
app.config.
"""
