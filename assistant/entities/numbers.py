"""Numbers as a question writes them ('two', '二十', '兩'), and the alert a question names by
its number ('alert 2', 'alert number five', '#2', '3号告警', '第二個警報', '两号告警')."""

from __future__ import annotations

import re

__all__ = ["NUMBERS", "alert_number", "zh_number"]

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "a couple of": 2, "couple of": 2,
    "a couple": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "a dozen": 12, "dozen": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "a pair of": 2,
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10,
}
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
# An alert's number in digits or in words up to 99 ('twenty two', 'thirty-one', 'fifteen').
_EN_NUMBER = (rf"\d{{1,9}}|(?:{'|'.join(_TENS)})(?:[\s-](?:{_UNITS}))?|ten|eleven|twelve"
              rf"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS}")
# 'alert 2', 'alert no. 2', 'alert with id 4', 'alert number five', '#2', 'number 21 alert'
_ALERT_ID = re.compile(
    # Spanish 'la alerta número 2' too
    rf"(?:alert|alarm|alerta|alarma|告警|警报|报警|警示)\s*(?:with\s+)?"
    rf"(?:id|no\.?|number|n[uú]mero|n[º°]|#|编号)?\s*"
    # (a Chinese word may follow: 'alerta número 2确认一下')
    rf"({_EN_NUMBER})(?!-|(?![\u3400-\u9fff])\w)|(?<![\w#])#\s?(\d{{1,9}})(?![\w-])"
    rf"|(?<![\w-])(?:number|no\.?)\s*(\d{{1,9}})\s+(?:alert|alarm)"
    # a bare number after the verb ('ack 1 again', 'acknowledge 3'), not a count ('ack 2 alerts')
    rf"|(?<![\w-])(?:ack|acknowledge|acknowledged)\s+(\d{{1,9}})(?![\w-])"
    rf"(?!\s*(?:alerts|alarms|of|more|others))")
_ZH_NUMBER = r"\d{1,9}|[一两二三四五六七八九十]{1,3}"
# '3号告警', '第2条摄像头告警', '第二个警报', '1号 alert', '警报二号', '警報十號' (a few characters
# may stand between the number and the alert)
_ALERT_ID_ZH = re.compile(
    rf"(?<![\d-])(\d{{1,9}}|(?<=第)[一两二三四五六七八九十]{{1,3}})\s*(?:号|条|个)\s*(?:的\s*)?"
    rf"[\u3400-\u9fff]{{0,4}}?(?:告警|警报|报警|警示)|(?<![\d-])(\d{{1,9}})\s*号\s*(?:alert|alarm)"
    rf"|(?:告警|警报|报警|警示)\s*(?:第\s*)?({_ZH_NUMBER})\s*号")
# '两号告警': a Chinese number right before 号 and the alert (not '三号通道').
_ALERT_ID_ZH_BARE = re.compile(
    r"(?<![\d一两二三四五六七八九十])([一两二三四五六七八九十]{1,3})\s*号\s*(?:告警|警报|报警|警示)")


def zh_number(value: str) -> int:
    """A Chinese number up to 99 ('二十' 20, '十五' 15, '两' 2) or digits, as an int."""
    if value.isdigit():
        return int(value)
    if "十" not in value:
        return NUMBERS[value]
    tens, _, ones = value.partition("十")
    return 10 * (NUMBERS[tens] if tens else 1) + (NUMBERS[ones] if ones else 0)


def _en_number(value: str) -> int:
    """A number up to 99 in English words ('twenty two', 'thirty-one', 'seven')."""
    tens, _, unit = value.replace("-", " ").partition(" ")
    if tens in _TENS:
        return _TENS[tens] + (NUMBERS[unit] if unit else 0)
    return NUMBERS[value]


def alert_number(words: str) -> str | None:
    """The number of the alert normalised ``words`` name, as digits; None when none."""
    if (number := _ALERT_ID.search(words)) is not None:
        value = next(g for g in number.groups() if g)
        return value if value.isdigit() else str(_en_number(value))
    for pattern in (_ALERT_ID_ZH, _ALERT_ID_ZH_BARE):
        if (number := pattern.search(words)) is not None:
            return str(zh_number(next(g for g in number.groups() if g)))
    return None
