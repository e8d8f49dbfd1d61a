"""The catalog: datasets, their tables, the data dictionary, search and freshness."""
