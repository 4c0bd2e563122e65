"""A course to teach: a regional school, a programme with modules and questions, a cohort taught by the tenant's
trainer, its sessions and accepted participants (the tenant's mentor among them, by account)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared import clock
from shared.actor import Actor
from shared.db import Level, Scope, current_connection, tenant_transaction
from tests.helpers import PASSWORD, Tenant


@dataclass
class Course:
    region_id: uuid.UUID
    school_id: uuid.UUID
    programme_id: uuid.UUID
    cohort_id: uuid.UUID
    module_ids: list[uuid.UUID]
    session_ids: list[uuid.UUID]
    enrolment_ids: list[uuid.UUID]  # the mentor's (by account) first
    question_ids: list[uuid.UUID] = field(default_factory=list)


async def user_id(email: str) -> uuid.UUID:
    async with tenant_transaction(Scope(Level.platform)):
        found: uuid.UUID = await current_connection().fetchval("SELECT id FROM app_user WHERE email = $1", email)
    return found


async def another_trainer(tenant: Tenant) -> str:
    from tenants import logic
    from tenants.roles import Role

    email = f"trainer-{uuid.uuid4().hex[:8]}@test.local"
    async with tenant_transaction(Scope(Level.platform)):
        trainer = await logic.ensure_user(email, PASSWORD, "Другой", "Преподаватель")
        await logic.ensure_membership(trainer, Role.trainer, tenant.region_id, None, None)
    return email


async def make_course(
    tenant: Tenant,
    *,
    participants: int = 3,
    assessment: str = "test",
    min_attendance_pct: int = 75,
    min_hours: int = 0,
    max_attempts: int = 3,
    starts_days: int = -10,
    ends_days: int = 30,
    session_starts: tuple[timedelta, ...] = (timedelta(days=-3), timedelta(minutes=-30), timedelta(days=3)),
) -> Course:
    from services import registry

    actor = Actor(None, tenant.region_id, tenant.organization_id)
    scope = Scope(Level.organization, None, tenant.region_id, tenant.municipality_id, tenant.organization_id)
    people = []
    async with tenant_transaction(scope):
        for n in range(participants):
            form = registry.PersonForm(surname=f"Участник{n}", name="Курса", category="staff", roles=["mentor"])
            person_id, _ = await registry.create_person(actor, scope, form)
            people.append(person_id)
    mentor = await user_id(tenant.mentor)
    trainer = await user_id(tenant.trainer)
    now = clock.now()
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        db = current_connection()
        region = tenant.region_id
        school = await db.fetchval(
            "INSERT INTO mentor_school (region_id, name) VALUES ($1, 'Школа наставников') RETURNING id", region
        )
        programme = await db.fetchval(
            """INSERT INTO school_programme (region_id, school_id, title, audience, published, assessment,
                   min_attendance_pct, min_hours, max_attempts, pass_mark_pct, assignment_text)
               VALUES ($1, $2, 'Основы наставничества', '{mentor}', true, $3, $4, $5, $6, 70, 'Дорожная карта')
               RETURNING id""",
            region,
            school,
            assessment,
            min_attendance_pct,
            min_hours,
            max_attempts,
        )
        modules = []
        for position, (topic, hours) in enumerate((("Формы и роли", 2), ("Технологии общения", 4))):
            modules.append(
                await db.fetchval(
                    """INSERT INTO school_module (region_id, school_id, programme_id, position, topic, hours, format)
                       VALUES ($1, $2, $3, $4, $5, $6, 'seminar') RETURNING id""",
                    region,
                    school,
                    programme,
                    position,
                    topic,
                    hours,
                )
            )
        questions = []
        for position, (text, multiple, options, correct) in enumerate(
            (
                ("Сколько наставляемых у наставника?", False, ["один или два", "десять"], [0]),
                ("Формы наставничества", True, ["учитель – учитель", "ученик – ученик", "робот – робот"], [0, 1]),
            )
        ):
            questions.append(
                await db.fetchval(
                    """INSERT INTO school_question (region_id, school_id, programme_id, position, text, multiple,
                           options, correct) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id""",
                    region,
                    school,
                    programme,
                    position,
                    text,
                    multiple,
                    json.dumps(options),
                    correct,
                )
            )
        today = clock.today()
        cohort = await db.fetchval(
            """INSERT INTO school_cohort (region_id, school_id, programme_id, title, starts_on, ends_on, capacity,
                   place) VALUES ($1, $2, $3, 'Поток 1', $4, $5, 20, 'Актовый зал') RETURNING id""",
            region,
            school,
            programme,
            today + timedelta(days=starts_days),
            today + timedelta(days=ends_days),
        )
        await db.execute(
            """INSERT INTO school_cohort_trainer (region_id, school_id, cohort_id, user_id, full_name)
               VALUES ($1, $2, $3, $4, 'Орлова Наталья Геннадьевна')""",
            region,
            school,
            cohort,
            trainer,
        )
        sessions = []
        for n, offset in enumerate(session_starts):
            sessions.append(
                await db.fetchval(
                    """INSERT INTO school_session (region_id, school_id, cohort_id, module_id, title, starts_at, hours)
                       VALUES ($1, $2, $3, $4, $5, $6, 2) RETURNING id""",
                    region,
                    school,
                    cohort,
                    modules[n % len(modules)],
                    f"Занятие {n + 1}",
                    now + offset,
                )
            )
        enrolments = []
        for n, person_id in enumerate(people):
            enrolments.append(
                await db.fetchval(
                    """INSERT INTO school_enrolment (region_id, school_id, cohort_id, organization_id, person_id,
                           user_id, audience, full_name, organization_name, state)
                       VALUES ($1, $2, $3, $4, $5, $6, 'mentor', $7, 'Школа 1', 'accepted') RETURNING id""",
                    region,
                    school,
                    cohort,
                    tenant.organization_id,
                    person_id,
                    mentor if n == 0 else None,
                    f"Участник{n} Курса",
                )
            )
    return Course(region, school, programme, cohort, modules, sessions, enrolments, questions)


async def scalar(region_id: uuid.UUID, sql: str, *args: Any) -> Any:
    async with tenant_transaction(Scope.for_region(region_id)):
        return await current_connection().fetchval(sql, *args)
