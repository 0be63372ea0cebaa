"""Sales channels: orders in from marketplaces and shops, stock promised out to them."""

__all__: list[str] = []
