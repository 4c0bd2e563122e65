"""Programmes: the catalogue of forms and role models, the constructor, the roadmap, mentor selection and orders.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.programmes.catalogue import SAME_SUBJECT
from services.programmes.indicators import INDICATORS, IndicatorCounter
from services.programmes.logic import (
    Owner,
    catalogue_choices,
    current_programme,
    get_programme,
    models_of_form,
    read_date,
    school_year,
    workspace_summary,
)
from services.programmes.orders import (
    REPLACEMENT_REASONS,
    RegisterForm,
    create_order,
    get_order,
    on_registered,
    register,
)
from services.programmes.tables import OrderKind

__all__ = [
    "INDICATORS",
    "REPLACEMENT_REASONS",
    "SAME_SUBJECT",
    "IndicatorCounter",
    "OrderKind",
    "Owner",
    "RegisterForm",
    "catalogue_choices",
    "create_order",
    "current_programme",
    "get_order",
    "get_programme",
    "models_of_form",
    "on_registered",
    "read_date",
    "register",
    "school_year",
    "workspace_summary",
]
