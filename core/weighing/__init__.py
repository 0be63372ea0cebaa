"""Weight at every custody change: scale readings of pieces, tolerances, weight holds."""
