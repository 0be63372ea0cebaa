"""The ``facet twin`` commands, through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from twin.layout import load_layout
from web.cli.twin import app

runner = CliRunner()


def test_generate_route_and_errors(tmp_path) -> None:
    out = tmp_path / "layout.json"
    res = runner.invoke(
        app,
        [
            "layout",
            "generate",
            "--blocks",
            "2",
            "--aisles",
            "3",
            "--bays",
            "4",
            "--levels",
            "2",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    layout = load_layout(out)
    assert json.loads(res.output)["locations"] == len(layout.locations) == 96
    picks = tmp_path / "picks.json"
    picks.write_text(json.dumps(["A01-L02-1", "B03-R04-2"]))
    res = runner.invoke(
        app, ["route", "--layout", str(out), "--picks", str(picks), "--method", "largest-gap"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["method"] == "largest-gap" and data["length"] > 0
    assert data["path"][0] == data["path"][-1]
    picks.write_text(json.dumps(["nope"]))
    res = runner.invoke(app, ["route", "--layout", str(out), "--picks", str(picks)])
    assert res.exit_code == 2 and "unknown-location" in res.output


def test_compare_named_layouts() -> None:
    res = runner.invoke(
        app,
        [
            "compare",
            "small",
            "small",
            "--slotting-a",
            "random",
            "--orders",
            "40",
            "--skus",
            "30",
            "--hours",
            "1",
            "--replications",
            "2",
            "--pickers",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data["delta"]) >= {"distance_per_order", "congestion_time", "utilisation"}


@pytest.mark.parametrize("command", [[], ["layout", "generate"], ["route"], ["compare"]])
def test_help(command: list[str]) -> None:
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output
