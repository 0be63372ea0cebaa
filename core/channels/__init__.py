"""Sales channels: orders in from marketplaces and shops, stock promised out to them."""

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

__all__ = [
    "MAX_ATTEMPTS",
    "MessageKind",
    "MessageStatus",
    "OrderAlreadyPicked",
    "OrderNotYetCreated",
    "OrderWithoutLines",
    "Received",
    "UnmappedSku",
    "apply_due",
    "apply_message",
    "channel_reads",
    "create_channel",
    "ensure_channel",
    "get_channel",
    "list_channels",
    "list_listings",
    "list_messages",
    "receive",
    "remove_listing",
    "retry_message",
    "set_listing",
    "sku_for_external",
    "update_channel",
]
