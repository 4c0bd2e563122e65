"""The network mentor school: schools, programmes with modules, cohorts, enrolment, sessions and attendance,
assessment and completion. Other domains use only the names below; the routes are composed by app/."""

from services.school.completion import Completion, completed_of
from services.school.forgetting import forget_people
from services.school.training import TrainingRecord, completed_hours, training_of

__all__ = ["Completion", "TrainingRecord", "completed_hours", "completed_of", "forget_people", "training_of"]
