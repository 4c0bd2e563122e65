"""The homes that gather several domains: the organization workspace and the cabinets; nothing imports them."""

__all__: list[str] = []
