"""The participant bases: people, their roles, consents, questionnaires and the regional base.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.registry.bases import (
    BaseMember,
    PersonBrief,
    base_members,
    participant_counts,
    people_brief,
    publishable_people,
    unknown_person,
)
from services.registry.consents import (
    ConsentForm,
    WorkConsents,
    give_consent,
    publication_consented,
    published_classes,
    work_consents,
)
from services.registry.curators import ensure_curator_person, organization_curators
from services.registry.demo import person_name
from services.registry.jobs import enqueue_questionnaire_mail
from services.registry.nominees import ContestProfile, contest_profile
from services.registry.people import (
    CATEGORY_LABELS,
    CONSENTED,
    PersonForm,
    add_roles,
    create_person,
    is_young_specialist,
)
from services.registry.questionnaire_answers import MatchingProfile, matching_profiles, save_answers
from services.registry.questionnaire_requests import (
    DueReminder,
    QuestionnaireVersion,
    SentQuestionnaire,
    due_questionnaire_reminders,
    questionnaires_sent,
    send_questionnaire,
    submit_questionnaire,
    templates,
)
from services.registry.questionnaires import Answers, TemplateBody, check_answers
from services.registry.regional_base import guard_merge
from services.registry.retention import (
    DESTROYED,
    Forgotten,
    Ground,
    RunCounts,
    Scrubber,
    destroy_everywhere,
    destroy_in_open_transaction,
    destroy_region,
)
from services.registry.tables import Category, ParticipationRole
from services.registry.training_needs import MentorNeeds, mentor_training_needs

__all__ = [
    "CATEGORY_LABELS",
    "CONSENTED",
    "DESTROYED",
    "Answers",
    "BaseMember",
    "Category",
    "ConsentForm",
    "ContestProfile",
    "DueReminder",
    "Forgotten",
    "Ground",
    "MatchingProfile",
    "MentorNeeds",
    "ParticipationRole",
    "PersonBrief",
    "PersonForm",
    "QuestionnaireVersion",
    "RunCounts",
    "Scrubber",
    "SentQuestionnaire",
    "TemplateBody",
    "WorkConsents",
    "add_roles",
    "base_members",
    "check_answers",
    "contest_profile",
    "create_person",
    "destroy_everywhere",
    "destroy_in_open_transaction",
    "destroy_region",
    "due_questionnaire_reminders",
    "enqueue_questionnaire_mail",
    "ensure_curator_person",
    "give_consent",
    "guard_merge",
    "is_young_specialist",
    "matching_profiles",
    "mentor_training_needs",
    "organization_curators",
    "participant_counts",
    "people_brief",
    "person_name",
    "publication_consented",
    "publishable_people",
    "published_classes",
    "questionnaires_sent",
    "save_answers",
    "send_questionnaire",
    "submit_questionnaire",
    "templates",
    "unknown_person",
    "work_consents",
]
