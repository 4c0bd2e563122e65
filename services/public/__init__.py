"""The public face that replaces the schools' CMS sites: each organization's «Наставничество» page (registry,
portfolios, partners, announcements, documents, results), its feed and framed page, and the regional portal. The
routes are composed by app/; other domains use nothing of it yet."""

__all__: list[str] = []
