"""The platform administrator's pages (failed background jobs); no other domain uses them."""

__all__: list[str] = []
