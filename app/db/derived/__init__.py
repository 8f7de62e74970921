"""Data the database keeps from the tables by triggers: the search documents and indexes
(`search_index`; a bulk import's documents written once per batch instead, `search_documents`)
and the per-workspace ticket counts (`ticket_counts`).

May import: app.db, app.domain.
"""
