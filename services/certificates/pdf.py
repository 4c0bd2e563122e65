"""The certificate's PDF: typeset on demand from the stored row, whose number and data were frozen at issue."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import segno

from services.certificates.issuing import CertificateRecord
from services.certificates.tables import CertificateKind
from shared.i18n import format_date, format_number, plural
from shared.typeset import typeset

TEMPLATE = Path(__file__).parent / "documents" / "certificate.typ"
SUBTITLES = {
    CertificateKind.training: "о прохождении обучения",
    CertificateKind.curator: "о сертификации куратора наставнической деятельности",
    CertificateKind.diploma: "победителя конкурса",
    CertificateKind.participant: "участника конкурса",
}
HEADINGS = {
    CertificateKind.training: "Свидетельство о прохождении обучения",
    CertificateKind.curator: "Свидетельство о сертификации куратора",
    CertificateKind.diploma: "Диплом конкурса",
    CertificateKind.participant: "Сертификат участника конкурса",
}
WORDS = {
    CertificateKind.training: "СВИДЕТЕЛЬСТВО",
    CertificateKind.curator: "СВИДЕТЕЛЬСТВО",
    CertificateKind.diploma: "ДИПЛОМ",
    CertificateKind.participant: "СЕРТИФИКАТ",
}
LEADS = {
    CertificateKind.training: ("Настоящее свидетельство удостоверяет, что", "прошёл(а) обучение по программе"),
    CertificateKind.curator: ("Настоящее свидетельство удостоверяет, что", "успешно прошёл(а) сертификацию"),
    CertificateKind.diploma: ("Награждается", "за результат в конкурсе"),
    CertificateKind.participant: ("Настоящий сертификат подтверждает, что", "принял(а) участие в конкурсе"),
}
# The first letters of a number name its kind: the verification page says which document it is.
SERIES_KINDS = {"НШ": CertificateKind.training, "СК": CertificateKind.curator, "ДК": CertificateKind.diploma}
SERIES_KINDS["УК"] = CertificateKind.participant
WITHOUT_TERM = "бессрочно"


def verification_path(number: str) -> str:
    return f"/verify/{quote(number, safe='')}"


def verification_url(base_url: str, number: str) -> str:
    """What the QR code opens: percent-encoded, so every camera app reads the Cyrillic series the same way."""
    return base_url.rstrip("/") + verification_path(number)


def hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    whole = hours == hours.to_integral_value()
    value = int(hours) if whole else float(hours)
    word = plural(int(hours), "академический час", "академических часа", "академических часов") if whole else "ч"
    return f"{format_number(value)} {word}"


def period_text(record: CertificateRecord) -> str:
    if record.starts_on and record.ends_on:
        return f"с {format_date(record.starts_on)} по {format_date(record.ends_on)}"
    if record.ends_on:
        return f"по {format_date(record.ends_on)}"
    return ""


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=0, dark="#1d3557", xmldecl=False)
    return buffer.getvalue()


def document_data(record: CertificateRecord, base_url: str) -> dict[str, Any]:
    """The template's words, formatted here so the template only lays them out."""
    training = record.kind == CertificateKind.training
    details = []
    if training:
        if record.hours is not None:
            details.append(f"в объёме {hours_text(record.hours)}")
        if period := period_text(record):
            details.append(f"в период {period}")
    elif period := period_text(record):
        details.append(f"сроки проведения: {period}")
    readable_url = base_url.rstrip("/") + "/verify/" + record.number
    lead, action = LEADS[record.kind]
    return {
        "word": WORDS[record.kind],
        "heading": HEADINGS[record.kind],
        "subtitle": SUBTITLES[record.kind],
        "number": record.number,
        "issuer_name": record.issuer_name,
        "lead": lead,
        "holder_name": record.holder_name,
        "action": action,
        "title": record.title,
        "details": details,
        "issued_on": format_date(record.issued_on),
        "valid_until": f"до {format_date(record.valid_until)}" if record.valid_until else WITHOUT_TERM,
        "signatory_name": record.signatory_name,
        "signatory_position": record.signatory_position,
        "verify_url": readable_url,
    }


def render_pdf(record: CertificateRecord, base_url: str) -> bytes:
    return typeset(
        TEMPLATE,
        document_data(record, base_url),
        {"qr.svg": qr_svg(verification_url(base_url, record.number))},
    )


def filename(record: CertificateRecord) -> str:
    return f"{WORDS[record.kind].capitalize()} {record.number}.pdf"
