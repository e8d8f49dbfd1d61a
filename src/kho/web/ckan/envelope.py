"""CKAN's response envelope, its error types, and the flat parameter decoding CKAN clients rely on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kho.errors import KhoError, NotFound, PermissionDenied

Params = dict[str, Any]
MEDIA_TYPE = "application/json;charset=utf-8"


class CkanError(Exception):
    """An error answered inside CKAN's envelope: ``error`` dict and HTTP status as CKAN sends them."""

    status = 500
    type_name = "Internal Server Error"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def error(self) -> dict[str, Any]:
        if self.fields:
            return {"__type": self.type_name, **self.fields}
        return {"__type": self.type_name, "message": self.message}


class CkanNotFound(CkanError):
    status, type_name = 404, "Not Found Error"


class CkanNotAuthorized(CkanError):
    status, type_name = 403, "Authorization Error"


class CkanValidation(CkanError):
    """CKAN's ValidationError: HTTP 409 with field errors at the top level of ``error``."""

    status, type_name = 409, "Validation Error"

    def __init__(self, field: str, message: str):
        super().__init__(message, fields={field: [message]})


class CkanSearchQueryError(CkanError):
    status, type_name = 400, "Search Query Error"


class BadRequest(Exception):
    """CKAN answers these with HTTP 400 and a bare JSON string, not an envelope."""

    def __init__(self, message: str):
        super().__init__(message)
        self.body = f"Bad request: {message}"


def from_kho(exc: KhoError, *, field: str = "message") -> CkanError:
    """Translate a service error to the CKAN error a client expects for it."""
    text = exc.message if not exc.hint else f"{exc.message} {exc.hint}"
    if isinstance(exc, NotFound):
        return CkanNotFound(f"Not found: {text}")
    if isinstance(exc, PermissionDenied):
        return CkanNotAuthorized(f"Access denied: {text}")
    if exc.status in (400, 409, 422):
        return CkanValidation(field, text)
    return CkanError("Internal Server Error")


def success(help_url: str, result: Any) -> dict[str, Any]:
    return {"help": help_url, "success": True, "result": result}


def failure(help_url: str, err: CkanError) -> dict[str, Any]:
    return {"help": help_url, "success": False, "error": err.error()}


@dataclass(frozen=True)
class Flat:
    """Typed readers over CKAN's flat parameters (GET strings, form values or JSON body values)."""

    params: Params

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def text(self, key: str, default: str = "") -> str:
        value = self.params.get(key)
        if value is None:
            return default
        if isinstance(value, list):
            value = value[0] if value else default
        return str(value)

    def natural(self, key: str, default: int, *, cap: int | None = None) -> int:
        """A natural number; CKAN silently caps limits at its configured maximum."""
        value = self.params.get(key)
        if value is None or value == "":
            return default
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else -1
        except ValueError:
            raise CkanValidation(key, "Invalid integer") from None
        if number < 0:
            raise CkanValidation(key, "Must be a natural number")
        return min(number, cap) if cap is not None else number

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.params.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "1", "yes", "on", "t", "y"):
            return True
        if lowered in ("false", "0", "no", "off", "f", "n"):
            return False
        raise CkanValidation(key, "Invalid boolean")

    def json(self, key: str, default: Any = None) -> Any:
        """A JSON-typed parameter; GET and form clients send it as a string (CKAN's convert_to_json_if_string)."""
        value = self.params.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise CkanValidation(key, "Could not parse as valid JSON") from None
        return value

    def names(self, key: str) -> list[str]:
        """A list of strings from a JSON list, a JSON string, repeated keys or a comma string."""
        value = self.params.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("["):
                value = self.json(key)
            else:
                value = [v.strip() for v in stripped.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CkanValidation(key, "Must be a list of strings")
        return value


def decode_query(items: list[tuple[str, str]]) -> Params:
    """CKAN's flat decoding: one value gives a string, repeated keys give a list."""
    params: Params = {}
    for key, value in items:
        if key in params:
            previous = params[key]
            params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[key] = value
    return params


def decode_json_body(body: bytes) -> Params:
    """A POSTed JSON body must decode to an object, as in CKAN."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"JSON Error: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest(
            "JSON Error: Request data JSON decoded to "
            + type(data).__name__
            + " but it needs to be a dictionary."
        )
    return data
