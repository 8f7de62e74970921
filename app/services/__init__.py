"""Commands: each runs in one transaction that writes the change and its event rows."""
