"""Domain errors that both pages and the API know how to show."""

from __future__ import annotations


class NotFound(Exception):
    """Also raised for records outside the caller's scope: their existence is not revealed."""


class Forbidden(Exception):
    """The active role may not do this at all (unrelated to any record)."""


class ValidationFailed(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class Errors:
    """Collects field errors, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
