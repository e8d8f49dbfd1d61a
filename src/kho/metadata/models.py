"""SQLAlchemy tables of the metadata database (schema changes go through Alembic migrations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "kho_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str | None] = mapped_column(String(30))
    admin_unit_code: Mapped[str | None] = mapped_column(String(20))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_code: Mapped[str | None] = mapped_column(String(64))


class Dataset(Base):
    __tablename__ = "kho_datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    title_vi: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    sector: Mapped[str | None] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence: Mapped[str | None] = mapped_column(String(200))
    access_level: Mapped[str] = mapped_column(String(20), default="internal")
    update_frequency: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_loaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    resources: Mapped[list[Resource]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="Resource.id"
    )


class Resource(Base):
    """A table of a dataset, stored as one Iceberg table."""

    __tablename__ = "kho_resources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("kho_datasets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(63))
    sql_name: Mapped[str] = mapped_column(String(127), unique=True)
    iceberg_ident: Mapped[str] = mapped_column(String(255), unique=True)
    source_format: Mapped[str | None] = mapped_column(String(20))
    key_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    dataset: Mapped[Dataset] = relationship(back_populates="resources")
    columns: Mapped[list[Column]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="Column.position"
    )
    __table_args__ = (UniqueConstraint("dataset_id", "name"),)


class Column(Base):
    """One entry of the data dictionary."""

    __tablename__ = "kho_columns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("kho_resources.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(63))
    label: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    type_detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit: Mapped[str | None] = mapped_column(String(100))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    is_edited: Mapped[bool] = mapped_column(default=False)

    resource: Mapped[Resource] = relationship(back_populates="columns")
    __table_args__ = (UniqueConstraint("resource_id", "name"),)


class Load(Base):
    """One ingest run: what was read, what was inferred, what was rejected, which snapshot it made."""

    __tablename__ = "kho_loads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("kho_resources.id", ondelete="SET NULL"), index=True
    )
    dataset_slug: Mapped[str] = mapped_column(String(63), index=True)
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str] = mapped_column(String(1000))
    source_format: Mapped[str | None] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_loaded: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    snapshot_id: Mapped[int | None] = mapped_column(BigInteger)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InventoryEntry(Base):
    """Data that exists but is not yet digitised or loaded."""

    __tablename__ = "kho_inventory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(100))
    volume: Mapped[str | None] = mapped_column(String(200))
    plan: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="not_digitised")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# access: users, memberships, tokens, sign-in sessions, grants, requests, audit ---------------------


class User(Base):
    __tablename__ = "kho_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.org_code"
    )


class Membership(Base):
    """A user's role (admin, editor, viewer) in one organisation."""

    __tablename__ = "kho_memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kho_users.id", ondelete="CASCADE"), index=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    __table_args__ = (UniqueConstraint("user_id", "org_code"),)


class ApiToken(Base):
    """An API token; only the SHA-256 of the secret is kept."""

    __tablename__ = "kho_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kho_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInSession(Base):
    """A web sign-in: the cookie holds a secret whose SHA-256 is kept here, with its CSRF token."""

    __tablename__ = "kho_signin_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kho_users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Grant(Base):
    """Read access to a dataset for an organisation or a user, optionally limited to columns and rows."""

    __tablename__ = "kho_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_slug: Mapped[str] = mapped_column(String(63), index=True)
    org_code: Mapped[str | None] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("kho_users.id", ondelete="CASCADE"), index=True
    )
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    row_filter: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccessRequest(Base):
    """A user's request to read a dataset, decided by the owner organisation's admins."""

    __tablename__ = "kho_access_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_slug: Mapped[str] = mapped_column(String(63), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kho_users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    grant_id: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One line of the append-only audit log; ``hash`` chains it to the line before."""

    __tablename__ = "kho_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    resource: Mapped[str] = mapped_column(String(500))
    dataset_slug: Mapped[str | None] = mapped_column(String(63), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PasswordReset(Base):
    """A one-time password-reset link an administrator hands to a user; only its SHA-256 is kept."""

    __tablename__ = "kho_password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("kho_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# portal: how often each dataset is looked at -------------------------------------------------------


class DatasetViewCount(Base):
    """Successful page views and data downloads of one dataset on one day (Vietnam time)."""

    __tablename__ = "kho_dataset_views"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dataset_slug: Mapped[str] = mapped_column(String(63), primary_key=True, index=True)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    downloads: Mapped[int] = mapped_column(BigInteger, default=0)
