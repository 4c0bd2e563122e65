"""The failed-jobs page names every job in Russian: a job added to the worker without a label fails here."""

from __future__ import annotations

from typing import Any

from app.worker import job_functions
from services.admin.routes import FUNCTION_LABELS


def _name(function: Any) -> str:
    return str(getattr(function, "name", None) or function.__name__)


def test_every_worker_job_has_a_russian_label() -> None:
    names = {_name(f) for f in job_functions()}
    assert names, "the worker registers its jobs"
    assert sorted(names - set(FUNCTION_LABELS)) == []
    assert all(label[0].isupper() and not label.isascii() for label in FUNCTION_LABELS.values())
