"""Query: the DuckDB session Kho reads tables with (extensions loaded from local files only)."""
