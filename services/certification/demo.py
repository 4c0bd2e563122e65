"""The demo's curator certification: the closed round of 2023 whose two certificates expire within 60 days, and the
round of 2026 under review with an application in each state, the commission's conflict of interest visible.

The applications' portfolios are seeded as stored data (the school's hours come from the school's own demo, and a
portfolio is a snapshot anyway); scores, decisions, orders and certificates go through the domain's rules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from services.certificates import CertificateDraft, CertificateKind, issue_certificate
from services.certification import decisions, rounds, scoring
from services.certification.portfolio import Portfolio, PortfolioItem, contest_note, encode, points
from services.certification.rounds import CriterionForm, MemberForm, RoundForm, criteria_of
from services.certification.tables import (
    ApplicationState,
    CertificationApplication,
    CertificationRound,
    CriterionSource,
    RoundStatus,
)
from services.programmes import OrderKind, RegisterForm, get_order, register
from services.registry import ensure_curator_person
from shared.actor import Actor
from shared.clock import now, today
from shared.db import Level, Scope, current_connection, rescope
from shared.i18n import format_date
from tenants import AccountRole, OrganizationSummary, Role, ensure_user, list_organizations, list_people

ROUND_2023 = "Сертификация кураторов 2023"
ROUND_2026 = "Сертификация кураторов 2026"
INTERVIEW = "Собеседование: как куратор выстроил программу наставничества организации и что изменилось за год"


@dataclass(frozen=True)
class Applicant:
    """A curator of the demo applying; the documented logins, or an applicant known to the demo by name only."""

    email: str
    names: tuple[str, str, str]
    organization: str
    counts: dict[CriterionSource, int]
    hours: int
    months: int


CURATOR1 = Applicant(
    "curator1@demo.local",
    ("Васильева", "Марина", "Андреевна"),
    "МБОУ «СОШ № 1»",
    {
        CriterionSource.approved_programme: 1,
        CriterionSource.pairs_completed: 6,
        CriterionSource.monitoring_on_time: 2,
        CriterionSource.roadmap_held: 12,
    },
    24,
    40,
)
CURATOR2 = Applicant("curator2@demo.local", ("Кузнецов", "Олег", "Дмитриевич"), "МОУ «Озёрская СШ»", {}, 24, 40)
# Applicants without a login of their own: the demo shows their applications, nobody signs in as them.
OTHERS = [
    Applicant(
        "cert.belova@demo.local",
        ("Белова", "Ирина", "Николаевна"),
        "МОУ «Озёрская СШ»",
        {
            CriterionSource.approved_programme: 1,
            CriterionSource.pairs_completed: 4,
            CriterionSource.monitoring_on_time: 2,
            CriterionSource.roadmap_held: 9,
        },
        24,
        26,
    ),
    Applicant(
        "cert.zaitseva@demo.local",
        ("Зайцева", "Ольга", "Викторовна"),
        "МОУ «Берёзовская ОШ»",
        {CriterionSource.approved_programme: 1, CriterionSource.pairs_completed: 1, CriterionSource.roadmap_held: 4},
        24,
        14,
    ),
    Applicant(
        "cert.romanov@demo.local",
        ("Романов", "Денис", "Сергеевич"),
        "ГПОУ «Светлогорский политехнический колледж»",
        {CriterionSource.approved_programme: 1, CriterionSource.roadmap_held: 3},
        24,
        13,
    ),
    Applicant(
        "cert.egorova@demo.local",
        ("Егорова", "Анна", "Павловна"),
        "МБОУ «Гимназия № 3»",
        {CriterionSource.roadmap_held: 2},
        0,
        5,
    ),
]


async def seed_certification(region_id: UUID) -> None:
    """Idempotent: a round already seeded (by its title) is left as it is. Runs under the seeding's platform
    scope, which creates the applicants' accounts; the rest under the region's."""
    await rescope(Scope(Level.platform))
    accounts = {}
    for applicant in OTHERS:  # no membership, a password nobody knows: a name in the demo, not a login
        accounts[applicant.email] = await ensure_user(applicant.email, secrets.token_urlsafe(24), *applicant.names)
    await rescope(Scope.for_region(region_id))
    existing = {r.title for r in await rounds.list_rounds()}
    people = {(a.email, a.role): a for a in await list_people()}
    accounts.update({email: a.id for (email, role), a in people.items() if role == Role.curator})
    organizations = {o.short_name: o for o in await list_organizations()}
    region_user = people[("region@demo.local", Role.regional_coordinator)].id
    actor = Actor(region_user, region_id, None, "seed-demo")
    if ROUND_2023 not in existing:
        await _round_2023(actor, people, organizations, accounts)
    if ROUND_2026 not in existing:
        await _round_2026(actor, people, organizations, accounts)


async def _round(actor: Actor, title: str, starts: date, ends: date, members: list[tuple[UUID, str, bool]]) -> UUID:
    form = RoundForm(
        title=title,
        applications_from=starts.isoformat(),
        applications_until=ends.isoformat(),
        min_school_hours="18",
        min_curator_months="12",
        pass_score="60",  # noqa: S106 - a score, not a password
        in_person="interview",
        in_person_description=INTERVIEW,
        in_person_max="30",
    )
    round_id = await rounds.create_round(actor, form, 3)
    await rounds.add_criterion(
        actor,
        round_id,
        CriterionForm("manual", "Методическая разработка куратора (на оценку комиссии)", "1", "10", ""),
    )
    for user_id, position, chair in members:
        await rounds.add_member(actor, round_id, MemberForm(str(user_id), position, "on" if chair else ""))
    order_id = await rounds.commission_order(actor, round_id)
    await register(
        actor, order_id, RegisterForm(number=f"{starts.day}-ск", signed_on=(starts - timedelta(3)).isoformat())
    )
    return round_id


def _portfolio(criteria: list[rounds.CriterionRecord], applicant: Applicant, day: date) -> Portfolio:
    items = []
    for c in criteria:
        count = Decimal(
            applicant.hours if c.source == CriterionSource.school_hours else applicant.counts.get(c.source, 0)
        )
        note = {
            CriterionSource.cases_published: f"опубликовано: {count}",
            CriterionSource.contest_results: contest_note(int(count)),
            CriterionSource.manual: "оценивает комиссия",
        }.get(c.source, f"учтено: {count}")
        items.append(
            PortfolioItem(
                criterion_id=c.id,
                source=c.source.value,
                title=c.title,
                count=count,
                points=Decimal(0) if c.source == CriterionSource.manual else points(count, c),
                max_points=c.max_points,
                required=c.required,
                note=note,
            )
        )
    since = day - timedelta(days=applicant.months * 31)
    return Portfolio(
        assembled_at=now(),
        items=items,
        school_hours=Decimal(applicant.hours),
        curator_since=since,
        curator_months=applicant.months,
    )


async def _apply(
    actor: Actor,
    round_id: UUID,
    applicant: Applicant,
    organizations: dict[str, OrganizationSummary],
    accounts: dict[str, UUID],
    state: ApplicationState,
    day: date,
    previous: UUID | None = None,
) -> tuple[UUID, UUID, UUID]:
    """The application as the curator would have sent it; returns it, the curator's person and organization."""
    organization_id = organizations[applicant.organization].id
    user_id = accounts[applicant.email]
    person_id = await ensure_curator_person(
        Actor(actor.user_id, actor.region_id, organization_id, actor.ip), *applicant.names
    )
    assert person_id is not None
    portfolio = _portfolio(await criteria_of(round_id), applicant, day)
    rows = (
        await CertificationApplication.insert(
            CertificationApplication(
                region_id=actor.region_id,
                round_id=round_id,
                organization_id=organization_id,
                user_id=user_id,
                person_id=person_id,
                full_name=" ".join(applicant.names),
                state=state,
                portfolio=encode(portfolio),
                auto_points=portfolio.auto_points,
                decision_reasons="",
                submitted_at=None if state == ApplicationState.draft else now() - timedelta(days=20),
                previous_certificate_id=previous,
                created_at=now() - timedelta(days=25),
            )
        )
        .returning(CertificationApplication.id)
        .run()
    )
    return rows[0]["id"], person_id, organization_id


async def _status(round_id: UUID, status: RoundStatus) -> None:
    await CertificationRound.update({CertificationRound.status: status}).where(CertificationRound.id == round_id).run()


async def _round_2023(
    actor: Actor,
    people: dict[tuple[str, Role], AccountRole],
    organizations: dict[str, OrganizationSummary],
    accounts: dict[str, UUID],
) -> None:
    """Closed; Васильева and Кузнецов certified then, their certificates ending in 45 and 55 days."""
    day = today()
    starts = date(day.year - 3, 3, 1)
    region_user = actor.user_id
    assert region_user is not None
    municipal = people[("municipality@demo.local", Role.municipal_coordinator)].id
    head = people[("head1@demo.local", Role.head)].id
    members = [
        (region_user, "Руководитель регионального наставнического центра", True),
        (municipal, "Муниципальный координатор", False),
        (head, "Директор МБОУ «СОШ № 1»", False),
    ]
    round_id = await _round(actor, ROUND_2023, starts, starts + timedelta(days=45), members)
    for applicant, left in ((CURATOR1, 45), (CURATOR2, 55)):
        application_id, person_id, organization_id = await _apply(
            actor, round_id, applicant, organizations, accounts, ApplicationState.certified, starts
        )
        valid_until = day + timedelta(days=left)
        issued = valid_until - timedelta(days=3 * 365)
        certificate = await issue_certificate(
            actor,
            CertificateDraft(
                kind=CertificateKind.curator,
                organization_id=organization_id,
                person_id=person_id,
                holder_name=" ".join(applicant.names),
                title=f"Куратор наставнической деятельности ({ROUND_2023})",
                issued_on=issued,
                starts_on=issued,
                valid_until=valid_until,
                source_kind=decisions.SOURCE_KIND,
                source_id=application_id,
                issuer_name="Региональный наставнический центр",
                signatory_name="Соколова Татьяна Владимировна",
                signatory_position="Председатель комиссии по сертификации кураторов",
            ),
        )
        await (
            CertificationApplication.update(
                {
                    CertificationApplication.certificate_id: certificate.id,
                    CertificationApplication.total_score: Decimal(78),
                    CertificationApplication.decided_at: now() - timedelta(days=3 * 365),
                    CertificationApplication.decided_by: region_user,
                    CertificationApplication.submitted_at: now() - timedelta(days=3 * 365 + 20),
                }
            )
            .where(CertificationApplication.id == application_id)
            .run()
        )
    await _status(round_id, RoundStatus.closed)


async def _round_2026(
    actor: Actor,
    people: dict[tuple[str, Role], AccountRole],
    organizations: dict[str, OrganizationSummary],
    accounts: dict[str, UUID],
) -> None:
    """Under review: certified (a renewal), submitted and being scored, returned, not certified, and a draft."""
    day = today()
    region_user = actor.user_id
    assert region_user is not None
    municipal = people[("municipality@demo.local", Role.municipal_coordinator)].id
    curator2 = people[("curator2@demo.local", Role.curator)].id
    members = [
        (region_user, "Руководитель регионального наставнического центра", True),
        (municipal, "Муниципальный координатор", False),
        (curator2, "Куратор программы наставничества", False),
    ]
    round_id = await _round(actor, ROUND_2026, day - timedelta(days=60), day - timedelta(days=10), members)
    await _status(round_id, RoundStatus.review)
    previous = await current_connection().fetchval(
        """SELECT a.certificate_id FROM certification_application a
           JOIN certification_round r ON r.region_id = a.region_id AND r.id = a.round_id
           WHERE r.title = $1 AND a.full_name = $2""",
        ROUND_2023,
        " ".join(CURATOR1.names),
    )
    belova, zaitseva, romanov, egorova = OTHERS
    plan = [
        (CURATOR1, ApplicationState.submitted, {region_user: "27", municipal: "25", curator2: "26"}, previous),
        (belova, ApplicationState.submitted, {region_user: "24", municipal: "22"}, None),
        (zaitseva, ApplicationState.submitted, {region_user: "20"}, None),
        (romanov, ApplicationState.submitted, {region_user: "12", municipal: "10", curator2: "11"}, None),
        (egorova, ApplicationState.draft, {}, None),
    ]
    manual = next(c for c in await criteria_of(round_id) if c.source == CriterionSource.manual)
    ids = {}
    for applicant, state, scores, renewed in plan:
        application_id, _, _ = await _apply(actor, round_id, applicant, organizations, accounts, state, day, renewed)
        ids[applicant.email] = application_id
        for member, value in scores.items():
            form = scoring.SheetForm(value, "Ответы уверенные, примеры из практики", {str(manual.id): "7"}, {})
            await scoring.save_sheet(actor, member, application_id, form)
    region = Role.regional_coordinator
    certified = await decisions.decide(actor, region, ids[CURATOR1.email], "certified", "")
    if certified.decision_order_id:
        order = await get_order(certified.decision_order_id)
        if order.kind == OrderKind.certification_decision and not order.registered:
            await register(actor, order.id, RegisterForm(number="58-ск", signed_on=day.isoformat()))
    await decisions.decide(
        actor,
        region,
        ids[zaitseva.email],
        "returned",
        "Приложите приказ о назначении куратором и отчёт о мониторинге за последнее полугодие",
    )
    await decisions.decide(
        actor,
        region,
        ids[romanov.email],
        "not_certified",
        f"Набрано меньше проходного балла (60) на {format_date(day)}: нет завершённых пар и отчётов мониторинга",
    )
