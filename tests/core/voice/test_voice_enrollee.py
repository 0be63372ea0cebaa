"""`voice_enrollee`: whose voice an enrolment may train, checked before a word is said."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core import CoreError
from core.voice import VoiceEnrollee, voice_enrollee
from tests.core.voice.test_voice_profiles import _deactivate, _people


def _code(session: Session, actor: object, operator_id: str | None) -> str:
    with pytest.raises(CoreError) as refused:
        voice_enrollee(session, actor=actor, operator_id=operator_id)  # type: ignore[arg-type]
    return refused.value.code


def test_pickers_enrol_themselves_and_managers_anyone(session: Session) -> None:
    p = _people(session)
    pia = voice_enrollee(session, actor=p["pia"])
    assert pia == VoiceEnrollee(user_id=p["pia"].id, username="pia", full_name="pia",
                                operator_id="101")
    assert voice_enrollee(session, actor=p["pia"], operator_id="101") == pia
    assert voice_enrollee(session, actor=p["mia"], operator_id="101") == pia
    assert voice_enrollee(session, actor=p["ada"], operator_id="102").username == "pete"


def test_refusals_carry_the_codes_saving_would(session: Session) -> None:
    p = _people(session)
    assert _code(session, p["pia"], "102") == "forbidden"
    assert _code(session, p["pia"], "999") == "forbidden"  # unknown ids stay unknown to her
    assert _code(session, p["cleo"], None) == "no-operator-id"
    assert _code(session, p["mia"], None) == "no-operator-id"
    assert _code(session, p["mia"], "999") == "unknown-operator"
    _deactivate(session, "pete")
    assert _code(session, p["mia"], "102") == "inactive-operator"
