"""Regions, municipalities, organizations and invitations: the rules, with no HTTP in sight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from shared.clock import now
from shared.db import Level, Scope, current_connection, rescope
from shared.errors import Errors, Forbidden, NotFound, ValidationFailed
from shared.i18n import sort_key
from shared.links import LinkUnusable, link_token, token_hash
from shared.passwords import hash_password, password_problem, verify_password
from tenants.access import Principal, full_name
from tenants.roles import KIND_LABELS, OrganizationKind, Role
from tenants.tables import Invitation, Membership, Municipality, Organization, Region, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
INN_RE = re.compile(r"^([0-9]{10}|[0-9]{12})$")

# Who may invite whom: the invited role must sit inside the inviter's scope.
INVITABLE: dict[Role, tuple[Role, ...]] = {
    Role.platform_admin: (Role.regional_coordinator,),
    Role.regional_coordinator: (
        Role.regional_coordinator,
        Role.municipal_coordinator,
        Role.head,
        Role.curator,
        Role.trainer,
        Role.juror,
    ),
    Role.municipal_coordinator: (Role.municipal_coordinator, Role.head, Role.curator, Role.trainer, Role.juror),
    Role.curator: (Role.mentor, Role.mentee),
}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _require(principal: Principal, *roles: Role) -> None:
    if not principal.has_role(*roles):
        raise Forbidden()


# Regions --------------------------------------------------------------------------------------------


async def create_region(name: str) -> UUID:
    """Only under a platform scope (the platform admin, or seeding)."""
    rows = (
        await Region.insert(Region(name=name.strip(), sort_key=sort_key(name), created_at=now()))
        .returning(Region.id)
        .run()
    )
    return rows[0]["id"]


async def find_region(name: str) -> UUID | None:
    row = await Region.select(Region.id).where(Region.name == name).first().run()
    return row["id"] if row else None


# Municipalities -------------------------------------------------------------------------------------


class MunicipalitySummary(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    region_id: UUID
    organizations: int


class MunicipalityRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    name: str
    sort_key: bytes
    created_at: datetime


async def list_municipalities() -> list[MunicipalitySummary]:
    """The municipalities the current scope sees, with how many organizations each has."""
    rows = await Municipality.raw(
        """
        SELECT m.id, m.name, m.region_id, count(o.id) AS organizations
        FROM municipality m LEFT JOIN organization o ON o.region_id = m.region_id AND o.municipality_id = m.id
        WHERE m.region_id = app_uuid('app.region_id')
        GROUP BY m.region_id, m.id ORDER BY m.sort_key
        """
    ).run()
    return msgspec.convert(rows, list[MunicipalitySummary])


async def get_municipality(municipality_id: UUID) -> MunicipalityRecord:
    row = await Municipality.select().where(Municipality.id == municipality_id).first().run()
    if row is None:
        raise NotFound()
    return msgspec.convert(row, MunicipalityRecord)


def _check_name(errors: Errors, name: str, field: str = "name") -> str:
    name = " ".join(name.split())
    if not name:
        errors.add(field, "Укажите название")
    elif len(name) > 200:
        errors.add(field, "Не длиннее 200 символов")
    return name


async def save_municipality(principal: Principal, name: str, municipality_id: UUID | None = None) -> UUID:
    _require(principal, Role.regional_coordinator)
    if municipality_id is not None:
        await get_municipality(municipality_id)
    errors = Errors()
    name = _check_name(errors, name)
    errors.raise_if_any()
    region_id = principal.scope.region_id
    clash = Municipality.select(Municipality.id).where(
        (Municipality.region_id == region_id) & (Municipality.name.ilike(name))
    )
    if municipality_id:
        clash = clash.where(Municipality.id != municipality_id)
    if await clash.first().run():
        raise ValidationFailed({"name": "Муниципалитет с таким названием уже есть"})
    if municipality_id is None:
        rows = (
            await Municipality.insert(
                Municipality(region_id=region_id, name=name, sort_key=sort_key(name), created_at=now())
            )
            .returning(Municipality.id)
            .run()
        )
        return rows[0]["id"]
    await (
        Municipality.update({Municipality.name: name, Municipality.sort_key: sort_key(name)})
        .where(Municipality.id == municipality_id)
        .run()
    )
    return municipality_id


# Organizations --------------------------------------------------------------------------------------


@dataclass
class OrganizationForm:
    name: str = ""
    short_name: str = ""
    kind: str = OrganizationKind.school.value
    municipality_id: str = ""
    inn: str = ""
    address: str = ""
    head_name: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    @classmethod
    def from_record(cls, organization: OrganizationRecord) -> OrganizationForm:
        return cls(**{k: str(getattr(organization, k) or "") for k in cls.__dataclass_fields__})


class OrganizationSummary(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    short_name: str
    kind: OrganizationKind
    municipality_id: UUID
    inn: str
    head_name: str


class OrganizationRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    municipality_id: UUID
    kind: OrganizationKind
    name: str
    short_name: str
    sort_key: bytes
    inn: str
    address: str
    head_name: str
    phone: str
    email: str
    website: str
    created_at: datetime
    updated_at: datetime


async def list_organizations(municipality_id: UUID | None = None, query: str = "") -> list[OrganizationSummary]:
    select = Organization.select(
        Organization.id,
        Organization.name,
        Organization.short_name,
        Organization.kind,
        Organization.municipality_id,
        Organization.inn,
        Organization.head_name,
    ).order_by(Organization.sort_key)
    if municipality_id:
        select = select.where(Organization.municipality_id == municipality_id)
    if query.strip():
        select = select.where(
            Organization.name.ilike(f"%{query.strip()}%") | Organization.short_name.ilike(f"%{query.strip()}%")
        )
    return msgspec.convert(await select.run(), list[OrganizationSummary])


async def organization_names(ids: list[UUID]) -> dict[UUID, str]:
    """Short names of these organizations of the region, whichever of them the reader's scope holds."""
    rows = await current_connection().fetch("SELECT org_id, org_name FROM organization_names($1::uuid[])", ids)
    return {r["org_id"]: r["org_name"] for r in rows}


async def get_organization(organization_id: UUID) -> OrganizationRecord:
    row = await Organization.select().where(Organization.id == organization_id).first().run()
    if row is None:
        raise NotFound()
    return msgspec.convert(row, OrganizationRecord)


async def find_organization(key: str) -> dict[str, Any] | None:
    """By id or by ИНН, as the command line names organizations."""
    try:
        return await Organization.select().where(Organization.id == UUID(key)).first().run()
    except ValueError:
        return await Organization.select().where(Organization.inn == key.strip()).first().run()


async def save_organization(principal: Principal, form: OrganizationForm, organization_id: UUID | None = None) -> UUID:
    _require(principal, Role.regional_coordinator, Role.municipal_coordinator)
    if organization_id is not None:
        await get_organization(organization_id)
    errors = Errors()
    name = _check_name(errors, form.name)
    short_name = " ".join(form.short_name.split())
    if len(short_name) > 200:
        errors.add("short_name", "Не длиннее 200 символов")
    if form.kind not in KIND_LABELS:
        errors.add("kind", "Выберите тип организации")
    municipality_id: UUID | None = None
    try:
        municipality_id = UUID(form.municipality_id)
    except ValueError:
        errors.add("municipality_id", "Выберите муниципалитет")
    if (
        municipality_id
        and principal.role == Role.municipal_coordinator
        and municipality_id != principal.scope.municipality_id
    ):
        errors.add("municipality_id", "Можно выбрать только свой муниципалитет")
    if municipality_id and not await Municipality.exists().where(Municipality.id == municipality_id).run():
        errors.add("municipality_id", "Выберите муниципалитет")
    inn = form.inn.strip()
    if inn and not INN_RE.match(inn):
        errors.add("inn", "ИНН — 10 или 12 цифр")
    email = normalise_email(form.email)
    if email and not EMAIL_RE.match(email):
        errors.add("email", "Проверьте адрес электронной почты")
    phone = form.phone.strip()
    if phone and not PHONE_RE.match(phone):
        errors.add("phone", "Телефон: цифры, пробелы, скобки и дефисы, например +7 (388) 222-33-44")
    errors.raise_if_any()

    values = {
        Organization.name: name,
        Organization.short_name: short_name,
        Organization.sort_key: sort_key(short_name or name),
        Organization.kind: form.kind,
        Organization.municipality_id: municipality_id,
        Organization.inn: inn,
        Organization.address: form.address.strip(),
        Organization.head_name: " ".join(form.head_name.split()),
        Organization.phone: phone,
        Organization.email: email,
        Organization.website: form.website.strip(),
        Organization.updated_at: now(),
    }
    if organization_id is None:
        row = Organization(region_id=principal.scope.region_id, created_at=now())
        for column, value in values.items():
            setattr(row, column._meta.name, value)
        rows = await Organization.insert(row).returning(Organization.id).run()
        return rows[0]["id"]
    await Organization.update(values).where(Organization.id == organization_id).run()  # type: ignore[arg-type]
    return organization_id


# Invitations ----------------------------------------------------------------------------------------


def invitation_token(secret_key: str, invitation_id: UUID) -> str:
    return link_token(secret_key, "invitation", invitation_id)


@dataclass
class InvitationForm:
    email: str = ""
    role: str = ""
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    organization_id: str = ""
    municipality_id: str = ""


async def create_invitation(
    principal: Principal, form: InvitationForm, secret_key: str, ttl_hours: int
) -> tuple[UUID, str]:
    """Returns the invitation id and the link token (shown once to the inviter and mailed)."""
    if principal.role is None or principal.role not in INVITABLE:
        raise Forbidden()
    errors = Errors()
    email = normalise_email(form.email)
    if not EMAIL_RE.match(email):
        errors.add("email", "Проверьте адрес электронной почты")
    try:
        role = Role(form.role)
    except ValueError:
        role = None
    if role not in INVITABLE[principal.role]:
        errors.add("role", "Выберите роль")
    surname, name, patronymic = (" ".join(v.split()) for v in (form.surname, form.name, form.patronymic))
    if not surname:
        errors.add("surname", "Укажите фамилию")
    if not name:
        errors.add("name", "Укажите имя")

    scope = principal.scope
    region_id = scope.region_id
    municipality_id: UUID | None = None
    organization_id: UUID | None = None
    if role in (Role.head, Role.curator, Role.mentor, Role.mentee):
        if principal.role == Role.curator:
            organization_id = scope.organization_id
        else:
            try:
                organization_id = UUID(form.organization_id)
            except ValueError:
                errors.add("organization_id", "Выберите организацию")
        if organization_id:
            org = (
                await Organization.select(Organization.municipality_id, Organization.region_id)
                .where(Organization.id == organization_id)
                .first()
                .run()
            )
            if org is None:
                errors.add("organization_id", "Выберите организацию")
            else:
                municipality_id, region_id = org["municipality_id"], org["region_id"]
    elif role == Role.municipal_coordinator:
        if principal.role == Role.municipal_coordinator:
            municipality_id = scope.municipality_id
        else:
            try:
                municipality_id = UUID(form.municipality_id)
            except ValueError:
                errors.add("municipality_id", "Выберите муниципалитет")
            if municipality_id and not await Municipality.exists().where(Municipality.id == municipality_id).run():
                errors.add("municipality_id", "Выберите муниципалитет")
    errors.raise_if_any()
    assert role is not None and region_id is not None

    pending = (
        await Invitation.exists()
        .where(
            (Invitation.email == email)
            & (Invitation.role == role)
            & (Invitation.used_at.is_null())
            & (Invitation.expires_at > now())
            & (
                Invitation.organization_id == organization_id
                if organization_id
                else Invitation.organization_id.is_null()
            )
            & (
                Invitation.municipality_id == municipality_id
                if municipality_id
                else Invitation.municipality_id.is_null()
            )
        )
        .run()
    )
    if pending:
        raise ValidationFailed({"email": "Этому адресу уже отправлено действующее приглашение на эту роль"})
    names = (surname, name, patronymic)
    where = (region_id, municipality_id, organization_id)
    return await insert_invitation(email, role, names, where, principal.user_id, secret_key, ttl_hours)


async def insert_invitation(
    email: str,
    role: Role,
    names: tuple[str, str, str],
    where: tuple[UUID, UUID | None, UUID | None],
    created_by: UUID,
    secret_key: str,
    ttl_hours: int,
) -> tuple[UUID, str]:
    """An invitation already checked by its caller (the inviter's form, the organizations' import): its id and
    the link's token; mailing it is the caller's, after the commit."""
    region_id, municipality_id, organization_id = where
    surname, name, patronymic = names
    invitation = Invitation(
        region_id=region_id,
        email=email,
        role=role,
        municipality_id=municipality_id,
        organization_id=organization_id,
        surname=surname,
        name=name,
        patronymic=patronymic,
        expires_at=now() + timedelta(hours=ttl_hours),
        created_by=created_by,
        created_at=now(),
        send_attempts=0,
        send_error="",
    )
    token = invitation_token(secret_key, invitation.id)
    invitation.token_hash = token_hash(token)
    await Invitation.insert(invitation).run()
    return invitation.id, token


class InvitationRecord(msgspec.Struct, kw_only=True):
    id: UUID
    region_id: UUID
    email: str
    role: Role
    municipality_id: UUID | None
    organization_id: UUID | None
    surname: str
    name: str
    patronymic: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None
    created_by: UUID
    created_at: datetime
    sent_at: datetime | None
    send_attempts: int
    send_error: str


async def list_invitations() -> list[InvitationRecord]:
    rows = await Invitation.select().order_by(Invitation.created_at, ascending=False).limit(200).run()
    return msgspec.convert(rows, list[InvitationRecord])


async def get_invitation(invitation_id: UUID) -> InvitationRecord:
    row = await Invitation.select().where(Invitation.id == invitation_id).first().run()
    if row is None:
        raise NotFound()
    return msgspec.convert(row, InvitationRecord)


@dataclass
class PendingInvitation:
    id: UUID
    email: str
    role: Role
    full_name: str
    place: str
    account_exists: bool


async def open_invitation(token: str) -> tuple[InvitationRecord, PendingInvitation]:
    """Find an invitation by its link; expired or used ones say so plainly."""
    hashed = token_hash(token)
    await rescope(Scope().with_lookup(link_token_hash=hashed))
    found = await Invitation.select().where(Invitation.token_hash == hashed).first().run()
    if found is None:
        raise NotFound()
    row = msgspec.convert(found, InvitationRecord)
    if row.used_at is not None:
        raise LinkUnusable("Это приглашение уже использовано. Войдите со своим паролем.")
    if row.expires_at <= now():
        raise LinkUnusable("Срок действия приглашения истёк. Попросите прислать новое.")
    # Read the place and whether the account exists under the invitation's own scope.
    await rescope(_invitation_scope(row).with_lookup(login_email=row.email, link_token_hash=hashed))
    place = ""
    if row.organization_id:
        org = await get_organization(row.organization_id)
        place = org.short_name or org.name
    elif row.municipality_id:
        place = (await get_municipality(row.municipality_id)).name
    else:
        region = await Region.select(Region.name).where(Region.id == row.region_id).first().run()
        place = region["name"] if region else ""
    exists = await User.exists().where(User.email == row.email).run()
    pending = PendingInvitation(
        id=row.id,
        email=row.email,
        role=row.role,
        full_name=full_name(row.surname, row.name, row.patronymic),
        place=place,
        account_exists=exists,
    )
    return row, pending


def _invitation_scope(row: InvitationRecord) -> Scope:
    if row.organization_id:
        level = Level.organization
    elif row.municipality_id:
        level = Level.municipality
    else:
        level = Level.region
    return Scope(level, None, row.region_id, row.municipality_id, row.organization_id)


async def accept_invitation(token: str, password: str, password_again: str | None = None) -> UUID:
    """Creates the account (or checks the existing one's password), adds the role, spends the invitation."""
    row, pending = await open_invitation(token)
    # Concurrent accepts of one link wait here for the first to finish; it spent the link, so they find it used.
    locked = await current_connection().fetchrow("SELECT used_at FROM invitation WHERE id = $1 FOR UPDATE", row.id)
    if locked is None or locked["used_at"] is not None:
        raise LinkUnusable("Это приглашение уже использовано. Войдите со своим паролем.")
    if pending.account_exists:
        user = await User.select(User.id, User.password_hash).where(User.email == pending.email).first().run()
        assert user is not None
        if not verify_password(user["password_hash"], password):
            raise ValidationFailed({"password": "Неверный пароль"})
        user_id: UUID = user["id"]
    else:
        errors = Errors()
        problem = password_problem(password)
        if problem:
            errors.add("password", problem)
        elif password_again is not None and password != password_again:
            errors.add("password_again", "Пароли не совпадают")
        errors.raise_if_any()
        user_id = await ensure_user(pending.email, password, row.surname, row.name, row.patronymic)
    await ensure_membership(user_id, pending.role, row.region_id, row.municipality_id, row.organization_id)
    spent = (
        await Invitation.update({Invitation.used_at: now()})
        .where((Invitation.id == row.id) & (Invitation.used_at.is_null()))
        .returning(Invitation.id)
        .run()
    )
    if not spent:
        raise LinkUnusable("Это приглашение уже использовано. Войдите со своим паролем.")
    return user_id


# Authentication -------------------------------------------------------------------------------------


async def authenticate(email: str, password: str) -> UUID | None:
    email = normalise_email(email)
    await rescope(Scope().with_lookup(login_email=email))
    user = await User.select(User.id, User.password_hash, User.is_active).where(User.email == email).first().run()
    ok = verify_password(user["password_hash"] if user else None, password)
    if not (ok and user and user["is_active"]):
        return None
    await rescope(Scope(user_id=user["id"]))
    await User.update({User.last_login_at: now()}).where(User.id == user["id"]).run()
    return user["id"]


async def ensure_user(
    email: str, password: str, surname: str, name: str, patronymic: str = "", platform_admin: bool = False
) -> UUID:
    """The account for this e-mail, created when missing (seeding, the admin command, an accepted invitation)."""
    email = normalise_email(email)
    row = await User.select(User.id).where(User.email == email).first().run()
    if row:
        return row["id"]
    created = (
        await User.insert(
            User(
                email=email,
                password_hash=hash_password(password),
                surname=surname,
                name=name,
                patronymic=patronymic,
                sort_key=sort_key(full_name(surname, name, patronymic)),
                is_platform_admin=platform_admin,
                is_active=True,
                created_at=now(),
            )
        )
        .returning(User.id)
        .run()
    )
    return created[0]["id"]


async def ensure_membership(
    user_id: UUID,
    role: Role,
    region_id: UUID,
    municipality_id: UUID | None = None,
    organization_id: UUID | None = None,
) -> None:
    exists = (
        await Membership.exists()
        .where(
            (Membership.user_id == user_id)
            & (Membership.role == role)
            & (Membership.region_id == region_id)
            & (
                Membership.organization_id == organization_id
                if organization_id
                else Membership.organization_id.is_null()
            )
            & (
                Membership.municipality_id == municipality_id
                if municipality_id
                else Membership.municipality_id.is_null()
            )
        )
        .run()
    )
    if not exists:
        await Membership.insert(
            Membership(
                region_id=region_id,
                user_id=user_id,
                role=role,
                municipality_id=municipality_id,
                organization_id=organization_id,
                created_at=now(),
            )
        ).run()


class AccountRole(msgspec.Struct, kw_only=True):
    """An account holding a role: the user's id and names, the role and where it is held."""

    id: UUID
    email: str
    surname: str
    name: str
    patronymic: str
    role: Role
    organization_id: UUID | None
    municipality_id: UUID | None


async def list_people(organization_id: UUID | None = None) -> list[AccountRole]:
    """Accounts with roles in the current scope, sorted by name in Russian order."""
    rows = await User.raw(
        """
        SELECT u.id, u.email, u.surname, u.name, u.patronymic, m.role, m.organization_id, m.municipality_id
        FROM membership m JOIN app_user u ON u.id = m.user_id
        WHERE m.region_id = app_uuid('app.region_id') AND ({}::uuid IS NULL OR m.organization_id = {}::uuid)
        ORDER BY u.sort_key, m.role
        """,
        organization_id,
        organization_id,
    ).run()
    return msgspec.convert(rows, list[AccountRole])


async def region_names() -> dict[UUID, str]:
    """Every region the scope sees, by id, in Russian order: the public portal's list."""
    rows = await Region.select(Region.id, Region.name).order_by(Region.sort_key).run()
    return {row["id"]: row["name"] for row in rows}


async def region_ids() -> list[UUID]:
    """Every region the scope sees: for jobs that sweep the whole platform region by region."""
    return [row["id"] for row in await Region.select(Region.id).run()]


async def curator_emails(organization_id: UUID) -> list[str]:
    """Where an organization's curators get the platform's letters."""
    return [row.email for row in await list_people(organization_id) if row.role == Role.curator]


async def role_since(user_id: UUID, role: Role, organization_id: UUID | None) -> datetime | None:
    """When an account first took a role in an organization (a curator's time in the role, for certification)."""
    row = (
        await Membership.select(Membership.created_at)
        .where(
            (Membership.user_id == user_id)
            & (Membership.role == role)
            & (
                Membership.organization_id == organization_id
                if organization_id
                else Membership.organization_id.is_null()
            )
        )
        .order_by(Membership.created_at)
        .first()
        .run()
    )
    return row["created_at"] if row else None
