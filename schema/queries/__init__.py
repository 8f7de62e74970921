"""Query roots, one class per area; schema.root merges them."""
