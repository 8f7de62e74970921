"""Ticket lists: a page of tickets for a filter and an order (`page`), the filter's SQL
(`filter`), search through the search documents (`search`, `search_page`) and counts (`count`).

May import: app.loaders, app.db, app.domain.
"""
