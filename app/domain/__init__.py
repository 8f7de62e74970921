"""Pure domain rules: enums, the unified state, error codes, input rules, event records.

No I/O and no framework: imports nothing else of app (checked: pyproject.toml).
"""
