"""The demo's incentives register: thanks, diplomas, a letter to a peer mentor's parents, a petition for an award, a
bonus and an allowance in several schools and a college. МБОУ «СОШ № 1»'s order «О поощрении наставников» is
registered by its head (its mentors who consented to publication show their incentives on its public page);
МОУ «Озёрская СШ»'s is a draft its curator has not sent yet; the rest wait as proposals, one of them Светлогорск's
petition for an award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from services import programmes, registry
from services.incentives.register import Level, order_for_level
from services.incentives.tables import IncentiveKind, IncentiveLevel
from shared.actor import Actor
from shared.clock import today
from shared.db import Scope, current_connection, rescope

K = IncentiveKind
# (organization, the order: registered / draft / none, [(kind, learner?, reason, amount)])
PLANS: list[tuple[str, str, list[tuple[IncentiveKind, bool, str, Decimal | None]]]] = [
    (
        "МБОУ «СОШ № 1»",
        "registered",
        [
            (K.diploma, False, "За высокие результаты наставничества молодых педагогов в 2025/2026 учебном году", None),
            (K.thanks, False, "За подготовку наставнической пары к школьному фестивалю наставнических практик", None),
            (K.bonus, False, "За результативное сопровождение молодого специалиста в первый год работы", Decimal(5000)),
            (K.thanks, True, "За помощь пятиклассникам в адаптации к средней школе", None),
        ],
    ),
    (
        "МОУ «Озёрская СШ»",
        "draft",
        [
            (K.allowance, False, "За руководство наставнической группой «учитель – учитель»", Decimal("3500.00")),
            (K.diploma, False, "За открытое занятие для наставников района", None),
        ],
    ),
    ("МБОУ «Гимназия № 3»", "none", [(K.thanks, False, "За проведение мастер-класса для наставников", None)]),
    (
        "ГПОУ «Светлогорский политехнический колледж»",
        "none",
        [(K.diploma, False, "За организацию стажировок наставляемых на предприятии-партнёре", None)],
    ),
]
PEER = "За помощь младшим школьникам в подготовке к олимпиаде (благодарственное письмо родителям наставника)"
MUNICIPAL_PETITION = (  # Светлогорск's own proposal, about a mentor of its school
    "МБОУ «СОШ № 1»",
    "За многолетнюю наставническую деятельность и победу в муниципальном этапе конкурса «Наставник года»",
)


async def _mentors(organization_id: UUID) -> tuple[list[UUID], list[UUID]]:
    """The organization's consenting mentors, staff and learners; those who consented to publication first."""
    members = [
        m for m in await registry.base_members(organization_id, (registry.ParticipationRole.mentor,)) if m.consented
    ]
    public = await registry.publication_consented([m.id for m in members])
    members.sort(key=lambda m: m.id not in public)
    staff = [m.id for m in members if m.category != registry.Category.learner]
    learners = [m.id for m in members if m.category == registry.Category.learner]
    return staff, learners


async def _insert(
    region_id: UUID,
    organization: tuple[UUID, UUID],
    person_id: UUID,
    level: IncentiveLevel,
    kind: IncentiveKind,
    reason: str,
    amount: Decimal | None,
) -> UUID:
    incentive_id: UUID = await current_connection().fetchval(
        """INSERT INTO mentor_incentive (region_id, organization_id, municipality_id, person_id, level, kind, reason,
               amount, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() - interval '20 days', now() - interval '20 days')
           RETURNING id""",
        region_id,
        organization[0],
        organization[1],
        person_id,
        level.value,
        kind.value,
        reason,
        amount,
    )
    return incentive_id


async def seed_incentives(region_id: UUID) -> None:
    """Once per region: nothing is added when the register has anything."""
    await rescope(Scope.for_region(region_id))
    db = current_connection()
    if await db.fetchval("SELECT count(*) FROM mentor_incentive WHERE region_id = $1", region_id):
        return
    organizations = {
        r["short_name"]: (r["id"], r["municipality_id"])
        for r in await db.fetch(
            "SELECT id, municipality_id, short_name FROM organization WHERE region_id = $1", region_id
        )
    }
    for name, order, plan in PLANS:
        organization = organizations.get(name)
        if organization is None:
            continue
        staff, learners = await _mentors(organization[0])
        ids = []
        for n, (kind, learner, reason, amount) in enumerate(plan):
            people = learners if learner else staff
            if not people:
                continue
            person_id = people[n % len(people)]
            ids.append(
                str(
                    await _insert(region_id, organization, person_id, IncentiveLevel.organization, kind, reason, amount)
                )
            )
        if order == "none" or not ids:
            continue
        actor = Actor(None, region_id, organization[0])
        owner = programmes.Owner(organization_id=organization[0])
        level = Level(IncentiveLevel.organization, owner, organization[0], organization[1])
        order_id = await order_for_level(actor, level, ids)
        if order == "registered":
            signed = today() - timedelta(days=14)
            await programmes.register(actor, order_id, programmes.RegisterForm("47-п", f"{signed:%d.%m.%Y}"))
    for organization in organizations.values():  # the first school with a consenting peer mentor
        _, learners = await _mentors(organization[0])
        if learners:
            await _insert(
                region_id, organization, learners[0], IncentiveLevel.organization, K.parents_letter, PEER, None
            )
            break
    school, reason = MUNICIPAL_PETITION
    organization = organizations.get(school)
    if organization is not None:
        staff, _ = await _mentors(organization[0])
        if staff:
            await _insert(
                region_id, organization, staff[0], IncentiveLevel.municipality, K.award_petition, reason, None
            )
    await rescope(Scope.for_region(region_id))
