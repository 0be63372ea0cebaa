"""Every string the handheld script (``assets/handheld.js``) shows, marked for translation.

The script holds no words of its own: each page carries these, translated for the reader's
language when the page is drawn, as a JSON block in a ``data-hh-text`` attribute.
Placeholders (``{n}``, ``{bin}``...) are filled in by the script.
"""

from __future__ import annotations

import json

from web.i18n import N_, _

__all__ = ["TEXTS", "texts_json"]

TEXTS: dict[str, str] = {
    # The connection and the outbox.
    "online": N_("Online"),
    "offline": N_("Offline: scans are kept here and sent when the connection is back."),
    "waiting": N_("{n} waiting to be sent"),
    "waiting_scans": N_("{n} scans waiting for the connection"),
    "all_sent": N_("Everything is sent."),
    "signed_out": N_("Your sign-in has ended: sign in again to send what is waiting."),
    "refused": N_("Refused: {message} ({code})"),
    "unknown": N_("Unknown code {code}."),
    "not_piece": N_("{code} is not a piece: scan a piece's label or RFID tag."),
    "not_location": N_("{code} is not a bin: scan the bin's label."),
    "piece": N_("{code} · {sku} · lot {lot} · in {location}"),
    "already": N_("{code} is already scanned."),
    "not_approved": N_("{code}: lot {lot} is {status}, not approved; it stays where it is."),
    "scanned": N_("{n} scanned"),
    "clear": N_("Clear"),
    # Put away and transfer.
    "pa_scan_piece": N_("Scan a piece to put away."),
    "pa_scan_bin": N_("Scan more pieces, or scan the bin to put {n} away."),
    "pa_suggest": N_("Suggested bins for {sku}"),
    "pa_no_suggestion": N_("No bin to suggest: ask a supervisor."),
    "pa_what": N_("put away {n} to {bin}"),
    "pa_done": N_("Put away {n} to {bin} ({doc})."),
    "tr_scan_piece": N_("Scan a piece to move."),
    "tr_scan_bin": N_("Scan more pieces, or scan the target bin to move {n}."),
    "tr_what": N_("move {n} to {bin}"),
    "tr_done": N_("Moved {n} to {bin} ({doc})."),
    # Receive.
    "rc_choose": N_("Choose or scan a purchase order."),
    "rc_none": N_("No purchase order is waiting for goods."),
    "rc_order": N_("{po} · {supplier} · due {due}"),
    "rc_scan": N_("Tap a line, then scan its pieces or type the quantity."),
    "rc_line": N_("{sku}: {received} of {ordered} received"),
    "rc_lot": N_("Lot (from the delivery note)"),
    "rc_date": N_("Purchase date"),
    "rc_qty": N_("Quantity"),
    "rc_into": N_("Into {bin}"),
    "rc_submit": N_("Receive"),
    "rc_need_lot": N_("Type the lot code from the delivery note first."),
    "rc_nothing": N_("Scan pieces or type a quantity first."),
    "rc_known": N_("{code} is already in the warehouse: scan a new piece."),
    "rc_what": N_("receive {n} on {po}"),
    "rc_done": N_("Received {n} on {po} ({doc}); lot {lot} waits for QC."),
    "rc_other_po": N_("Other order"),
    "rc_tag": N_("Pair RFID tag"),
    "rc_tag_next": N_("Now read the RFID tag of {code}."),
    "rc_tagged": N_("{code} (tag {epc})"),
    # Pick.
    "pk_choose": N_("Choose a pick list."),
    "pk_none": N_("No pick list is waiting for you."),
    "pk_list": N_("{list} · {lines} lines open"),
    "pk_go": N_("Go to {bin} and scan its label."),
    "pk_wrong_bin": N_("Wrong bin: that is {got}; go to {bin}."),
    "pk_pick_serial": N_("Pick {qty} × {sku} (lot {lot}): scan each piece."),
    "pk_pick_qty": N_("Pick {qty} × {sku} (lot {lot}): type the quantity, then Confirm."),
    "pk_line": N_("Line {n} of {total}"),
    "pk_wrong_piece": N_("{code} is {sku} lot {lot}; this line wants {want} lot {want_lot}."),
    "pk_confirm": N_("Confirm"),
    "pk_short": N_("Short"),
    "pk_skip": N_("Skip"),
    "pk_undo": N_("Undo last"),
    "pk_what": N_("pick {n} × {sku} from {bin}"),
    "pk_done": N_("Picked {n} × {sku} from {bin}."),
    "pk_short_what": N_("short {sku} at {bin}: {n} found"),
    "pk_short_done": N_("Short at {bin}: {n} found."),
    "pk_skip_what": N_("skip {sku} at {bin}"),
    "pk_skipped": N_("Skipped {sku} at {bin}."),
    "pk_undo_what": N_("undo {sku} at {bin}"),
    "pk_undone": N_("Undone: {sku} back in {bin}."),
    "pk_finished": N_("Pick list {list} is done."),
    "pk_nothing_undo": N_("Nothing to undo yet."),
    "pk_other": N_("Other lists"),
    "pk_weight": N_("Weight (g), then scan the piece"),
    "pk_read_scale": N_("Read scale"),
    "pk_weighed": N_("Scale: {grams} g. Now scan the piece."),
    # Count.
    "ct_scan_bin": N_("Scan the bin to count, or the number of a count given to you."),
    "ct_which_bin": N_("Count {doc}: scan one of its bins ({bins})."),
    "ct_opening": N_("Opening a count of {bin}…"),
    "ct_scan": N_("Count {doc}: scan every piece in {bin}, type other quantities, then Submit."),
    "ct_epcs": N_("RFID reader: paste the EPC list"),
    "ct_add_epcs": N_("Add EPCs"),
    "ct_submit": N_("Submit count"),
    "ct_what": N_("count {doc}"),
    "ct_done": N_("Count {doc} is {status}."),
    "ct_other_bin": N_("Finish {doc} first, or Clear to leave it."),
    # Sign on.
    "so_scan": N_("Scan a zone's label, or tap a zone."),
    "so_in": N_("You are signed on to: {zones}"),
    "so_none": N_("You are not signed on to any zone."),
    "so_on": N_("Sign on"),
    "so_off": N_("Sign off"),
    "so_on_what": N_("sign on to {zone}"),
    "so_off_what": N_("sign off {zone}"),
    "so_on_done": N_("Signed on to {zone}."),
    "so_off_done": N_("Signed off {zone}."),
}


def texts_json() -> str:
    """The script's strings in the current language, as JSON."""
    return json.dumps({key: _(text) for key, text in TEXTS.items()}, ensure_ascii=False)
