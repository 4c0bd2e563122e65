"""What every import of a file shares: errors by row and column, and the tracked job's check-then-commit course
(a file is checked first, committed only when it had no errors, and retried on the same file after a failure)."""

from __future__ import annotations

from dataclasses import dataclass

from shared import tracked
from shared.errors import ValidationFailed


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it, the header being row 1
    column: str
    message: str


def plain_word(text: str) -> str:
    """A cell's word compared as typed apart from case, ё/е and spacing."""
    return " ".join(str(text).lower().replace("ё", "е").split())


def phase(job: tracked.TrackedJob) -> str:
    """checking, checked, invalid (the check found errors), importing, done or failed."""
    committing = job.step == "commit"
    report = (job.result or {}).get("report")
    if job.status == tracked.Status.failed:
        return "failed"
    if job.active:
        return "importing" if committing else "checking"
    if report and report["ok"]:
        return "done" if committing else "checked"
    return "invalid"


async def commit_checked(job: tracked.TrackedJob, label: str) -> None:
    """Only a checked file without errors is committed; a second click while it is queued changes nothing."""
    state = phase(job)
    if state == "importing":
        return
    if state != "checked":
        raise ValidationFailed({"status": "Импортировать можно только проверенный файл без ошибок"})
    await tracked.again(job, step="commit", label=label)


async def retry_failed(job: tracked.TrackedJob) -> None:
    """A failed check or commit runs again on the same file while the file is kept."""
    state = phase(job)
    if state in ("checking", "importing"):
        return
    if state != "failed":
        raise ValidationFailed({"status": "Повторить можно только импорт, который не удался"})
    if not job.has_file:
        raise ValidationFailed({"file": "Файл уже удалён: загрузите его снова"})
    await tracked.again(job)
