"""Alembic environment: runs on the connection handed over by ``kho.metadata.db.upgrade``."""

from alembic import context

from kho.metadata.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=lambda name, type_, _parent: type_ != "table" or str(name).startswith("kho_"),
)
with context.begin_transaction():
    context.run_migrations()
