"""Returns: customers' returns against shipped orders and returns to suppliers."""

__all__: list[str] = []
