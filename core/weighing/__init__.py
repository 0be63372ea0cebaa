"""Weight at every custody change: scale readings of pieces, tolerances, weight holds."""

from core.weighing.errors import BadWeight, PieceOnHold, WeightOutOfTolerance
from core.weighing.models import Weighing, WeightHold, WeightTolerance
from core.weighing.service import (
    DEFAULT_TOLERANCES,
    EVENTS,
    PieceGroup,
    ensure_not_held,
    ensure_serials_not_held,
    held_count,
    hold_piece,
    holds,
    record_receipt_weights,
    release_hold,
    set_piece_weights,
    set_tolerance,
    tolerance_for,
    tolerances,
    weigh,
    weigh_groups,
    weigh_pieces,
    weighings_of,
)
from core.weighing.settings import WeighingSettings, weighing_settings

__all__ = [
    "DEFAULT_TOLERANCES",
    "EVENTS",
    "BadWeight",
    "PieceGroup",
    "PieceOnHold",
    "WeighingSettings",
    "Weighing",
    "WeightHold",
    "WeightOutOfTolerance",
    "WeightTolerance",
    "ensure_not_held",
    "ensure_serials_not_held",
    "held_count",
    "hold_piece",
    "holds",
    "record_receipt_weights",
    "release_hold",
    "set_piece_weights",
    "set_tolerance",
    "tolerance_for",
    "tolerances",
    "weigh",
    "weigh_groups",
    "weigh_pieces",
    "weighing_settings",
    "weighings_of",
]
