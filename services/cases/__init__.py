"""The case library: best practices written up from finished pairs and groups or from an organization's practice,
approved by the municipality or the region and published, with the «методическая копилка» beside them; searched in
Russian by anyone at /cases. The routes are composed by app/; other domains use only the names below (a curator's
certification counts the organization's published cases, its public page lists them)."""

from services.cases.search import CaseBrief, published_cases, published_of

__all__ = ["CaseBrief", "published_cases", "published_of"]
