"""Chat: the manager's conversation with the assistant, in English or Chinese.

Questions go to ``POST /api/assistant/chat`` with the signed-in person's token (the
assistant checks each question's own role). The conversation id is kept in the session, so a
follow-up ("and in size 8?") refines the last question. Answers show the rows they cite as a
table and, where the rows are a numeric series (best sellers, slow movers, turnover...), a bar
chart; "not understood" answers offer the closest intents as buttons that ask an example.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from web.pages.api import ApiError, Auth, auth_from
from web.pages.ui import PageContext, attrs, error_box

__all__ = ["layout", "register", "LABELS", "chart_series"]

MAX_ROWS = 50
MAX_COLUMNS = 10

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Ask the assistant", "placeholder": "Ask about stock, lots, orders, pickers…",
        "send": "Ask", "new": "New conversation", "you": "You", "assistant": "Assistant",
        "try": "Try:", "matched": "matched by", "score": "score", "intent": "intent",
        "closest": "Did you mean:", "rows": "rows", "more": "more rows not shown",
        "hint": "Follow-ups keep the conversation: ask “and in size 8?” after a stock question.",
        "welcome": "Ask a question in English or Chinese. Answers cite the rows they come from.",
        "empty": "Type a question first.",
    },
    "zh": {
        "title": "问助手", "placeholder": "询问库存、批次、订单、拣货员……",
        "send": "提问", "new": "新对话", "you": "我", "assistant": "助手",
        "try": "试试：", "matched": "匹配方式", "score": "得分", "intent": "意图",
        "closest": "您是不是想问：", "rows": "行", "more": "行未显示",
        "hint": "追问会沿用上一个问题：问完库存后再问“8号的呢？”。",
        "welcome": "可以用中文或英文提问。回答会列出所依据的数据。",
        "empty": "请先输入问题。",
    },
}

EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": ("where is batch G-2311?", "best sellers this month", "slow movers",
           "stock turnover", "how many gold rings do we have?"),
    "zh": ("批次G-2311在哪里？", "本月畅销品", "滞销品有哪些", "库存周转天数是多少",
           "金戒指有多少？"),
}

# Which column a chart plots for an intent; other intents fall back to the first number.
CHART_VALUE = {"best_sellers": "quantity", "slow_movers": "on_hand",
               "stock_turnover": "turnover_days"}
NO_CHART = frozenset({"locate", "serial_history", "who_picked", "recall_preview"})
LABEL_KEYS = ("sku", "style", "category", "picker", "location", "order", "day", "date", "lot")
NOT_VALUES = frozenset({"rank", "id", "score", "revenue_rank"})


def _t(lang: str | None, key: str) -> str:
    return LABELS.get(lang or "en", LABELS["en"])[key]


@cache
def _example_question(language: str, intent: str) -> str | None:
    """The first example sentence of ``intent`` in the assistant's own data files."""
    try:
        from assistant.intents.data import load_intents

        examples = load_intents(language).examples.get(intent, ())
    except Exception:  # data files missing or unreadable: fall back to the description
        return None
    return examples[0] if examples else None


def chart_series(intent: str | None, rows: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The (label, value) columns worth a bar chart, or None when the rows are no series."""
    if not intent or intent in NO_CHART or len(rows) < 2:
        return None
    first = rows[0]
    label = next((k for k in LABEL_KEYS if isinstance(first.get(k), str)), None)
    numeric = [k for k, v in first.items()
               if isinstance(v, int | float) and not isinstance(v, bool) and k not in NOT_VALUES
               and not k.endswith("_id")]
    value = CHART_VALUE.get(intent)
    if value not in numeric:
        value = numeric[0] if numeric else None
    if label is None or value is None:
        return None
    return label, value


def _figure(rows: list[dict[str, Any]], label: str, value: str) -> go.Figure:
    shown = rows[:25]
    fig = go.Figure(go.Bar(
        x=[r.get(value) or 0 for r in shown][::-1], y=[str(r.get(label)) for r in shown][::-1],
        orientation="h", marker_color="#8a6d3b",
        hovertemplate=f"%{{y}}<br>{value.replace('_', ' ')}: %{{x}}<extra></extra>"))
    fig.update_layout(height=max(180, 26 * len(shown) + 60), margin={"l": 10, "r": 10, "t": 28,
                                                                    "b": 30},
                      title={"text": value.replace("_", " "), "font": {"size": 13}},
                      yaxis={"automargin": True}, plot_bgcolor="#fff")
    return fig


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _table(rows: list[dict[str, Any]], lang: str) -> html.Div:
    columns: list[str] = []
    for row in rows[:MAX_ROWS]:
        columns.extend(k for k in row if k not in columns)
    columns = columns[:MAX_COLUMNS]
    body = []
    for row in rows[:MAX_ROWS]:
        located = {"data-location": str(row["location"])} if row.get("location") else {}
        body.append(html.Tr([html.Td(_cell(row.get(c))) for c in columns], **attrs(located)))
    parts: list[Any] = [html.Table([html.Thead(html.Tr([html.Th(c.replace("_", " "))
                                                        for c in columns])),
                                    html.Tbody(body)], className="chat-table")]
    if len(rows) > MAX_ROWS:
        parts.append(html.Div(f"{len(rows) - MAX_ROWS} {_t(lang, 'more')}", className="meta"))
    return html.Div(parts, className="chat-table-wrap")


def _suggestions(reply: dict[str, Any], lang: str, n: int) -> html.Div:
    language = str(reply.get("language") or lang)
    buttons = []
    for item in reply.get("data") or []:
        intent = str(item.get("intent", ""))
        question = _example_question(language, intent) or str(item.get("description", intent))
        buttons.append(html.Button(
            str(item.get("description") or intent), title=question, className="chip",
            id={"type": "chat-suggest", "index": f"{n}|{question}"}, n_clicks=0))
    return html.Div([html.Span(_t(lang, "closest"), className="meta"), *buttons],
                    className="chat-suggest")


def _meta(reply: dict[str, Any], lang: str) -> html.Div:
    bits = []
    if reply.get("intent"):
        bits.append(f"{_t(lang, 'intent')} {reply['intent']}")
    if reply.get("matcher"):
        bits.append(f"{_t(lang, 'matched')} {reply['matcher']}")
    if reply.get("score") is not None:
        bits.append(f"{_t(lang, 'score')} {float(reply['score']):.2f}")
    if reply.get("error"):
        bits.append(str(reply["error"]))
    if reply.get("data") and not reply.get("error"):
        bits.append(f"{len(reply['data'])} {_t(lang, 'rows')}")
    return html.Div(" · ".join(bits), className="chat-meta")


def answer_bubble(reply: dict[str, Any], lang: str, n: int) -> html.Div:
    """One answer: its text, how it was matched, then its rows as a table and chart."""
    rows = list(reply.get("data") or [])
    parts: list[Any] = [html.Div(reply.get("answer", ""), className="chat-text"),
                        _meta(reply, lang)]
    if reply.get("error") == "not-understood":
        parts.append(_suggestions(reply, lang, n))
    elif rows and not reply.get("error"):
        series = chart_series(reply.get("intent"), rows)
        if series is not None:
            parts.append(dcc.Graph(figure=_figure(rows, *series), className="chat-chart",
                                   config={"displayModeBar": False}))
        parts.append(_table(rows, lang))
    kind = "chat-error" if reply.get("error") else "chat-ok"
    return html.Div(parts, className=f"chat-msg chat-bot {kind}", id=f"chat-answer-{n}",
                    **attrs({"data-intent": str(reply.get("intent") or ""),
                             "data-conversation": str(reply.get("conversation_id", ""))}))


def question_bubble(text: str, n: int) -> html.Div:
    """The asker's own question, as sent."""
    return html.Div(text, className="chat-msg chat-me", id=f"chat-question-{n}")


def _examples(lang: str) -> list[Any]:
    return [html.Span(_t(lang, "try"), className="meta")] + [
        html.Button(q, id={"type": "chat-ex", "index": q}, n_clicks=0, className="chip")
        for q in EXAMPLES.get(lang, EXAMPLES["en"])
    ]


def layout(auth: Auth) -> html.Div:
    """The conversation, the question box and the language toggle."""
    return html.Div([
        dcc.Store(id="chat-conv", storage_type="session"),
        dcc.Store(id="chat-count", data=0),
        html.Div([
            html.H2(_t("en", "title"), id="chat-title", className="grow"),
            dcc.RadioItems(id="chat-lang", options=[{"label": "English", "value": "en"},
                                                    {"label": "中文", "value": "zh"}],
                           value="en", inline=True, persistence=True,
                           persistence_type="local", className="lang-toggle"),
        ], className="row"),
        html.Div([html.Div(_t("en", "welcome"), className="chat-msg chat-bot chat-welcome",
                           id="chat-welcome")], id="chat-log", className="chat-log",
                 role="log", **attrs({"aria-live": "polite"})),
        html.Div([
            dcc.Input(id="chat-q", type="text", n_submit=0, autoFocus=True, debounce=False,
                      placeholder=_t("en", "placeholder"), className="grow", maxLength=500,
                      autoComplete="off"),
            html.Button(_t("en", "send"), id="chat-send", n_clicks=0, className="primary"),
            html.Button(_t("en", "new"), id="chat-new", n_clicks=0),
        ], className="row chat-input"),
        html.Div(id="chat-msg"),
        html.Div(_examples("en"), id="chat-examples", className="row chat-examples"),
        html.Small(_t("en", "hint"), id="chat-hint", className="hint"),
    ], id="chat-page", className="chat-page")


def _question_of(trigger: Any, typed: str | None) -> str:
    if isinstance(trigger, dict) and trigger.get("type") == "chat-suggest":
        return str(trigger["index"]).split("|", 1)[1]
    if isinstance(trigger, dict) and trigger.get("type") == "chat-ex":
        return str(trigger["index"])
    return (typed or "").strip()


def _ask(context: PageContext, auth: Auth, text: str, conversation: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text[:500]}
    if conversation:
        body["conversation_id"] = conversation
    reply: dict[str, Any] = context.api.post("/api/assistant/chat", auth, body)
    return reply


def register(dash_app: Dash, context: PageContext) -> None:
    """Asking, starting over and switching the labels' language."""

    @dash_app.callback(
        Output("chat-log", "children"), Output("chat-conv", "data"),
        Output("chat-count", "data"), Output("chat-q", "value"), Output("chat-msg", "children"),
        Input("chat-send", "n_clicks"), Input("chat-q", "n_submit"),
        Input({"type": "chat-suggest", "index": ALL}, "n_clicks"),
        Input({"type": "chat-ex", "index": ALL}, "n_clicks"),
        State("chat-q", "value"), State("chat-conv", "data"), State("chat-count", "data"),
        State("chat-lang", "value"), State("auth", "data"),
        prevent_initial_call=True,
    )
    def ask(_s: int, _n: int, _sg: list[int], _ex: list[int], typed: str | None,
            conversation: str | None, count: int | None, lang: str | None,
            auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        fired = ctx.triggered[0] if ctx.triggered else {}
        if not fired.get("value"):  # buttons that merely appeared, not clicks
            return no_update, no_update, no_update, no_update, no_update
        auth = auth_from(auth_data)
        lang = lang or "en"
        text = _question_of(ctx.triggered_id, typed)
        if auth is None or not text:
            return no_update, no_update, no_update, no_update, error_box(_t(lang, "empty"))
        n = int(count or 0) + 1
        try:
            reply = _ask(context, auth, text, conversation)
        except ApiError as exc:
            if exc.code != "not-found" or not conversation:
                return no_update, no_update, no_update, no_update, error_box(exc)
            reply = _ask(context, auth, text, None)  # the conversation expired: start anew
        log = Patch()
        log.append(question_bubble(text, n))
        log.append(answer_bubble(reply, lang, n))
        return log, reply.get("conversation_id"), n, "", None

    @dash_app.callback(
        Output("chat-log", "children", allow_duplicate=True),
        Output("chat-conv", "data", allow_duplicate=True),
        Input("chat-new", "n_clicks"), State("chat-lang", "value"), prevent_initial_call=True,
    )
    def start_over(clicks: int | None, lang: str | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        return [html.Div(_t(lang, "welcome"), className="chat-msg chat-bot chat-welcome",
                         id="chat-welcome")], None

    @dash_app.callback(
        Output("chat-title", "children"), Output("chat-q", "placeholder"),
        Output("chat-send", "children"), Output("chat-new", "children"),
        Output("chat-examples", "children"), Output("chat-hint", "children"),
        Input("chat-lang", "value"),
    )
    def labels(lang: str | None) -> tuple[Any, ...]:
        lang = lang if lang in LABELS else "en"
        return (_t(lang, "title"), _t(lang, "placeholder"), _t(lang, "send"), _t(lang, "new"),
                _examples(lang), _t(lang, "hint"))
