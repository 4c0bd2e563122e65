"""The regional registry of certified curators: every valid certificate a round's decision issued, in the asker's
scope (a municipal coordinator sees their municipality's), filterable by municipality, exported as XLSX."""

from __future__ import annotations

import io
from datetime import date
from uuid import UUID

import msgspec

from services.certificates import CertificateKind, Status, certificates_of
from shared.db import current_connection
from shared.i18n import format_date, sort_key
from shared.spreadsheets import workbook
from tenants import list_municipalities, list_organizations


class RegistryRow(msgspec.Struct, frozen=True, kw_only=True):
    certificate_id: UUID
    full_name: str
    organization_id: UUID
    organization: str
    municipality_id: UUID
    municipality: str
    number: str
    issued_on: date
    valid_until: date | None
    renewal_due: bool  # expires within six months: may re-certify


async def certified_curators(day: date, municipality_id: UUID | None = None) -> list[RegistryRow]:
    rows = await current_connection().fetch(
        """SELECT DISTINCT person_id, certificate_id FROM certification_application
           WHERE certificate_id IS NOT NULL AND person_id IS NOT NULL"""
    )
    issued = {r["certificate_id"] for r in rows}
    certificates = await certificates_of(sorted({r["person_id"] for r in rows}))
    organizations = {o.id: o for o in await list_organizations()}
    municipalities = {m.id: m.name for m in await list_municipalities()}
    found = []
    for c in certificates:
        if c.id not in issued or c.kind != CertificateKind.curator or c.status(day) != Status.valid:
            continue
        organization = organizations.get(c.organization_id)
        if organization is None or (municipality_id and organization.municipality_id != municipality_id):
            continue
        found.append(
            RegistryRow(
                certificate_id=c.id,
                full_name=c.holder_name,
                organization_id=c.organization_id,
                organization=organization.short_name or organization.name,
                municipality_id=organization.municipality_id,
                municipality=municipalities.get(organization.municipality_id, ""),
                number=c.number,
                issued_on=c.issued_on,
                valid_until=c.valid_until,
                renewal_due=c.valid_until is not None and (c.valid_until - day).days <= 183,
            )
        )
    # A renewed curator holds the old certificate until it ends and the new one after: the registry lists one.
    latest: dict[tuple[UUID, str], RegistryRow] = {}
    for row in found:
        key = (row.organization_id, row.full_name)
        kept = latest.get(key)
        if kept is None or (row.valid_until or date.max) > (kept.valid_until or date.max):
            latest[key] = row
    return sorted(latest.values(), key=lambda r: (sort_key(r.municipality), sort_key(r.full_name)))


def export(rows: list[RegistryRow]) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Реестр")
    bold = book.add_format({"bold": True})
    header = ["ФИО", "Организация", "Муниципалитет", "Номер сертификата", "Выдан", "Действителен до"]
    for column, title in enumerate(header):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(rows, start=1):
        cells = [
            row.full_name,
            row.organization,
            row.municipality,
            row.number,
            format_date(row.issued_on),
            format_date(row.valid_until) if row.valid_until else "бессрочно",
        ]
        for column, value in enumerate(cells):
            sheet.write_string(line, column, value)
    sheet.set_column(0, 2, 36)
    sheet.set_column(3, 5, 18)
    book.close()
    return buffer.getvalue()
