"""An in-memory `PickingBackend` for tests, demos and the benchmark."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.voice.backend import (
    REJECTION_KINDS,
    BackendUnavailableError,
    NothingToUndoError,
    PickLine,
    PickRejectedError,
    UnknownOperatorError,
)

__all__ = ["InMemoryPickingBackend", "Posting", "Rejection"]


@dataclass(frozen=True)
class Posting:
    """One accepted confirmation or short, as the fake backend stored it."""

    kind: Literal["confirm", "short"]
    operator_id: str
    line_id: str
    quantity: int
    serials: tuple[str, ...]
    idempotency_key: str


@dataclass(frozen=True)
class Rejection:
    """A wrong check digit or serial the dialogue refused, as the fake backend stored it."""

    operator_id: str
    line_id: str
    kind: str
    given: str


@dataclass
class InMemoryPickingBackend:
    """Operators and queued assignments in memory; postings are deduplicated by key."""

    operators: Mapping[str, str]
    assignments: dict[str, list[list[PickLine]]] = field(default_factory=dict)
    postings: list[Posting] = field(default_factory=list)
    undone: list[Posting] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    signed_on: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    fail_next: int = 0
    fail_after_apply: bool = True
    fail_rejections: bool = False
    _by_key: dict[str, Posting] = field(default_factory=dict)
    _lines: dict[str, PickLine] = field(default_factory=dict)

    def sign_on(self, operator_id: str) -> str:
        """Sign on a known operator and return their name."""
        self.calls.append(f"sign_on:{operator_id}")
        name = self.operators.get(operator_id)
        if name is None:
            raise UnknownOperatorError(f"no operator {operator_id}")
        self.signed_on.add(operator_id)
        return name

    def next_assignment(self, operator_id: str) -> list[PickLine]:
        """Pop the operator's next queued assignment (empty list when none)."""
        self._require(operator_id)
        self.calls.append(f"next_assignment:{operator_id}")
        queue = self.assignments.get(operator_id, [])
        lines = queue.pop(0) if queue else []
        self._lines.update({line.line_id: line for line in lines})
        return list(lines)

    def confirm_pick(self, operator_id: str, line_id: str, *, quantity: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Record a full pick once per idempotency key."""
        self._post("confirm", operator_id, line_id, quantity, serials, idempotency_key)

    def report_short(self, operator_id: str, line_id: str, *, quantity_picked: int,
                     serials: Sequence[str], idempotency_key: str) -> None:
        """Record a short pick once per idempotency key."""
        self._post("short", operator_id, line_id, quantity_picked, serials, idempotency_key)

    def skip_line(self, operator_id: str, line_id: str) -> None:
        """Record a skip."""
        self._require(operator_id)
        self.calls.append(f"skip:{line_id}")
        self.skips.append((operator_id, line_id))

    def report_rejection(self, operator_id: str, line_id: str, *, kind: str, given: str) -> None:
        """Record a refused check digit or serial (unavailable while `fail_rejections`)."""
        self._require(operator_id)
        self.calls.append(f"reject:{line_id}:{kind}")
        if kind not in REJECTION_KINDS or line_id not in self._lines:
            raise PickRejectedError(f"cannot record {kind} on line {line_id}")
        if self.fail_rejections:
            raise BackendUnavailableError("backend unavailable (rejection not recorded)")
        self.rejections.append(Rejection(operator_id, line_id, kind, given))

    def undo_last(self, operator_id: str) -> str:
        """Reverse the operator's latest live posting and return its line id."""
        self._require(operator_id)
        self.calls.append("undo")
        for posting in reversed(self.postings):
            if posting.operator_id == operator_id:
                self.postings.remove(posting)
                self.undone.append(posting)
                return posting.line_id
        raise NothingToUndoError("nothing to undo")

    def sign_off(self, operator_id: str) -> None:
        """Sign the operator off."""
        self.calls.append(f"sign_off:{operator_id}")
        self.signed_on.discard(operator_id)

    def picked(self, line_id: str) -> int:
        """Pieces currently posted against a line."""
        return sum(p.quantity for p in self.postings if p.line_id == line_id)

    def _require(self, operator_id: str) -> None:
        if operator_id not in self.signed_on:
            raise UnknownOperatorError(f"operator {operator_id} is not signed on")

    def _post(self, kind: Literal["confirm", "short"], operator_id: str, line_id: str,
              quantity: int, serials: Sequence[str], key: str) -> None:
        self._require(operator_id)
        self.calls.append(f"{kind}:{line_id}:{quantity}:{key}")
        posting = Posting(kind, operator_id, line_id, quantity, tuple(serials), key)
        if self.fail_next and not self.fail_after_apply:
            self.fail_next -= 1
            raise BackendUnavailableError("backend unavailable (before posting)")
        if key in self._by_key:
            if self._by_key[key] != posting:
                raise PickRejectedError(f"idempotency key {key} reused for another posting")
        else:
            self._validate(posting)
            self._by_key[key] = posting
            self.postings.append(posting)
        if self.fail_next:
            self.fail_next -= 1
            raise BackendUnavailableError("backend unavailable (reply lost)")

    def _validate(self, posting: Posting) -> None:
        line = self._lines.get(posting.line_id)
        if line is None:
            raise PickRejectedError(f"unknown line {posting.line_id}")
        if posting.quantity > line.quantity or posting.quantity < 0:
            raise PickRejectedError(f"quantity {posting.quantity} is not 0..{line.quantity}")
        if line.serialised and len(set(posting.serials)) != posting.quantity:
            raise PickRejectedError("one distinct serial is needed per piece")
        taken = {s for p in self.postings for s in p.serials}
        bad = [s for s in posting.serials if s not in line.serials or s in taken]
        if bad:
            raise PickRejectedError(f"serials not available here: {', '.join(bad)}")
