"""Warehouse: Iceberg tables (pyiceberg SQL catalog in the metadata DB), versions, maintenance."""

from kho.warehouse.models import MaintenanceReport, SnapshotInfo, WriteResult
from kho.warehouse.service import Warehouse

__all__ = ["MaintenanceReport", "SnapshotInfo", "Warehouse", "WriteResult"]
