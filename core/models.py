"""Imports every table so metadata (Alembic, create_all) sees the whole schema."""

from core.alerts.models import Alert
from core.audit.models import AuditEntry, AuditHead, IdempotencyRecord
from core.catalogue.models import Sku, Style
from core.certificates.models import Certificate, Hallmark
from core.channels.models import Channel, ChannelMessage, ChannelSku, ChannelStock
from core.custody.models import CustodyDoc, CustodyPartner, CustodyPiece
from core.documents.models import Document, DocumentLine
from core.leases.models import Lease
from core.ledger.models import Balance, MoveSerial, StockMove
from core.locations.models import Location
from core.locations.presence import ZonePresence
from core.lots.models import Lot, Serial, Supplier
from core.orders.models import OrderLine, PickException, Reservation, SalesOrder
from core.outbox.models import OutboxRow
from core.people.models import User
from core.purchasing.models import PurchaseOrder, PurchaseOrderLine
from core.state.models import SharedValue
from core.voice.models import VoiceProfile
from core.weighing.models import Weighing, WeightHold, WeightTolerance

__all__ = [
    "Alert",
    "AuditEntry",
    "AuditHead",
    "Balance",
    "Certificate",
    "Channel",
    "ChannelMessage",
    "ChannelSku",
    "ChannelStock",
    "CustodyDoc",
    "CustodyPartner",
    "CustodyPiece",
    "Document",
    "DocumentLine",
    "Hallmark",
    "IdempotencyRecord",
    "Lease",
    "Location",
    "Lot",
    "MoveSerial",
    "OrderLine",
    "OutboxRow",
    "PickException",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Reservation",
    "SalesOrder",
    "Serial",
    "SharedValue",
    "Sku",
    "StockMove",
    "Style",
    "Supplier",
    "User",
    "VoiceProfile",
    "Weighing",
    "WeightHold",
    "WeightTolerance",
    "ZonePresence",
]
