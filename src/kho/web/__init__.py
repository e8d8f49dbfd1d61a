"""Web adapters: JSON API, (later) CKAN API, DCAT and pages — all over the same services."""
