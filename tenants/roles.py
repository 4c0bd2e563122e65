"""Roles and kinds of organization: plain data, importable without a database."""

import enum


class OrganizationKind(enum.StrEnum):
    school = "school"
    college = "college"
    additional = "additional"
    municipal_body = "municipal_body"
    employer = "employer"


class Role(enum.StrEnum):
    platform_admin = "platform_admin"
    regional_coordinator = "regional_coordinator"
    municipal_coordinator = "municipal_coordinator"
    head = "head"
    curator = "curator"
    mentor = "mentor"
    mentee = "mentee"
    trainer = "trainer"  # a trainer of the network mentor school, often an outside expert with no organization
    juror = "juror"  # a member of a contest's jury: a region's account or an invited outside expert


ORGANIZATION_ROLES = (Role.head, Role.curator, Role.mentor, Role.mentee)


ROLE_LABELS: dict[Role, str] = {
    Role.platform_admin: "Администратор платформы",
    Role.regional_coordinator: "Региональный координатор",
    Role.municipal_coordinator: "Муниципальный координатор",
    Role.head: "Руководитель организации",
    Role.curator: "Куратор",
    Role.mentor: "Наставник",
    Role.mentee: "Наставляемый",
    Role.trainer: "Преподаватель школы наставников",
    Role.juror: "Член жюри конкурса",
}

KIND_LABELS: dict[OrganizationKind, str] = {
    OrganizationKind.school: "Общеобразовательная организация",
    OrganizationKind.college: "Профессиональная образовательная организация (СПО)",
    OrganizationKind.additional: "Организация дополнительного образования",
    OrganizationKind.municipal_body: "Муниципальный орган управления образованием",
    OrganizationKind.employer: "Работодатель / партнёр",
}


def role_label(role: str | None) -> str:
    """The template filter for a stored role value."""
    return ROLE_LABELS.get(Role(role), role) if role else ""
