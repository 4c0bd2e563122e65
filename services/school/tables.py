"""The network mentor school's tables. DDL lives in piccolo_migrations; these classes are the query side."""

from __future__ import annotations

import enum

from piccolo.columns import JSONB, UUID, Array, Boolean, Bytea, Date, Numeric, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from shared.engine import DB


class Training(enum.StrEnum):
    primary = "primary"  # before the mentor starts (002 §8.4.2)
    in_process = "in_process"  # while mentoring


class Audience(enum.StrEnum):
    mentor_candidate = "mentor_candidate"
    mentor = "mentor"
    curator = "curator"


class ModuleFormat(enum.StrEnum):
    opening = "opening"
    seminar = "seminar"
    training = "training"
    webinar = "webinar"
    exchange = "exchange"
    internship = "internship"


class Assessment(enum.StrEnum):
    none = "none"
    test = "test"
    assignment = "assignment"
    credit = "credit"  # the trainer's «зачтено»


class EnrolmentState(enum.StrEnum):
    applied = "applied"  # by the person from the cabinet or the offer; the curator confirms
    nominated = "nominated"  # by the curator; the school accepts
    accepted = "accepted"
    waiting = "waiting"  # beyond the cohort's capacity
    declined = "declined"
    withdrawn = "withdrawn"


class Outcome(enum.StrEnum):
    completed = "completed"
    not_completed = "not_completed"


class AttendanceStatus(enum.StrEnum):
    present = "present"
    late = "late"
    absent = "absent"


TRAINING_LABELS = {Training.primary: "Первичное обучение", Training.in_process: "Обучение в процессе наставничества"}
AUDIENCE_LABELS = {
    Audience.mentor_candidate: "Кандидаты в наставники",
    Audience.mentor: "Наставники",
    Audience.curator: "Кураторы",
}
FORMAT_LABELS = {
    ModuleFormat.opening: "Установочная сессия",
    ModuleFormat.seminar: "Семинар",
    ModuleFormat.training: "Тренинг",
    ModuleFormat.webinar: "Вебинар",
    ModuleFormat.exchange: "Обмен опытом",
    ModuleFormat.internship: "Стажировка",
}
ASSESSMENT_LABELS = {
    Assessment.none: "Без итоговой работы",
    Assessment.test: "Тест",
    Assessment.assignment: "Итоговое задание",
    Assessment.credit: "Зачёт преподавателя",
}
STATE_LABELS = {
    EnrolmentState.applied: "Ждёт подтверждения куратора",
    EnrolmentState.nominated: "Выдвинут, ждёт решения школы",
    EnrolmentState.accepted: "Зачислен",
    EnrolmentState.waiting: "В листе ожидания",
    EnrolmentState.declined: "Отклонён",
    EnrolmentState.withdrawn: "Отозван",
}
ATTENDANCE_LABELS = {
    AttendanceStatus.present: "Присутствовал",
    AttendanceStatus.late: "Опоздал",
    AttendanceStatus.absent: "Отсутствовал",
}


class MentorSchool(Table, tablename="mentor_school", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    organization_id = UUID(null=True, default=None)
    municipality_id = UUID(null=True, default=None)
    name = Text()
    signatory_name = Text()
    signatory_position = Text()
    created_at = Timestamptz()


class SchoolProgramme(Table, tablename="school_programme", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    title = Text()
    description = Text()
    training = Varchar(length=12, choices=Training)
    audience = Array(base_column=Varchar(length=20))
    offered_to_all = Boolean(default=True)
    municipality_ids = Array(base_column=UUID())
    min_attendance_pct = SmallInt(default=75)
    min_hours = Numeric(digits=(6, 1))
    assessment = Varchar(length=12, choices=Assessment)
    pass_mark_pct = SmallInt(default=70)
    max_attempts = SmallInt(default=3)
    assignment_text = Text()
    published = Boolean(default=False)
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class SchoolModule(Table, tablename="school_module", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    programme_id = UUID()
    position = SmallInt()
    topic = Text()
    hours = Numeric(digits=(5, 1))
    format = Varchar(length=12, choices=ModuleFormat)
    training = Varchar(length=12, choices=Training)
    description = Text()


class SchoolMaterial(Table, tablename="school_material", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    programme_id = UUID()
    module_id = UUID(null=True, default=None)
    title = Text()
    url = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea(null=True, default=None)
    created_at = Timestamptz()


class SchoolQuestion(Table, tablename="school_question", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    programme_id = UUID()
    position = SmallInt()
    text = Text()
    multiple = Boolean(default=False)
    options = JSONB()
    correct = Array(base_column=SmallInt())


class SchoolCohort(Table, tablename="school_cohort", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    programme_id = UUID()
    title = Text()
    starts_on = Date()
    ends_on = Date()
    place = Text()
    online_link = Text()
    capacity = SmallInt()
    enrolment_open = Boolean(default=True)
    published = Boolean(default=True)
    cancelled_at = Timestamptz(null=True, default=None)
    enrolment_order_id = UUID(null=True, default=None)
    completion_order_id = UUID(null=True, default=None)
    created_at = Timestamptz()


class SchoolCohortTrainer(Table, tablename="school_cohort_trainer", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    cohort_id = UUID()
    user_id = UUID()
    full_name = Text()


class SchoolSession(Table, tablename="school_session", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    cohort_id = UUID()
    module_id = UUID(null=True, default=None)
    title = Text()
    starts_at = Timestamptz()
    hours = Numeric(digits=(4, 1))
    place = Text()
    checkin_code = Varchar(length=8)
    checkin_until = Timestamptz(null=True, default=None)


class SchoolEnrolment(Table, tablename="school_enrolment", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    cohort_id = UUID()
    organization_id = UUID()
    person_id = UUID()
    user_id = UUID(null=True, default=None)
    audience = Varchar(length=20, choices=Audience)
    full_name = Text()
    organization_name = Text()
    position = Text()
    state = Varchar(length=10, choices=EnrolmentState)
    requested_at = Timestamptz()
    nominated_by = UUID(null=True, default=None)
    nominated_at = Timestamptz(null=True, default=None)
    decided_by = UUID(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    reason = Text()
    outcome = Varchar(length=14, null=True, default=None, choices=Outcome)
    outcome_overridden = Boolean(default=False)
    outcome_reason = Text()
    outcome_by = UUID(null=True, default=None)
    outcome_at = Timestamptz(null=True, default=None)
    hours_attended = Numeric(digits=(6, 1))
    completed_on = Date(null=True, default=None)


class SchoolAttendance(Table, tablename="school_attendance", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    cohort_id = UUID()
    organization_id = UUID()
    session_id = UUID()
    enrolment_id = UUID()
    status = Varchar(length=8, choices=AttendanceStatus)
    minutes_late = SmallInt(null=True, default=None)
    reason = Text()
    via = Varchar(length=8)
    marked_by = UUID(null=True, default=None)
    marked_at = Timestamptz()


class SchoolAttempt(Table, tablename="school_attempt", db=DB):
    id = UUID(primary_key=True)
    region_id = UUID()
    school_id = UUID()
    cohort_id = UUID()
    organization_id = UUID()
    enrolment_id = UUID()
    kind = Varchar(length=12)
    answers = JSONB()
    text = Text()
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    data = Bytea(null=True, default=None)
    score_pct = Numeric(digits=(5, 1), null=True, default=None)
    passed = Boolean(null=True, default=None)
    comment = Text()
    graded_by = UUID(null=True, default=None)
    submitted_at = Timestamptz()
    graded_at = Timestamptz(null=True, default=None)


TABLES: list[type[Table]] = [
    MentorSchool,
    SchoolProgramme,
    SchoolModule,
    SchoolMaterial,
    SchoolQuestion,
    SchoolCohort,
    SchoolCohortTrainer,
    SchoolSession,
    SchoolEnrolment,
    SchoolAttendance,
    SchoolAttempt,
]
