"""Pure domain rules: enums, state machines, error codes, event records. No I/O."""
