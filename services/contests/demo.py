"""The demo's contests: the region's «Наставник года — 2026» with three nominations, its municipal stage finished in
Светлогорск and Озёрский район (sheets sent, ranking, the top two advanced, results published), its regional stage
in scoring (some sheets sent, some drafts, jury1 kept away from her own school's entry, a declared conflict), the
public vote open in «Лучшая пара»; and the finished festival contest of МБОУ «СОШ № 1» with its diplomas.
The applications are seeded as stored data; sheets, finishing, votes and diplomas go through the domain's rules."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import msgspec

from services.contests import documents, festivals, portfolio, ranking, sheets
from services.contests.presets import CRITERIA_PRESETS
from services.contests.records import StageRecord, enter_stage, get_application, get_stage
from services.contests.tables import Contest, ContestEntry
from shared.actor import Actor
from shared.clock import now
from shared.db import Level, Scope, current_connection, rescope
from shared.typeset import typeset

TITLE = "Наставник года — 2026"
PHOTO = Path(__file__).with_name("demo_photo.typ")
FESTIVAL = "Фестиваль наставнических практик — 2026"
# (kind, title, participation role of the nominees, voting)
NOMINATIONS = [
    ("mentor_of_year", "Наставник года", "mentor", False),
    ("curator_of_year", "Куратор года", "curator", False),
    ("best_pair", "Лучшая пара «Наставник+»", "mentor", True),
]
SVETLOGORSK, OZYORSKY = "Городской округ Светлогорск", "Озёрский муниципальный район"
GYMNASIUM = "МБОУ «Гимназия № 3»"
ESSAY = (
    "Наставничество для меня — это путь вместе. За год мы с наставляемыми выстроили индивидуальные планы, провели "
    "открытые уроки и проекты, и каждый увидел свой рост: в результатах, в уверенности, в желании учить других."
)


async def _id(sql: str, *args: object) -> UUID:
    value: UUID = await current_connection().fetchval(sql, *args)
    return value


async def _nominees(municipality: str, role: str, limit: int) -> list[tuple[UUID, UUID, UUID, str, str]]:
    """(person, organization, municipality, full name, organization's short name) of a municipality's people
    holding a role, the gymnasium's first so that jury1 has a conflict to show."""
    rows = await current_connection().fetch(
        """SELECT DISTINCT ON (p.id) p.id, p.organization_id, o.municipality_id, p.full_name, o.short_name,
                  o.short_name = $3 AS gymnasium, p.sort_key
           FROM person p JOIN participation r ON r.region_id = p.region_id AND r.person_id = p.id
           JOIN organization o ON o.region_id = p.region_id AND o.id = p.organization_id
           JOIN municipality m ON m.region_id = o.region_id AND m.id = o.municipality_id
           WHERE m.name = $1 AND r.role = $2 AND r.archived_at IS NULL AND p.destroyed_at IS NULL
             AND p.merged_into IS NULL""",
        municipality,
        role,
        GYMNASIUM,
    )
    ordered = sorted(rows, key=lambda r: (not r["gymnasium"], r["sort_key"]))
    return [(r["id"], r["organization_id"], r["municipality_id"], r["full_name"], r["short_name"]) for r in ordered][
        :limit
    ]


async def _criteria(region_id: UUID, contest_id: UUID, stage_id: UUID, nomination_id: UUID, preset: str) -> list[UUID]:
    """A stage's sheet for a nomination, from one of the presets."""
    return [
        await _id(
            """INSERT INTO contest_criterion (region_id, contest_id, stage_id, nomination_id, position, title,
                   descriptors, max_points, weight, tie_break)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
            region_id,
            contest_id,
            stage_id,
            nomination_id,
            index,
            c.title,
            c.descriptors,
            c.max_points,
            c.weight,
            c.tie_break,
        )
        for index, c in enumerate(CRITERIA_PRESETS[preset].criteria)
    ]


async def _user(email: str) -> UUID:
    return await _id("SELECT id FROM app_user WHERE email = $1", email)


async def _juror(region_id: UUID, contest_id: UUID, panel_id: UUID, email: str, position: str, chair: bool) -> UUID:
    workplace = await current_connection().fetchrow(
        """SELECT o.id, o.municipality_id FROM organization o WHERE o.region_id = $1 AND o.short_name = $2""",
        region_id,
        JURY_WORKPLACES.get(email, ""),
    )
    user_id = await _user(email)
    name = await current_connection().fetchval(
        "SELECT concat_ws(' ', surname, name, patronymic) FROM app_user WHERE id = $1", user_id
    )
    return await _id(
        """INSERT INTO contest_juror (region_id, contest_id, panel_id, user_id, full_name, position, organization_id,
               municipality_id, is_chair)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        region_id,
        contest_id,
        panel_id,
        user_id,
        name,
        position,
        workplace["id"] if workplace else None,
        workplace["municipality_id"] if workplace else None,
        chair,
    )


JURY_WORKPLACES = {"jury1@demo.local": GYMNASIUM, "jury3@demo.local": "МОУ «Озёрская СШ»"}
POSITIONS = {
    "jury1@demo.local": "заместитель директора МБОУ «Гимназия № 3», г. Светлогорск",
    "jury2@demo.local": "доцент кафедры педагогики, приглашённый эксперт",
    "jury3@demo.local": "методист МОУ «Озёрская СШ»",
    "jury4@demo.local": "руководитель направления наставничества АО «СМЗ», партнёр",
}


def _points(seed: str, maximum: int = 10) -> str:
    """Stable, varied points 4..10 from a seed."""
    value = 4 + int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) % (maximum - 3)
    return str(value)


async def _score(region_id: UUID, email: str, entry_id: UUID, criteria: list[UUID], submit: bool, bonus: int) -> None:
    """The same points on every run: seeded by the juror, the nominee's name and the criterion's place."""
    user_id = await _user(email)
    nominee = await current_connection().fetchval(
        """SELECT a.full_name FROM contest_entry e JOIN contest_application a
               ON a.region_id = e.region_id AND a.id = e.application_id WHERE e.id = $1""",
        entry_id,
    )
    points = {str(c): str(min(10, int(_points(f"{email}:{nominee}:{n}")) + bonus)) for n, c in enumerate(criteria)}
    form = sheets.SheetForm(points=points, comment="Сильное портфолио, видна системная работа с наставляемыми.")
    await sheets.save_sheet(Actor(user_id, region_id, None), user_id, entry_id, form, submit=submit)


async def seed_contests(region_id: UUID) -> None:
    await rescope(Scope.for_region(region_id))
    if await Contest.exists().where(Contest.title == TITLE).run():
        return
    db = current_connection()
    actor = Actor(None, region_id, None)
    contest_id = await _id(
        """INSERT INTO contest (region_id, level, title, year, description, rules_url, status)
           VALUES ($1, 'region', $2, 2026, $3, '', 'announced') RETURNING id""",
        region_id,
        TITLE,
        "Региональный конкурс профессионального мастерства наставников и кураторов: муниципальный и региональный "
        "этапы, народное голосование в номинации «Лучшая пара «Наставник+»», торжественное награждение в декабре.",
    )
    moment = now()
    nominations = []
    for position, (kind, title, _, voting) in enumerate(NOMINATIONS):
        nominations.append(
            await _id(
                """INSERT INTO contest_nomination (region_id, contest_id, position, kind, title, roles,
                       min_experience_years, pair_completed_in_year, voting_mode, voting_from, voting_until)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id""",
                region_id,
                contest_id,
                position,
                kind,
                title,
                ["curator"] if kind == "curator_of_year" else ["mentor"],
                3 if kind == "mentor_of_year" else None,
                kind == "best_pair",
                "audience_prize" if voting else "none",
                moment - timedelta(days=7) if voting else None,
                moment + timedelta(days=21) if voting else None,
            )
        )
    municipal = await _id(
        """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from, applications_until,
               review_from, review_until, results_on, advance_count)
           VALUES ($1, $2, 1, 'municipality', '2026-02-01', '2026-03-15', '2026-03-16', '2026-03-31', '2026-04-05', 2)
           RETURNING id""",
        region_id,
        contest_id,
    )
    regional = await _id(
        """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from, applications_until,
               review_from, review_until, results_on)
           VALUES ($1, $2, 2, 'region', '2026-04-06', '2026-04-20', '2026-11-15', '2026-12-20', '2026-12-25')
           RETURNING id""",
        region_id,
        contest_id,
    )
    criteria: dict[tuple[UUID, UUID], list[UUID]] = {}
    for stage_id in (municipal, regional):
        for nomination_id in nominations:
            criteria[(stage_id, nomination_id)] = await _criteria(
                region_id, contest_id, stage_id, nomination_id, "mari_el"
            )
    municipalities = {
        r["name"]: r["id"] for r in await db.fetch("SELECT id, name FROM municipality WHERE region_id = $1", region_id)
    }
    panels: dict[tuple[UUID, UUID | None], UUID] = {}
    for nomination_id in nominations:
        for name in (SVETLOGORSK, OZYORSKY):
            panels[(nomination_id, municipalities[name])] = await _id(
                """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level, municipality_id)
                   VALUES ($1, $2, $3, $4, 'municipality', $5) RETURNING id""",
                region_id,
                contest_id,
                municipal,
                nomination_id,
                municipalities[name],
            )
        panels[(nomination_id, None)] = await _id(
            """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level)
               VALUES ($1, $2, $3, $4, 'region') RETURNING id""",
            region_id,
            contest_id,
            regional,
            nomination_id,
        )
    # Municipal juries come from outside the municipality they judge.
    municipal_jury = {
        SVETLOGORSK: ["jury2@demo.local", "jury3@demo.local", "jury4@demo.local"],
        OZYORSKY: ["jury2@demo.local", "jury1@demo.local", "jury4@demo.local"],
    }
    stage = await get_stage(municipal)
    for nomination_id, (kind, _, role, _) in zip(nominations, NOMINATIONS, strict=True):
        for name in (SVETLOGORSK, OZYORSKY):
            panel_id = panels[(nomination_id, municipalities[name])]
            jurors = municipal_jury[name]
            for n, email in enumerate(jurors):
                await _juror(region_id, contest_id, panel_id, email, POSITIONS[email], n == 0)
            nominees = await _nominees(name, role, 4 if name == SVETLOGORSK else 3)
            entries = await _applications(region_id, contest_id, nomination_id, kind, stage, nominees)
            for rank, entry_id in enumerate(entries):
                for email in jurors:
                    await _score(region_id, email, entry_id, criteria[(municipal, nomination_id)], True, 3 - rank)
            await ranking.set_chair_order(actor, panel_id, entries)  # the chair's word, should any tie remain
            await ranking.finish_panel(actor, panel_id)
            await ranking.publish_results(actor, panel_id)
    # The regional stage, in scoring.
    regional_jury = ["jury2@demo.local", "jury1@demo.local", "jury3@demo.local", "jury4@demo.local"]
    for index, nomination_id in enumerate(nominations):
        panel_id = panels[(nomination_id, None)]
        for n, email in enumerate(regional_jury):
            await _juror(region_id, contest_id, panel_id, email, POSITIONS[email], n == 0)
        entries = await db.fetch(
            "SELECT id, application_id, organization_id FROM contest_entry WHERE panel_id = $1 ORDER BY created_at",
            panel_id,
        )
        region_criteria = criteria[(regional, nomination_id)]
        for number, entry in enumerate(entries):
            await _score(region_id, "jury2@demo.local", entry["id"], region_criteria, True, 1)
            if number % 2 == 0:
                await _score(region_id, "jury3@demo.local", entry["id"], region_criteria, True, 0)
            gymnasium = await db.fetchval(
                "SELECT short_name = $2 FROM organization WHERE id = $1", entry["organization_id"], GYMNASIUM
            )
            if not gymnasium and number < 2:  # jury1 never sees her own school's entry
                await _score(region_id, "jury1@demo.local", entry["id"], region_criteria, number == 0, 0)
        if index == 0 and entries:  # jury4 coached the first regional nominee in «Наставник года»
            user_id = await _user("jury4@demo.local")
            await sheets.declare_conflict(
                Actor(user_id, region_id, None), user_id, entries[-1]["id"], "Был наставником номинанта в 2024 году"
            )
        if NOMINATIONS[index][3]:
            await ContestEntry.update({ContestEntry.finalist: True}).where(ContestEntry.panel_id == panel_id).run()
            await _votes(region_id, [e["id"] for e in entries], contest_id, nomination_id)
    await _festival(region_id, actor)


async def _applications(
    region_id: UUID,
    contest_id: UUID,
    nomination_id: UUID,
    kind: str,
    stage: StageRecord,
    nominees: list[tuple[UUID, UUID, UUID, str, str]],
) -> list[UUID]:
    entries = []
    for person_id, organization_id, municipality_id, full_name, organization in nominees:
        assembled = await portfolio.assemble(person_id, None, date(2026, 3, 1))  # frozen when sent, as submit does
        application_id = await _id(
            """INSERT INTO contest_application (region_id, contest_id, nomination_id, organization_id,
                   municipality_id, person_id, full_name, title, state, participation_consent_on, publication_consent,
                   essay, video_url, portfolio, eligibility, submitted_at, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', '2026-02-20', $9, $10, $11, $12::jsonb,
                   '{"checks": []}'::jsonb, '2026-03-01 10:00+03', '2026-02-20 10:00+03') RETURNING id""",
            region_id,
            contest_id,
            nomination_id,
            organization_id,
            municipality_id,
            person_id,
            full_name,
            "Эссе «Путь вместе»" if kind != "best_pair" else f"Пара {organization}",
            not full_name.startswith("Е"),  # most consented to publication
            ESSAY,
            "https://rutube.ru/video/demo-nastavnik/" if kind == "best_pair" else "",
            msgspec.json.encode(assembled).decode(),
        )
        entries.append(await enter_stage(await get_application(application_id), stage))
    return entries


async def _votes(region_id: UUID, entry_ids: list[UUID], contest_id: UUID, nomination_id: UUID) -> None:
    """A handful of confirmed votes; the voters' addresses exist only as keyed hashes."""
    moment = now()
    for index, entry_id in enumerate(entry_ids):
        organization_id = await current_connection().fetchval(
            "SELECT organization_id FROM contest_entry WHERE id = $1", entry_id
        )
        for voter in range(3 + 2 * (len(entry_ids) - index)):
            digest = hashlib.sha256(f"demo-voter-{nomination_id}-{index}-{voter}".encode()).hexdigest()
            await current_connection().execute(
                """INSERT INTO contest_vote (region_id, contest_id, nomination_id, entry_id, organization_id,
                       voter_hash, token_hash, network, created_at, confirmed_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)""",
                region_id,
                contest_id,
                nomination_id,
                entry_id,
                organization_id,
                digest,
                hashlib.sha256(digest.encode()).hexdigest(),
                f"10.{index}.{voter}.0/24",
                moment - timedelta(hours=voter * 5 + index),
            )


async def _festival(region_id: UUID, actor: Actor) -> None:
    """МБОУ «СОШ № 1» closes its programme's year with its own contest and festival (002 §8.7.3)."""
    school = await current_connection().fetchrow(
        "SELECT id, municipality_id, head_name FROM organization WHERE short_name = 'МБОУ «СОШ № 1»'"
    )
    contest_id = await _id(
        """INSERT INTO contest (region_id, level, municipality_id, organization_id, title, year, description, status)
           VALUES ($1, 'organization', $2, $3, $4, 2026, $5, 'finished') RETURNING id""",
        region_id,
        school["municipality_id"],
        school["id"],
        FESTIVAL,
        "Школьный конкурс наставнических пар, итоги которого объявлены на фестивале 20.05.2026.",
    )
    nomination_id = await _id(
        """INSERT INTO contest_nomination (region_id, contest_id, kind, title, roles)
           VALUES ($1, $2, 'best_pair', 'Лучшая наставническая пара школы', '{mentor}') RETURNING id""",
        region_id,
        contest_id,
    )
    stage_id = await _id(
        """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from, applications_until,
               review_from, review_until, results_on)
           VALUES ($1, $2, 1, 'organization', '2026-04-01', '2026-04-30', '2026-05-01', '2026-05-15', '2026-05-20')
           RETURNING id""",
        region_id,
        contest_id,
    )
    criteria = await _criteria(region_id, contest_id, stage_id, nomination_id, "national")
    panel_id = await _id(
        """INSERT INTO contest_panel (region_id, contest_id, stage_id, nomination_id, level, municipality_id,
               organization_id)
           VALUES ($1, $2, $3, $4, 'organization', $5, $6) RETURNING id""",
        region_id,
        contest_id,
        stage_id,
        nomination_id,
        school["municipality_id"],
        school["id"],
    )
    for n, email in enumerate(("jury2@demo.local", "jury4@demo.local")):
        await _juror(region_id, contest_id, panel_id, email, POSITIONS[email], n == 0)
    stage = await get_stage(stage_id)
    people = [p for p in await _nominees(SVETLOGORSK, "mentor", 40) if p[1] == school["id"]][:4]
    entries = await _applications(region_id, contest_id, nomination_id, "best_pair", stage, people)
    for rank, entry_id in enumerate(entries):
        for email in ("jury2@demo.local", "jury4@demo.local"):
            await _score(region_id, email, entry_id, criteria, True, 3 - rank)
    await ranking.set_chair_order(actor, panel_id, entries)
    await ranking.finish_panel(actor, panel_id)
    await ranking.publish_results(actor, panel_id)
    await documents.issue_diplomas(actor, panel_id, date(2026, 5, 20), (school["head_name"], "Директор"))
    festival_id = await _id(
        """INSERT INTO contest_festival (region_id, contest_id, level, municipality_id, organization_id, title,
               held_on, place, agenda, audiences, results, published_at)
           VALUES ($1, $2, 'organization', $3, $4, $5, '2026-05-20', 'Актовый зал МБОУ «СОШ № 1», ул. Школьная, 1',
               $6, '{learners,graduates,relatives,partners,media}', $7, '2026-05-21 12:00+03') RETURNING id""",
        region_id,
        contest_id,
        school["municipality_id"],
        school["id"],
        FESTIVAL,
        "14:00 — открытие; 14:15 — презентации наставнических пар; 15:30 — выступление выпускников-наставников; "
        "16:00 — голосование жюри и награждение.",
        "Лучшими признаны три пары; дипломы вручены на фестивале, фотографии опубликованы на странице школы.",
    )
    await festivals.awards_from_contest(actor, await festivals.get_festival(festival_id))
    photos = (
        ("Открытие фестиваля", "#1f4e79", "#4a90c2"),
        ("Презентации наставнических пар", "#5b2c6f", "#a569bd"),
        ("Награждение победителей", "#7e5109", "#d4ac0d"),
    )
    for caption, start, end in photos:
        data = {"title": "Фестиваль наставничества", "caption": caption, "place": "МБОУ «СОШ № 1» · 20.05.2026"}
        await current_connection().execute(
            """INSERT INTO contest_photo (region_id, festival_id, caption, filename, content_type, data)
               VALUES ($1, $2, $3, $4, 'image/png', $5)""",
            region_id,
            festival_id,
            caption,
            f"{caption}.png",
            typeset(PHOTO, data | {"from": start, "to": end}, image=True),
        )
    await rescope(Scope(Level.platform))
