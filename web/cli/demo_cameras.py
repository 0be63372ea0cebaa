"""`facet demo cameras`: a looping camera of the vault with a person walking in, for the wall.

The cameras file also places the demo building's cameras on its floor plan (``placement``,
for the twin's coverage map): one at the front end of every aisle looking down it, one along
each cross aisle, and the vault watched from both ends. Only the vault door has a feed in the
demo (the looping video); the others name the stream they would read and are disabled.

With the demo ledger at hand (``facet demo cameras`` after ``facet demo load``) it also writes
a shelf camera of one vault bay, ``vault-shelf``: a still video of the bay's bins, each
holding the pieces the ledger says it holds, except one bin drawn one piece short, so the
shelf-count rule raises an alert naming that bin. Its group's detector is the colour-marker
fake standing in for a trained tray model (CPU-cheap: no network runs on it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from core import Database
from core.documents import open_activity_at
from core.ledger import occupancy
from core.locations import warehouse_bins
from vision.synthetic import (
    PIECE_COLOUR,
    make_shelf_video,
    make_walk_video,
    shelf_cells,
)

WIDTH, HEIGHT = 640, 480
#: The full demo building (`facet demo load --scale full`): aisles 1..11 at x = 2 + 3a (A01-A08
#: pick, R09-R10 reserve, V11 the vault, bays 3..18 m), cross aisles at y = 2 and y = 19.
_FRONT_Y, _BACK_Y = 2.0, 19.0
_VAULT_X = 35.0


def _placed(name: str, x: float, y: float, direction: float, fov: float, rng: float) -> dict[
    str, object
]:
    return {
        "name": name,
        "source": f"rtsp://{name}.demo.invalid/stream",
        "size": [1920, 1080],
        "enabled": False,  # no feed in the demo: the camera is on the plan only
        "placement": {"x": x, "y": y, "height": 3.0, "direction": direction, "fov": fov,
                      "range": rng},
    }


def demo_placed_cameras() -> list[dict[str, object]]:
    """The demo building's cameras other than the vault door: placed, without a feed."""
    cameras = [
        _placed(f"aisle-{prefix}{a:02d}", 2.0 + 3.0 * a, _FRONT_Y, 90.0, 60.0, 18.0)
        for prefix, aisles in (("A", range(1, 9)), ("R", range(9, 11)))
        for a in aisles
    ]
    cameras.append(_placed("vault-back", _VAULT_X, 10.5, 270.0, 60.0, 10.0))
    cameras.append(_placed("cross-front", 0.5, _FRONT_Y, 0.0, 20.0, 36.0))
    cameras.append(_placed("cross-back", 0.5, _BACK_Y, 0.0, 20.0, 36.0))
    return cameras


VAULT_DOOR_PLACEMENT = {
    "x": _VAULT_X, "y": _FRONT_Y, "height": 3.0, "direction": 90.0, "fov": 60.0, "range": 18.0,
}


SHELF_CAMERA, SHELF_GROUP, SHELF_VIDEO = "vault-shelf", "shelf", "vault-shelf.mp4"
_SHELF_COLUMNS = 2  # a bay's bins side by side: L and R


@dataclass(frozen=True)
class DemoShelf:
    """The bins of the demo shelf camera (top row first, L then R) with the ledger's counts."""

    bins: tuple[tuple[str, int], ...]
    short: str  # the bin drawn one piece short of the ledger, on purpose

    def cells(self) -> dict[str, tuple[int, int, int, int]]:
        """Each bin's box in the shelf camera's image."""
        return shelf_cells([b for b, _ in self.bins], columns=_SHELF_COLUMNS, size=(WIDTH, HEIGHT))

    def drawn(self) -> dict[str, int]:
        """Pieces drawn per bin: the ledger's count, one fewer in ``short``.

        A bin holding more than its box can show (about 85 pieces) would alert as well.
        """
        return {b: n - (b == self.short) for b, n in self.bins}


def shelf_from_ledger(db: Database) -> DemoShelf | None:
    """The vault bay holding most pieces with no pick or putaway open at any of its bins (the
    count rule waits for those), as a demo shelf; None when there is no such bay."""
    bins = [str(b["code"]) for b in warehouse_bins(db) if str(b["kind"]) == "vault"]
    with db.read() as session:
        held = {str(r["location"]): int(str(r["on_hand"])) for r in occupancy(session)}
        busy = {code for code in bins if open_activity_at(session, code=code)}
    bays: dict[str, list[tuple[str, int]]] = {}
    for code in bins:
        bays.setdefault(code.rsplit("-", 1)[0], []).append((code, held.get(code, 0)))
    bays = {bay: rows for bay, rows in bays.items() if not busy & {c for c, _ in rows}}
    if not bays:
        return None
    bay = max(sorted(bays), key=lambda b: sum(n for _, n in bays[b]))
    # Top level first, as a camera facing the bay sees it; codes end in level then side.
    rows = sorted(bays[bay], key=lambda b: (-_level(b[0]), b[0]))
    if not any(n for _, n in rows):
        return None
    short = max(rows, key=lambda b: b[1])[0]
    return DemoShelf(tuple(rows), short)


def demo_shelf_or_none(db: Database) -> DemoShelf | None:
    """:func:`shelf_from_ledger`, or None (said on stderr) when the database cannot answer."""
    try:
        return shelf_from_ledger(db)
    except Exception as exc:  # a database not created or not loaded yet: no shelf camera
        print(f"no demo shelf camera (load the demo first): {type(exc).__name__}", file=sys.stderr)
        return None
    finally:
        db.dispose()


def _level(code: str) -> int:
    tail = code.rsplit("-", 1)[-1].rstrip("LR")
    return int(tail) if tail.isdigit() else 0


def write_demo_cameras(folder: Path, *, shelf: DemoShelf | None = None) -> Path:
    """Write a walk-in video and a cameras file watching it; returns the cameras file.

    With ``shelf``, also the shelf camera's video and its camera, group and zones.
    """
    folder.mkdir(parents=True, exist_ok=True)
    video = make_walk_video(folder / "vault-door.mp4", frames=48, fps=8.0, size=(WIDTH, HEIGHT))
    if shelf is not None:
        make_shelf_video(folder / SHELF_VIDEO, shelf.cells(), shelf.drawn(), size=(WIDTH, HEIGHT))
    path = folder / "cameras.yaml"
    data = demo_cameras_data(video.resolve(), shelf=shelf)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def shelf_camera_data(video: Path, shelf: DemoShelf) -> dict[str, object]:
    """The shelf camera: one counting shelf zone per bin, named after it."""
    zones = [
        {
            "name": code,
            "kind": "shelf",
            "polygon": [[x1, y1], [x2, y1], [x2, y2], [x1, y2]],
            "shelf_classifier": "detector",
            "occupied_labels": ["piece"],
            "count": True,
        }
        for code, (x1, y1, x2, y2) in shelf.cells().items()
    ]
    return {
        "name": SHELF_CAMERA,
        "source": str(video),
        "fps": 2.0,
        "loop": True,
        "size": [WIDTH, HEIGHT],
        "group": SHELF_GROUP,
        "zones": zones,
    }


def demo_cameras_data(video: Path, *, shelf: DemoShelf | None = None) -> dict[str, object]:
    """The demo's cameras file as data: the vault door reading ``video``, the placed others,
    and with ``shelf`` the shelf camera (its video beside ``video``)."""
    data = _door_and_placed(video)
    if shelf is not None:
        cameras = data["cameras"]
        assert isinstance(cameras, list)
        cameras.append(shelf_camera_data(video.parent / SHELF_VIDEO, shelf))
        data["groups"] = {
            SHELF_GROUP: {
                "detector": {
                    "type": "fake",
                    "fake_color": list(PIECE_COLOUR),
                    "fake_label": "piece",
                }
            }
        }
    return data


def _door_and_placed(video: Path) -> dict[str, object]:
    return {
        "cameras": [
            {
                "name": "vault-door",
                "source": str(video),
                "fps": 2.0,
                "loop": True,
                "size": [WIDTH, HEIGHT],
                "placement": dict(VAULT_DOOR_PLACEMENT),
                "zones": [
                    {
                        "name": "VLT",
                        "kind": "vault",
                        "restricted": True,
                        # The two-person rule: one person alone in the vault is an alert.
                        "min_signed_on": 2,
                        "polygon": [
                            [WIDTH // 2, 0],
                            [WIDTH, 0],
                            [WIDTH, HEIGHT],
                            [WIDTH // 2, HEIGHT],
                        ],
                    },
                    {
                        "name": "PICK",
                        "kind": "aisle",
                        "restricted": False,
                        "polygon": [[0, 0], [WIDTH // 2, 0], [WIDTH // 2, HEIGHT], [0, HEIGHT]],
                    },
                ],
            },
            *demo_placed_cameras(),
        ]
    }
