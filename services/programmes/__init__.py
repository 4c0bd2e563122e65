"""Programmes: the catalogue of forms and role models, the constructor, the roadmap, mentor selection and orders.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.programmes.access import Access
from services.programmes.catalogue import SAME_SUBJECT
from services.programmes.forgetting import forget_people
from services.programmes.indicators import INDICATORS, IndicatorCounter
from services.programmes.order_documents import BASIS, REPLACEMENT_REASONS
from services.programmes.orders import (
    LevelOrder,
    PairsOrder,
    RegisterForm,
    ReplacementOrder,
    awaiting_signature,
    create_level_order,
    create_order,
    discard_draft,
    get_order,
    list_orders,
    on_registered,
    register,
)
from services.programmes.orders import document as order_document
from services.programmes.orders import scan as order_scan
from services.programmes.overview import WorkspaceSummary, workspace_summary
from services.programmes.programme import current_programme, get_programme
from services.programmes.records import (
    EventRecord,
    FormRecord,
    OrderRecord,
    Owner,
    ProgrammeRecord,
    RoleModelRecord,
)
from services.programmes.regional_catalogue import catalogue_choices, models_of_form
from services.programmes.roadmap import roadmap as roadmap_of
from services.programmes.tables import OrderKind
from services.programmes.values import read_date

__all__ = [
    "BASIS",
    "INDICATORS",
    "REPLACEMENT_REASONS",
    "SAME_SUBJECT",
    "Access",
    "EventRecord",
    "FormRecord",
    "IndicatorCounter",
    "LevelOrder",
    "OrderKind",
    "OrderRecord",
    "Owner",
    "PairsOrder",
    "ProgrammeRecord",
    "RegisterForm",
    "ReplacementOrder",
    "RoleModelRecord",
    "WorkspaceSummary",
    "awaiting_signature",
    "catalogue_choices",
    "create_level_order",
    "create_order",
    "current_programme",
    "discard_draft",
    "forget_people",
    "get_order",
    "get_programme",
    "list_orders",
    "models_of_form",
    "on_registered",
    "order_document",
    "order_scan",
    "read_date",
    "register",
    "roadmap_of",
    "workspace_summary",
]
