"""The demo region: three municipalities, a dozen organizations of every kind, and the documented accounts."""

from __future__ import annotations

from uuid import UUID

from shared.actor import Actor
from shared.clock import now
from shared.db import Level, Scope, rescope
from shared.settings import get_settings
from tenants import logic, totp
from tenants.access import load_principal
from tenants.contingent import ContingentRecord, contingents, save_contingent, school_year_choices
from tenants.demo_accounts import ACCOUNTS, ADMIN, PASSWORD, SECOND_FACTOR_ACCOUNT, SECOND_FACTOR_KEY
from tenants.roles import OrganizationKind, Role
from tenants.tables import Invitation, Municipality, Organization

REGION_NAME = "Демонстрационный регион"

K = OrganizationKind
MUNICIPALITIES: dict[str, list[tuple[K, str, str, str, str]]] = {
    "Городской округ Светлогорск": [
        (
            K.municipal_body,
            "Управление образования администрации городского округа Светлогорск",
            "Управление образования г. Светлогорска",
            "Ковалёва Ирина Петровна",
            "0411000001",
        ),
        (
            K.school,
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
            "МБОУ «СОШ № 1»",
            "Смирнова Елена Викторовна",
            "0411000002",
        ),
        (
            K.school,
            "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 3 имени А. С. Пушкина»",
            "МБОУ «Гимназия № 3»",
            "Лебедев Андрей Николаевич",
            "0411000003",
        ),
        (
            K.college,
            "Государственное профессиональное образовательное учреждение «Светлогорский политехнический колледж»",
            "ГПОУ «Светлогорский политехнический колледж»",
            "Орлов Сергей Иванович",
            "0411000004",
        ),
        (
            K.additional,
            "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»",
            "МБУ ДО «Дом детского творчества»",
            "Фёдорова Ольга Сергеевна",
            "0411000005",
        ),
        (
            K.employer,
            "Акционерное общество «Светлогорский машиностроительный завод»",
            "АО «СМЗ»",
            "Белов Дмитрий Александрович",
            "0411000006",
        ),
    ],
    "Озёрский муниципальный район": [
        (
            K.municipal_body,
            "Отдел образования администрации Озёрского муниципального района",
            "Отдел образования Озёрского района",
            "Егорова Наталья Юрьевна",
            "0412000001",
        ),
        (
            K.school,
            "Муниципальное общеобразовательное учреждение «Озёрская средняя школа»",
            "МОУ «Озёрская СШ»",
            "Ёлкин Павел Андреевич",
            "0412000002",
        ),
        (
            K.school,
            "Муниципальное общеобразовательное учреждение «Берёзовская основная школа»",
            "МОУ «Берёзовская ОШ»",
            "Жукова Анна Михайловна",
            "0412000003",
        ),
        (
            K.college,
            "Государственное профессиональное образовательное учреждение «Озёрский аграрный техникум»",
            "ГПОУ «Озёрский аграрный техникум»",
            "Алексеев Виктор Петрович",
            "0412000004",
        ),
    ],
    "Верхнеречинский муниципальный округ": [
        (
            K.municipal_body,
            "Управление образования Верхнеречинского муниципального округа",
            "Управление образования Верхнеречинского округа",
            "Яковлева Светлана Олеговна",
            "0413000001",
        ),
        (
            K.school,
            "Муниципальное бюджетное общеобразовательное учреждение «Верхнеречинская средняя школа № 2»",
            "МБОУ «Верхнеречинская СШ № 2»",
            "Григорьев Илья Романович",
            "0413000002",
        ),
        (
            K.school,
            "Муниципальное казённое общеобразовательное учреждение «Сосновская школа-интернат»",
            "МКОУ «Сосновская школа-интернат»",
            "Никитина Мария Алексеевна",
            "0413000003",
        ),
        (
            K.additional,
            "Муниципальное учреждение дополнительного образования «Центр детского технического творчества»",
            "МУ ДО «ЦДТТ»",
            "Зайцев Роман Евгеньевич",
            "0413000004",
        ),
    ],
}


async def seed_demo() -> UUID:
    """Idempotent: finds what exists by name or e-mail and adds only what is missing. Runs under a platform scope."""
    region_id = await logic.find_region(REGION_NAME) or await logic.create_region(REGION_NAME)
    municipality_ids: list[UUID] = []
    organizations: dict[str, tuple[UUID, UUID]] = {}
    for municipality_name, orgs in MUNICIPALITIES.items():
        row = (
            await Municipality.select(Municipality.id)
            .where((Municipality.region_id == region_id) & (Municipality.name == municipality_name))
            .first()
            .run()
        )
        if row:
            municipality_id = row["id"]
        else:
            created = (
                await Municipality.insert(
                    Municipality(
                        region_id=region_id,
                        name=municipality_name,
                        sort_key=logic.sort_key(municipality_name),
                        created_at=now(),
                    )
                )
                .returning(Municipality.id)
                .run()
            )
            municipality_id = created[0]["id"]
        municipality_ids.append(municipality_id)
        for kind, name, short_name, head, inn_tail in orgs:
            existing = (
                await Organization.select(Organization.id)
                .where((Organization.region_id == region_id) & (Organization.short_name == short_name))
                .first()
                .run()
            )
            if existing:
                organizations[short_name] = (existing["id"], municipality_id)
                continue
            slug = inn_tail[-3:]
            created = (
                await Organization.insert(
                    Organization(
                        region_id=region_id,
                        municipality_id=municipality_id,
                        kind=kind,
                        name=name,
                        short_name=short_name,
                        sort_key=logic.sort_key(short_name),
                        inn="04" + inn_tail[2:],
                        address=f"{municipality_name}, ул. Центральная, д. {int(slug)}",
                        head_name=head,
                        phone=f"+7 (388) 22{slug[0]}-{slug[1:]}-00",
                        email=f"org{inn_tail}@demo.local",
                        website="",
                        created_at=now(),
                        updated_at=now(),
                    )
                )
                .returning(Organization.id)
                .run()
            )
            organizations[short_name] = (created[0]["id"], municipality_id)

    for email, surname, name, patronymic, roles in ACCOUNTS:
        user_id = await logic.ensure_user(email, PASSWORD, surname, name, patronymic)
        for role, m_index, org_name in roles:
            organization_id, municipality_id = organizations[org_name] if org_name else (None, None)
            if m_index is not None and municipality_id is None:
                municipality_id = municipality_ids[m_index]
            await logic.ensure_membership(user_id, role, region_id, municipality_id, organization_id)
    await logic.ensure_user(*ADMIN[:1], PASSWORD, *ADMIN[1:], platform_admin=True)
    await _seed_second_factor(region_id)
    await _seed_invitations(region_id, organizations)
    await _seed_contingents(region_id, organizations)
    return region_id


async def _seed_second_factor(region_id: UUID) -> None:
    """The documented account with the second factor on; sealed again when SECRET_KEY has changed since."""
    email, surname, name, patronymic = SECOND_FACTOR_ACCOUNT
    user_id = await logic.ensure_user(email, PASSWORD, surname, name, patronymic)
    await logic.ensure_membership(user_id, Role.regional_coordinator, region_id, None, None)
    secret_key = get_settings().secret_key
    if not await totp.opens_with(user_id, secret_key, SECOND_FACTOR_KEY):
        await totp.enable_with_secret(user_id, secret_key, SECOND_FACTOR_KEY)


# (inviter, e-mail, role, organization, surname, name, patronymic): pending, so the lists are not empty.
INVITATIONS = [
    (
        "region@demo.local",
        "gimnaziya3.curator@demo.local",
        Role.curator,
        "МБОУ «Гимназия № 3»",
        "Ёлкина",
        "Ольга",
        "Петровна",
    ),
    ("curator1@demo.local", "mentor.pavlov@demo.local", Role.mentor, "МБОУ «СОШ № 1»", "Павлов", "Игорь", "Семёнович"),
]


async def _seed_invitations(region_id: UUID, organizations: dict[str, tuple[UUID, UUID]]) -> None:
    """Made through the same rules as a coordinator's or curator's, then marked as mailed."""
    settings = get_settings()
    for inviter, email, role, org_name, surname, name, patronymic in INVITATIONS:
        if await Invitation.exists().where(Invitation.email == email).run():
            continue
        inviter_id = await logic.ensure_user(inviter, PASSWORD, "", "")
        principal = await load_principal(inviter_id, None)
        assert principal is not None
        form = logic.InvitationForm(email, role, surname, name, patronymic, str(organizations[org_name][0]))
        invitation_id, _ = await logic.create_invitation(
            principal, form, settings.secret_key, settings.invitation_ttl_hours
        )
        await (
            Invitation.update({Invitation.sent_at: now(), Invitation.send_attempts: 1})
            .where(Invitation.id == invitation_id)
            .run()
        )
    await rescope(Scope(Level.platform))


# The contingent of every organization that teaches, for the current school year (the previous one a little
# different): classes 1–11 of a school, courses 1–4 of a college, learners and teachers of a centre. Municipal
# bodies and employers teach nobody of their own and have none.
# short name: (by grade or course for the current year, learners of a centre, teachers, young specialists)
CONTINGENTS: dict[str, tuple[list[int], int, int, int]] = {
    "МБОУ «СОШ № 1»": ([78, 75, 72, 70, 68, 66, 64, 60, 58, 28, 26], 0, 52, 7),
    "МБОУ «Гимназия № 3»": ([84, 82, 80, 78, 80, 76, 74, 72, 70, 52, 50], 0, 61, 9),
    "МОУ «Озёрская СШ»": ([32, 30, 29, 31, 28, 27, 26, 25, 24, 12, 11], 0, 27, 3),
    "МОУ «Берёзовская ОШ»": ([11, 9, 12, 10, 9, 8, 10, 7, 8], 0, 14, 2),
    "МБОУ «Верхнеречинская СШ № 2»": ([46, 44, 45, 42, 40, 41, 38, 37, 35, 18, 16], 0, 34, 4),
    "МКОУ «Сосновская школа-интернат»": ([14, 15, 16, 18, 19, 20, 21, 22, 20, 9, 8], 0, 29, 3),
    "ГПОУ «Светлогорский политехнический колледж»": ([225, 210, 190, 160], 0, 58, 8),
    "ГПОУ «Озёрский аграрный техникум»": ([120, 110, 96, 84], 0, 36, 5),
    "МБУ ДО «Дом детского творчества»": ([], 1320, 41, 6),
    "МУ ДО «ЦДТТ»": ([], 640, 22, 4),
}


def _contingent(
    short_name: str, kind: OrganizationKind, organization_id: UUID, year: int, earlier: bool
) -> ContingentRecord | None:
    if short_name not in CONTINGENTS:
        return None
    grades, centre, teachers, young = CONTINGENTS[short_name]
    if earlier:  # a year before: each class a little different, a teacher or two fewer, fewer young ones
        grades = [max(0, n - 2 + (i % 3)) for i, n in enumerate(grades)]
        centre, teachers, young = centre - centre // 20, teachers - 1 - teachers // 40, max(0, young - 2)
    if kind == OrganizationKind.college:
        # Students come at 15 after the 9th class: the first two courses and about half of the third are under 18.
        aged = grades[0] + grades[1] + grades[2] // 2
    elif grades:
        # On 1 September a fourth-class pupil is 10 about one time in three; the 11th class turns 18 in its year.
        aged = sum(grades[4:]) + grades[3] // 3
    else:
        aged = centre * 3 // 5  # a centre's learners are from 5 to 18
    return ContingentRecord(
        organization_id=organization_id,
        school_year=year,
        learners_total=sum(grades) or centre,
        learners_10_18=aged,
        learners_by_grade={str(n): count for n, count in enumerate(grades, start=1)},
        teachers=teachers,
        young_specialists=young,
    )


async def _seed_contingents(region_id: UUID, organizations: dict[str, tuple[UUID, UUID]]) -> None:
    """Only what is missing: a contingent corrected by hand in the demo stays as it is."""
    kinds = {short: kind for orgs in MUNICIPALITIES.values() for kind, _, short, _, _ in orgs}
    actor = Actor(None, region_id, None)
    current, previous = school_year_choices()
    for year in (current, previous):
        have = await contingents(year, [organization_id for organization_id, _ in organizations.values()])
        for short_name, (organization_id, _) in organizations.items():
            record = _contingent(short_name, kinds[short_name], organization_id, year, year == previous)
            if record is not None and organization_id not in have:
                await save_contingent(actor, record)
