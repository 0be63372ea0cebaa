"""Memo, consignment and repair custody: pieces out with partners and back."""

from core.custody.consignment import buy, receive_consignment, send_back
from core.custody.models import CustodyKind, PartnerKind, PieceState
from core.custody.partners import create_partner, list_partners, partner_by_code, partner_read
from core.custody.schemas import (
    BackIn,
    ConsignmentIn,
    ConsignmentPieceIn,
    CustodyOut,
    CustodyRead,
    OverdueRead,
    PartnerCreate,
    PartnerRead,
    PartnerValue,
    PieceWeight,
    PurchaseIn,
    PurchasePiece,
    SaleIn,
    SendBackIn,
    Valuation,
)
from core.custody.service import get_custody, hand_out, sell, take_back
from core.custody.views import (
    check_overdue,
    custody_reads,
    list_custody,
    overdue,
    valuation,
    value_by_partner,
)

__all__ = [
    "BackIn",
    "ConsignmentIn",
    "ConsignmentPieceIn",
    "CustodyKind",
    "CustodyOut",
    "CustodyRead",
    "OverdueRead",
    "PartnerCreate",
    "PartnerKind",
    "PartnerRead",
    "PartnerValue",
    "PieceState",
    "PieceWeight",
    "PurchaseIn",
    "PurchasePiece",
    "SaleIn",
    "SendBackIn",
    "Valuation",
    "buy",
    "check_overdue",
    "create_partner",
    "custody_reads",
    "get_custody",
    "hand_out",
    "list_custody",
    "list_partners",
    "overdue",
    "partner_by_code",
    "partner_read",
    "receive_consignment",
    "sell",
    "send_back",
    "take_back",
    "valuation",
    "value_by_partner",
]
