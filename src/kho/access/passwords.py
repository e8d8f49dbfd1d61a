"""Password hashing with argon2id (argon2-cffi), and the lockout back-off after failed sign-ins."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

FREE_ATTEMPTS = 5
MAX_LOCK = timedelta(hours=1)


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(stored: str | None, password: str) -> bool:
    """True if the password matches; a missing or corrupt hash never matches."""
    from argon2.exceptions import Argon2Error, InvalidHashError

    if not stored:
        _hasher().hash(
            password
        )  # same work as a real check, so timing does not reveal unknown users
        return False
    try:
        return bool(_hasher().verify(stored, password))
    except (Argon2Error, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return bool(_hasher().check_needs_rehash(stored))


def lock_for(failures: int) -> timedelta | None:
    """After FREE_ATTEMPTS failures, lock for 30 s, doubling with each further failure, up to an hour."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(timedelta(seconds=30 * 2 ** (failures - FREE_ATTEMPTS)), MAX_LOCK)
