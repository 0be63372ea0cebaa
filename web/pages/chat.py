"""Chat: the manager's conversation with the assistant, in English or Chinese.

The page is drawn in the person's UI language (``web.i18n``), and so are its example
questions; the assistant answers in the language of each question, whichever the page's.

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

from web.i18n import N_, _, language
from web.pages.api import ApiError, Auth, auth_from
from web.pages.reports import column_name
from web.pages.ui import PageContext, attrs, error_box

__all__ = ["layout", "register", "EXAMPLES", "chart_series"]

MAX_ROWS = 50
MAX_COLUMNS = 10

#: How an answer's intent was matched, as a person reads it (the codes are the assistant's).
MATCHERS = {"template": N_("template"), "embedding": N_("similarity"), "ngram": N_("n-gram")}

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
        hovertemplate=f"%{{y}}<br>{column_name(value)}: %{{x}}<extra></extra>"))
    fig.update_layout(height=max(180, 26 * len(shown) + 60), margin={"l": 10, "r": 10, "t": 28,
                                                                    "b": 30},
                      title={"text": column_name(value), "font": {"size": 13}},
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


def _table(rows: list[dict[str, Any]]) -> html.Div:
    columns: list[str] = []
    for row in rows[:MAX_ROWS]:
        columns.extend(k for k in row if k not in columns)
    columns = columns[:MAX_COLUMNS]
    body = []
    for row in rows[:MAX_ROWS]:
        located = {"data-location": str(row["location"])} if row.get("location") else {}
        body.append(html.Tr([html.Td(_cell(row.get(c))) for c in columns], **attrs(located)))
    parts: list[Any] = [html.Table([html.Thead(html.Tr([html.Th(column_name(c))
                                                        for c in columns])),
                                    html.Tbody(body)], className="chat-table")]
    if len(rows) > MAX_ROWS:
        parts.append(html.Div(_("{n} more rows not shown", n=len(rows) - MAX_ROWS),
                              className="meta"))
    return html.Div(parts, className="chat-table-wrap")


def _suggestions(reply: dict[str, Any], n: int) -> html.Div:
    asked_in = str(reply.get("language") or language())
    buttons = []
    for item in reply.get("data") or []:
        intent = str(item.get("intent", ""))
        question = _example_question(asked_in, intent) or str(item.get("description", intent))
        buttons.append(html.Button(
            str(item.get("description") or intent), title=question, className="chip",
            id={"type": "chat-suggest", "index": f"{n}|{question}"}, n_clicks=0))
    return html.Div([html.Span(_("Did you mean:"), className="meta"), *buttons],
                    className="chat-suggest")


def _meta(reply: dict[str, Any]) -> html.Div:
    bits = []
    if reply.get("intent"):
        bits.append(_("intent {intent}", intent=reply["intent"]))
    if reply.get("matcher"):
        matcher = str(reply["matcher"])
        bits.append(_("matched by {matcher}",
                      matcher=_(MATCHERS[matcher]) if matcher in MATCHERS else matcher))
    if reply.get("score") is not None:
        bits.append(_("score {score}", score=format(float(reply["score"]), ".2f")))
    if reply.get("error"):
        bits.append(str(reply["error"]))
    if reply.get("data") and not reply.get("error"):
        bits.append(_("{n} rows", n=len(reply["data"])))
    return html.Div(" · ".join(bits), className="chat-meta")


def answer_bubble(reply: dict[str, Any], n: int) -> html.Div:
    """One answer: its text, how it was matched, then its rows as a table and chart."""
    rows = list(reply.get("data") or [])
    parts: list[Any] = [html.Div(reply.get("answer", ""), className="chat-text"), _meta(reply)]
    if reply.get("error") == "not-understood":
        parts.append(_suggestions(reply, n))
    elif rows and not reply.get("error"):
        series = chart_series(reply.get("intent"), rows)
        if series is not None:
            parts.append(dcc.Graph(figure=_figure(rows, *series), className="chat-chart",
                                   config={"displayModeBar": False}))
        parts.append(_table(rows))
    kind = "chat-error" if reply.get("error") else "chat-ok"
    return html.Div(parts, className=f"chat-msg chat-bot {kind}", id=f"chat-answer-{n}",
                    **attrs({"data-intent": str(reply.get("intent") or ""),
                             "data-conversation": str(reply.get("conversation_id", ""))}))


def question_bubble(text: str, n: int) -> html.Div:
    """The asker's own question, as sent."""
    return html.Div(text, className="chat-msg chat-me", id=f"chat-question-{n}")


def _examples() -> list[Any]:
    return [html.Span(_("Try:"), className="meta")] + [
        html.Button(q, id={"type": "chat-ex", "index": q}, n_clicks=0, className="chip")
        for q in EXAMPLES.get(language(), EXAMPLES["en"])
    ]


def _welcome() -> html.Div:
    return html.Div(_("Ask a question in English or Chinese. Answers cite the rows they come "
                      "from."), className="chat-msg chat-bot chat-welcome", id="chat-welcome")


def layout(auth: Auth) -> html.Div:
    """The conversation, the question box and example questions in the page's language."""
    return html.Div([
        dcc.Store(id="chat-conv", storage_type="session"),
        dcc.Store(id="chat-count", data=0),
        html.Div([html.H2(_("Ask the assistant"), id="chat-title", className="grow")],
                 className="row"),
        html.Div([_welcome()], id="chat-log", className="chat-log", role="log",
                 **attrs({"aria-live": "polite"})),
        html.Div([
            dcc.Input(id="chat-q", type="text", n_submit=0, autoFocus=True, debounce=False,
                      placeholder=_("Ask about stock, lots, orders, pickers…"), className="grow",
                      maxLength=500, autoComplete="off"),
            html.Button(_("Ask"), id="chat-send", n_clicks=0, className="primary"),
            html.Button(_("New conversation"), id="chat-new", n_clicks=0),
        ], className="row chat-input"),
        html.Div(id="chat-msg"),
        html.Div(_examples(), id="chat-examples", className="row chat-examples"),
        html.Small(_("Follow-ups keep the conversation: ask “and in size 8?” after a stock "
                     "question."), id="chat-hint", className="hint"),
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
    """Asking and starting over."""

    @dash_app.callback(
        Output("chat-log", "children"), Output("chat-conv", "data"),
        Output("chat-count", "data"), Output("chat-q", "value"), Output("chat-msg", "children"),
        Input("chat-send", "n_clicks"), Input("chat-q", "n_submit"),
        Input({"type": "chat-suggest", "index": ALL}, "n_clicks"),
        Input({"type": "chat-ex", "index": ALL}, "n_clicks"),
        State("chat-q", "value"), State("chat-conv", "data"), State("chat-count", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def ask(_s: int, _n: int, _sg: list[int], _ex: list[int], typed: str | None,
            conversation: str | None, count: int | None,
            auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        fired = ctx.triggered[0] if ctx.triggered else {}
        if not fired.get("value"):  # buttons that merely appeared, not clicks
            return no_update, no_update, no_update, no_update, no_update
        auth = auth_from(auth_data)
        text = _question_of(ctx.triggered_id, typed)
        if auth is None or not text:
            return no_update, no_update, no_update, no_update, error_box(
                _("Type a question first."))
        n = int(count or 0) + 1
        try:
            reply = _ask(context, auth, text, conversation)
        except ApiError as exc:
            if exc.code != "not-found" or not conversation:
                return no_update, no_update, no_update, no_update, error_box(exc)
            reply = _ask(context, auth, text, None)  # the conversation expired: start anew
        log = Patch()
        log.append(question_bubble(text, n))
        log.append(answer_bubble(reply, n))
        return log, reply.get("conversation_id"), n, "", None

    @dash_app.callback(
        Output("chat-log", "children", allow_duplicate=True),
        Output("chat-conv", "data", allow_duplicate=True),
        Input("chat-new", "n_clicks"), prevent_initial_call=True,
    )
    def start_over(clicks: int | None) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update
        return [_welcome()], None
