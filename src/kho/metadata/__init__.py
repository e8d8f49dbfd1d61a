"""The metadata database: catalog rows, load reports and the Iceberg SQL catalog share one database."""
