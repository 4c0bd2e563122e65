"""The public face that replaces the schools' CMS sites: each organization's «Наставничество» page (registry,
portfolios, partners, announcements, documents, results), its feed and framed page, and the regional portal. The
routes are composed by app/, the retention job its scrubber."""

from services.public.forgetting import forget_people

__all__ = ["forget_people"]
