"""The demo's certificates: every completed participant of the two finished cohorts holds one; one was issued in
error and revoked, then issued again; a mentor's certificate from an older cohort has expired. Idempotent.

Runs after the school's own seed (its cohorts and completions); without those cohorts it does nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from services.certificates import (
    CertificateDraft,
    CertificateKind,
    certificates_of,
    issue_certificate,
    issued_sources,
    revoke_certificate,
)
from services.school.completion import Completion, completed_of
from services.school.issuing import SOURCE, draft_of, issue_for_cohort
from services.school.records import get_cohort, get_school
from shared.actor import Actor
from shared.clock import today
from shared.db import current_connection

FINISHED_COHORTS = ("Основы наставничества, поток 1", "Куратор программы наставничества, поток 1")
REVOKED_REASON = "Выдано ошибочно: повторная выдача"
OLD_CERTIFICATE_YEARS = 3


async def seed_school_certificates(region_id: UUID) -> None:
    rows = await current_connection().fetch(
        "SELECT id, title FROM school_cohort WHERE region_id = $1 AND title = ANY($2::text[])",
        region_id,
        list(FINISHED_COHORTS),
    )
    cohorts = {r["title"]: r["id"] for r in rows}
    actor = Actor(None, region_id, None)
    for title in FINISHED_COHORTS:
        if title in cohorts:
            cohort = await get_cohort(cohorts[title])
            await issue_for_cohort(actor, cohort.id, min(cohort.ends_on + timedelta(days=3), today()))
    if FINISHED_COHORTS[0] in cohorts:
        completions = await completed_of(cohorts[FINISHED_COHORTS[0]])
        if completions:
            await _revoked_and_issued_again(actor, cohorts[FINISHED_COHORTS[0]], completions)
            await _expired(actor, completions)


async def _revoked_and_issued_again(actor: Actor, cohort_id: UUID, completions: list[Completion]) -> None:
    """A participant without an account (not a demo login), the last by name."""
    target = next((c for c in reversed(completions) if c.user_id is None), completions[-1])
    held = [c for c in await certificates_of([target.person_id]) if c.source_id == target.enrolment_id]
    if any(c.revoked_at is not None for c in held):
        return
    for certificate in held:
        await revoke_certificate(actor, certificate.id, REVOKED_REASON)
    cohort = await get_cohort(cohort_id)
    school = await get_school(cohort.school_id)
    issued_on = min(cohort.ends_on + timedelta(days=5), today())
    await issue_certificate(actor, draft_of(target, cohort, school, issued_on))


async def _expired(actor: Actor, completions: list[Completion]) -> None:
    """A mentor (a demo login, if one completed) trained three years ago under a programme whose certificates then
    had a term: that certificate ended some days ago."""
    holder = next((c for c in completions if c.user_id is not None), completions[0])
    source_id = uuid.uuid5(uuid.NAMESPACE_URL, f"nastavnik-demo:old-certificate:{holder.person_id}")
    if await issued_sources(SOURCE, [source_id]):
        return
    issued_on = today() - timedelta(days=OLD_CERTIFICATE_YEARS * 365 + 20)
    await issue_certificate(
        actor,
        CertificateDraft(
            kind=CertificateKind.training,
            organization_id=holder.organization_id,
            person_id=holder.person_id,
            user_id=holder.user_id,
            holder_name=holder.full_name,
            title=holder.programme_title,
            hours=holder.programme_hours,
            starts_on=issued_on - timedelta(days=40),
            ends_on=issued_on - timedelta(days=3),
            issued_on=issued_on,
            valid_until=issued_on + timedelta(days=OLD_CERTIFICATE_YEARS * 365),
            source_kind=SOURCE,
            source_id=source_id,
            issuer_name=holder.school_name,
            signatory_name=holder.signatory_name,
            signatory_position=holder.signatory_position,
        ),
    )
