"""Swahili and Sheng words in a Kenyan manager's English question, read as English
(assistant/entities/swahili.py): the words the dev set's Nairobi writers used, and plain English
(and the Swahili yes, no and wait of assistant/actions/answers.py) left as they are."""

from __future__ import annotations

import pytest

from assistant.entities.codes import normalise_text
from assistant.entities.swahili import english_of_swahili


@pytest.mark.parametrize(("words", "english"), [
    # periods
    ("stock turnover ya gold mwezi uliopita", "stock turnover of gold last month"),
    ("top sellers za valenza wiki iliyopita", "top sellers of valenza last week"),
    ("nionyeshe camera alerts za wiki hii", "show me camera alerts of this week"),
    ("late orders za leo boss", "late orders of today"),
    ("security camera alerts za jana kwa dock nionyeshe",
     "security camera alerts of yesterday in dock show me"),
    ("scorecard ya antwerp qc pass rate na purity deviation mwaka huu",
     "scorecard of antwerp qc pass rate and purity deviation this year"),
    ("shrinkage ya gold mwaka jana", "shrinkage of gold last year"),
    ("niaje boss tuko na rings ngapi kwa vault saa hii", "we have how many rings in vault now"),
    ("anzisha cycle count ya dock-01 sasa hivi boss", "start cycle count of dock-01 now"),
    ("na mwezi uliopita je", "and last month"),
    # question words: 'X ngapi' is how many X, 'X gani' which X
    ("fc0000307 iko wapi bana", "fc0000307 where is"),
    ("hizi st0013-au750w ziko wapi kwa racks nataka bins",
     "these st0013-au750w where are in racks i want bins"),
    ("ngapi pieces za st0005-pt950w-l ziko kwa stoo",
     "how many pieces of st0005-pt950w-l are in store"),
    ("bay r03-02 iko na pieces ngapi kwa system", "bay r03-02 has how many pieces in system"),
    ("sasa msee earrings za antwerp tuko nazo ngapi on hand",
     "earrings of antwerp we have how many on hand"),
    ("shrinkage ya gold mwaka huu manze ni kiasi gani", "shrinkage of gold this year how much"),
    ("platinum yote tuko nayo ni doh ngapi kwa books",
     "platinum all we have how much money in books"),
    ("turnover ya cufflinks mwaka huu iko aje days of stock ngapi",
     "turnover of cufflinks this year how is days of stock how many"),
    ("lots gani zilifail qc mwezi uliopita", "which lots failed qc last month"),
    ("fast movers gani tuzisogeze karibu na packing desk",
     "which fast movers should we move close to packing desk"),
    ("nani alipick order web-261118-85733", "who picked order web-261118-85733"),
    ("fc0000015 ilipickiwa na nani", "fc0000015 who picked"),
    ("performance ya pickers jana nani alikuwa fiti",
     "performance of pickers yesterday who did best"),
    # sales, losses and orders
    ("ni rings gani zimeuza sana mwezi huu", "which rings sold the most this month"),
    ("vitu vya 18k vilivyouza zaidi mwaka huu ni gani",
     "items of 18k sold the most this year which"),
    ("ni earrings gani zimeuza kidogo sana mwezi uliopita zile ziliuza lakini pole pole",
     "which earrings sold little last month those sold but slowly"),
    ("earrings gani haziuzi boss", "which earrings not selling"),
    ("mzigo gani kwa vault haujauza hata piece moja hakuna movement kabisa",
     "which stock in vault not sold even one piece no movement at all"),
    ("kuna pieces zimepotea kwa vault wiki iliyopita nipe losses by reason",
     "is there any pieces lost in vault last week give me losses by reason"),
    ("tumepoteza mzigo ngapi mwezi huu write-offs na adjustments zote",
     "we lost how much stock this month write-offs and adjustments all"),
    ("orders ngapi bado hazijatoka", "how many orders not gone out yet"),
    ("sasa ni orders gani bado ziko open au zinapickiwa hazijashipiwa",
     "which orders still are open or being picked not shipped yet"),
    ("orders gani zimechelewa kutoka wiki hii zimepita promised date",
     "which orders are late from this week passed promised date"),
    ("mzigo gani bado uko kwa pos za valenza haujafika",
     "which stock still is in pos of valenza not arrived yet"),
    ("kuna lot ya valenza imefail inspection mwaka huu",
     "is there any lot of valenza failed inspection this year"),
    ("pesa ngapi imekaa kwa mzigo wa zamani", "how much money sat in old stock"),
    ("kuna kitu ya ajabu ilitokea kwa vault jana", "anything unusual happened in vault yesterday"),
    # actions
    ("weka g-5188 on hold kuna complaint ya clasp kutoka kwa customer",
     "put g-5188 on hold there is complaint of clasp from customer"),
    ("allocate mzigo kwa order web-261125-03524", "allocate stock for order web-261125-03524"),
    ("release lot g-3237 kutoka hold tafadhali", "release lot g-3237 from hold please"),
    ("tukirecall g-8078 ni customers gani wataguswa usifanye recall nataka tu kuona",
     "if we recall g-8078 which customers affected don't do recall just want to see"),
    ("fanya 40 pieces badala yake", "make it 40 pieces instead"),
    ("za vault peke yake", "vault only"),
])
def test_kenyan_words_read_as_english(words: str, english: str) -> None:
    assert english_of_swahili(words) == english


@pytest.mark.parametrize("words", [
    # English words and names that Swahili shares: no marker
    "ya know where lot g-2311 is", "what did leo pick yesterday", "leo and jana picked what",
    "how many did jana pick last week", "are there rings in the vault", "qc result na for g-5188",
    "is sana in today", "update the wiki page for cycle counts", "what did the boss say",
    "si the rings are in a01-02", "eh how many bangles",
    "la vault and the reserve", "tuna sold", "where is lot g-2311", "juzi",
    # Hinglish 'bana' (made) ends a question too: no marker on its own
    "cricket board naya chairman who bana",
    # the Swahili yes, no and wait (read by answers.py), and a greeting alone
    "sawa endelea", "ndio fanya", "haya fanya", "poa endelea", "fiti fanya", "hapana wacha kwanza",
    "achana nayo", "ngoja kidogo", "subiri kidogo", "sasa", "niaje boss",
])
def test_english_and_answers_left_alone(words: str) -> None:
    assert english_of_swahili(words) == words


def test_a_message_of_nothing_else_is_kept() -> None:
    assert english_of_swahili("niaje") == "niaje"
    assert english_of_swahili("manze") == "manze"


def test_a_written_question_reads_once_normalised() -> None:
    words = normalise_text("Niaje boss, tuko na rings ngapi kwa vault saa hii?", spanish=False)
    assert english_of_swahili(words) == "we have how many rings in vault now"
