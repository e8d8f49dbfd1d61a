"""The `kho` command: one module per noun, each a thin adapter over a service."""
