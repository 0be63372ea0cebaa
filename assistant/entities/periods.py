"""Periods in questions: 'this quarter', 'last 30 days', 'this year', '本季度', '最近30天'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["NAMED_PERIODS", "Period", "parse_period", "period_pattern"]

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "sixty": 60, "ninety": 90, "a": 1, "an": 1,
    "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "十": 10, "十二": 12, "十四": 14, "十五": 15, "二十": 20, "三十": 30, "六十": 60,
    "九十": 90,
}
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
              "天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30}
_NAMED = {
    "today": "today", "今天": "today", "今日": "today",
    "yesterday": "yesterday", "昨天": "yesterday",
    "this week": "this_week", "本周": "this_week", "这周": "this_week", "这个星期": "this_week",
    "last week": "last_week", "上周": "last_week", "上个星期": "last_week",
    "this month": "this_month", "本月": "this_month", "这个月": "this_month",
    "month to date": "this_month",
    "last month": "last_month", "上个月": "last_month", "上月": "last_month",
    "this quarter": "this_quarter", "本季度": "this_quarter", "这个季度": "this_quarter",
    "quarter to date": "this_quarter", "this qtr": "this_quarter",
    "last quarter": "last_quarter", "上季度": "last_quarter", "上个季度": "last_quarter",
    "this year": "this_year", "今年": "this_year", "year to date": "this_year",
    "ytd": "this_year", "本年": "this_year", "so far this year": "this_year",
    "mtd": "this_month", "qtd": "this_quarter", "wtd": "this_week",
    "last year": "last_year", "去年": "last_year",
    # shorthand as typed in chat, and Chinese variants
    "this yr": "this_year", "last yr": "last_year", "this wk": "this_week",
    "last wk": "last_week", "last qtr": "last_quarter", "this mth": "this_month",
    "last mth": "last_month", "last quahta": "last_quarter", "this quahta": "this_quarter",
    "夜来": "yesterday",  # Jin (Shanxi, Inner Mongolia): yesterday
    "今晚": "today", "今天晚上": "today",
    "yestade": "yesterday", "tide": "today",  # Krio: yesterday, today
    "this week so far": "this_week", "this month so far": "this_month",
    "this quarter so far": "this_quarter", "this year so far": "this_year",
    "清早到现在": "today",  # Henan: since this morning
    "这季度": "this_quarter", "本季": "this_quarter",
    "这一季度": "this_quarter", "上一季度": "last_quarter", "上一个月": "last_month",
    "这一周": "this_week", "这星期": "this_week", "这礼拜": "this_week", "上礼拜": "last_week",
    "今年以来": "this_year", "本年度": "this_year",
    # year and month to date said in words ('今年到现在的也拉一下')
    "今年到现在": "this_year", "今年至今": "this_year", "年初到现在": "this_year",
    "年初至今": "this_year", "这个月到现在": "this_month", "本月至今": "this_month",
    # informal English and Cantonese / traditional forms (traditional characters and '今个'
    # reach here as simplified ones: '今個禮拜' -> '这个礼拜', '琴晚' -> '昨晚')
    "yday": "yesterday", "last night": "yesterday", "overnight": "yesterday",
    "this morning": "today", "this afternoon": "today", "since monday": "this_week",
    "since the start of the week": "this_week", "since the start of the month": "this_month",
    "since the beginning of the month": "this_month", "so far this month": "this_month",
    "since the start of the year": "this_year", "since the beginning of the year": "this_year",
    "year so far": "this_year", "昨晚": "yesterday", "昨日": "yesterday", "昨夜": "yesterday",
    "今早": "today", "今天早上": "today", "这个礼拜": "this_week",
    "上星期": "last_week", "上个礼拜": "last_week", "上一个星期": "last_week",
    "上季": "last_quarter", "今季": "this_quarter", "这季": "this_quarter",
    "呢季": "this_quarter", "呢季度": "this_quarter", "呢个星期": "this_week",
    "呢个礼拜": "this_week", "呢个月": "this_month", "呢个季度": "this_quarter",
    "since the quarter began": "this_quarter", "since the start of the quarter": "this_quarter",
    "since the beginning of the quarter": "this_quarter", "quarter so far": "this_quarter",
    "so far this quarter": "this_quarter", "since the month began": "this_month",
    "since the year began": "this_year", "since the week began": "this_week",
    # regional Mandarin and Wu (Northeastern and Beijing 今儿个 / 昨儿个, Shanghainese 今朝,
    # 搿个礼拜, 旧年), and speech-to-text English ('last weak', 'yester day')
    "今朝": "today", "今儿": "today", "今儿个": "today", "今个儿": "today", "今天个": "today",
    "昨儿": "yesterday", "昨儿个": "yesterday", "昨个": "yesterday", "昨个儿": "yesterday",
    "昨日子": "yesterday", "本礼拜": "this_week",
    "搿个礼拜": "this_week", "格个礼拜": "this_week", "迭个礼拜": "this_week",
    "这周儿": "this_week", "这月": "this_month", "本月份": "this_month",
    "搿个月": "this_month", "格个月": "this_month", "迭个月": "this_month",
    "上个月份": "last_month", "旧年": "last_year", "上年": "last_year", "去年子": "last_year",
    "yester day": "yesterday", "last weak": "last_week", "this weak": "this_week",
    # Australian 'arvo' (afternoon), Taiwanese 这一季 (這一季)
    "this arvo": "today", "这一季": "this_quarter",
    # Teochew and Hakka: 只 (this) 个月 / 礼拜, 上只礼拜 (上隻禮拜), 今晡日 and 昨晡日
    "只个月": "this_month", "只礼拜": "this_week", "只个礼拜": "this_week",
    "只个星期": "this_week", "只个季度": "this_quarter", "上只礼拜": "last_week",
    "上只星期": "last_week", "今晡日": "today", "今晡": "today", "昨晡日": "yesterday",
    "昨晡": "yesterday",
    # semi-classical 去岁 / 今岁 (last year, this year), 本季 above; Spanish in a Chinese
    # question ('este mes 有哪些 pedidos', 'el mes pasado ventas 最好的')
    "去岁": "last_year", "今岁": "this_year", "本旬": "this_week",
    "este mes": "this_month", "el mes pasado": "last_month", "mes pasado": "last_month",
    "esta semana": "this_week", "la semana pasada": "last_week", "semana pasada": "last_week",
    "este año": "this_year", "el año pasado": "last_year", "año pasado": "last_year",
    "este trimestre": "this_quarter", "el trimestre pasado": "last_quarter",
    "trimestre pasado": "last_quarter", "hoy": "today", "ayer": "yesterday",
    # northwestern Mandarin 年时 (last year), 夜个 / 夜儿个 (yesterday); Shanghainese 号头 (month)
    "年时": "last_year", "年时个": "last_year", "夜个": "yesterday", "夜儿个": "yesterday",
    "夜里个": "yesterday", "这个号头": "this_month", "搿个号头": "this_month",
    "格个号头": "this_month", "本号头": "this_month", "上个号头": "last_month",
    "上只号头": "last_month",
}
# An English calendar word after a Chinese 'this' or 'last' ('这个 quarter', '上个 month'), read
# with the spaces round Chinese gone ('这个quarter') or put back between the scripts.
_THIS_LAST = (("this", ("这个", "这", "本", "今个")), ("last", ("上个", "上", "上一个")))
_NAMED |= {f"{word}{space}{unit}": f"{which}_{unit}"
           for unit in ("week", "month", "quarter", "year") for space in ("", " ")
           for which, words in _THIS_LAST for word in words
           if f"{word}{space}{unit}" not in _NAMED}
#: Every period said by name ('this quarter', 本季度, 今年).
NAMED_PERIODS: tuple[str, ...] = tuple(_NAMED)

# 'this' / 'last' and a calendar unit as typed in a hurry ('lst mnth', 'ths wk', 'previous
# quarter', 'last quater') or formally ('the current quarter'): every spelling of the one with
# every spelling of the other.
_SHORT_WORDS = {"this": ("this", "ths", "tis", "thsi", "current"),
                "last": ("last", "lst", "lats", "lsat", "previous", "prev")}
_SHORT_UNITS = {"week": ("week", "wk", "wek", "weeek"),
                "month": ("month", "mnth", "mth", "mnt", "moth", "monht", "mo"),
                "quarter": ("quarter", "qtr", "qrt", "quater", "quartr", "qtr."),
                "year": ("year", "yr", "yaer", "yer")}
for _which, _spelt in _SHORT_WORDS.items():
    for _unit, _units in _SHORT_UNITS.items():
        for _word in _spelt:
            for _u in _units:
                _NAMED.setdefault(f"{_word} {_u}", f"{_which}_{_unit}")
# Calendar months and quarters by name: a period only when it is this or the last one (the
# reports know no other named period); 'may' is left out (a verb far more often), and so is
# 'mar' (a sales channel's code).
_MONTHS = {name: n for n, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march",), ("april", "apr"), (),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = re.compile(
    r"(?:(?<![\w-])(?:in|for|during|over|of|since)\s+)?(?:the\s+month\s+of\s+)?(?<![\w-])("
    + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![\w-])"
    r"|(?<!\d)(1[0-2]|[1-9])\s*月份?|(十[一二]?|[一二三四五六七八九])月份?")
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_QUARTER = re.compile(
    r"(?:(?<![\w-])(?:in|for|during|over|of)\s+)?(?:the\s+)?(?<![\w-])(?:q([1-4])|(first|"
    r"second|third|"
    r"fourth)\s+quarter)(?![\w-])|第([一二三四1-4])季度?")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "一": 1, "二": 2, "三": 3,
             "四": 4}
_NUM = r"(\d+|" + "|".join(sorted(map(re.escape, _NUMBERS), key=len, reverse=True)) + ")"
_UNIT = "(" + "|".join(sorted(map(re.escape, _UNIT_DAYS), key=len, reverse=True)) + ")"
_ROLLING = re.compile(
    rf"(?:(?<![\w-])(?:in|over|during|for)\s+)?(?:the\s+)?(?:last|past|previous|最近|过去|近)"
    rf"\s*{_NUM}\s*{_UNIT}"
)
_ROLLING_UNIT = re.compile(
    r"(?:(?<![\w-])(?:in|over|during|for)\s+)?(?:the\s+)?(?:last|past)\s+(week|month)")
# Days written short, as analysts type them ('top sellers 7d', 'l30d', 'last 90d', '近30d').
_DAYS_SHORT = re.compile(
    r"(?:(?<![\w-])(?:in|over|during|for)\s+)?(?:the\s+)?(?:(?:last|past|最近|过去|近)\s*)?"
    r"(?<![a-z0-9-])l?([1-9]\d{0,2})d(?![a-z0-9-])")


# A count of days ending the question with no word before it saying what it counts ('how much
# went missing, la merma, 90 days', 'best sellers 30 days'): the days just gone. 'older than 90
# days', 'in 90 days', 'over 90 days' and the like say something else.
_DAYS_AT_END = re.compile(r"(?:^|\s)(?<!than\s)(?<!over\s)(?<!in\s)(?<!within\s)(?<!next\s)"
                          r"(?<!after\s)(?<!for\s)(?<!about\s)(\d+\s*days?)$")
# A year by its number ('top cufflinks 2026', '2025年的损耗'): a period when it is this year or
# the last (the reports know no other named year).
_YEAR = re.compile(r"(?<![A-Za-z0-9-])(20\d\d)(?:\s*年(?:度)?|(?![\w-])"
                   r"(?!\s*(?:pieces|piece|pcs|pc|items|units|件|个|只|条|枚)))")


# 'in N days' after a no ("hasn't sold in 90 days", 'no sale in 90 days', 'nothing moved
# within 60 days'): the days gone by that saw none. (Said alone, 'in 90 days' may be ahead.)
# 'in N days' (its count and unit as groups 2 and 3), as both readings below find it.
_IN_DAYS = rf"(?<![\w'])((?:in|within)\s+(?:the\s+)?{_NUM}\s*{_UNIT})"
_NONE_IN = re.compile(
    rf"(?<![\w'])(?:\w+n't|not|no|never|none|nothing|zero|without)(?![\w'])[^.?!,;]*?"
    rf"{_IN_DAYS}(?![\w'])")

# 'in N days' ending a question about what has happened ('how many times we rotate the stock of
# S925 in 90 days'): the days just gone, as every writer labels it (rounds 17-22); elsewhere it
# may be the days to come ('stock in 90 days'), so only reports of the past read it.
_IN_DAYS_AT_END = re.compile(rf"{_IN_DAYS}\s*$")
_FUTURE = re.compile(
    r"(?<![\w'])(?:will|won't|gonna|going to|run out|runs out|next|coming)(?![\w'])")


@dataclass(frozen=True)
class Period:
    """A half-open time range [since, until) with a machine key and the words that named it."""

    key: str
    since: datetime
    until: datetime
    words: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"key": self.key, "since": self.since.isoformat(),
                "until": self.until.isoformat(), "words": self.words}


def period_pattern() -> str:
    """A regular expression matching every period phrase parse_period understands."""
    named = "|".join(sorted(map(re.escape, _NAMED), key=len, reverse=True))
    prefix = r"(?:(?<![\w-])(?:in|for|during|over|of)\s+)?(?:the\s+)?"
    return (rf"(?:{_ROLLING.pattern}|{_DAYS_SHORT.pattern}|{prefix}(?:{named})|{_QUARTER.pattern}"
            rf"|{_MONTH.pattern}|{_ROLLING_UNIT.pattern}|{_DAYS_AT_END.pattern}|{_YEAR.pattern})")


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _named(key: str, now: datetime) -> tuple[datetime, datetime]:
    today = now.date()
    tomorrow = _start_of_day(today + timedelta(days=1))
    if key == "today":
        return _start_of_day(today), tomorrow
    if key == "yesterday":
        return _start_of_day(today - timedelta(days=1)), _start_of_day(today)
    if key in ("this_week", "last_week"):
        monday = today - timedelta(days=today.weekday())
        if key == "this_week":
            return _start_of_day(monday), tomorrow
        return _start_of_day(monday - timedelta(days=7)), _start_of_day(monday)
    if key in ("this_month", "last_month"):
        first = today.replace(day=1)
        if key == "this_month":
            return _start_of_day(first), tomorrow
        return _start_of_day((first - timedelta(days=1)).replace(day=1)), _start_of_day(first)
    if key in ("this_quarter", "last_quarter"):
        first = _quarter_start(today)
        if key == "this_quarter":
            return _start_of_day(first), tomorrow
        return _start_of_day(_quarter_start(first - timedelta(days=1))), _start_of_day(first)
    if key == "this_year":
        return _start_of_day(date(today.year, 1, 1)), tomorrow
    return _start_of_day(date(today.year - 1, 1, 1)), _start_of_day(date(today.year, 1, 1))


def parse_period(text: str, now: datetime) -> Period | None:
    """The period a phrase names, relative to ``now`` (UTC); None when it names none."""
    words = text.strip().lower()
    if (match := _ROLLING.search(words)) is not None:
        return _last_days(_days(match[1], match[2]), now, match.group().strip())
    if (match := _DAYS_SHORT.search(words)) is not None:
        return _last_days(int(match[1]), now, match.group().strip())
    if (match := _ROLLING_UNIT.search(words)) is not None and match[1] == "week" and \
            "last week" not in words:
        return _last_days(7, now, match.group().strip())
    if (match := _DAYS_AT_END.search(words)) is not None:
        return _last_days(int(re.sub(r"\D", "", match[1])), now, match[1])
    for phrase in sorted(_NAMED, key=len, reverse=True):
        if re.search(r"[\u3400-\u9fff]", phrase):
            found = phrase in words
        else:
            found = re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", words) is not None
        if found:
            since, until = _named(_NAMED[phrase], now)
            return Period(_NAMED[phrase], since, until, phrase)
    return _calendar(words, now)


def _calendar(words: str, now: datetime) -> Period | None:
    """A quarter ('Q3', '第三季度'), year ('2026') or month ('October', '10月') by name, when it
    is the current or the last one (January asked in February is last month); else None."""
    today = now.date()
    if (match := _QUARTER.search(words)) is not None:
        found = match[1] or match[2] or match[3]
        number = int(found) if found.isdigit() else _ORDINALS[found]
        current = (today.month - 1) // 3 + 1
        key = {current: "this_quarter", (current - 2) % 4 + 1: "last_quarter"}.get(number)
    elif (match := _YEAR.search(words)) is not None:
        key = {today.year: "this_year", today.year - 1: "last_year"}.get(int(match[1]))
    elif (match := _MONTH.search(words)) is not None:
        if match[1]:
            number = _MONTHS[match[1]]
        else:
            number = int(match[2]) if match[2] else _ZH_DIGITS[match[3]]
        key = {today.month: "this_month", (today.month - 2) % 12 + 1: "last_month"}.get(number)
    else:
        return None
    if key is None:
        return None
    since, until = _named(key, now)
    return Period(key, since, until, match.group().strip())


def none_in_period(words: str, now: datetime) -> tuple[Period, int, int] | None:
    """The rolling period of 'in N days' said after a no ("hasn't sold a piece in 90 days" ->
    last_90_days) in lower-case ``words``, with the span of 'in N days'; None otherwise."""
    if (match := _NONE_IN.search(words)) is None:
        return None
    return _in_days(match, now)


def _in_days(match: re.Match[str], now: datetime) -> tuple[Period, int, int]:
    """The rolling period a match of ``_IN_DAYS`` says, with the span of its words."""
    return _last_days(_days(match[2], match[3]), now, match[1]), match.start(1), match.end(1)


def past_days_at_end(words: str, now: datetime) -> tuple[Period, int, int] | None:
    """The rolling period of 'in N days' ending lower-case ``words`` (a question about the past
    only: 'S925 turnover in 90 days' -> last_90_days), with its span; None otherwise."""
    if (match := _IN_DAYS_AT_END.search(words)) is None or _FUTURE.search(words):
        return None  # 'which rings will run out in 30 days' looks ahead
    return _in_days(match, now)


def _days(count: str, unit: str) -> int:
    """The days in a count of units ('90', 'days' -> 90; 'three', 'weeks' -> 21)."""
    return (int(count) if count.isdigit() else _NUMBERS[count]) * _UNIT_DAYS[unit]


def _last_days(days: int, now: datetime, said: str) -> Period:
    """The rolling period of the ``days`` before ``now`` (last_90_days), as ``said``."""
    return Period(f"last_{days}_days", now - timedelta(days=days), now, said)
