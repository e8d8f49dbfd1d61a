"""The error family: each class says what went wrong, where, and what to try next."""

from __future__ import annotations

from typing import Any


class KhoError(Exception):
    """Base of every error Kho reports to a person; ``status`` and ``exit_code`` map it once."""

    status = 500
    exit_code = 1
    type_name = "error"

    def __init__(
        self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or {}

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message

    def to_dict(self) -> dict[str, Any]:
        details = dict(self.details)
        if self.hint:
            details.setdefault("hint", self.hint)
        return {"type": self.type_name, "message": self.message, "details": details}


class NotFound(KhoError):
    status, exit_code, type_name = 404, 2, "not_found"


class PermissionDenied(KhoError):
    status, exit_code, type_name = 403, 3, "permission_denied"


class InvalidInput(KhoError):
    status, exit_code, type_name = 400, 4, "invalid_input"


class Conflict(KhoError):
    status, exit_code, type_name = 409, 5, "conflict"


class IngestError(KhoError):
    status, exit_code, type_name = 422, 6, "ingest_error"


class SourceUnreadable(IngestError):
    """The file could not be read as a table at all (empty, binary, wrong format, corrupt)."""

    type_name = "source_unreadable"


class SchemaMismatch(IngestError):
    """The file's columns or types do not fit the existing table in the requested mode."""

    type_name = "schema_mismatch"

    def __init__(
        self, message: str, *, expected: Any = None, found: Any = None, hint: str | None = None
    ):
        super().__init__(message, hint=hint, details={"expected": expected, "found": found})


class KeyViolation(IngestError):
    """An upsert key is missing, blank or repeated in the file."""

    type_name = "key_violation"


class QueryError(KhoError):
    """A SQL query was refused or failed."""

    status, exit_code, type_name = 400, 4, "query_error"
