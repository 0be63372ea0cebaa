"""`facet demo cameras`: a looping camera of the vault with a person walking in, for the wall.

The cameras file also places the demo building's cameras on its floor plan (``placement``,
for the twin's coverage map): one at the front end of every aisle looking down it, one along
each cross aisle, and the vault watched from both ends. Only the vault door has a feed in the
demo (the looping video); the others name the stream they would read and are disabled.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from vision.synthetic import make_walk_video

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


def write_demo_cameras(folder: Path) -> Path:
    """Write a walk-in video and a cameras file watching it; returns the cameras file."""
    folder.mkdir(parents=True, exist_ok=True)
    video = make_walk_video(folder / "vault-door.mp4", frames=48, fps=8.0, size=(WIDTH, HEIGHT))
    path = folder / "cameras.yaml"
    path.write_text(yaml.safe_dump(demo_cameras_data(video.resolve()), sort_keys=False))
    return path


def demo_cameras_data(video: Path) -> dict[str, object]:
    """The demo's cameras file as data: the vault door reading ``video``, the placed others."""
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
