"""The demo region's public pages: every organization publishes its «Наставничество» page with an introduction,
partners, announcements and its Положение; СОШ № 1, whose registry the head approved, shows its mentors who
consented to publication, two of them with a portfolio. Idempotent: a region with pages is left as it is."""

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
ABOUT = {
    0: (
        "Педагог высшей категории, наставник молодых педагогов с 2015 года. Помогает освоить проектную "
        "работу и современные технологии урока.",
        "Победитель муниципального этапа «Наставник года — 2025»",
    ),
    1: (
        "Ведёт наставнические группы «ученик — ученик» для пятиклассников и помогает им освоиться в школе.",
        "Благодарственное письмо управления образования, 2024",
    ),
}


async def seed_public(region_id: UUID) -> None:
    await rescope(Scope.for_region(region_id))
    if await PublicSite.exists().run():
        return
    rows = await current_connection().fetch(
        """SELECT o.id, o.municipality_id, o.short_name, o.name FROM organization o
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
        for partner in PARTNERS[: 1 + n % 2]:
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
        await _registry(actor, site)
        await _orders(actor, site)
        await sites.set_published(actor, site, True)
    await rescope(Scope(Level.platform))


async def _registry(actor: Actor, site: sites.SiteRecord) -> None:
    """The approved registry's consenting staff mentors consent to publication too, all but the last; two show a
    portfolio (the peer mentors' representatives were not asked)."""
    order_id = await current_connection().fetchval(
        """SELECT p.registry_order_id FROM programme p WHERE p.organization_id = $1
           AND p.registry_order_id IS NOT NULL ORDER BY p.starts_on DESC LIMIT 1""",
        site.organization_id,
    )
    if order_id is None:
        return
    listed = content.listed_people(await programmes.get_order(order_id))
    consented = await current_connection().fetch(
        """SELECT p.id FROM person p WHERE p.id = ANY($1::uuid[]) AND p.category = 'staff'
           AND EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.kind = 'personal_data'
                       AND c.withdrawn_on IS NULL)""",
        listed,
    )
    ids = [r["id"] for r in consented if r["id"] in listed]
    for n, person_id in enumerate(ids[:-1] if len(ids) > 1 else ids):
        form = registry.ConsentForm(kind="publication", given_on=f"{date(2026, 9, 1):%d.%m.%Y}")
        await registry.give_consent(actor, person_id, form)
        if n in ABOUT:
            about, achievements = ABOUT[n]
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
