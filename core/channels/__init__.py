"""Sales channels: orders in from marketplaces and shops, stock promised out to them."""

from core.channels.atp import (
    ListingLevel,
    SkuStock,
    available,
    listing_levels,
    sku_stock,
    stock_page,
)
from core.channels.errors import (
    OrderAlreadyPicked,
    OrderNotYetCreated,
    OrderWithoutLines,
    UnmappedSku,
)
from core.channels.inbox import (
    MAX_ATTEMPTS,
    Received,
    apply_due,
    apply_message,
    list_messages,
    receive,
    retry_message,
)
from core.channels.models import MessageKind, MessageStatus
from core.channels.service import (
    channel_reads,
    create_channel,
    ensure_channel,
    get_channel,
    list_channels,
    list_listings,
    remove_listing,
    set_listing,
    sku_for_external,
    update_channel,
)
from core.channels.sync import (
    behind_counts,
    pending_levels,
    record_push_failed,
    record_pushed,
    resync,
)

__all__ = [
    "MAX_ATTEMPTS",
    "ListingLevel",
    "MessageKind",
    "MessageStatus",
    "OrderAlreadyPicked",
    "OrderNotYetCreated",
    "OrderWithoutLines",
    "Received",
    "SkuStock",
    "UnmappedSku",
    "apply_due",
    "apply_message",
    "available",
    "behind_counts",
    "channel_reads",
    "create_channel",
    "ensure_channel",
    "get_channel",
    "list_channels",
    "list_listings",
    "list_messages",
    "listing_levels",
    "pending_levels",
    "receive",
    "record_push_failed",
    "record_pushed",
    "remove_listing",
    "resync",
    "retry_message",
    "set_listing",
    "sku_for_external",
    "sku_stock",
    "stock_page",
    "update_channel",
]
