"""Handlers: registered by intent name, called with the slots, answering with cited rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assistant.entities.catalogue import CatalogueIndex
from assistant.entities.periods import Period, parse_period
from assistant.entities.products import ProductIndex
from core import Actor
from core.people import allowed

__all__ = [
    "Answer",
    "HandlerContext",
    "HandlerRegistry",
    "HandlerSpec",
    "REGISTRY",
    "handles",
    "period_for",
    "unknown_purity",
]


@dataclass
class Answer:
    """What a handler says, the rows it is based on, and how to show and follow them up.

    ``chart`` is a Reports-page chart spec over ``data`` (``{"x": col, "y": col,
    "colour": col?}``); ``report`` links to the same report on the Reports page
    (``{"name": "dead-stock", "filters": {"category": "ring", "since": "2026-09-01", ...}}``,
    names from ``core.reports.REPORTS``); ``confirm`` is an action waiting for "yes"
    (``{"action": intent, "summary": text, "token": id}``); ``choices`` are close calls asked
    back (``[{"intent": name, "label": text, "text": a question that picks it}]``).
    """

    text: str
    data: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, str] | None = None
    report: dict[str, Any] | None = None
    confirm: dict[str, Any] | None = None
    choices: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class HandlerContext:
    """What a handler may use: a read session, who asks, the language, the clock, lookups."""

    session: Session
    actor: Actor
    language: str
    now: datetime
    index: CatalogueIndex
    products: ProductIndex
    phrases: Mapping[str, str]
    #: What a step of this question read that a later step of it needs too (a draft order's
    #: slots and its plan both read the reorder advice), by what was read.
    reads: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def say(self, key: str, **params: object) -> str:
        """The wording of ``key`` in the question's language, filled with ``params``."""
        return self.phrases[key].format(**params)

    def many(self, key: str, n: int) -> str:
        """``n`` things in the question's language, singular or plural ('1 SKU', '3 SKUs'):
        the wording of ``key``.one for one, else of ``key``.other."""
        one = f"{key}.one"
        return self.say(one if n == 1 and one in self.phrases else f"{key}.other", n=n)

    def join(self, items: list[str]) -> str:
        """A list in the question's language ('a, b and c' / 'a、b和c')."""
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        sep, last = ("、", "和") if self.language == "zh" else (", ", " and ")
        return sep.join(items[:-1]) + last + items[-1]


Handler = Callable[[HandlerContext, dict[str, str]], Answer]


@dataclass(frozen=True)
class HandlerSpec:
    """A handler, the permissions that admit a question (any of them), and self-service."""

    intent: str
    handler: Handler
    permissions: tuple[str, ...] = ("read",)
    self_slot: str | None = None

    def allows(self, actor: Actor, slots: Mapping[str, str]) -> bool:
        """True when the actor's role may ask this (or they ask about themselves)."""
        if self.self_slot and slots.get(self.self_slot, actor.username) == actor.username:
            return True
        return any(allowed(actor, p) for p in self.permissions)


class HandlerRegistry:
    """Handlers by intent name."""

    def __init__(self) -> None:
        self.specs: dict[str, HandlerSpec] = {}

    def register(self, spec: HandlerSpec) -> None:
        """Add a handler; one per intent."""
        if spec.intent in self.specs:
            raise ValueError(f"intent {spec.intent!r} already has a handler")
        self.specs[spec.intent] = spec

    def get(self, intent: str) -> HandlerSpec | None:
        """The handler of ``intent``, if any."""
        return self.specs.get(intent)


REGISTRY = HandlerRegistry()


def handles(
    intent: str, *, permissions: tuple[str, ...] = ("read",), self_slot: str | None = None
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``intent`` in :data:`REGISTRY`."""

    def register(fn: Handler) -> Handler:
        def answer(ctx: HandlerContext, slots: dict[str, str]) -> Answer:
            return unknown_purity(ctx, slots) or fn(ctx, slots)

        REGISTRY.register(HandlerSpec(intent, answer, permissions, self_slot))
        return fn

    return register


def unknown_purity(ctx: HandlerContext, slots: Mapping[str, str]) -> Answer | None:
    """The answer to a question naming a purity no SKU is made in ('22K' is Au916, which the
    catalogue does not stock): it says so and lists the purities stocked, instead of a report
    filtered to nothing. None when the purity is stocked or none is named."""
    purity = slots.get("purity")
    if purity is None or not ctx.index.unknown_purity(purity):
        return None
    stocked = sorted(ctx.index.purities)
    return Answer(ctx.say("error.unknown_purity", purity=purity, stocked=ctx.join(stocked)),
                  [{"purity": p} for p in stocked])


def period_for(ctx: HandlerContext, slots: Mapping[str, str], default: str) -> Period:
    """The period the slots name (a key such as 'this_quarter' or 'last_30_days')."""
    key = slots.get("period") or default
    if key.startswith("last_") and key.endswith("_days"):
        words = f"last {key.split('_')[1]} days"
    else:
        words = key.replace("_", " ")
    period = parse_period(words, ctx.now)
    assert period is not None, key
    return period


def period_words(ctx: HandlerContext, period: Period) -> str:
    """How the answer names the period ('in the last 30 days', '本季度')."""
    if period.key.startswith("last_") and period.key.endswith("_days"):
        return ctx.say("period.last_days", n=period.key.split("_")[1])
    return ctx.say(f"period.{period.key}")
