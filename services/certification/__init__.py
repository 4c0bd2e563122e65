"""certification: see its modules; other domains use only the names below."""

__all__: list[str] = []
