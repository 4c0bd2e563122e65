"""Searching the audit log of personal data: who read or changed whose data, and when."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from shared.db import current_connection

ACTION_LABELS = {
    "view": "просмотр",
    "create": "создание",
    "edit": "изменение",
    "link": "добавление из базы региона",
    "archive": "архив",
    "consent": "согласие",
    "export": "выгрузка",
    "import": "импорт",
    "merge": "объединение",
    "unmerge": "отмена объединения",
    "questionnaire": "анкета",
    "settings": "настройки региона",
    "contingent": "контингент организации",
    "organization_import": "импорт организаций",
    "second_factor": "второй фактор",
    "destroy": "уничтожение данных",
    "certificate.issue": "выдача свидетельства",
    "certificate.revoke": "отзыв свидетельства",
    "verify": "проверка свидетельства по номеру",
    "change": "изменение",
    "update": "изменение",
    "certification.round": "сертификация: этап",
    "certification.member": "сертификация: состав комиссии",
    "certification.commission": "сертификация: приказ о комиссии",
    "certification.apply": "сертификация: заявление",
    "certification.upload": "сертификация: документ портфолио",
    "certification.submit": "сертификация: подача заявления",
    "certification.score": "сертификация: оценка комиссии",
    "certification.decide": "сертификация: решение",
}


class AuditRecord(msgspec.Struct, kw_only=True):
    at: datetime
    action: str
    details: str
    ip: str
    person_id: UUID | None
    email: str | None  # of the account that acted; none for the system
    surname: str | None
    name: str | None
    person_name: str | None


async def search_audit(
    user_query: str = "", action: str = "", person_id: UUID | None = None, limit: int = 200
) -> list[AuditRecord]:
    rows = await current_connection().fetch(
        """SELECT a.at, a.action, a.details, a.ip, a.person_id, u.email, u.surname, u.name,
                  p.full_name AS person_name
           FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
           LEFT JOIN person p ON p.region_id = a.region_id AND p.id = a.person_id
           WHERE ($1 = '' OR u.email ILIKE '%' || $1 || '%' OR u.surname ILIKE '%' || $1 || '%')
             AND ($2 = '' OR a.action = $2) AND ($3::uuid IS NULL OR a.person_id = $3)
           ORDER BY a.at DESC LIMIT $4""",
        user_query.strip(),
        action,
        person_id,
        limit,
    )
    return msgspec.convert([dict(r) for r in rows], list[AuditRecord])
