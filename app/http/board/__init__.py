"""GET /board: the queue board page for a TV, self-contained (no CDN, works offline)."""
