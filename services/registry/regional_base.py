"""The regional base: likely duplicates, merging and unmerging them, and the counts per organization."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from uuid import UUID

import msgspec

from services.registry.people import person_row
from services.registry.tables import Person, PersonMerge
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed


class LikelyDuplicate(msgspec.Struct, kw_only=True):
    first_id: UUID
    second_id: UUID
    full_name: str
    birth_date: date
    first_snils: str | None
    second_snils: str | None
    first_organization: str
    second_organization: str


async def likely_duplicates(limit: int = 200) -> list[LikelyDuplicate]:
    """Pairs of records with the same surname, name and birth date that nobody has merged yet."""
    rows = await current_connection().fetch(
        """SELECT a.id AS first_id, b.id AS second_id, a.full_name, a.birth_date,
                  a.snils AS first_snils, b.snils AS second_snils,
                  coalesce(nullif(oa.short_name, ''), oa.name) AS first_organization,
                  coalesce(nullif(ob.short_name, ''), ob.name) AS second_organization
           FROM person a
           JOIN person b ON b.region_id = a.region_id AND lower(b.surname) = lower(a.surname)
                AND lower(b.name) = lower(a.name) AND b.birth_date = a.birth_date AND b.id > a.id
           JOIN organization oa ON oa.region_id = a.region_id AND oa.id = a.organization_id
           JOIN organization ob ON ob.region_id = b.region_id AND ob.id = b.organization_id
           WHERE a.merged_into IS NULL AND b.merged_into IS NULL AND a.birth_date IS NOT NULL
             AND (a.snils IS NULL OR b.snils IS NULL OR a.snils = b.snils)
           ORDER BY a.sort_key LIMIT $1""",
        limit,
    )
    return msgspec.convert([dict(r) for r in rows], list[LikelyDuplicate])


MergeGuard = Callable[[UUID], Awaitable[str | None]]
_MERGE_GUARDS: list[MergeGuard] = []


def guard_merge(check: MergeGuard) -> None:
    """Other domains refuse merging away a record their own records point at (a person in a pair)."""
    if check not in _MERGE_GUARDS:
        _MERGE_GUARDS.append(check)


async def merge(actor: Actor, survivor_id: UUID, duplicate_id: UUID) -> UUID:
    """The duplicate's roles and consents move to the survivor; the duplicate stays, marked, for unmerging."""
    if survivor_id == duplicate_id:
        raise ValidationFailed({"duplicate_id": "Нельзя объединить запись саму с собой"})
    for check in _MERGE_GUARDS:
        if reason := await check(duplicate_id):
            raise ValidationFailed({"duplicate_id": reason})
    survivor, duplicate = await person_row(survivor_id), await person_row(duplicate_id)
    if survivor.snils and duplicate.snils and survivor.snils != duplicate.snils:
        raise ValidationFailed({"duplicate_id": "У записей разные СНИЛС: это разные люди"})
    connection = current_connection()
    moved_participations = [
        r["id"]
        for r in await connection.fetch(
            """UPDATE participation d SET person_id = $1 WHERE d.person_id = $2 AND NOT EXISTS (
                   SELECT 1 FROM participation s WHERE s.person_id = $1 AND s.organization_id = d.organization_id
                   AND s.role = d.role) RETURNING d.id""",
            survivor_id,
            duplicate_id,
        )
    ]
    # A consent the survivor already holds alike (active, same organization, kind and giver) stays with the
    # duplicate, as a role it already has does: one active consent of a kind per giver (consent_active_once_idx).
    moved_consents = [
        r["id"]
        for r in await connection.fetch(
            """UPDATE consent d SET person_id = $1 WHERE d.person_id = $2 AND (d.withdrawn_on IS NOT NULL
                   OR NOT EXISTS (SELECT 1 FROM consent s WHERE s.person_id = $1 AND s.withdrawn_on IS NULL
                   AND s.organization_id = d.organization_id AND s.kind = d.kind AND s.given_by = d.given_by
                   AND consent_giver_key(s.representative_name) = consent_giver_key(d.representative_name)))
               RETURNING d.id""",
            survivor_id,
            duplicate_id,
        )
    ]
    snils = duplicate.snils
    await Person.update({Person.merged_into: survivor_id, Person.snils: None}).where(Person.id == duplicate_id).run()
    if snils and not survivor.snils:
        await Person.update({Person.snils: snils}).where(Person.id == survivor_id).run()
    rows = (
        await PersonMerge.insert(
            PersonMerge(
                region_id=actor.region_id,
                organization_id=survivor.organization_id,
                survivor_id=survivor_id,
                duplicate_id=duplicate_id,
                moved_participations=moved_participations,
                moved_consents=moved_consents,
                merged_by=actor.user_id,
                merged_at=now(),
            )
        )
        .returning(PersonMerge.id)
        .run()
    )
    await audit(actor, "merge", survivor_id, f"присоединена запись {duplicate_id}")
    await audit(actor, "merge", duplicate_id, f"присоединена к записи {survivor_id}")
    return rows[0]["id"]


async def unmerge(actor: Actor, merge_id: UUID) -> None:
    record = await PersonMerge.select().where(PersonMerge.id == merge_id).first().run()
    if record is None:
        raise NotFound()
    if record["undone_at"] is not None:
        raise ValidationFailed({"merge_id": "Объединение уже отменено"})
    connection = current_connection()
    duplicate = await Person.select(Person.snils).where(Person.id == record["duplicate_id"]).first().run()
    survivor = (
        await Person.select(Person.snils, Person.destroyed_at).where(Person.id == record["survivor_id"]).first().run()
    )
    assert duplicate is not None and survivor is not None
    if survivor["destroyed_at"] is not None:
        raise ValidationFailed({"merge_id": "Персональные данные этих записей уничтожены: объединение не отменить"})
    await connection.execute(
        "UPDATE participation SET person_id = $1 WHERE id = ANY($2::uuid[])",
        record["duplicate_id"],
        record["moved_participations"],
    )
    await connection.execute(
        "UPDATE consent SET person_id = $1 WHERE id = ANY($2::uuid[])", record["duplicate_id"], record["moved_consents"]
    )
    await Person.update({Person.merged_into: None}).where(Person.id == record["duplicate_id"]).run()
    await (
        PersonMerge.update({PersonMerge.undone_at: now(), PersonMerge.undone_by: actor.user_id})
        .where(PersonMerge.id == merge_id)
        .run()
    )
    await audit(actor, "unmerge", record["survivor_id"], f"отделена запись {record['duplicate_id']}")
    await audit(actor, "unmerge", record["duplicate_id"], f"отделена от записи {record['survivor_id']}")


class MergeRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    organization_id: UUID
    survivor_id: UUID
    duplicate_id: UUID
    moved_participations: list[UUID]
    moved_consents: list[UUID]
    merged_by: UUID | None
    merged_at: datetime
    undone_by: UUID | None
    undone_at: datetime | None
    survivor_name: str
    duplicate_name: str


async def merges(limit: int = 100) -> list[MergeRecord]:
    rows = await current_connection().fetch(
        """SELECT m.*, s.full_name AS survivor_name, d.full_name AS duplicate_name FROM person_merge m
           JOIN person s ON s.region_id = m.region_id AND s.id = m.survivor_id
           JOIN person d ON d.region_id = m.region_id AND d.id = m.duplicate_id
           ORDER BY m.merged_at DESC LIMIT $1""",
        limit,
    )
    return msgspec.convert([dict(r) for r in rows], list[MergeRecord])


class BaseCounts(msgspec.Struct, kw_only=True):
    """One line of the aggregated base of curators, mentors and mentees (003 stage 4): each person once in a line,
    whatever their roles and organizations; `people` counts a person with several roles once."""

    curators: int = 0
    curator_candidates: int = 0
    mentors: int = 0  # the mentor base: candidates and the registry
    registry: int = 0
    mentees: int = 0
    people: int = 0


class OrganizationCounts(msgspec.Struct, kw_only=True):
    id: UUID
    organization: str
    counts: BaseCounts


class MunicipalityCounts(msgspec.Struct, kw_only=True):
    id: UUID
    municipality: str
    counts: BaseCounts
    organizations: list[OrganizationCounts]


class AggregatedBase(msgspec.Struct, kw_only=True):
    region: BaseCounts
    municipalities: list[MunicipalityCounts]


_COUNTS = """count(DISTINCT person_id) FILTER (WHERE curator) AS curators,
             count(DISTINCT person_id) FILTER (WHERE curator_candidate) AS curator_candidates,
             count(DISTINCT person_id) FILTER (WHERE mentor) AS mentors,
             count(DISTINCT person_id) FILTER (WHERE registry) AS registry,
             count(DISTINCT person_id) FILTER (WHERE mentee) AS mentees,
             count(DISTINCT person_id) AS people"""


async def aggregated_base() -> AggregatedBase:
    """Counts per organization, municipality and the region of the scope; a person in two organizations of one
    municipality is one person of the municipality."""
    rows = await current_connection().fetch(
        f"""WITH held AS (
                SELECT o.id AS organization_id, o.municipality_id, pa.person_id,
                       bool_or(pa.role = 'curator') AS curator,
                       bool_or(pa.role = 'curator_candidate') AS curator_candidate,
                       bool_or(pa.role IN ('mentor_candidate', 'mentor')) AS mentor,
                       bool_or(pa.role = 'mentor') AS registry,
                       bool_or(pa.role = 'mentee_candidate') AS mentee
                FROM organization o
                LEFT JOIN participation pa ON pa.region_id = o.region_id AND pa.organization_id = o.id
                     AND pa.archived_at IS NULL
                     AND EXISTS (SELECT 1 FROM person p WHERE p.region_id = pa.region_id AND p.id = pa.person_id
                                 AND p.merged_into IS NULL)
                GROUP BY o.id, o.municipality_id, pa.person_id)
            SELECT h.municipality_id, h.organization_id, grouping(h.municipality_id) AS whole_region,
                   grouping(h.organization_id) AS whole_municipality, {_COUNTS}
            FROM held h
            GROUP BY GROUPING SETS ((h.municipality_id, h.organization_id), (h.municipality_id), ())"""
    )
    names = await current_connection().fetch(
        """SELECT o.id, coalesce(nullif(o.short_name, ''), o.name) AS organization, o.sort_key AS o_key,
                  m.id AS municipality_id, m.name AS municipality, m.sort_key AS m_key
           FROM organization o JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           ORDER BY m.sort_key, o.sort_key"""
    )
    counts: dict[tuple[UUID | None, UUID | None], BaseCounts] = {}
    region = BaseCounts()
    for row in rows:
        values = msgspec.convert({k: row[k] for k in BaseCounts.__struct_fields__}, BaseCounts)
        if row["whole_region"]:
            region = values
        elif row["whole_municipality"]:
            counts[(row["municipality_id"], None)] = values
        else:
            counts[(row["municipality_id"], row["organization_id"])] = values
    municipalities: dict[UUID, MunicipalityCounts] = {}
    for name in names:
        municipality = municipalities.setdefault(
            name["municipality_id"],
            MunicipalityCounts(
                id=name["municipality_id"],
                municipality=name["municipality"],
                counts=counts.get((name["municipality_id"], None), BaseCounts()),
                organizations=[],
            ),
        )
        municipality.organizations.append(
            OrganizationCounts(
                id=name["id"],
                organization=name["organization"],
                counts=counts.get((name["municipality_id"], name["id"]), BaseCounts()),
            )
        )
    return AggregatedBase(region=region, municipalities=list(municipalities.values()))
