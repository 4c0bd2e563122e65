"""A region live in a day: the regional coordinator brings in its organizations from one XLSX or CSV file — the
card, the contingent, and the e-mails of each organization's curator and head, who are invited once it is in.

The same shape as the people import: the file waits with a tracked job, a preview checks every row and names each
problem by row and column, and a commit writes every row or none; the invitations are mailed after the commit.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from shared import file_imports, tracked
from shared.actor import Actor
from shared.audit import audit, audit_many
from shared.clock import now
from shared.db import Level, Scope, current_connection, tenant_transaction
from shared.errors import ValidationFailed
from shared.file_imports import RowError, plain_word
from shared.i18n import sort_key
from shared.tabular import ImportLimits, Table, UnreadableFile, read_table
from tenants.contingent import ContingentForm, ContingentRecord, clean_contingent, save_contingent, school_year_choices
from tenants.contingent import school_year_label as year_label
from tenants.jobs import enqueue_invitation
from tenants.logic import EMAIL_RE, INN_RE, PHONE_RE, insert_invitation, normalise_email
from tenants.roles import KIND_LABELS, OrganizationKind, Role

IMPORT_SECONDS = 300
CHECKING, COMMITTING = "Проверяем файл", "Добавляем организации"
KIND = "organization_import"
MAX_ERRORS = 500

# The template's header row, in its order: field -> the column's title (errors name the column by it).
FIELD_TITLES: dict[str, str] = {
    "name": "Полное наименование",
    "short_name": "Краткое наименование",
    "kind": "Тип",
    "inn": "ИНН",
    "municipality": "Муниципалитет",
    "head_name": "Руководитель (ФИО)",
    "address": "Адрес",
    "email": "Электронная почта",
    "phone": "Телефон",
    "website": "Сайт",
    "learners_total": "Обучающихся всего",
    "learners_10_18": "Из них 10–18 лет",
    "teachers": "Педагогических работников",
    "young_specialists": "Из них молодых специалистов",
    "curator_email": "E-mail куратора",
    "curator_name": "ФИО куратора",
    "head_email": "E-mail руководителя",
}
REQUIRED = ("name", "kind", "inn", "municipality")
CONTINGENT_FIELDS = ("learners_total", "learners_10_18", "teachers", "young_specialists")


def normalise_header(text: Any) -> str:
    """Case, ё/е, dashes, asterisks, brackets and punctuation ignored: «ФИО руководителя*» is «фио руководителя»."""
    text = str(text or "").lower().replace("ё", "е").replace("*", "")
    text = re.sub(r"[–—‑]", "-", text)
    return " ".join(re.sub(r"[.:;_()«»\"]+", " ", text).split())


def _words(*titles: str) -> list[str]:
    return [normalise_header(title) for title in titles]


HEADERS: dict[str, str] = {
    **{normalise_header(title): name for name, title in FIELD_TITLES.items()},
    **dict.fromkeys(_words("Наименование", "Название", "Полное название", "Организация"), "name"),
    **dict.fromkeys(_words("Краткое название", "Сокращённое наименование", "Сокращённое название"), "short_name"),
    **dict.fromkeys(_words("Тип организации", "Вид организации", "Вид"), "kind"),
    **dict.fromkeys(_words("Муниципальное образование", "Муниципальный район", "Район"), "municipality"),
    **dict.fromkeys(_words("Руководитель", "ФИО руководителя", "Директор"), "head_name"),
    **dict.fromkeys(_words("Email", "E-mail", "Почта", "Электронная почта организации"), "email"),
    **dict.fromkeys(_words("Обучающихся", "Всего обучающихся", "Контингент обучающихся"), "learners_total"),
    **dict.fromkeys(_words("10–18 лет", "Обучающихся 10–18 лет", "В возрасте 10–18 лет"), "learners_10_18"),
    **dict.fromkeys(_words("Педагогов", "Педагогические работники", "Педагоги"), "teachers"),
    **dict.fromkeys(_words("Молодых специалистов", "Молодые специалисты"), "young_specialists"),
    **dict.fromkeys(_words("Почта куратора", "Email куратора", "Электронная почта куратора"), "curator_email"),
    **dict.fromkeys(_words("Куратор", "Куратор (ФИО)"), "curator_name"),
    **dict.fromkeys(_words("Почта руководителя", "Email руководителя", "Электронная почта руководителя"), "head_email"),
}

K = OrganizationKind
KIND_WORDS: dict[str, OrganizationKind] = {
    **{normalise_header(label): kind for kind, label in KIND_LABELS.items()},
    **{kind.value: kind for kind in OrganizationKind},
    **dict.fromkeys(_words("школа", "общеобразовательная", "общеобразовательная организация", "ОО"), K.school),
    **dict.fromkeys(_words("колледж", "техникум", "СПО", "профессиональная образовательная организация"), K.college),
    **dict.fromkeys(
        _words("дополнительное образование", "организация дополнительного образования", "ДО", "УДО"), K.additional
    ),
    **dict.fromkeys(
        _words("муниципальный орган", "орган управления образованием", "управление образования"), K.municipal_body
    ),
    **dict.fromkeys(_words("работодатель", "партнёр", "предприятие"), K.employer),
}
KINDS_HINT = "школа, колледж (СПО), дополнительное образование, муниципальный орган, работодатель"


@dataclass
class ImportReport:
    total: int = 0
    valid: int = 0
    invitations: int = 0
    new_municipalities: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "valid": self.valid,
            "invitations": self.invitations,
            "new_municipalities": self.new_municipalities,
            "ok": self.ok,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
        }


@dataclass
class OrganizationRow:
    """One checked row as the commit writes it."""

    number: int
    name: str
    short_name: str
    kind: OrganizationKind
    inn: str
    municipality: str  # as typed; found by `plain_word`
    head_name: str
    address: str
    email: str
    phone: str
    website: str
    contingent: ContingentRecord | None
    curator_email: str
    curator_name: tuple[str, str, str]
    head_email: str


@dataclass
class Prepared:
    report: ImportReport
    rows: list[OrganizationRow]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def split_name(full: str) -> tuple[str, str, str]:
    """«Смирнова Елена Викторовна» as surname, name, patronymic (a fourth word stays with the patronymic)."""
    parts = full.split()
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "", " ".join(parts[2:]))


NOTHING = UUID(int=0)  # the contingent's organization before it exists


def _check_row(number: int, cells: dict[str, str], year: int) -> tuple[OrganizationRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(name: str, message: str) -> None:
        errors.append(RowError(number, FIELD_TITLES[name], message))

    name = cells.get("name", "")
    if not name:
        error("name", "Укажите название")
    elif len(name) > 200:
        error("name", "Не длиннее 200 символов")
    short_name = cells.get("short_name", "")
    if len(short_name) > 200:
        error("short_name", "Не длиннее 200 символов")
    kind = KIND_WORDS.get(normalise_header(cells.get("kind", "")))
    if kind is None:
        typed = cells.get("kind", "")
        error("kind", f"Неизвестный тип «{typed}»: {KINDS_HINT}" if typed else f"Укажите тип: {KINDS_HINT}")
    inn = cells.get("inn", "").replace(" ", "")
    if not inn:
        error("inn", "Укажите ИНН")
    elif not INN_RE.match(inn):
        error("inn", "ИНН — 10 или 12 цифр")
    if not cells.get("municipality"):
        error("municipality", "Укажите муниципалитет")
    head_name = cells.get("head_name", "")
    if len(head_name) > 200:
        error("head_name", "Не длиннее 200 символов")
    email = normalise_email(cells.get("email", ""))
    if email and not EMAIL_RE.match(email):
        error("email", "Проверьте адрес электронной почты")
    phone = cells.get("phone", "")
    if phone and not PHONE_RE.match(phone):
        error("phone", "Телефон: цифры, пробелы, скобки и дефисы, например +7 (388) 222-33-44")
    contingent = None
    if any(cells.get(name) for name in CONTINGENT_FIELDS):
        form = ContingentForm(
            school_year=str(year),
            learners_total=cells.get("learners_total", ""),
            learners_10_18=cells.get("learners_10_18", ""),
            teachers=cells.get("teachers", ""),
            young_specialists=cells.get("young_specialists", ""),
        )
        try:
            contingent = clean_contingent((kind or K.school).value, NOTHING, form, [year])
        except ValidationFailed as exc:
            errors += [RowError(number, FIELD_TITLES.get(k, k), m) for k, m in exc.errors.items()]
    curator_email = normalise_email(cells.get("curator_email", ""))
    if curator_email and not EMAIL_RE.match(curator_email):
        error("curator_email", "Проверьте адрес электронной почты")
    head_email = normalise_email(cells.get("head_email", ""))
    if head_email and not EMAIL_RE.match(head_email):
        error("head_email", "Проверьте адрес электронной почты")
    if head_email and not split_name(head_name)[1]:
        error("head_name", "Укажите фамилию и имя руководителя: ему придёт приглашение")
    curator_name = split_name(cells.get("curator_name", ""))
    if errors:
        return None, errors
    assert kind is not None
    return (
        OrganizationRow(
            number=number,
            name=name,
            short_name=short_name,
            kind=kind,
            inn=inn,
            municipality=cells["municipality"],
            head_name=head_name,
            address=cells.get("address", ""),
            email=email,
            phone=phone,
            website=cells.get("website", ""),
            contingent=contingent,
            curator_email=curator_email,
            curator_name=curator_name,
            head_email=head_email,
        ),
        [],
    )


def prepare(rows: Iterable[Sequence[Any]], year: int, progress: Callable[[int, int], None] | None = None) -> Prepared:
    """Checks every row without touching the database; the region's ИНН and municipalities are checked after."""
    stream: Iterator[Sequence[Any]] = iter(rows)
    expected = rows.expected if isinstance(rows, Table) else len(rows) - 1 if isinstance(rows, Sized) else 0
    report = ImportReport()
    first = next(stream, None)
    if first is None:
        raise UnreadableFile("Файл пуст")
    mapping: dict[int, str] = {}
    for index, title in enumerate(first):
        name = HEADERS.get(normalise_header(title))
        if name and name not in mapping.values():
            mapping[index] = name
        elif normalise_header(title):
            report.ignored_columns.append(str(title))
    report.columns = [FIELD_TITLES[f] for f in mapping.values()]
    missing = [FIELD_TITLES[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), "Нет обязательного столбца"))
        report.total = max(expected, 0)
        return Prepared(report, [])
    checked: list[OrganizationRow] = []
    seen_inn: dict[str, int] = {}
    number = 1
    for number, raw in enumerate(stream, start=2):
        if progress and number % 100 == 0:
            progress(number - 1, max(expected, number - 1))
        cells = {name: _cell(raw[i]) if i < len(raw) else "" for i, name in mapping.items()}
        row, row_errors = _check_row(number, cells, year)
        inn = cells.get("inn", "").replace(" ", "")
        if inn and inn in seen_inn:
            row, row_errors = None, [*row_errors, RowError(number, "ИНН", f"Тот же ИНН, что в строке {seen_inn[inn]}")]
        elif inn:
            seen_inn[inn] = number
        if row is None:
            if len(report.errors) < MAX_ERRORS:
                report.errors += row_errors
        else:
            checked.append(row)
    report.total = number - 1
    report.valid = len(checked)
    return Prepared(report, checked)


async def check_against_region(prepared: Prepared, create_missing: bool) -> dict[str, UUID]:
    """An ИНН already in the region is an error, and so is an unknown municipality unless the coordinator asked
    for the missing ones to be created; returns the region's municipalities by `plain_word`."""
    report = prepared.report
    connection = current_connection()
    known = {
        plain_word(row["name"]): row["id"]
        for row in await connection.fetch(
            "SELECT id, name FROM municipality WHERE region_id = app_uuid('app.region_id')"
        )
    }
    taken = {
        row["inn"]
        for row in await connection.fetch(
            "SELECT inn FROM organization WHERE region_id = app_uuid('app.region_id') AND inn = ANY($1::text[])",
            [row.inn for row in prepared.rows],
        )
    }
    kept: list[OrganizationRow] = []
    new: dict[str, str] = {}
    for row in prepared.rows:
        problems = []
        if row.inn in taken:
            problems.append(RowError(row.number, "ИНН", "Организация с этим ИНН уже есть в регионе"))
        key = plain_word(row.municipality)
        if key not in known:
            if create_missing:
                new.setdefault(key, row.municipality)
            else:
                problems.append(
                    RowError(
                        row.number,
                        FIELD_TITLES["municipality"],
                        f"Муниципалитета «{row.municipality}» нет в регионе: проверьте название "
                        "или отметьте «Создать недостающие муниципалитеты»",
                    )
                )
        if problems:
            if len(report.errors) < MAX_ERRORS:
                report.errors += problems
        else:
            kept.append(row)
    prepared.rows = kept
    report.valid = len(kept)
    report.new_municipalities = sorted(new.values(), key=plain_word)
    report.invitations = sum(bool(r.curator_email) + bool(r.head_email) for r in kept)
    return known


@dataclass(frozen=True)
class InviteSettings:
    secret_key: str
    ttl_hours: int


async def commit(actor: Actor, prepared: Prepared, known: dict[str, UUID], invite: InviteSettings) -> list[UUID]:
    """Writes the checked rows in the open transaction (all or none with it): the missing municipalities, the
    organizations, their contingents and the invitations of their curators and heads, whose ids it returns."""
    if not prepared.report.ok:
        raise ValidationFailed({"file": "В файле есть ошибки: ничего не импортировано"})
    assert actor.user_id is not None
    connection = current_connection()
    municipalities = dict(known)
    for name in prepared.report.new_municipalities:
        municipalities[plain_word(name)] = await connection.fetchval(
            """INSERT INTO municipality (region_id, name, sort_key, created_at) VALUES ($1, $2, $3, $4)
               RETURNING id""",
            actor.region_id,
            name,
            sort_key(name),
            now(),
        )
    rows = prepared.rows
    stamp = now()
    by_inn: dict[str, UUID] = {
        r["inn"]: r["id"]
        for r in await connection.fetch(
            """INSERT INTO organization (region_id, municipality_id, kind, name, short_name, sort_key, inn, address,
                                         head_name, phone, email, website, created_at, updated_at)
               SELECT $1, m, k, n, s, sk, i, a, h, p, e, w, $2, $2
               FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::text[], $9::text[],
                           $10::text[], $11::text[], $12::text[], $13::text[])
                    AS t (m, k, n, s, sk, i, a, h, p, e, w)
               RETURNING id, inn""",
            actor.region_id,
            stamp,
            [municipalities[plain_word(r.municipality)] for r in rows],
            [r.kind.value for r in rows],
            [r.name for r in rows],
            [r.short_name for r in rows],
            [sort_key(r.short_name or r.name) for r in rows],
            [r.inn for r in rows],
            [r.address for r in rows],
            [r.head_name for r in rows],
            [r.phone for r in rows],
            [r.email for r in rows],
            [r.website for r in rows],
        )
    }
    entries: list[tuple[UUID | None, UUID | None, str]] = []
    for row in rows:
        if row.contingent is not None:
            record = msgspec.structs.replace(row.contingent, organization_id=by_inn[row.inn])
            await save_contingent(actor, record)
            entries.append((record.organization_id, None, f"контингент {year_label(record.school_year)} из файла"))
    invitations: list[UUID] = []
    for row in rows:
        organization_id = by_inn[row.inn]
        where = (actor.region_id, municipalities[plain_word(row.municipality)], organization_id)
        for email, role, names in (
            (row.head_email, Role.head, split_name(row.head_name)),
            (row.curator_email, Role.curator, row.curator_name),
        ):
            if email:
                invitation_id, _ = await insert_invitation(
                    email, role, names, where, actor.user_id, invite.secret_key, invite.ttl_hours
                )
                invitations.append(invitation_id)
    created = len(prepared.report.new_municipalities)
    await audit(
        actor,
        "organization_import",
        None,
        f"импорт организаций: {len(rows)}, новых муниципалитетов: {created}, приглашений: {len(invitations)}",
    )
    await audit_many(actor, "contingent", entries)
    return invitations


async def import_file(
    actor: Actor,
    content: bytes,
    *,
    create_missing: bool,
    dry_run: bool,
    limits: ImportLimits,
    invite: InviteSettings,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ImportReport, list[UUID]]:
    """Read, check and (unless a dry run) commit in the open region transaction; the invitations to mail after
    its commit come back with the report."""
    year = school_year_choices()[0]

    def check() -> Prepared:
        return prepare(read_table(content, limits), year, progress)

    try:
        prepared = await asyncio.to_thread(check)
    except UnreadableFile as exc:
        return ImportReport(errors=[RowError(0, "", str(exc))]), []
    if prepared.report.errors:
        return prepared.report, []
    # One import of a region at a time: two files with the same ИНН cannot both pass the check.
    await current_connection().execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('organization-import:' || $1::text, 0))", str(actor.region_id)
    )
    known = await check_against_region(prepared, create_missing)
    if not prepared.report.ok or dry_run:
        return prepared.report, []
    if progress:
        progress(prepared.report.total, prepared.report.total)
    return prepared.report, await commit(actor, prepared, known, invite)


# The tracked job ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportState:
    """An import as its page and the API show it."""

    id: UUID
    filename: str
    status: str  # checking, checked, invalid, importing, done or failed
    done: int
    total: int
    create_missing: bool
    report: dict[str, Any] | None
    error: str
    retryable: bool

    def as_api(self) -> ImportOut:
        return ImportOut(
            filename=self.filename,
            status=self.status,
            done=self.done,
            total=self.total,
            create_municipalities=self.create_missing,
            report=msgspec.convert(self.report, ReportOut) if self.report is not None else None,
            error=self.error,
        )


class RowErrorOut(msgspec.Struct, kw_only=True):
    row: int  # 1 is the header row; 0 is the file as a whole
    column: str
    message: str


class ReportOut(msgspec.Struct, kw_only=True):
    total: int
    valid: int
    invitations: int  # to be sent (a checked file) or sent (an imported one)
    new_municipalities: list[str]
    ok: bool
    columns: list[str]
    ignored_columns: list[str]
    errors: list[RowErrorOut]


class ImportOut(msgspec.Struct, kw_only=True):
    """An import in the API: `status` is checking, checked, invalid, importing, done or failed."""

    filename: str
    status: str
    done: int
    total: int
    create_municipalities: bool
    report: ReportOut | None
    error: str


def _state(job: tracked.TrackedJob) -> ImportState:
    status = file_imports.phase(job)
    return ImportState(
        id=job.id,
        filename=job.file_name,
        status=status,
        done=job.done,
        total=job.total,
        create_missing=bool(job.params.get("create_municipalities")),
        report=(job.result or {}).get("report"),
        error=job.error,
        retryable=status == "failed" and job.has_file,
    )


async def start_import(actor: Actor, content: bytes, filename: str, *, create_missing: bool) -> UUID:
    """In the request's transaction: the file is kept with the job, which is queued once the upload commits."""
    scope = Scope(Level.region, actor.user_id, actor.region_id)
    return await tracked.start(
        run_organization_import,
        scope,
        ip=actor.ip,
        params={"create_municipalities": create_missing},
        step="check",
        label=CHECKING,
        file=content,
        file_name=filename,
    )


async def import_status(import_id: UUID) -> ImportState | None:
    """None for an unknown import or another region's (RLS): the caller answers 404."""
    job = await tracked.get(import_id, KIND)
    return _state(job) if job is not None else None


async def request_commit(import_id: UUID) -> None:
    job = await tracked.get(import_id, KIND)
    if job is not None:
        await file_imports.commit_checked(job, COMMITTING)


async def retry_import(import_id: UUID) -> None:
    job = await tracked.get(import_id, KIND)
    if job is not None:
        await file_imports.retry_failed(job)


@tracked.job(KIND, timeout=IMPORT_SECONDS)
async def run_organization_import(run: tracked.Run) -> dict[str, Any] | None:
    """Checks (step «check») or writes (step «commit») in one transaction that also marks the job done; the
    invitations are queued to be mailed only once that transaction commits."""
    job = run.job
    committing = job.step == "commit"
    content = await run.file()
    run.stage(COMMITTING if committing else CHECKING)
    async with tenant_transaction(job.scope):
        report, invitations = await import_file(
            job.actor,
            content,
            create_missing=bool(job.params.get("create_municipalities")),
            dry_run=not committing,
            limits=ImportLimits.of(run.settings),
            invite=InviteSettings(run.settings.secret_key, run.settings.invitation_ttl_hours),
            progress=run.progress,
        )
        await run.finish({"report": report.as_dict()}, keep_file=not committing and report.ok)
        for invitation_id in invitations:
            await enqueue_invitation(job.region_id, invitation_id)
    return None


def template_rows() -> list[list[str]]:
    """The template file: the header row the import reads."""
    return [list(FIELD_TITLES.values())]
