"""Alert rules: pure functions of a camera's tracked scene, its zones, config and providers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from vision.domain import Severity, ShelfState, TrackedObject, ZoneKind
from vision.protocols import Providers
from vision.settings import VisionSettings
from vision.zones import Zone

__all__ = [
    "RULES",
    "RULE_LOITERING",
    "RULE_OBJECT_LEFT",
    "RULE_SHELF_CHANGE",
    "RULE_SHELF_COUNT",
    "RULE_SHELF_MISMATCH",
    "RULE_UNAUTHORISED",
    "Finding",
    "Rule",
    "RuleConfig",
    "SceneView",
    "ShelfView",
    "TrackView",
    "evaluate_rules",
    "loitering_rule",
    "object_left_rule",
    "shelf_change_rule",
    "shelf_count_rule",
    "shelf_mismatch_rule",
    "unauthorised_presence_rule",
]

RULE_UNAUTHORISED = "unauthorised-presence"
RULE_LOITERING = "loitering"
RULE_OBJECT_LEFT = "object-left"
RULE_SHELF_MISMATCH = "shelf-mismatch"
RULE_SHELF_CHANGE = "unscheduled-shelf-change"
RULE_SHELF_COUNT = "shelf-count-mismatch"


@dataclass(frozen=True)
class TrackView:
    """A tracked object in the current frame with its history: zones, entry times, stillness."""

    obj: TrackedObject
    zones: tuple[str, ...]
    first_seen: datetime
    entered: Mapping[str, datetime] = field(default_factory=dict)
    still_since: datetime | None = None


@dataclass(frozen=True)
class ShelfView:
    """The believed (debounced) state of a shelf region, its last change, and its believed
    count of trays/pieces when the zone counts (``None`` until a count is stable)."""

    zone: str
    state: ShelfState
    previous: ShelfState | None = None
    changed_at: datetime | None = None
    score: float = 0.0
    count: int | None = None


@dataclass(frozen=True)
class SceneView:
    """Everything rules see about one camera at one moment."""

    camera: str
    now: datetime
    tracks: tuple[TrackView, ...] = ()
    shelves: tuple[ShelfView, ...] = ()


@dataclass(frozen=True)
class RuleConfig:
    """Thresholds and labels the rules use."""

    person_label: str = "person"
    left_object_labels: frozenset[str] = frozenset({"backpack", "handbag", "suitcase"})
    loiter_seconds: float = 120.0
    loiter_kinds: frozenset[ZoneKind] = frozenset({ZoneKind.VAULT, ZoneKind.DOCK})
    object_left_seconds: float = 60.0
    shelf_change_hold_seconds: float = 30.0
    timezone: tzinfo = ZoneInfo("UTC")

    @classmethod
    def from_settings(cls, settings: VisionSettings) -> RuleConfig:
        """Rule configuration from vision settings."""
        return cls(
            person_label=settings.person_label,
            left_object_labels=frozenset(settings.left_object_labels),
            loiter_seconds=settings.loiter_seconds,
            loiter_kinds=frozenset(settings.loiter_zone_kinds),
            object_left_seconds=settings.object_left_seconds,
            shelf_change_hold_seconds=settings.shelf_change_hold_seconds,
            timezone=ZoneInfo(settings.timezone),
        )


@dataclass(frozen=True)
class Finding:
    """A rule's verdict that something is wrong, before persistence and cooldown."""

    rule: str
    zone: str
    severity: Severity
    message: str
    track_id: int | None = None


Rule = Callable[[SceneView, Sequence[Zone], RuleConfig, Providers], list[Finding]]


def _people_in(scene: SceneView, zone: Zone, config: RuleConfig) -> list[TrackView]:
    return [t for t in scene.tracks if t.obj.label == config.person_label and zone.name in t.zones]


def unauthorised_presence_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """A person in a restricted, armed zone while fewer authorised people than the zone's
    ``min_signed_on`` are signed on to it (none, or one alone in a two-person vault)."""
    local = scene.now.astimezone(config.timezone)
    findings = []
    for zone in zones:
        if not zone.restricted or not zone.armed(local):
            continue
        people = _people_in(scene, zone, config)
        if not people:
            continue
        signed = providers.authorisation.signed_on(zone.name, scene.now)
        authorised = {
            s.person for s in signed if not zone.required_roles or s.roles & zone.required_roles
        }
        if len(authorised) >= zone.min_signed_on:
            continue
        severity = Severity.CRITICAL if zone.kind is ZoneKind.VAULT else Severity.HIGH
        message = _unauthorised_message(zone, sorted(authorised))
        for person in people:
            findings.append(
                Finding(RULE_UNAUTHORISED, zone.name, severity, message, person.obj.track_id)
            )
    return findings


def _unauthorised_message(zone: Zone, authorised: list[str]) -> str:
    where = f"person in restricted {zone.kind} zone {zone.name!r}"
    if not authorised:
        return f"{where} with no authorised person signed on"
    rule = " (two-person rule)" if zone.min_signed_on == 2 else ""
    return (
        f"{where} with {len(authorised)} of the {zone.min_signed_on} authorised people it "
        f"needs signed on ({', '.join(authorised)}){rule}"
    )


def loitering_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """A person staying in a watched zone longer than its dwell time."""
    findings = []
    for zone in zones:
        if zone.loiter_seconds is None and zone.kind not in config.loiter_kinds:
            continue
        limit = zone.loiter_seconds or config.loiter_seconds
        for person in _people_in(scene, zone, config):
            since = person.entered.get(zone.name, scene.now)
            dwell = (scene.now - since).total_seconds()
            if dwell >= limit:
                severity = Severity.HIGH if zone.kind is ZoneKind.VAULT else Severity.WARNING
                message = f"person loitering {dwell:.0f} s in {zone.kind} zone {zone.name!r}"
                findings.append(
                    Finding(RULE_LOITERING, zone.name, severity, message, person.obj.track_id)
                )
    return findings


def object_left_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """An object (bag, case, chair...) standing still in an aisle past the allowed time."""
    findings = []
    aisles = [z for z in zones if z.kind is ZoneKind.AISLE]
    for track in scene.tracks:
        if track.obj.label not in config.left_object_labels or track.still_since is None:
            continue
        still = (scene.now - track.still_since).total_seconds()
        if still < config.object_left_seconds:
            continue
        for zone in aisles:
            if zone.name in track.zones:
                message = f"{track.obj.label} standing {still:.0f} s in aisle {zone.name!r}"
                findings.append(
                    Finding(
                        RULE_OBJECT_LEFT, zone.name, Severity.WARNING, message, track.obj.track_id
                    )
                )
    return findings


def _known(state: ShelfState | None) -> bool:
    return state is not None and state is not ShelfState.UNKNOWN


def shelf_mismatch_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """A shelf region whose seen state disagrees with what the ledger says it holds.

    Zones that count are left to :func:`shelf_count_rule` (a count covers empty/occupied).
    """
    shelf_zones = {z.name for z in zones if z.kind is ZoneKind.SHELF and not z.count}
    findings = []
    for shelf in scene.shelves:
        if shelf.zone not in shelf_zones or not _known(shelf.state):
            continue
        expected = providers.ledger.expected_state(shelf.zone)
        if _known(expected) and expected is not shelf.state:
            message = f"shelf {shelf.zone!r} looks {shelf.state} but the ledger says {expected}"
            findings.append(Finding(RULE_SHELF_MISMATCH, shelf.zone, Severity.HIGH, message))
    return findings


def shelf_change_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """A shelf region that changed while no pick or putaway was scheduled there."""
    shelf_zones = {z.name for z in zones if z.kind is ZoneKind.SHELF}
    findings = []
    for shelf in scene.shelves:
        if shelf.zone not in shelf_zones or shelf.changed_at is None:
            continue
        if not _known(shelf.previous) or not _known(shelf.state) or shelf.previous is shelf.state:
            continue
        if (scene.now - shelf.changed_at).total_seconds() > config.shelf_change_hold_seconds:
            continue
        if providers.schedule.activity_scheduled(shelf.zone, shelf.changed_at):
            continue
        taken = shelf.state is ShelfState.EMPTY
        severity = Severity.CRITICAL if taken else Severity.WARNING
        what = "emptied (possible theft)" if taken else "filled"
        message = f"shelf {shelf.zone!r} {what} with no pick or putaway scheduled"
        findings.append(Finding(RULE_SHELF_CHANGE, shelf.zone, severity, message))
    return findings


def shelf_count_rule(
    scene: SceneView, zones: Sequence[Zone], config: RuleConfig, providers: Providers
) -> list[Finding]:
    """A counting shelf region whose believed count of trays/pieces differs from the ledger's
    count of the bin by more than the zone's tolerance: short is high (possible theft),
    over is a warning (a putaway not posted, or a piece in the wrong bin).

    While a pick or putaway is open at the bin the difference is expected (pieces leave or
    arrive before the line is confirmed), so it is not judged until the ledger catches up.
    """
    counting = {z.name: z for z in zones if z.kind is ZoneKind.SHELF and z.count}
    findings = []
    for shelf in scene.shelves:
        zone = counting.get(shelf.zone)
        if zone is None or shelf.count is None:
            continue
        expected = providers.ledger.expected_count(shelf.zone)
        if expected is None or abs(shelf.count - expected) <= zone.count_tolerance:
            continue
        if providers.schedule.activity_scheduled(shelf.zone, scene.now):
            continue
        short = shelf.count < expected
        gap = abs(expected - shelf.count)
        message = (
            f"bin {shelf.zone!r}: camera counts {shelf.count}, ledger expects {expected} "
            f"({gap} {'short' if short else 'over'})"
        )
        severity = Severity.HIGH if short else Severity.WARNING
        findings.append(Finding(RULE_SHELF_COUNT, shelf.zone, severity, message))
    return findings


RULES: tuple[Rule, ...] = (
    unauthorised_presence_rule,
    loitering_rule,
    object_left_rule,
    shelf_mismatch_rule,
    shelf_count_rule,
    shelf_change_rule,
)


def evaluate_rules(
    scene: SceneView,
    zones: Sequence[Zone],
    config: RuleConfig,
    providers: Providers,
    rules: Sequence[Rule] = RULES,
) -> list[Finding]:
    """All findings of all rules for one scene."""
    return [finding for rule in rules for finding in rule(scene, zones, config, providers)]
