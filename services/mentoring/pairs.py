"""Pairs and groups: their statuses and terms, creating one under every rule of the Положение, and reading them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import msgspec
from dateutil.relativedelta import relativedelta

from services import programmes
from services.mentoring import rules
from services.mentoring.records import (
    Alert,
    FormRule,
    Meeting,
    Member,
    MentorSpell,
    OrderRef,
    Pair,
    PairCard,
    ProgrammeRecord,
    RoleModelRef,
    ScoreDetails,
    Terms,
    view,
)
from services.mentoring.rhythm import RHYTHM_DAYS
from services.mentoring.tables import Meeting as MeetingRow
from services.mentoring.tables import MentorChange, Mentorship, MentorshipMentee, PlanRow, Status
from services.registry import ParticipationRole, base_members, people_brief
from shared.actor import Actor
from shared.audit import audit
from shared.clock import now, today
from shared.db import Scope, current_connection, widened
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import format_date

STATUS_LABELS: dict[Status, str] = {
    Status.draft: "Проект",
    Status.approved: "Утверждена приказом",
    Status.active: "Работает",
    Status.completed: "Завершена",
    Status.ended_early: "Завершена досрочно",
}
OPEN = (Status.draft, Status.approved, Status.active)


def latest_end(starts_on: date, months: int = 12) -> date:
    """A pair lasts at most one calendar year (and no longer than the programme allows)."""
    return starts_on + relativedelta(months=min(months, 12), days=-1)


# Creating pairs -------------------------------------------------------------------------------------------


@dataclass
class PairForm:
    mentor_id: str = ""
    mentee_ids: list[str] = field(default_factory=list)
    form_id: str = ""
    role_model_id: str = ""
    starts_on: str = ""
    ends_on: str = ""
    group_agreed: bool = False  # more than two mentees: the mentor and the mentees agreed to group work
    group_agreed_on: str = ""


async def open_load(
    programme_id: UUID, organization_ids: list[UUID] | None = None
) -> tuple[dict[UUID, int], dict[tuple[UUID, UUID], UUID]]:
    """Mentees per mentor in open pairs of the programme's organization (or of `organization_ids`, a municipal or
    regional programme's pool), whichever programme they started in, and counting replacements waiting for their
    order; and each mentee's open pair per form."""
    rows = await current_connection().fetch(
        """SELECT m.id, coalesce(c.mentor_id, m.mentor_id) AS mentor_id, m.form_id, mm.mentee_id
           FROM mentorship m
           JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
           LEFT JOIN mentor_change c ON c.region_id = m.region_id AND c.mentorship_id = m.id AND c.pending
           WHERE m.organization_id = ANY(
                   coalesce($3::uuid[], ARRAY[(SELECT organization_id FROM programme WHERE id = $1)]))
             AND m.status = ANY($2::text[])""",
        programme_id,
        [s.value for s in OPEN],
        organization_ids,
    )
    taken = {(row["mentee_id"], row["form_id"]): row["id"] for row in rows}
    return await _mentor_load(programme_id, organization_ids), taken


async def _mentor_load(programme_id: UUID, organization_ids: list[UUID] | None) -> dict[UUID, int]:
    """Mentees per mentor of these organizations in open pairs anywhere in the region: a municipal programme's
    pair lives in its mentee's organization, out of the sight of the mentor's own, yet takes the mentor's place.
    Read under the region's scope, and only as counts."""
    connection = current_connection()
    region_id = await connection.fetchval("SELECT region_id FROM programme WHERE id = $1", programme_id)
    if region_id is None:
        return {}
    async with widened(Scope.for_region(region_id)):
        rows = await connection.fetch(
            """WITH mentors AS (
                   SELECT DISTINCT pa.person_id FROM participation pa
                   WHERE pa.region_id = $1 AND pa.role = 'mentor' AND pa.organization_id = ANY(
                       coalesce($3::uuid[], ARRAY[(SELECT organization_id FROM programme WHERE id = $2)])))
               SELECT coalesce(c.mentor_id, m.mentor_id) AS mentor_id, count(*) AS mentees
               FROM mentorship m
               JOIN mentorship_mentee mm ON mm.region_id = m.region_id AND mm.mentorship_id = m.id
               LEFT JOIN mentor_change c ON c.region_id = m.region_id AND c.mentorship_id = m.id AND c.pending
               WHERE m.region_id = $1 AND m.status = ANY($4::text[])
                 AND coalesce(c.mentor_id, m.mentor_id) IN (SELECT person_id FROM mentors)
               GROUP BY 1""",
            region_id,
            programme_id,
            organization_ids,
            [s.value for s in OPEN],
        )
    return {row["mentor_id"]: int(row["mentees"]) for row in rows}


@dataclass(frozen=True)
class Pool:
    """Whose bases a programme draws on: its own organization's; a municipality's programme every organization of
    the municipality, partner employers (organizations of kind «employer») among them; the region's every
    organization of the region. `homes` tells in which of them a person is a registry mentor or a mentee."""

    organizations: dict[UUID, PoolOrganization]
    mentors: list[Member]
    mentees: list[Member]
    mentor_homes: dict[UUID, list[UUID]]
    mentee_homes: dict[UUID, list[UUID]]

    @property
    def pooled(self) -> bool:
        """More than the programme's own organization: a municipal or regional programme."""
        return self.level != "organization"

    level: str = "organization"


@dataclass(frozen=True)
class PoolOrganization:
    id: UUID
    municipality_id: UUID
    name: str
    kind: str


async def pool(programme: ProgrammeRecord) -> Pool:
    terms = view(programme, Terms)
    rows = await current_connection().fetch(
        """SELECT id, municipality_id, coalesce(nullif(short_name, ''), name) AS name, kind FROM organization
           WHERE region_id = $1 AND ($2::uuid IS NULL OR id = $2) AND ($3::uuid IS NULL OR municipality_id = $3)
           ORDER BY sort_key""",
        terms.region_id,
        terms.organization_id,
        terms.municipality_id,
    )
    organizations = {r["id"]: PoolOrganization(r["id"], r["municipality_id"], r["name"], r["kind"]) for r in rows}
    found: dict[ParticipationRole, tuple[dict[UUID, Member], dict[UUID, list[UUID]]]] = {
        ParticipationRole.mentor: ({}, {}),
        ParticipationRole.mentee_candidate: ({}, {}),
    }
    for organization_id in organizations:
        for role, (members, homes) in found.items():
            for member in await base_members(organization_id, (role,)):
                members.setdefault(member.id, view(member, Member))
                homes.setdefault(member.id, []).append(organization_id)
    (mentors, mentor_homes), (mentees, mentee_homes) = (
        found[ParticipationRole.mentor],
        found[ParticipationRole.mentee_candidate],
    )
    level = "organization" if terms.organization_id else "municipality" if terms.municipality_id else "region"
    return Pool(organizations, list(mentors.values()), list(mentees.values()), mentor_homes, mentee_homes, level)


async def pool_participating(found: Pool) -> tuple[set[UUID], set[UUID]]:
    """Which mentors and which mentees of the pool have an active consent to take part, given in an organization
    whose base holds them in that role."""
    people: dict[UUID, set[UUID]] = {}
    for homes in (found.mentor_homes, found.mentee_homes):
        for person_id, organization_ids in homes.items():
            for organization_id in organization_ids:
                people.setdefault(organization_id, set()).add(person_id)
    given: set[tuple[UUID, UUID]] = set()
    for organization_id, person_ids in people.items():
        given |= {(organization_id, p) for p in await rules.participating(organization_id, list(person_ids))}

    def consenting(homes: dict[UUID, list[UUID]]) -> set[UUID]:
        return {p for p, organization_ids in homes.items() if any((o, p) in given for o in organization_ids)}

    return consenting(found.mentor_homes), consenting(found.mentee_homes)


async def eligible(programme: ProgrammeRecord) -> tuple[list[Member], list[Member]]:
    """Registry mentors and mentee candidates of the programme's organization (or of its pool), with consent
    flags."""
    organization_id = view(programme, Terms).organization_id
    if organization_id is None:
        found = await pool(programme)
        return found.mentors, found.mentees
    mentors = await base_members(organization_id, (ParticipationRole.mentor,))
    mentees = await base_members(organization_id, (ParticipationRole.mentee_candidate,))
    return [view(m, Member) for m in mentors], [view(m, Member) for m in mentees]


async def create_pair(
    actor: Actor,
    programme: ProgrammeRecord,
    form: PairForm,
    score: int | None = None,
    details: ScoreDetails | None = None,
) -> UUID:
    """A draft pair or group, checked against every rule of the Положение before anything is written. A municipal
    or regional programme's pair (proposed by its matching, accepted by its coordinator) draws on the programme's
    pool and belongs to its mentees' organization."""
    terms = view(programme, Terms)
    found = None if terms.organization_id is not None else await pool(programme)
    if found is None and terms.organization_id != actor.organization_id:
        raise Forbidden()
    if found is not None and actor.organization_id is not None:
        raise Forbidden()  # the level's coordinator, not an organization's curator
    errors = Errors()
    mentors, mentees = (found.mentors, found.mentees) if found is not None else await eligible(programme)

    async def refused_of(people: list[Member], as_mentor: bool) -> list[Member]:
        if found is None:
            assert terms.organization_id is not None
            return await rules.without_participation(terms.organization_id, people)
        mentors_consenting, mentees_consenting = await pool_participating(found)
        consenting = mentors_consenting if as_mentor else mentees_consenting
        return [p for p in people if p.id not in consenting]

    mentor = next((m for m in mentors if str(m.id) == form.mentor_id), None)
    if mentor is None:
        errors.add("mentor_id", "Наставник должен быть в утверждённом реестре наставников организации")
    elif not mentor.consented:
        errors.add("mentor_id", "У наставника нет действующего согласия на обработку персональных данных")
    chosen = [m for m in mentees if str(m.id) in set(form.mentee_ids)]
    if not chosen or len(chosen) != len(set(form.mentee_ids)):
        errors.add("mentee_ids", "Выберите наставляемых из базы наставляемых организации")
    elif any(not m.consented for m in chosen):
        errors.add("mentee_ids", "У наставляемого нет действующего согласия на обработку персональных данных")
    if mentor is not None and any(m.id == mentor.id for m in chosen):
        errors.add("mentee_ids", "Наставник не может быть своим наставляемым")
    if len(chosen) > 1 and not terms.group_work:
        errors.add("mentee_ids", "Групповая работа не разрешена программой: один наставляемый на пару")
    group_agreed_on = None
    if len(chosen) > rules.GROUP_LIMIT:
        if not form.group_agreed:
            errors.add(
                "group_agreed",
                "Больше двух наставляемых — только при групповой работе, согласованной наставником и наставляемыми",
            )
        group_agreed_on = programmes.read_date(errors, "group_agreed_on", form.group_agreed_on)
        if group_agreed_on and group_agreed_on > today():
            errors.add("group_agreed_on", "Дата согласия не может быть в будущем")
    home = terms.organization_id
    if found is not None and chosen:
        shared = set.intersection(*(set(found.mentee_homes.get(m.id, [])) for m in chosen))
        home = next((o for o in found.organizations if o in shared), None)
        if home is None:
            errors.add("mentee_ids", "Наставляемые одной пары или группы — из одной организации")
    if mentor is not None:
        refused = await refused_of([mentor], as_mentor=True)
        if refused:
            errors.add("mentor_id", f"Нет согласия на участие в программе наставничества: {mentor.full_name}")
    if chosen:
        refused = await refused_of(chosen, as_mentor=False)
        if refused:
            errors.add(
                "mentee_ids",
                "Нет согласия на участие в программе наставничества (за несовершеннолетнего — от законного "
                f"представителя): {', '.join(m.full_name for m in refused)}",
            )
    if mentor is not None and chosen and not any(m.id == mentor.id for m in chosen):
        younger = await rules.not_older(mentor, chosen)
        if younger is None:
            errors.add("mentor_id", "Укажите дату рождения или класс (курс) наставника-обучающегося")
        elif younger:
            errors.add(
                "mentor_id",
                f"Наставник-обучающийся должен быть старше наставляемого: {', '.join(m.full_name for m in younger)}",
            )
        again = await rules.paired_before(terms.id, mentor.id, [m.id for m in chosen])
        if again:
            names = ", ".join(m.full_name for m in chosen if m.id in again)
            errors.add("mentee_ids", f"Эта пара уже была в программе, второй раз её не составляют: {names}")
    forms, models = await programmes.catalogue_choices()
    offered = [(f, view(f, FormRule)) for f in forms]
    catalogue_form, form_row = next(
        ((f, rule) for f, rule in offered if str(rule.id) == form.form_id and rule.id in terms.form_ids), (None, None)
    )
    if form_row is None:
        errors.add("form_id", "Выберите форму наставничества из программы")
    role_model_id = None
    if catalogue_form is not None and form.role_model_id:
        allowed = {
            str(m.id): m.id for m in (view(m, RoleModelRef) for m in programmes.models_of_form(catalogue_form, models))
        }
        role_model_id = allowed.get(form.role_model_id)
        if role_model_id is None:
            errors.add("role_model_id", "Ролевая модель не относится к выбранной форме")
    if form_row is not None and mentor is not None and mentor.category not in form_row.mentor_categories:
        errors.add("mentor_id", f"В форме «{form_row.title}» этот человек не может быть наставником")
    if form_row is not None and any(m.category not in form_row.mentee_categories for m in chosen):
        errors.add("mentee_ids", f"В форме «{form_row.title}» наставляемым может быть только другая категория")
    starts_on = programmes.read_date(errors, "starts_on", form.starts_on)
    ends_on = programmes.read_date(errors, "ends_on", form.ends_on, required=False)
    if starts_on:
        longest = latest_end(starts_on, terms.max_pair_months)
        ends_on = ends_on or longest
        if not terms.starts_on <= starts_on <= terms.ends_on:
            errors.add("starts_on", "Начало работы пары — в периоде программы")
        elif starts_on < today():
            errors.add("starts_on", "Пара начинает работу по приказу: начало — не раньше сегодняшнего дня")
        if ends_on <= starts_on:
            errors.add("ends_on", "Окончание позже начала")
        elif ends_on < rules.earliest_end(starts_on):
            errors.add(
                "ends_on",
                f"Совместная работа — не меньше {rules.MIN_MONTHS} месяцев: окончание не раньше "
                f"{format_date(rules.earliest_end(starts_on))}",
            )
        elif ends_on > longest:
            errors.add(
                "ends_on",
                f"Пара работает не дольше {terms.max_pair_months} мес. и не более календарного года: "
                f"до {format_date(longest)}",
            )
    errors.raise_if_any()
    assert mentor is not None and form_row is not None and starts_on is not None and ends_on is not None
    assert home is not None
    load, taken = await open_load(terms.id, list(found.organizations) if found is not None else None)
    if load.get(mentor.id, 0) + len(chosen) > terms.max_mentees_per_mentor:
        raise ValidationFailed(
            {"mentor_id": f"У наставника не больше {terms.max_mentees_per_mentor} наставляемых одновременно"}
        )
    twice = [m.full_name for m in chosen if (m.id, form_row.id) in taken]
    if twice:
        raise ValidationFailed({"mentee_ids": f"Уже в паре этой формы: {', '.join(twice)}"})
    rows = (
        await Mentorship.insert(
            Mentorship(
                region_id=actor.region_id,
                organization_id=home,
                programme_id=terms.id,
                mentor_id=mentor.id,
                form_id=form_row.id,
                role_model_id=role_model_id,
                status=Status.draft,
                starts_on=starts_on,
                ends_on=ends_on,
                extension_reason="",
                end_reason="",
                score=score,
                score_details=msgspec.to_builtins(details or ScoreDetails()),
                group_agreed_on=group_agreed_on,
                created_by=actor.user_id,
                created_at=now(),
                updated_at=now(),
            )
        )
        .returning(Mentorship.id)
        .run()
    )
    pair_id: UUID = rows[0]["id"]
    for mentee in chosen:
        await MentorshipMentee.insert(
            MentorshipMentee(
                region_id=actor.region_id,
                organization_id=home,
                mentorship_id=pair_id,
                mentee_id=mentee.id,
            )
        ).run()
    await record_mentor(actor, pair_id, mentor.id, starts_on, organization_id=home)
    return pair_id


async def record_mentor(
    actor: Actor,
    pair_id: UUID,
    mentor_id: UUID,
    since: date,
    reason: str = "",
    order_id: UUID | None = None,
    organization_id: UUID | None = None,
) -> None:
    """The pair's history of mentors; a replacement by order is pending until the order is registered. A municipal
    coordinator's pair names its organization (`organization_id`); else it is the actor's."""
    await MentorChange.insert(
        MentorChange(
            region_id=actor.region_id,
            organization_id=organization_id or actor.organization_id,
            mentorship_id=pair_id,
            mentor_id=mentor_id,
            since=since,
            reason=reason,
            order_id=order_id,
            pending=order_id is not None,
            created_at=now(),
        )
    ).run()


# Reading ------------------------------------------------------------------------------------------------------


async def list_pairs(
    programme_id: UUID | None = None,
    status: str = "",
    person_id: UUID | None = None,
    organization_id: UUID | None = None,
    *,
    pair_id: UUID | None = None,
) -> list[Pair]:
    """Pairs with names, form, meetings count and the last meeting; `person_id` keeps only that person's."""
    rows = await current_connection().fetch(
        """SELECT m.*, f.title AS form_title, r.title AS role_model_title,
                  ARRAY(SELECT mm.mentee_id FROM mentorship_mentee mm
                        WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id) AS mentee_ids,
                  (SELECT count(*) FROM meeting x
                   WHERE x.region_id = m.region_id AND x.mentorship_id = m.id) AS meetings,
                  (SELECT max(held_on) FROM meeting x WHERE x.region_id = m.region_id AND x.mentorship_id = m.id)
                      AS last_meeting
           FROM mentorship m JOIN mentorship_form f ON f.id = m.form_id
           LEFT JOIN role_model r ON r.id = m.role_model_id
           WHERE ($1::uuid IS NULL OR m.programme_id = $1) AND ($2 = '' OR m.status = $2)
             AND ($3::uuid IS NULL OR m.mentor_id = $3 OR EXISTS (SELECT 1 FROM mentorship_mentee mm
                  WHERE mm.region_id = m.region_id AND mm.mentorship_id = m.id AND mm.mentee_id = $3))
             AND ($4::uuid IS NULL OR m.organization_id = $4) AND ($5::uuid IS NULL OR m.id = $5)
           ORDER BY m.created_at""",
        programme_id,
        status,
        person_id,
        organization_id,
        pair_id,
    )
    pairs = [dict(r) for r in rows]
    briefs = await people_brief(list({p["mentor_id"] for p in pairs} | {i for p in pairs for i in p["mentee_ids"]}))
    people = {person_id: view(brief, Member) for person_id, brief in briefs.items()}

    def member(person_id: UUID) -> Member:
        return people.get(person_id) or Member(person_id, "—")

    for pair in pairs:
        pair["mentor"] = member(pair["mentor_id"])
        pair["mentees"] = [member(i) for i in pair["mentee_ids"]]
    return [view(pair, Pair) for pair in pairs]


async def get_pair(pair_id: UUID, person_id: UUID | None = None) -> Pair:
    """For a cabinet (`person_id`) only a pair that person is in."""
    found = await list_pairs(person_id=person_id, pair_id=pair_id)
    if not found:
        raise NotFound()
    return found[0]


async def pair_card(pair_id: UUID, person_id: UUID | None = None) -> PairCard:
    """The whole pair; for a cabinet (`person_id`) only a pair that person is in."""
    pair = await get_pair(pair_id, person_id)
    plan_rows = await PlanRow.select().where(PlanRow.mentorship_id == pair_id).order_by(PlanRow.position).run()
    plan: dict[str, list[dict[str, str]]] = {"wish": [], "goal": []}
    for row in plan_rows:
        plan[row["kind"]].append(row["cells"])
    meetings = await MeetingRow.select().where(MeetingRow.mentorship_id == pair_id).order_by(MeetingRow.held_on).run()
    changes = (
        await MentorChange.select().where(MentorChange.mentorship_id == pair_id).order_by(MentorChange.since).run()
    )
    names = {
        i: view(brief, Member).full_name for i, brief in (await people_brief([c["mentor_id"] for c in changes])).items()
    }
    history = [view({**c, "mentor": names.get(c["mentor_id"], "—")}, MentorSpell) for c in changes]
    order_ids = {pair.order_id, *(c.order_id for c in history)} - {None}
    pair_orders = [view(await programmes.get_order(i), OrderRef) for i in order_ids if i is not None]
    alerts = await current_connection().fetch(
        "SELECT kind, lapse, details, found_at FROM rhythm_alert WHERE mentorship_id = $1 ORDER BY found_at DESC",
        pair_id,
    )
    silent = pair.status == Status.active and (today() - pair.rhythm_since).days > RHYTHM_DAYS
    current = [a for a in alerts if a["kind"] != "no_meeting" or (silent and a["lapse"] == str(pair.rhythm_since))]
    return PairCard(
        pair,
        plan,
        [view(m, Meeting) for m in meetings],
        history,
        pair_orders,
        [view(dict(a), Alert) for a in current],
    )


def require_consents(pair: Pair) -> None:
    """A withdrawn consent stops processing: the pair's records are not added to until the curator acts."""
    if not all(p.consented for p in (pair.mentor, *pair.mentees)):
        raise ValidationFailed({"consent": "Согласие на обработку персональных данных отозвано: обратитесь к куратору"})


async def read_card(actor: Actor, pair_id: UUID, person_id: UUID | None = None) -> PairCard:
    """The card as somebody reads it: reading a pair's card reads the personal data of everybody in it."""
    card = await pair_card(pair_id, person_id)
    for someone in (card.pair.mentor_id, *card.pair.mentee_ids):
        await audit(actor, "view", someone, "карточка наставнической пары")
    return card
