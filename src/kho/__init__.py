"""Kho: a shared data warehouse and open data portal for Vietnamese provinces and ministries."""

__version__ = "0.1.0"
