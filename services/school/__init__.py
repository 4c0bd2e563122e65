"""The network mentor school: schools, programmes with modules, cohorts, enrolment, sessions and attendance,
assessment and completion. Other domains use only the names below; the routes are composed by app/."""

from services.school.forgetting import forget_people
from services.school.training import TrainingRecord, completed_hours, training_of

__all__ = ["TrainingRecord", "completed_hours", "forget_people", "training_of"]
