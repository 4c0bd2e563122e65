"""The demo region's public pages: every organization publishes its «Наставничество» page with an introduction,
partners, announcements and its Положение, the mentors of the registry its head approved who consented to
publication (two with a portfolio, a peer mentor by first name and class where a representative agreed) and its
curator with a portfolio. Idempotent: a region with pages is left as it is."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from services import programmes, registry
from services.public import content, sites
from services.public.content import PartnerForm, PostForm, ProfileForm
from services.public.tables import PublicSite
from shared.actor import Actor
from shared.clock import today
from shared.db import Level, Scope, current_connection, rescope
from shared.typeset import typeset

POLOZHENIE = Path(__file__).with_name("demo_polozhenie.typ")
INTRO = (
    "В {name} действует **целевая модель наставничества**. Наставники — опытные педагоги, студенты и "
    "представители предприятий-партнёров — помогают наставляемым адаптироваться, учиться и выбирать профессию.\n\n"
    "- формы наставничества: «учитель — учитель», «учитель — ученик», «ученик — ученик»;\n"
    "- куратор программы отвечает на вопросы родителей и наставников;\n"
    "- итоги программы подводятся на фестивале наставничества в мае."
)
PARTNERS = (
    PartnerForm(
        kind="employer",
        name="АО «Светлогорский машиностроительный завод»",
        subject="Наставники из числа инженеров, экскурсии на производство, профессиональные пробы",
        agreement="Соглашение о сотрудничестве № 14 от 01.09.2025",
        website="https://smz.example.ru",
    ),
    PartnerForm(
        kind="culture",
        name="МБУК «Центральная библиотека»",
        subject="Встречи наставнических пар, читательские проекты, площадка для фестиваля",
        agreement="Договор о совместной деятельности от 15.09.2025",
    ),
)
EMPLOYER_PARTNERS = (
    PartnerForm(
        kind="education",
        name="ГПОУ «Светлогорский политехнический колледж»",
        subject="Наставничество «работодатель — студент»: практика и стажировки студентов на заводе",
        agreement="Договор о сетевом взаимодействии № 7 от 01.09.2025",
    ),
    PartnerForm(
        kind="education",
        name="МБОУ «СОШ № 1»",
        subject="Профессиональные пробы и экскурсии для старшеклассников, наставники из числа инженеров",
        agreement="Соглашение о сотрудничестве от 10.09.2025",
    ),
)
# Portfolios, the first shown by a mentor of each organization, the second by another (in turn by organization).
PORTFOLIOS = (
    (
        "Педагог высшей категории, наставник молодых педагогов с 2015 года. Помогает освоить проектную "
        "работу и современные технологии урока.",
        "Победитель муниципального этапа «Наставник года — 2025»",
    ),
    (
        "Ведёт наставнические группы «ученик — ученик» для пятиклассников и помогает им освоиться в школе.",
        "Благодарственное письмо управления образования, 2024",
    ),
    (
        "Помогает молодым коллегам выстроить первые уроки и найти общий язык с классом. Проводит открытые "
        "занятия и разбирает их вместе с наставляемыми.",
        "Почётная грамота Министерства просвещения, 2023",
    ),
    (
        "Готовит обучающихся к олимпиадам и конкурсам профессионального мастерства, показывает, как ставить "
        "цель и доводить проект до результата.",
        "Подготовил призёров регионального чемпионата «Профессионалы», 2025",
    ),
    (
        "Инженер-технолог с двадцатилетним стажем: знакомит студентов с производством и сопровождает их "
        "практику на рабочем месте.",
        "Лучший наставник предприятия, 2024",
    ),
)
CURATOR_PORTFOLIO = (
    "Куратор программы наставничества: формирует пары, проводит встречи с наставниками и отвечает на вопросы "
    "родителей. Обращайтесь по телефону организации или на электронную почту.",
    "Курс «Куратор программы наставничества» сетевой школы наставников (24 ч)",
)


async def seed_public(region_id: UUID) -> None:
    await rescope(Scope.for_region(region_id))
    if await PublicSite.exists().run():
        return
    rows = await current_connection().fetch(
        """SELECT o.id, o.municipality_id, o.short_name, o.name, o.kind FROM organization o
           WHERE o.kind <> 'municipal_body' ORDER BY o.sort_key"""
    )
    day = today()
    for n, row in enumerate(rows):
        await rescope(Scope(Level.organization, None, region_id, row["municipality_id"], row["id"]))
        actor = Actor(None, region_id, row["id"])
        site = await sites.ensure_site(actor, row["id"], row["short_name"])
        form = sites.SiteForm(
            slug=site.slug,
            intro=INTRO.format(name=row["short_name"]),
            indicators=["pairs", "mentor_registry", "events_held"],
        )
        await sites.save_site(actor, site, form)
        partners = EMPLOYER_PARTNERS if row["kind"] == "employer" else PARTNERS
        for partner in partners[: 1 + n % 2]:
            await content.add_partner(actor, site, partner)
        await content.add_post(
            actor,
            site,
            PostForm(
                title="Фестиваль наставнических практик",
                body="Приглашаем наставников, наставляемых и родителей. В программе — **презентации пар**, "
                "награждение лучших наставников и выступления выпускников.",
                event_on=f"{day + timedelta(days=20 + n):%d.%m.%Y}",
                place=f"Актовый зал, {row['short_name']}",
            ),
            publish=True,
        )
        await content.add_post(
            actor,
            site,
            PostForm(
                title="Стартовала программа наставничества",
                body="Утверждены реестр наставников и дорожная карта на учебный год. Пары начали встречи по "
                "индивидуальным планам.",
            ),
            publish=True,
        )
        pdf = typeset(POLOZHENIE, {"organization": row["short_name"]})
        await content.add_file(actor, site, "Положение о наставничестве", pdf, "Положение о наставничестве.pdf")
        await _registry(actor, site, n, row["kind"])
        await _curators(actor, site)
        await _orders(actor, site)
        await sites.set_published(actor, site, True)
    await rescope(Scope(Level.platform))


async def _registry(actor: Actor, site: sites.SiteRecord, n: int, kind: str) -> None:
    """The approved registry's adult mentors who consented to processing consent to publication too, all but the
    last; two show a portfolio. A peer mentor's representative agreed to the first name and class in every other
    organization (the consent to publication a minor's representative gives, on the same document)."""
    order_id = await current_connection().fetchval(
        """SELECT p.registry_order_id FROM programme p WHERE p.organization_id = $1
           AND p.registry_order_id IS NOT NULL ORDER BY p.starts_on DESC LIMIT 1""",
        site.organization_id,
    )
    if order_id is None:
        return
    listed = content.listed_people(await programmes.get_order(order_id))
    rows = await current_connection().fetch(
        """SELECT p.id, p.category, c.given_by, c.representative_name, c.representative_relation,
                  c.representative_document
           FROM person p JOIN consent c ON c.person_id = p.id AND c.kind = 'personal_data' AND c.withdrawn_on IS NULL
           WHERE p.id = ANY($1::uuid[])""",
        listed,
    )
    consented = {r["id"]: r for r in rows}
    adults = [p for p in listed if p in consented and consented[p]["category"] != "learner"]
    given_on = f"{date(2026, 9, 1):%d.%m.%Y}"
    for k, person_id in enumerate(adults[:-1] if len(adults) > 1 else adults):
        await registry.give_consent(actor, person_id, registry.ConsentForm(kind="publication", given_on=given_on))
        if k < 2:
            if kind == "employer":  # the partner's engineers mentor students
                about, achievements = PORTFOLIOS[-1 - k]
            else:
                about, achievements = PORTFOLIOS[0 if k == 0 else 1 + n % (len(PORTFOLIOS) - 2)]
            profile = ProfileForm(about=about, achievements=achievements, shown="on")
            await content.save_profile(actor, site, person_id, profile)
    learners = [consented[p] for p in listed if p in consented and consented[p]["category"] == "learner"]
    for learner in learners[:1] if n % 2 == 0 else []:
        form = registry.ConsentForm(kind="publication", given_on=given_on, given_by=learner["given_by"])
        if learner["given_by"] == "representative":
            form.representative_name = learner["representative_name"]
            form.representative_relation = learner["representative_relation"]
            form.representative_document = learner["representative_document"]
        await registry.give_consent(actor, learner["id"], form)


async def _curators(actor: Actor, site: sites.SiteRecord) -> None:
    """The organization's curator consents to publication and shows a portfolio in «Куратор программы»."""
    given_on = f"{today() - timedelta(days=30):%d.%m.%Y}"  # after the consent to processing (60 days ago)
    about, achievements = CURATOR_PORTFOLIO
    curators = await registry.organization_curators(site.organization_id)
    processed = await current_connection().fetch(
        """SELECT person_id FROM consent WHERE person_id = ANY($1::uuid[]) AND kind = 'personal_data'
           AND withdrawn_on IS NULL""",
        curators,
    )
    for person_id in [c for c in curators if c in {r["person_id"] for r in processed}]:
        await registry.give_consent(actor, person_id, registry.ConsentForm(kind="publication", given_on=given_on))
        profile = ProfileForm(about=about, achievements=achievements, shown="on")
        await content.save_profile(actor, site, person_id, profile)


async def _orders(actor: Actor, site: sites.SiteRecord) -> None:
    """The registered order approving the programme is public; the registry's is not: one mentor has not
    consented to publication."""
    rows = await current_connection().fetch(
        """SELECT id FROM programme_order WHERE organization_id = $1 AND number IS NOT NULL
           AND kind = 'approve_programme' ORDER BY signed_on""",
        site.organization_id,
    )
    for row in rows:
        await content.add_order(actor, site, row["id"])
