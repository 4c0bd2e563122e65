"""The incentives register (002 §6.3, 004 §8): thanks, diplomas, letters to a learner mentor's parents, petitions for
awards, bonuses and allowances decided by order, per mentor. The routes are composed by app/; other domains use only
the names below (the cabinet, the public page and the attestation evidence show a person's incentives in effect)."""

from services.incentives import register as _register  # noqa: F401  (puts the order hook in place)
from services.incentives.forgetting import forget_people
from services.incentives.portfolio import incentives_of
from services.incentives.records import KIND_LABELS, IncentiveRecord

__all__ = ["KIND_LABELS", "IncentiveRecord", "forget_people", "incentives_of"]
