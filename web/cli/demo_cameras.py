"""`facet demo cameras`: a looping camera of the vault with a person walking in, for the wall."""

from __future__ import annotations

from pathlib import Path

import yaml

from vision.synthetic import make_walk_video

WIDTH, HEIGHT = 640, 480


def write_demo_cameras(folder: Path) -> Path:
    """Write a walk-in video and a cameras file watching it; returns the cameras file."""
    folder.mkdir(parents=True, exist_ok=True)
    video = make_walk_video(folder / "vault-door.mp4", frames=48, fps=8.0, size=(WIDTH, HEIGHT))
    cameras = {
        "cameras": [
            {
                "name": "vault-door",
                "source": str(video.resolve()),
                "fps": 2.0,
                "loop": True,
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
            }
        ]
    }
    path = folder / "cameras.yaml"
    path.write_text(yaml.safe_dump(cameras, sort_keys=False))
    return path
