"""Italian, Gulf Arabic-English and Gen-Z answers to a waiting action (round 15, helper
chatS6, issue 18): 'sì', 'va bene', 'yalla', 'bet', 'ye', a thumbs-up are yes; 'no grazie',
'nah fam', a thumbs-down are no; 'inshallah', 'fr' and emoji alone answer nothing."""

from __future__ import annotations

import pytest

from assistant.actions.answers import short_answer


@pytest.mark.parametrize("text", [
    "si", "sì", "Sì, grazie", "va bene", "certo", "d'accordo", "procedi pure", "yalla",
    "yalla inshallah", "tamam habibi", "bet", "ok bet", "ye", "yes fr", "say less", "👍",
    "👍🏽", "✅ go ahead",
])
def test_an_italian_gulf_or_gen_z_yes_is_yes(text: str) -> None:
    assert short_answer(text) == "confirm"


@pytest.mark.parametrize("text", [
    "no grazie", "non ancora", "lascia stare", "nah fam", "nah bruh", "hard pass", "👎", "mafi",
])
def test_an_italian_gulf_or_gen_z_no_is_no(text: str) -> None:
    assert short_answer(text) == "deny"


@pytest.mark.parametrize("text", [
    "inshallah", "fr", "lol", "🔥", "sì no", "bet nah", "yalla what is the stock value",
])
def test_filler_alone_or_mixed_answers_nothing(text: str) -> None:
    assert short_answer(text) is None
