"""Voice profiles: enrol, replace, read, list and delete, with roles, limits and the audit log."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import CoreError, Database
from core.audit.models import AuditEntry
from core.audit.service import verify
from core.errors import PermissionDenied
from core.people.models import User
from core.people.security import Actor
from core.voice import (
    MAX_PROFILE_BYTES,
    BadVoiceProfile,
    InactiveOperator,
    UnknownOperator,
    VoiceProfileNotFound,
    VoiceProfileTooLarge,
    delete_voice_profile,
    list_voice_profiles,
    own_voice_profiles,
    save_voice_profile,
    voice_profile,
)
from core.voice.models import VoiceProfile
from tests.builders import Builder, at, clock
from tests.core.api.test_api_core import api, error_code, login

ADAPTATION = bytes(range(256)) * 40  # 10 KiB standing in for an engine's adaptation
PEOPLE = {
    "ada": ("admin", None),
    "mia": ("manager", None),
    "cleo": ("clerk", None),
    "sam": ("security", None),
    "pia": ("picker", "101"),
    "pete": ("picker", "102"),
}


def _people(session: Session, *names: str) -> dict[str, Actor]:
    """The people named (default: all of :data:`PEOPLE`), made through the real services."""
    b = Builder(session)
    return {name: b.user(name, *PEOPLE[name]) for name in names or PEOPLE}


def _save(session: Session, actor: Actor, operator_id: str = "101", **overrides: Any) -> Any:
    args: dict[str, Any] = {
        "engine": "pocketsphinx",
        "sample_rate": 16000,
        "data": ADAPTATION,
        "utterances": 12,
        "details": {"word_error_before": 0.21, "word_error_after": 0.08},
    }
    return save_voice_profile(
        session, actor=actor, operator_id=operator_id, **{**args, **overrides}
    )


def _deactivate(session: Session, username: str) -> None:
    # The core has no verb to switch a person off yet; this is the only direct write here.
    session.scalars(select(User).where(User.username == username)).one().active = False
    session.flush()


def _counts(session: Session) -> tuple[int, int]:
    """(voice profiles, audit entries)."""
    return (
        session.scalar(select(func.count(VoiceProfile.id))) or 0,
        session.scalar(select(func.count(AuditEntry.id))) or 0,
    )


def _voice_audit(session: Session) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = session.execute(
        select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity, AuditEntry.detail)
        .where(AuditEntry.action.like("voice_profile.%"))
        .order_by(AuditEntry.id)
    )
    return [(a, act, e, json.loads(d)) for a, act, e, d in rows]


# -- the service -------------------------------------------------------------------------------


def test_save_read_and_replace_in_place(session: Session) -> None:
    p = _people(session)
    with clock(at(3, 2, 8, 30)):
        first = _save(session, p["pia"])
    assert (first.username, first.operator_id, first.engine, first.sample_rate) == (
        "pia",
        "101",
        "pocketsphinx",
        16000,
    )
    assert (first.size, first.utterances, first.created_by, first.active) == (
        len(ADAPTATION),
        12,
        "pia",
        True,
    )
    assert first.details == {"word_error_before": 0.21, "word_error_after": 0.08}
    assert first.created_at == at(3, 2, 8, 30)
    stored = voice_profile(session, operator_id="101", engine="pocketsphinx")
    assert stored is not None and stored.data == ADAPTATION and stored.id == first.id
    assert (stored.username, stored.sample_rate, stored.created_at) == (
        "pia",
        16000,
        at(3, 2, 8, 30),
    )
    assert "data" not in repr(stored)  # a 16 MiB blob never ends up in a log line

    with clock(at(3, 9, 14)):
        again = _save(
            session, p["mia"], data=b"\x01" * 99, sample_rate=8000, utterances=3, details=None
        )
    assert again.id == first.id  # replaced in place: still one profile per engine
    assert (again.size, again.sample_rate, again.utterances, again.details) == (99, 8000, 3, None)
    assert (again.created_by, again.created_at) == ("mia", at(3, 9, 14))
    stored = voice_profile(session, operator_id="101", engine="pocketsphinx")
    assert stored is not None and stored.data == b"\x01" * 99 and stored.details is None
    assert _counts(session)[0] == 1

    other = _save(session, p["pia"], engine="embedding")
    assert other.id != first.id
    assert [r.engine for r in own_voice_profiles(session, actor=p["pia"])] == [
        "embedding",
        "pocketsphinx",
    ]
    assert own_voice_profiles(session, actor=p["pete"]) == []
    assert voice_profile(session, operator_id="101", engine="vosk") is None
    assert voice_profile(session, operator_id="102", engine="pocketsphinx") is None
    assert voice_profile(session, operator_id="999", engine="pocketsphinx") is None
    assert voice_profile(session, operator_id=None, engine="pocketsphinx") is None  # type: ignore[arg-type]


def test_list_shows_metadata_for_admin_manager_and_security(session: Session) -> None:
    p = _people(session)
    _save(session, p["pia"])
    _save(session, p["mia"], operator_id="102", engine="embedding", sample_rate=8000)
    for who in ("ada", "mia", "sam"):
        rows = list_voice_profiles(session, actor=p[who])
        assert [(r.username, r.operator_id, r.engine) for r in rows] == [
            ("pete", "102", "embedding"),
            ("pia", "101", "pocketsphinx"),
        ]
        assert all("data" not in r.model_dump() for r in rows)
    for who in ("cleo", "pia"):
        with pytest.raises(PermissionDenied):
            list_voice_profiles(session, actor=p[who])


def test_pickers_enrol_and_delete_only_their_own(session: Session) -> None:
    p = _people(session)
    before = _counts(session)
    for actor, operator in (
        (p["pia"], "102"),
        (p["pia"], "999"),
        (p["cleo"], "101"),
        (p["sam"], "101"),
    ):
        with pytest.raises(PermissionDenied):  # an unknown id too: no probing for who exists
            _save(session, actor, operator)
    assert _counts(session) == before
    mine = _save(session, p["pia"])
    petes = _save(session, p["ada"], operator_id="102")
    for actor in (p["pia"], p["cleo"], p["sam"]):
        with pytest.raises(PermissionDenied):
            delete_voice_profile(session, actor=actor, profile_id=petes.id)
    delete_voice_profile(session, actor=p["pia"], profile_id=mine.id)
    assert voice_profile(session, operator_id="101", engine="pocketsphinx") is None
    with pytest.raises(VoiceProfileNotFound):
        delete_voice_profile(session, actor=p["pia"], profile_id=mine.id)
    delete_voice_profile(session, actor=p["mia"], profile_id=petes.id)
    assert _counts(session)[0] == 0
    for bad_id in (0, -1, 2**63, 10**30):
        with pytest.raises(VoiceProfileNotFound):
            delete_voice_profile(session, actor=p["mia"], profile_id=bad_id)


BAD_INPUTS: list[tuple[dict[str, Any], type[CoreError], str]] = [
    ({"data": b"\x00" * (MAX_PROFILE_BYTES + 1)}, VoiceProfileTooLarge, "voice-profile-too-large"),
    ({"data": b""}, BadVoiceProfile, "bad-voice-profile"),
    ({"data": "not bytes"}, BadVoiceProfile, "bad-voice-profile"),
    ({"sample_rate": 44100}, BadVoiceProfile, "bad-voice-profile"),
    ({"sample_rate": 0}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": "PocketSphinx"}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": ""}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": "1vosk"}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": "a" * 33}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": "vosk\n"}, BadVoiceProfile, "bad-voice-profile"),
    ({"engine": "vosk small"}, BadVoiceProfile, "bad-voice-profile"),
    ({"utterances": 0}, BadVoiceProfile, "bad-voice-profile"),
    ({"utterances": True}, BadVoiceProfile, "bad-voice-profile"),
    ({"details": {"snr": float("nan")}}, BadVoiceProfile, "bad-voice-profile"),
    ({"details": {"when": object()}}, BadVoiceProfile, "bad-voice-profile"),
    ({"details": {"notes": "x" * 20_000}}, BadVoiceProfile, "bad-voice-profile"),
    ({"operator_id": "999"}, UnknownOperator, "unknown-operator"),
]


@pytest.mark.parametrize(
    ("overrides", "error", "code"),
    BAD_INPUTS,
    ids=[f"{e.__name__}-{i}" for i, (_, e, _) in enumerate(BAD_INPUTS)],
)
def test_bad_input_is_refused_and_leaves_nothing(
    session: Session, overrides: dict[str, Any], error: type[CoreError], code: str
) -> None:
    p = _people(session, "mia", "pia")
    kept = _save(session, p["pia"])  # a refused replacement keeps what was there
    before = _counts(session)
    with pytest.raises(error) as refused:
        _save(session, p["mia"], **overrides)
    assert refused.value.code == code and refused.value.message
    assert refused.value.status == (
        413 if error is VoiceProfileTooLarge else 404 if error is UnknownOperator else 422
    )
    assert _counts(session) == before
    stored = voice_profile(session, operator_id="101", engine="pocketsphinx")
    assert stored is not None and stored.data == ADAPTATION and stored.id == kept.id


def test_sixteen_mib_exactly_and_any_bytes_like_are_accepted(session: Session) -> None:
    p = _people(session)
    saved = _save(session, p["pia"], data=b"\x7f" * MAX_PROFILE_BYTES)
    assert saved.size == MAX_PROFILE_BYTES
    small = _save(session, p["pia"], engine="vosk", data=memoryview(bytearray(b"\x01\x02")))
    stored = voice_profile(session, operator_id="101", engine="vosk")
    assert small.size == 2 and stored is not None and stored.data == b"\x01\x02"


def test_inactive_operators_are_not_enrolled_nor_served(session: Session) -> None:
    p = _people(session)
    _save(session, p["pia"])
    _deactivate(session, "pia")
    assert voice_profile(session, operator_id="101", engine="pocketsphinx") is None
    before = _counts(session)
    for actor in (p["mia"], p["pia"]):
        with pytest.raises(InactiveOperator) as refused:
            _save(session, actor, data=b"new")
        assert (refused.value.code, refused.value.status) == ("inactive-operator", 409)
    assert _counts(session) == before
    [row] = list_voice_profiles(session, actor=p["mia"])
    assert (row.username, row.active, row.size) == ("pia", False, len(ADAPTATION))


def test_every_change_is_audited(session: Session) -> None:
    p = _people(session)
    first = _save(session, p["pia"])
    _save(session, p["mia"], data=b"second", sample_rate=8000)
    delete_voice_profile(session, actor=p["ada"], profile_id=first.id)
    entries = _voice_audit(session)
    assert [(a, act, e) for a, act, e, _ in entries] == [
        ("pia", "voice_profile.save", "pia"),
        ("mia", "voice_profile.save", "pia"),
        ("ada", "voice_profile.delete", "pia"),
    ]
    saved, replaced, deleted = (d for *_, d in entries)
    assert saved == {
        "profile_id": first.id,
        "operator_id": "101",
        "engine": "pocketsphinx",
        "sample_rate": 16000,
        "utterances": 12,
        "bytes": len(ADAPTATION),
        "sha256": hashlib.sha256(ADAPTATION).hexdigest(),
        "replaced": False,
    }
    assert (
        replaced["sha256"],
        replaced["bytes"],
        replaced["sample_rate"],
        replaced["replaced"],
    ) == (hashlib.sha256(b"second").hexdigest(), 6, 8000, True)
    assert deleted == {"profile_id": first.id, "operator_id": "101", "engine": "pocketsphinx"}
    assert verify(session).ok


def test_concurrent_enrolments_keep_one_profile(db: Database) -> None:
    with db.write() as session:
        p = _people(session)
    racers = 8
    start = threading.Barrier(racers)

    def enrol(n: int) -> int:
        start.wait()
        with db.write() as session:
            return _save(session, p["pia"], data=bytes([n]) * (n + 1)).id

    with ThreadPoolExecutor(max_workers=racers) as pool:
        ids = set(pool.map(enrol, range(racers)))
    assert len(ids) == 1
    with db.read() as session:
        assert _counts(session)[0] == 1
        stored = voice_profile(session, operator_id="101", engine="pocketsphinx")
        assert stored is not None and stored.data == bytes([stored.data[0]]) * len(stored.data)
        assert len(_voice_audit(session)) == racers and verify(session).ok


# -- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def voice_api(db: Database, db_url: str) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """pia (101) and pete (102) enrolled with pocketsphinx; nobody else."""
    with db.write() as session:
        p = _people(session)
        ids = {
            "pia": _save(session, p["pia"]).id,
            "pete": _save(session, p["pete"], operator_id="102").id,
        }
    with api(db_url) as client:
        yield client, ids


def test_list_and_own_profiles_over_http(voice_api: tuple[TestClient, dict[str, int]]) -> None:
    c, ids = voice_api
    for who in ("ada", "mia", "sam"):
        answer = c.get("/api/voice/profiles", headers=login(c, who))
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        assert [(i["username"], i["operator_id"], i["id"]) for i in items] == [
            ("pete", "102", ids["pete"]),
            ("pia", "101", ids["pia"]),
        ]
        assert all("data" not in i and i["size"] == len(ADAPTATION) for i in items)
    for who in ("cleo", "pia"):
        answer = c.get("/api/voice/profiles", headers=login(c, who))
        assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    assert c.get("/api/voice/profiles").status_code == 401
    mine = c.get("/api/voice/profiles/me", headers=login(c, "pia"))
    assert mine.status_code == 200
    assert [(i["id"], i["engine"], i["sample_rate"]) for i in mine.json()["items"]] == [
        (ids["pia"], "pocketsphinx", 16000)
    ]
    assert c.get("/api/voice/profiles/me", headers=login(c, "cleo")).json() == {"items": []}


def test_delete_over_http(voice_api: tuple[TestClient, dict[str, int]], db: Database) -> None:
    c, ids = voice_api
    pia, mia = login(c, "pia"), login(c, "mia")
    answer = c.delete(f"/api/voice/profiles/{ids['pete']}", headers=pia)
    assert (answer.status_code, error_code(answer)) == (403, "forbidden")
    answer = c.delete(f"/api/voice/profiles/{ids['pia']}", headers=pia)
    assert answer.status_code == 200 and answer.json() == {"id": ids["pia"], "deleted": True}
    answer = c.delete(f"/api/voice/profiles/{ids['pia']}", headers=pia)
    assert (answer.status_code, error_code(answer)) == (404, "voice-profile-not-found")
    assert c.delete(f"/api/voice/profiles/{ids['pete']}", headers=mia).status_code == 200
    with db.read() as session:
        assert _counts(session)[0] == 0
        assert [act for _, act, _, _ in _voice_audit(session)][-2:] == [
            "voice_profile.delete",
            "voice_profile.delete",
        ]


def test_odd_ids_are_refused_not_crashed(voice_api: tuple[TestClient, dict[str, int]]) -> None:
    c, _ = voice_api
    mia = login(c, "mia")
    for profile_id, status in [
        (str(2**63), 422),
        (str(10**30), 422),
        ("-1", 422),
        ("0", 422),
        ("abc", 422),
        (str(2**63 - 1), 404),
        (str(2**40), 404),
        (str(2**31), 404),
    ]:
        answer = c.delete(f"/api/voice/profiles/{profile_id}", headers=mia)
        assert answer.status_code == status, (profile_id, answer.text)
        assert error_code(answer) in ("invalid-request", "voice-profile-not-found")
