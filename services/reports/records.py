"""The typed records the read model hands out, and what it reads of the tenants' records."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import msgspec

T = TypeVar("T")


def view(record: object, cls: type[T]) -> T:
    """The fields of `cls` out of another domain's record (a dict or an object with attributes)."""
    return msgspec.convert(record, cls, from_attributes=True)


class OrganizationRef(msgspec.Struct, frozen=True):
    id: UUID
    municipality_id: UUID
    name: str
    short_name: str = ""


class MunicipalityRef(msgspec.Struct, frozen=True):
    id: UUID
    name: str


class FormRef(msgspec.Struct, frozen=True):
    id: UUID
    title: str
