"""Ingest: read messy files as raw text, clean them by Vietnamese-aware rules, load typed tables."""
