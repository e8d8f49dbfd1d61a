"""Migration of legacy databases into the warehouse, and their scheduled daily sync."""
