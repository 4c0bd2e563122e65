"""Curator certification: the region's rounds, the commission, the curators' applications with their portfolios,
scores, decisions and the registry of certified curators. The routes are composed by app/; other domains use only
the names below (the reports read model counts certified curators from the certificate table itself)."""

from services.certification.registry import RegistryRow, certified_curators

__all__ = ["RegistryRow", "certified_curators"]
