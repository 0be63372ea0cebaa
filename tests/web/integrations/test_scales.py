"""Scale drivers: balance output lines, the line driver on a real file/FIFO, the fake, the URL,
and GET /api/scale/reading for the handheld's 'Read scale'."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core import Database
from tests.core.api.test_api_core import api, error_code, login, seed
from web.integrations.scales import (
    FakeScale,
    LineScale,
    ScaleError,
    ScaleReading,
    open_scale,
    parse_line,
)


@pytest.mark.parametrize("line, grams, stable", [
    ("S S      3.215 g\r\n", 3.215, True),  # Mettler Toledo MT-SICS, stable
    ("S D      3.190 g", 3.19, False),  # MT-SICS, dynamic (still moving)
    ("ST,+00003.215  g", 3.215, True),  # A&D
    ("US,+00016.075 ct", 3.215, False),  # A&D in carats, unstable
    ("    +   3.215 g", 3.215, True),  # Sartorius / Ohaus print
    ("3215 mg", 3.215, True),
    ("N     0,0032 kg", 3.2, True),  # decimal comma
])
def test_balance_lines(line: str, grams: float, stable: bool) -> None:
    reading = parse_line(line)
    assert reading is not None
    assert reading.grams == pytest.approx(grams) and reading.stable is stable


@pytest.mark.parametrize("line", ["", "ES", "S I", "hello", "S +"])
def test_lines_without_a_weight(line: str) -> None:
    assert parse_line(line) is None


def test_line_scale_waits_for_a_stable_reading() -> None:
    stream = io.StringIO("S D 3.1 g\nES\nS S 3.215 g\nS S 9 g\n")
    assert LineScale(stream).read() == ScaleReading(3.215, True, "S S 3.215 g")
    with pytest.raises(ScaleError) as moving:
        LineScale(io.StringIO("S D 3.1 g\n" * 3), max_lines=3).read()
    assert moving.value.code == "scale-unstable"
    with pytest.raises(ScaleError) as silent:
        LineScale(io.StringIO("")).read()
    assert silent.value.code == "scale-unavailable"


def test_line_scale_sends_its_command_first() -> None:
    class Port(io.StringIO):
        sent: list[str] = []

        def write(self, text: str) -> int:
            self.sent.append(text)
            return len(text)

    port = Port("S S 3.2 g\n")
    assert LineScale(port, command="SI").read().grams == 3.2
    assert port.sent == ["SI\r\n"]


def test_a_fifo_like_a_serial_port(tmp_path: Path) -> None:
    fifo = tmp_path / "scale"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("S D 3.3 g\nS S 3.205 g\n"))
    writer.start()
    try:
        scale = open_scale(f"file://{fifo}")
        assert scale.read().grams == 3.205
    finally:
        writer.join(timeout=5)


def test_urls() -> None:
    fake = open_scale("fake:3.21,3.19")
    assert isinstance(fake, FakeScale)
    assert [fake.read().grams for _ in range(3)] == [3.21, 3.19, 3.19]
    for url, code in (("", "no-scale"), ("usb:thing", "bad-scale-url"),
                      ("file:///no/such/scale", "scale-unavailable")):
        with pytest.raises(ScaleError) as refused:
            open_scale(url)
        assert refused.value.code == code


@pytest.fixture
def client(db: Database, db_url: str) -> Iterator[TestClient]:
    seed(db, users={"pia": "picker", "fay": "finance_auditor"})
    with api(db_url) as c:
        yield c


def test_reading_endpoint(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    pia = login(client, "pia")
    monkeypatch.delenv("FACET_SCALE_URL", raising=False)
    none = client.get("/api/scale/reading", headers=pia)
    assert none.status_code == 404 and error_code(none) == "no-scale"
    monkeypatch.setenv("FACET_SCALE_URL", "fake:3.215")
    answer = client.get("/api/scale/reading", headers=pia)
    assert answer.status_code == 200 and answer.json()["grams"] == 3.215
    assert client.get("/api/scale/reading", headers=login(client, "fay")).status_code == 403
