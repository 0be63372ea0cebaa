"""Chat: the manager's conversation with the assistant, in English or Chinese.

The page is drawn in the person's UI language (``web.i18n``), and so are its example
questions; the assistant answers in the language of each question, whichever the page's.

Questions go to ``POST /api/assistant/chat`` with the signed-in person's token (the
assistant checks each question's own role). The conversation id is kept in the session, so a
follow-up ("and in size 8?") refines the last question. Each answer is drawn from the reply
alone (:func:`answer_bubble`):

- its rows as a grid, and a bar chart when the reply names one (``chart``: the Reports page's
  own chart code draws it) or its rows are a plain numeric series;
- "Open in Reports" when the reply names its report (``report``): the Reports page opens on
  that report with the same period and filters;
- an action waiting for "yes" (``confirm``): what it will do, with "Yes, do it" and "No",
  which send yes or no in the question's language in the same conversation; the next answer
  takes the buttons away;
- close calls asked back (``choices``) and "not understood" answers: buttons that ask the
  question each stands for;
- a refusal (out of scope) as its text, which says what the chat can do.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from dash import ALL, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from core.reports import REPORTS
from web.i18n import N_, _, language
from web.pages.api import ApiError, Auth, auth_from, can
from web.pages.reports import column_name, report_figure, report_link, report_title
from web.pages.ui import PageContext, attrs, error_box, grid

__all__ = ["layout", "register", "EXAMPLES", "answer_bubble", "answer_chart", "answer_rows",
           "chart_series", "history_log", "restored"]

#: Rows an answer hands its grid (the grid pages them; the rest are counted, not sent).
MAX_ROWS = 500
PAGE_SIZE = 10
KEEP_EXCHANGES = 12  # questions and answers kept to draw the log again
CHART_HEIGHT = 260  # px: room for the rows below it

#: How an answer's intent was matched, as a person reads it (the codes are the assistant's).
MATCHERS = {"template": N_("template"), "embedding": N_("similarity"), "ngram": N_("n-gram")}
#: Why an answer has no rows, as a person reads it (the codes are the assistant's).
ERRORS = {"out-of-scope": N_("outside what I can answer"), "not-understood": N_("not understood"),
          "ambiguous": N_("asked back"), "forbidden": N_("not allowed for your role")}
#: Answers that are no failure, only a question back or a polite refusal.
GENTLE = frozenset({"out-of-scope", "not-understood", "ambiguous"})
#: What "Yes, do it" and "No" send, in the language the action was asked in.
YES_NO = {"en": ("yes", "no"), "zh": ("确认", "取消")}
#: Buttons that ask a question of their own: ``index`` is "<answer number>|<question>".
ASKING = ("chat-suggest", "chat-choice", "chat-confirm")

EXAMPLES: dict[str, tuple[str, ...]] = {
    "en": ("where is batch G-2311?", "best sellers this month", "slow movers",
           "stock turnover", "how many gold rings do we have?"),
    "zh": ("批次G-2311在哪里？", "本月畅销品", "滞销品有哪些", "库存周转天数是多少",
           "金戒指有多少？"),
}

# Answers without a chart of their own: which column a chart plots for an intent; other
# intents fall back to the first number.
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


def answer_chart(reply: Mapping[str, Any]) -> dcc.Graph | None:
    """The answer's bar chart: the one it names (``chart``), else a plain numeric series of
    its rows; None when it has neither."""
    rows = list(reply.get("data") or [])
    spec = reply.get("chart")
    if not spec:
        series = chart_series(reply.get("intent"), rows)
        spec = {"x": series[0], "y": series[1]} if series else None
    if not rows or not spec or not spec.get("x") or not spec.get("y"):
        return None
    figure = report_figure(rows, spec)
    figure.update_layout(height=CHART_HEIGHT)  # (a chat bubble, not a page)
    return dcc.Graph(figure=figure, className="chat-chart", style={"height": f"{CHART_HEIGHT}px"},
                     config={"displayModeBar": False, "responsive": True})


def _value(value: Any) -> Any:
    """A cell the grid can show and sort: numbers stay numbers, lists and records read as text."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return round(value, 2) if abs(value) >= 1 else float(f"{value:.3g}")
    if isinstance(value, list | tuple):
        return ", ".join(str(_value(v)) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def answer_rows(rows: list[dict[str, Any]], n: int) -> html.Div:
    """The rows an answer cites, as the house grid (paged, sortable), headed in the page's
    language."""
    shown = rows[:MAX_ROWS]
    columns: list[str] = []
    for row in shown:
        columns.extend(k for k in row if k not in columns)
    data = [{c: _value(row.get(c)) for c in columns} for row in shown]
    table = grid(f"chat-grid-{n}", data, [(c, column_name(c)) for c in columns],
                 page_size=PAGE_SIZE)
    table.dashGridOptions["pagination"] = len(data) > PAGE_SIZE  # one page needs no pager
    parts: list[Any] = [table]
    if len(rows) > MAX_ROWS:
        parts.append(html.Div(_("{n} more rows not shown", n=len(rows) - MAX_ROWS),
                              className="meta"))
    return html.Div(parts, className="chat-rows")


def _ask_button(kind: str, n: int, label: str, question: str, **extra: Any) -> html.Button:
    return html.Button(label, id={"type": kind, "index": f"{n}|{question}"}, n_clicks=0,
                       **extra)


def _suggestions(reply: Mapping[str, Any], n: int) -> html.Div:
    asked_in = str(reply.get("language") or language())
    buttons = []
    for item in reply.get("data") or []:
        intent = str(item.get("intent", ""))
        question = _example_question(asked_in, intent) or str(item.get("description", intent))
        buttons.append(_ask_button("chat-suggest", n, str(item.get("description") or intent),
                                   question, title=question, className="chip"))
    return html.Div([html.Span(_("Did you mean:"), className="meta"), *buttons],
                    className="chat-suggest")


def _choices(reply: Mapping[str, Any], n: int) -> html.Div:
    buttons = [_ask_button("chat-choice", n, str(c.get("label") or c.get("text")),
                           str(c.get("text") or c.get("label")), title=str(c.get("text", "")),
                           className="chip")
               for c in reply.get("choices") or [] if c.get("text") or c.get("label")]
    return html.Div(buttons, className="chat-suggest chat-choices", role="group",
                    **attrs({"aria-label": _("Did you mean:")}))


def _confirm(reply: Mapping[str, Any], n: int, waiting: bool) -> html.Div:
    """What the action will do, and the two answers to it (taken away once answered)."""
    yes, no = YES_NO.get(str(reply.get("language")), YES_NO["en"])
    summary = str(reply["confirm"].get("summary") or "")
    buttons = [_ask_button("chat-confirm", n, _("Yes, do it"), yes, className="primary"),
               _ask_button("chat-confirm", n, _("No"), no)] if waiting else []
    return html.Div([
        # (left out when the answer's text already says it)
        html.Div(summary if summary.strip() not in str(reply.get("answer", "")) else "",
                 className="chat-confirm-summary"),
        html.Div(buttons, id={"type": "chat-pending", "index": n},
                 className="row chat-confirm-buttons"),
    ], className="chat-confirm", role="group", **attrs({"aria-label": _("Waiting for your yes")}))


def _report_link(report: Mapping[str, Any]) -> dcc.Link | None:
    if not report.get("name") or report["name"] not in REPORTS:
        return None
    return dcc.Link(_("Open in Reports"), href=report_link(report), className="chat-report-link",
                    title=report_title(str(report["name"])))


def _meta(reply: Mapping[str, Any]) -> html.Div:
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
        error = str(reply["error"])
        bits.append(_(ERRORS[error]) if error in ERRORS else error)
    if reply.get("data") and not reply.get("error"):
        bits.append(_("{n} rows", n=len(reply["data"])))
    return html.Div(" · ".join(bits), className="chat-meta")


def answer_bubble(reply: Mapping[str, Any], n: int, *, reports: bool = True,
                  waiting: bool = True) -> html.Div:
    """One answer: its text, how it was matched, then what it offers: rows, a chart and the
    link to its report (``reports``: the asker may open the Reports page), an action to
    confirm (``waiting``: still waiting for its yes or no), or questions to pick from."""
    error = reply.get("error")
    parts: list[Any] = [html.Div(reply.get("answer", ""), className="chat-text"), _meta(reply)]
    if error == "not-understood" and reply.get("data"):
        parts.append(_suggestions(reply, n))
    if reply.get("choices"):
        parts.append(_choices(reply, n))
    if reply.get("confirm") and not error:
        parts.append(_confirm(reply, n, waiting))
    rows = list(reply.get("data") or [])
    if rows and not error:
        chart = answer_chart(reply)
        if chart is not None:
            parts.append(chart)
        parts.append(answer_rows(rows, n))
    link = _report_link(reply["report"]) if reply.get("report") and reports and not error \
        else None
    if link is not None:
        parts.append(html.Div(link, className="chat-links"))
    kind = ("chat-gentle" if error in GENTLE else "chat-error") if error else "chat-ok"
    return html.Div(parts, className=f"chat-msg chat-bot {kind}", id=f"chat-answer-{n}",
                    **attrs({"data-intent": str(reply.get("intent") or ""),
                             "data-error": str(error or ""),
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
        # The last exchanges, to draw the log again when the person comes back to the page
        # (from "Open in Reports", say); whose they are, so the next person does not see them.
        dcc.Store(id="chat-history", storage_type="session"),
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


def _kept(text: str, reply: Mapping[str, Any], n: int) -> dict[str, Any]:
    """An exchange as the history keeps it (the pipeline's events left out)."""
    return {"n": n, "q": text, "reply": {k: v for k, v in reply.items() if k != "events"}}


def history_log(items: list[dict[str, Any]], *, reports: bool) -> list[Any]:
    """The log drawn again from the kept exchanges; only the last may still wait for a yes."""
    log: list[Any] = [_welcome()]
    for i, item in enumerate(items):
        n = int(item["n"])
        log.append(question_bubble(str(item["q"]), n))
        log.append(answer_bubble(item["reply"], n, reports=reports,
                                 waiting=i == len(items) - 1))
    return log


def _question_of(trigger: Any, typed: str | None) -> str:
    if isinstance(trigger, dict) and trigger.get("type") in ASKING:
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
    """Asking (typed, an example, a suggestion, a choice, yes or no) and starting over."""

    @dash_app.callback(
        Output("chat-log", "children"), Output("chat-conv", "data"),
        Output("chat-count", "data"), Output("chat-q", "value"), Output("chat-msg", "children"),
        Output({"type": "chat-pending", "index": ALL}, "children"),
        Output("chat-history", "data"),
        Input("chat-send", "n_clicks"), Input("chat-q", "n_submit"),
        *(Input({"type": kind, "index": ALL}, "n_clicks") for kind in ASKING),
        Input({"type": "chat-ex", "index": ALL}, "n_clicks"),
        State("chat-q", "value"), State("chat-conv", "data"), State("chat-count", "data"),
        State("auth", "data"),
        prevent_initial_call=True,
    )
    def ask(_s: int, _n: int, *rest: Any) -> tuple[Any, ...]:
        typed, conversation, count, auth_data = rest[-4:]
        unchanged = (no_update,) * 7
        fired = ctx.triggered[0] if ctx.triggered else {}
        if not fired.get("value"):  # buttons that merely appeared, not clicks
            return unchanged
        auth = auth_from(auth_data)
        text = _question_of(ctx.triggered_id, typed)
        if auth is None or not text:
            return (*unchanged[:4], error_box(_("Type a question first.")), *unchanged[5:])
        n = int(count or 0) + 1
        try:
            reply = _ask(context, auth, text, conversation)
        except ApiError as exc:
            if exc.code != "not-found" or not conversation:
                return (*unchanged[:4], error_box(exc), *unchanged[5:])
            reply = _ask(context, auth, text, None)  # the conversation expired: start anew
        log = Patch()
        log.append(question_bubble(text, n))
        log.append(answer_bubble(reply, n, reports=can(auth.role, "audit:read")))
        # Any answer ends the wait of an earlier action: its yes and no go away.
        answered = [None] * len(ctx.outputs_list[5])
        kept = Patch()
        kept["items"].append(_kept(text, reply, n))
        if n > KEEP_EXCHANGES:  # (the count is the number kept since the log started)
            del kept["items"][0]
        return log, reply.get("conversation_id"), n, "", None, answered, kept

    @dash_app.callback(
        Output("chat-log", "children", allow_duplicate=True),
        Output("chat-conv", "data", allow_duplicate=True),
        Output("chat-count", "data", allow_duplicate=True),
        Output("chat-history", "data", allow_duplicate=True),
        Input("chat-new", "n_clicks"), State("auth", "data"), prevent_initial_call=True,
    )
    def start_over(clicks: int | None, auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        if not clicks:
            return (no_update,) * 4
        auth = auth_from(auth_data)
        return [_welcome()], None, 0, {"user": auth.username if auth else None, "items": []}

    @dash_app.callback(
        Output("chat-log", "children", allow_duplicate=True),
        Output("chat-count", "data", allow_duplicate=True),
        Output("chat-history", "data", allow_duplicate=True),
        Output("chat-conv", "data", allow_duplicate=True),
        Input("chat-history", "data"), State("chat-count", "data"), State("auth", "data"),
        prevent_initial_call="initial_duplicate",
    )
    def restore(history: dict[str, Any] | None, count: int | None,
                auth_data: dict[str, Any] | None) -> tuple[Any, ...]:
        # Runs when the page opens (and its session's history arrives); the page's own asks
        # change the history too, but by then the log is drawn (count > 0).
        return restored(history, count, auth_from(auth_data))


def restored(history: dict[str, Any] | None, count: int | None,
             auth: Auth | None) -> tuple[Any, ...]:
    """What the page shows when it opens with the session's ``history``: (log, count,
    history, conversation), each ``no_update`` when it stays. Another person's history (the
    tab was signed out and in again) is dropped with its conversation, never drawn."""
    if auth is None or count:
        return (no_update,) * 4
    if not history or history.get("user") != auth.username:  # none yet, or another's
        return (no_update, no_update, {"user": auth.username, "items": []},
                None if history else no_update)
    items = list(history.get("items") or [])
    if not items:
        return (no_update,) * 4
    log = history_log(items, reports=can(auth.role, "audit:read"))
    return log, int(items[-1]["n"]), no_update, no_update
