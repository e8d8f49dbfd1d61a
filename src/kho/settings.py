"""Settings read from ``KHO_*`` environment variables (and a ``.env`` file in the working directory)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Kho needs to know about where it keeps things and how it behaves."""

    model_config = SettingsConfigDict(env_prefix="KHO_", env_file=".env", extra="ignore")

    home: Path = Field(
        default=Path("./kho-data"),
        description="Directory holding the default SQLite metadata file, the warehouse and rejects.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the metadata database (also the Iceberg SQL catalog). "
            "Default: SQLite file `kho.db` in KHO_HOME. PostgreSQL: `postgresql+psycopg://user:pw@host/db`."
        ),
    )
    warehouse: str | None = Field(
        default=None,
        description="Where Iceberg table files live (directory or file:// URI). Default: `warehouse/` in KHO_HOME.",
    )
    language: str = Field(
        default="vi", description="Default language of messages and pages: `vi` or `en`."
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh",
        description="Time zone in which pages and the CLI show times (stored times are UTC).",
    )
    batch_rows: int = Field(
        default=100_000,
        description="Rows per batch when ingesting (memory is bounded by batch size).",
    )
    in_memory_limit_mb: int = Field(
        default=256,
        description="Files up to this size are typed from the whole column in one pass; larger files stream.",
    )
    keep_snapshots: int = Field(
        default=20,
        description="`kho maintain` keeps at least this many most recent snapshots per table.",
    )
    keep_days: int = Field(
        default=30, description="`kho maintain` keeps snapshots younger than this many days."
    )
    commit_retries: int = Field(default=10, description="Iceberg commit retries when writers race.")
    sql_timeout_s: float = Field(
        default=30.0, description="Time limit of one SQL query, in seconds."
    )
    sql_max_rows: int = Field(
        default=10_000, description="Rows returned by one SQL query before truncation."
    )
    sql_memory_mb: int = Field(default=2048, description="Memory limit of one SQL query, in MB.")
    upload_max_mb: int = Field(
        default=2048, description="Largest file accepted by the upload API, in MB (bigger: HTTP 413)."
    )
    rate_limit_per_minute: int = Field(
        default=600, description="API requests per minute per token (or per address); 0 disables."
    )
    host: str = Field(default="127.0.0.1", description="Address `kho serve` listens on.")
    port: int = Field(default=8000, description="Port `kho serve` listens on.")

    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home_dir / 'kho.db'}"

    @property
    def warehouse_uri(self) -> str:
        if self.warehouse:
            if "://" in self.warehouse:
                return self.warehouse
            return Path(self.warehouse).expanduser().resolve().as_uri()
        return (self.home_dir / "warehouse").as_uri()

    @property
    def rejects_dir(self) -> Path:
        return self.home_dir / "rejects"

    @property
    def uploads_dir(self) -> Path:
        return self.home_dir / "uploads"
