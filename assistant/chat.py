"""The chat assistant: questions in English or Chinese answered from live warehouse data.

:func:`build_assistant` makes one :class:`Assistant` per process. The sentence model loads on
first use or in :meth:`Assistant.warm_up`; catalogue lookups and product embeddings are cached
and rebuilt when the catalogue changes.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from wordfreq import zipf_frequency

from assistant.actions import (
    ACTIONS,
    ANSWERS,
    action_slots,
    ask_action,
    changed_quantity,
    confirm,
    deny,
    is_waiting,
    wait,
    without_reason,
)
from assistant.actions.answers import ANSWER_WORDS, action_verbs, leading_answer, short_answer
from assistant.actions.stock import draft_from_advice
from assistant.conversations import (
    Conversation,
    ConversationStore,
    MemoryConversations,
    SharedConversations,
)
from assistant.entities.catalogue import CatalogueIndex
from assistant.entities.codes import corrected_codes, detect_language, normalise_text
from assistant.entities.filters import kind_location
from assistant.entities.periods import NAMED_PERIODS
from assistant.entities.pinyin import PinyinReader
from assistant.entities.products import ProductIndex
from assistant.entities.resolve import (
    FOLLOW_UP_SLOTS,
    INTENT_SLOTS,
    REPORT_INTENTS,
    RESTRICTIONS,
    RESTRICTIONS_ZH,
    Resolver,
    bare_refinement,
    extract_slots,
    order_reference,
    period_said,
    spelt_codes,
    spoken_codes_to_text,
    written_orders,
    zone_slot,
)
from assistant.errors import (
    AmbiguousError,
    ChatError,
    ForbiddenError,
    NoContextError,
    NotAnAnswerError,
    NotUnderstoodError,
    OutOfScopeError,
    UnsupportedRequestError,
)
from assistant.handlers import REGISTRY, Answer, HandlerContext, HandlerRegistry
from assistant.intents.classifier import (
    IntentClassifier,
    LabelledText,
    read_pickle,
    write_pickle,
)
from assistant.intents.closecall import CloseCallModel, PairCounts, Signals, signals
from assistant.intents.data import LANGUAGES, IntentData, load_intents
from assistant.intents.encoder import CharNgramEncoder, Encoder, SentenceEncoder
from assistant.intents.hant import (
    henan_mandarin,
    mandarin,
    min_hakka_mandarin,
    simplified,
    written_mandarin,
)
from assistant.intents.matcher import (
    EmbeddingMatcher,
    IntentMatch,
    Matcher,
    Ranking,
    TemplateMatcher,
)
from assistant.intents.prepare import (
    CODE_WORDS,
    SHORTHAND,
    Speller,
    after_discourse_marker,
    example_code_kind,
    pidgin_english,
    spoken_homophones,
    tag_codes,
    without_formal_closers,
    without_hesitations,
    without_pleasantries,
    without_sign_off,
    without_wake_word,
)
from assistant.intents.scope import (
    ScopeModel,
    domain_cues,
    load_close_phrasings,
    load_code_kinds,
    load_confusable,
    load_negatives,
    load_settle,
    load_unsupported,
    load_vague,
)
from assistant.intents.training import TrainingItem, fingerprint, load_training
from assistant.pipeline import Pipeline, PipelineRun
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.reports import CatalogueVersion, catalogue_version, vocabulary

__all__ = [
    "Assistant",
    "ChatReply",
    "Conversation",
    "ConversationStore",
    "MemoryConversations",
    "SharedConversations",
    "build_assistant",
    "jsonable",
]

# all-MiniLM-L6-v2 is English-only (every Chinese sentence looks alike to it; see
# bench/assistant_chat.py for the figures): Chinese questions that no template matches are
# scored by a character n-gram similarity over the Chinese examples instead.
EMBEDDING_LANGUAGES = ("en",)
# Example groups that are never an answer: follow-ups need a template, and out_of_scope holds
# questions the chat cannot answer (small talk, actions, market prices) so they win over a
# real intent's faint resemblance.
NOT_ANSWERS = frozenset({"follow_up", "out_of_scope"})
_CJK = re.compile(r"[\u3400-\u9fff]")
# A follow-up that only narrows ('only rings', 'just the 18K ones', 只看戒指): with no question
# before it there is nothing to narrow, whatever the classifier makes of the value alone.
_RESTRICTS = re.compile(rf"^(?:{'|'.join(RESTRICTIONS + RESTRICTIONS_ZH)})(?![a-z])")
_ANY_FILTER: frozenset[str] = frozenset().union(*FOLLOW_UP_SLOTS.values())
# A question that asks something (a question word first, or a Chinese question word or particle):
# an action is no choice to ask it back with unless its words say the action ('what is alert 3
# about' is no acknowledgement; 'alert 3', 'the vault alert' may be either).
# A question word must be a word of its own ('WHO-261125-90672 留3件' names an order), and 'do' asks
# only of someone ('do we have', not 'do the recall').
_ASKS = re.compile(r"^(?:what|what's|whats|which|who|whose|where|where's|when|how|show|list|is|are|"
                   r"was|were|any|has|have)(?=\s|$)|^(?:do|does|did) (?:we|you|i|they|it|anyone)\b"
                   r"|什么|哪|吗|嗎|多少|几|幾|有没有|有冇|咩|乜")
_LATIN_WORD = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")  # a word, not a code ('G-2311')
_CJK_EDGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])")
_CODE_SLOTS = ("lot", "serial", "sku", "location", "zone", "order", "style", "product")
# Stock questions about goods (Assistant._nothing_named).
_GOODS_INTENTS = frozenset({"locate", "count_stock"})
# Slots that back a similarity reading (Assistant._with_evidence): one strong or two weak.
_STRONG_SLOTS = frozenset({"lot", "serial", "sku", "order", "location", "supplier", "person",
                           "zone"})
_WEAK_SLOTS = frozenset({"period", "category", "metal", "purity", "channel"})
# Actions that cannot be undone: named bare by a template ('recall G-2311'), with no word that
# says it is meant for real, they are asked back with their confusable partner (the preview).
_IRREVERSIBLE = frozenset({"recall_lot"})
# An intent that answers only about a code it is given (its follow-up slots, FOLLOW_UP_SLOTS),
# and the close intent a question naming none but a period may mean instead ('who was picking
# today': who has been picking).
_CODELESS_PARTNERS = {"who_picked": "picker_performance"}
# An action's object named by its kind before its code ('recall lot G-2311', '召回G-7769这批'):
# the words are a command, not the name of a report about the code.
_OBJECT_NAMED = re.compile(r"\b(?:lot|batch)\s+\w|批次\s*\w|\w\s*这批")
# Intents narrowed by place, which take the zone a question names by a word.
_ZONE_INTENTS = frozenset({"locate", "count_stock", "best_sellers", "slow_movers",
                           "stock_turnover", "camera_alerts", "start_cycle_count",
                           "acknowledge_alert", "pending_orders", *REPORT_INTENTS})
# The codes a choice's question may name (a product description stays out: it reads back badly).
_CHOICE_CODES = ("lot", "serial", "sku", "order", "location")


@dataclass(frozen=True)
class Reading:
    """What the similarity tier made of a question: the ranking and the threshold it must pass,
    the text it read (codes as kind words), the out-of-scope model's probability and the
    warehouse cues found: ``codes`` (the kind words of the codes it names), ``words`` (words
    only a warehouse uses so) and ``cues`` (those and the live catalogue's names; see
    :meth:`Assistant.out_of_scope` for which cue keeps a question from being refused)."""

    ranking: Ranking
    threshold: float
    text: str
    tier: Matcher
    out_of_scope: float
    cues: tuple[str, ...]
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass
class ChatReply:
    """The answer to one question, with the pipeline's record."""

    conversation_id: str
    language: str
    run: PipelineRun
    alternatives: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the HTTP and websocket answer)."""
        match, answer = self.run.match, self.run.answer
        return jsonable({
            "conversation_id": self.conversation_id, "language": self.language,
            "intent": match.intent if match else None, "slots": match.slots if match else {},
            "score": match.score if match else None, "matcher": match.matcher if match else None,
            "answer": answer.text if answer else "", "data": answer.data if answer else [],
            "chart": answer.chart if answer else None, "report": answer.report if answer else None,
            "confirm": answer.confirm if answer else None,
            "choices": answer.choices if answer else [],
            "error": self.run.error, "run_id": self.run.run_id,
            "events": [e.as_dict() for e in self.run.events],
        })


def jsonable(value: Any) -> Any:
    """Rows made JSON-ready: datetimes as ISO text, decimals as floats."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    return value


class Assistant:
    """Matches questions to intents and answers them from the database within the asker's role."""

    def __init__(
        self,
        db: Database,
        settings: AssistantSettings,
        *,
        encoder: Encoder | None = None,
        registry: HandlerRegistry = REGISTRY,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        conversations: ConversationStore | None = None,
        training: Sequence[TrainingItem] | None = None,
    ) -> None:
        self.db, self.settings, self.registry, self.clock = db, settings, registry, clock
        self.encoder: Encoder = encoder or SentenceEncoder(
            settings.embedding_model_path, threads=settings.embedding_threads,
            cache_dir=settings.embedding_cache_dir,
        )
        self.data: dict[str, IntentData] = {lang: load_intents(lang) for lang in LANGUAGES}
        self.templates = TemplateMatcher(self.data)
        examples = {lang: {intent: list(sentences) for intent, sentences in by_intent.items()}
                    for lang, by_intent in _prepared_examples().items()}
        weight = settings.classifier_weight
        # The trained classifier (hand-written examples and every writer's questions of
        # assistant/data/training, or ``training``) is the head of both similarity tiers.
        self.training = _shipped_training(settings.embedding_cache_dir) if training is None \
            else tuple(training)
        head = self.classifier = _classifier(
            self.encoder, settings, self.training) if settings.trained_classifier else None
        self.embeddings = EmbeddingMatcher(examples["en"], self.encoder, classifier_weight=weight,
                                           head=head)
        ngram_weight = settings.ngram_classifier_weight if head is not None and \
            settings.ngram_classifier_weight is not None else weight
        self.lexical = EmbeddingMatcher(examples["zh"], _ngram_encoder("zh"),
                                        classifier_weight=ngram_weight, head=head,
                                        head_reads_vector=False)
        self.scope = self._scope_models(examples)
        # Names of people and suppliers, and categories, are warehouse cues unless a general
        # question uses the word too (style names are left out: 'heart', 'star', 'drop').
        self._general_words = _general_words()
        self.confusable = load_confusable(LANGUAGES)
        self.close_pairs = load_confusable(LANGUAGES, "close")
        self.terse_pairs = load_confusable(LANGUAGES, "terse")
        self.settle = load_settle(LANGUAGES)
        self.needs = load_settle(LANGUAGES, "needs")
        self.named_by = load_settle(LANGUAGES, "names")
        self.unsupported = load_unsupported(LANGUAGES)
        self.bare_reports = load_unsupported(LANGUAGES, "bare_reports")
        self.vague = load_vague(LANGUAGES)
        self.close_phrasings = load_close_phrasings(LANGUAGES)
        self.code_kinds = load_code_kinds(LANGUAGES)
        # The learnt close-call model and the pairs the training writers found close.
        self.close_calls = CloseCallModel(settings.close_call_weights, settings.close_call_bias)
        self.close_calls_seen = PairCounts.of(item.intents for item in self.training)
        self.close_detector = close_detector(self.encoder, self.training) \
            if settings.close_call_threshold <= 1.0 and self.training else None
        # the general questions' words are real words, not typos of ours ('spell' is no 'sell')
        english = [s for sentences in examples["en"].values() for s in sentences] \
            + [t.text for t in self.data["en"].templates]
        self.speller = Speller(english, keep=[*SHORTHAND.values(), *self._general_words],
                               common=_common_english)
        # Chinese typed in pinyin or with input-method slips, read as the characters meant
        self.pinyin = _pinyin_reader(self.training, frozenset(
            w for s in english for w in s.split()))
        # Follow-up context: in memory unless the caller shares it (web workers: the database).
        self.conversations: ConversationStore = conversations or MemoryConversations(
            settings.conversation_ttl_seconds)
        self._version: CatalogueVersion | None = None
        self._index = CatalogueIndex()
        self._products = ProductIndex([], self.encoder)
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and embed the examples and the catalogue now (e.g. at startup)."""
        load = getattr(self.encoder, "load", None)
        if callable(load):
            load()
        self.embeddings.warm_up()
        self.lexical.warm_up()
        for model in self.scope.values():
            model.warm_up()
        if self.close_detector is not None:
            self.close_detector.warm_up()
        self.pinyin.warm_up()
        with self.db.read() as session:
            _, products = self._catalogue(session)
        products.match("warm up")

    def _catalogue(self, session: Any) -> tuple[CatalogueIndex, ProductIndex]:
        version = catalogue_version(session)
        with self._lock:
            if version != self._version:
                self._index = CatalogueIndex.build(vocabulary(session))
                self._products = ProductIndex(self._index.styles, self.encoder)
                self._version = version
            return self._index, self._products

    def ask(self, text: str, *, actor: Actor, conversation_id: str | None = None) -> ChatReply:
        """Answer one question (a follow-up refines the conversation's last question; "yes"
        or "no" answers the action the conversation waits on, any other question drops it; a
        reply read as no question at all leaves it waiting)."""
        conversation_id = conversation_id or uuid.uuid4().hex
        previous = self.conversations.get(conversation_id, actor.id)
        text = corrected_codes(self._characters(text, previous))  # 'G 3273 不对 是G 3237'
        language = detect_language(text) or (previous.language if previous else
                                             self.settings.default_language)
        now = self.clock()
        with self.db.read() as session:
            index, products = self._catalogue(session)
            resolver = Resolver(index, products, actor.username, now)
            ctx = HandlerContext(session, actor, language, now, index, products,
                                 self.data[language].responses)
            turn: dict[str, Any] = {}  # what the handler leaves for the conversation

            def recognise(question: str) -> IntentMatch:
                try:  # (the assistant's name that wakes it is no part of the question)
                    return self._recognise_action(
                        after_discourse_marker(without_formal_closers(without_wake_word(
                            question))), language,
                        resolver, previous, ctx)
                except _AskedBack as asked:  # kept, so 'and bangles?' asks the same again
                    turn["asked"] = Conversation(asked.intents[0], asked.slots, language,
                                                 asked=asked.intents)
                    raise
                except (OutOfScopeError, NotUnderstoodError) as exc:
                    if previous is None or previous.pending is None \
                            or not is_waiting(previous.pending):
                        raise
                    # 'nai', 'garans' to a waiting hold: a yes or no in words the chat does not
                    # know is no new question; the action keeps waiting for a plain one
                    turn["still_waiting"] = True
                    raise NotAnAnswerError(ctx.say(
                        "action.not_an_answer", summary=previous.pending["summary"])) from exc

            pipeline = Pipeline(
                recognise=recognise,
                handle=lambda m: self._handle(m, ctx, previous, turn),
                respond=lambda _m, answer: answer,
            )
            run = pipeline.run(text)
        if turn.get("still_waiting"):
            return ChatReply(conversation_id, language, run)  # the action waits on, unchanged
        self._remember(conversation_id, actor, previous, run, turn.get("pending"),
                       turn.get("asked"))
        return ChatReply(conversation_id, language, run)

    def _characters(self, text: str, previous: Conversation | None) -> str:
        """The question with its pinyin and input-method slips read as characters ('you duo
        shao jie zhi', '库纯'). Pinyin that leaves Latin words beside it is left as typed when
        another language's words read a third of the question ('bin di fo yat gin dou mo maai
        gwo' is Cantonese), and so is a reply already a yes, no or hold-on ('si si') to an
        action waiting or a question asked back; a reply to them may be one pinyin word
        ('xing', 行)."""
        waiting = previous is not None and (previous.asked or previous.pending is not None
                                            and is_waiting(previous.pending))
        if waiting and short_answer(text) is not None:
            return text
        read = self.pinyin.read(text)
        if read != text:
            return text if _LATIN_WORD.search(read) and _other_language(text) else read
        if waiting and not (_LATIN_WORD.search(text) and _other_language(text)) \
                and short_answer(one := self.pinyin.read(text, least=1)):
            return one
        return text

    @staticmethod
    def _answered(match: IntentMatch, previous: Conversation | None) -> IntentMatch:
        """A "yes" to a question asked back ('did you mean start a count of V04-01, or how
        many are in it?') as its first choice (the best reading): an action then still states
        itself and waits for its own "yes"; any other match as it is."""
        if previous is None or not previous.asked or match.intent != "confirm" \
                or is_waiting(previous.pending):
            return match
        chosen = previous.asked[0]  # (an action's slots are checked by its own reading)
        uses = INTENT_SLOTS.get(chosen, frozenset(previous.slots))
        return replace(match, intent=chosen,
                       slots={k: v for k, v in previous.slots.items() if k in uses})

    def _recognise_action(
        self, text: str, language: str, resolver: Resolver, previous: Conversation | None,
        ctx: HandlerContext,
    ) -> IntentMatch:
        """:meth:`recognise`, with the slots only actions use (quantity, alert, zone, reason).

        A question that gives a reason ('hold lot G-2311 because the assay failed') is read
        again without it when only that makes it an action.
        """
        pending = previous.pending if previous is not None else None
        waiting = str(pending["action"]) if pending is not None and is_waiting(pending) else None
        if (said := short_answer(text, waiting)) is not None:
            # '中', '要', '得嘞', '拉倒', '唔使': a yes or no in the words of home (to an action
            # waiting, or to a question asked back: 'cnt V04-02' asked back, then 'y'); with
            # nothing waiting, nothing is waiting for it ('好，确认' after a refused release
            # acknowledges no alert)
            return self._answered(IntentMatch(said, {}, 1.0, "template", language), previous)
        if previous is not None and waiting == "draft_purchase_order" \
                and (quantity := changed_quantity(text)) is not None:
            # 'no, make it 10' ('唔係，改做40件'): the draft stated again with that quantity,
            # which a draft from the advice refuses unless it is the advice's
            return IntentMatch(waiting, {**previous.slots, "quantity": quantity}, 1.0,
                               "template", language)
        if waiting and (said := leading_answer(text, waiting)) is not None:
            # 'che, leave it for security', 'khana saunt, I check first': a no or a hold-on
            # with its reason after it
            return IntentMatch(said, {}, 1.0, "template", language)
        failure: ChatError | None = None
        try:
            match: IntentMatch | None = self.recognise(text, language, resolver, previous, ctx)
        except ChatError as exc:
            match, failure = None, exc
        if isinstance(failure, AmbiguousError):  # 'recall G-7777': no such lot to ask about
            match = _unknown_lot_choice(failure, text, language, resolver)
        # Over a question already matched, or a request nothing can do, only an action's own
        # template wins: 'G-3237 冻结一下，客户要退货退款' is a hold with its reason, but
        # 'WEB-… 客户不要咧，给取消掉' is no reservation once its cancelling clause is dropped.
        template_only = match is not None or isinstance(failure, UnsupportedRequestError)
        for bare in without_reason(text) if match is None or match.intent not in ACTIONS else ():
            try:
                retry = self.recognise(bare, language, resolver, previous, ctx, whole=text)
            except ChatError:
                continue
            if retry.intent in ACTIONS and (not template_only or retry.matcher == "template") \
                    and not _verb_denied(retry.intent, text):  # '光看看，别召回' recalls nothing
                match = retry
                break
        if match is None:
            assert failure is not None
            raise failure
        if match.intent in ACTIONS and _verb_denied(match.intent, text) \
                and (undenied := _without_denied(match.intent, text)) and undenied != text:
            # 'G-5921这批都卖给了谁？光看看，别召回': read without the clause that denies the action
            match = self.recognise(undenied, language, resolver, previous, ctx)
        match = self._answered(_with_period(_with_zone(match, text, resolver), text, resolver),
                               previous)
        if previous is not None and match.intent in previous.asked and not match.slots:
            # a choice picked ('库存数量') after '手镯: count or value?': that one, for bangles
            kept = FOLLOW_UP_SLOTS.get(match.intent, frozenset())
            match = replace(match, slots={k: v for k, v in previous.slots.items() if k in kept})
        if (partner := _CODELESS_PARTNERS.get(match.intent)) is not None \
                and not set(match.slots) & FOLLOW_UP_SLOTS[match.intent] \
                and period_said(text, resolver) is not None \
                and not (previous is not None and match.intent in previous.asked):
            # 'who was picking today': no order or piece named but a period, so who has been
            # picking then or who picked one (which?) - asked back rather than answered with
            # 'which order?' ('who picked the order' is still asked which order)
            raise self._ask_back(ctx, text, resolver, (partner, match.intent))
        if match.intent not in ACTIONS:
            return match
        words = normalise_text(text)
        other = self._contrast(match.intent, written_mandarin(words) if _CJK.search(words)
                               else words, language)
        if other in ACTIONS:  # 'take G-8248 off hold' releases what the hold verb names
            match = replace(match, intent=other)
        elif other != match.intent:  # 'recall G-2311: which orders?' asks, it does not act
            kept = FOLLOW_UP_SLOTS.get(other, frozenset())
            return replace(match, intent=other,
                           slots={k: v for k, v in match.slots.items() if k in kept})
        slots = action_slots(match.intent, text, match.slots, resolver,
                             previous.slots if previous else None)
        if match.intent == "draft_purchase_order":
            slots = draft_from_advice(ctx, slots)  # 'from reorder advice': its supplier
        return replace(match, slots=slots)

    def _remember(
        self, conversation_id: str, actor: Actor, previous: Conversation | None,
        run: PipelineRun, pending: dict[str, Any] | None, asked: Conversation | None = None,
    ) -> None:
        """Keep the answered question (and an action it stated) for the next one.

        "yes" and "no" keep the question before them, with the action marked done (a second
        "yes" says so) or dropped; any other question drops a waiting action, answered or not.
        A question asked back (``asked``) is kept with its choices, for a follow-up to it.
        """
        match = run.match
        if match is not None and match.intent in ANSWERS:
            if previous is not None:
                kept = pending if run.error is None else None
                self.conversations.put(conversation_id, actor.id, replace(previous, pending=kept))
        elif run.error is None and match is not None:
            self.conversations.put(conversation_id, actor.id, Conversation(
                match.intent, dict(match.slots), match.language, pending))
        elif asked is not None and run.error == AmbiguousError.code:
            self.conversations.put(conversation_id, actor.id, asked)
        elif previous is not None and is_waiting(previous.pending):
            self.conversations.put(conversation_id, actor.id, replace(previous, pending=None))

    def recognise(
        self, text: str, language: str, resolver: Resolver, previous: Conversation | None,
        ctx: HandlerContext, whole: str | None = None, *, alone: bool = False,
    ) -> IntentMatch:
        """Templates first, then similarity above the threshold; follow-ups reuse the context.

        ``whole`` is the whole question when ``text`` is a part of it (a clause without its
        reason): its words may settle an action the part leaves open ('..., do it').
        ``alone``: read it as a whole question, not as a follow-up (one that fits no question
        before it: 'size 6 rings in stock?' reads like 'size 7?' after a count).

        A template match is always answered. Below it, a question the out-of-scope model
        places outside the warehouse is refused (saying what the chat can do), one below the
        threshold is not understood, and a close call between two intents is asked back.

        Close calls are told by the learnt close-call model (assistant/intents/closecall.py,
        ``settings.close_call_threshold``) for template and similarity readings alike (not for
        an action a template reads as a command: the chat states it and waits for "yes"); a
        close phrasing of the whole question (``whole``, else ``text``) is asked back for both
        (:meth:`_phrased_rival`); the older hand-written rules run only with
        ``settings.hand_ask_back``.
        """
        words = _question_words(text)
        if previous is not None and not alone and whole is None \
                and not is_waiting(previous.pending) and (bare := bare_refinement(
                    text, _refinable(previous), resolver)):
            # 'AREZZO?' after a question that takes a supplier: that question, from AREZZO
            if previous.asked:  # after 'count or value?', 'bangles?' asks it again
                raise self._ask_back(ctx, text, resolver, previous.asked,
                                     _merge(previous.slots, bare))
            return IntentMatch(previous.intent, _merge(previous.slots, bare), 1.0, "template",
                               language)
        order = [language] + [lang for lang in LANGUAGES if lang != language]
        matches = self.templates.match_all(words, order, resolver)
        follow = [m for m in matches if m.intent == "follow_up"]
        if alone:
            matches, follow = [m for m in matches if m.intent != "follow_up"], []
        if follow and (not matches or matches[0].intent == "follow_up"):
            relevant = _refinable(previous) if previous else None
            for match in follow:
                if previous is not None and relevant is not None \
                        and set(match.slots) <= relevant:
                    if previous.asked:  # '手镯呢' after '戒指: count or value?': asked again
                        raise self._ask_back(ctx, text, resolver, previous.asked,
                                             _merge(previous.slots, match.slots))
                    return replace(match, intent=previous.intent,
                                   slots=_merge(previous.slots, match.slots))
            if previous is None and _RESTRICTS.match(words) \
                    and bare_refinement(text, _ANY_FILTER, resolver):
                raise NoContextError(ctx.say("error.no_context"))  # 'only rings': of nothing
            try:  # no question before it that it refines: a whole question, if it says one
                whole_question = self.recognise(text, language, resolver, previous, ctx, whole,
                                                alone=True)
            except AmbiguousError:
                if self.similarity(words, language, resolver).codes:
                    raise  # 'G-2311是不是该召回了，你看呢': a whole question's close call
                whole_question = None  # ('just the earrings' alone: a count or dead stock?)
            except (NotUnderstoodError, OutOfScopeError):
                whole_question = None
            if whole_question is None or not _reads_alone(whole_question):
                raise NoContextError(ctx.say("error.no_context"))  # 'only rings': too little
            return whole_question
        if not (previous is not None and is_waiting(previous.pending)) \
                and any(p.search(form) for form in dict.fromkeys((words, simplified(words)))
                        for p in self.unsupported):
            # 'delete the supplier Valenza': no report or action of ours does that (traditional
            # characters read as simplified too: '把 G-5188 的證書重新列印一份')
            raise UnsupportedRequestError(ctx.say("error.unsupported",
                                                  can=ctx.say("scope.can_do")))
        if matches:
            hand = self.settings.hand_ask_back
            if (rival := self._template_rival(matches[0], text, language, resolver, whole)):
                if self._settled(rival, words) and not self._settled(matches[0].intent, words):
                    # the words settle the rival ('open POs with X': stock on order)
                    return IntentMatch(rival, self._slots(text, rival, "embedding", resolver),
                                       matches[0].score, "embedding", language)
                raise self._ask_back(ctx, text, resolver, (matches[0].intent, rival))
            if hand and (rivals := self._unsettled(matches[0].intent, text, language, resolver)):
                raise self._ask_back(ctx, text, resolver, (matches[0].intent, *rivals))
            if hand and (other := self._vague_partner(matches[0], words)) is not None:
                raise self._ask_back(ctx, text, resolver, (matches[0].intent, other))
            if self._learns_close_calls(matches[0], text) and (other := self._learnt_rival(
                    matches[0].intent, self.similarity(words, language, resolver), words,
                    template=True)):
                raise self._ask_back(ctx, text, resolver, (matches[0].intent, other))
            if matches[0].intent not in ANSWERS and (other := self._phrased_rival(
                    matches[0].intent, _question_words(whole) if whole else words,
                    lambda: _real_scores(self.similarity(words, language, resolver)))):
                raise self._ask_back(ctx, text, resolver, (matches[0].intent, other))
            return matches[0]
        reading = self.similarity(words, language, resolver)
        if not (previous is not None and is_waiting(previous.pending)):
            # "yes" and "no" read by similarity answer nothing when no action waits
            # ('A01的货位要不要调整一下' is a question, not a "no")
            reading = replace(reading, ranking=replace(reading.ranking, scores=tuple(
                (i, s) for i, s in reading.ranking.scores if i not in ANSWERS)))
        reading = self._with_evidence(reading, text, resolver)
        intent, score = reading.ranking.best
        answerable = score >= reading.threshold and intent not in NOT_ANSWERS
        if self.out_of_scope(reading, answerable=answerable):
            raise OutOfScopeError(ctx.say("error.out_of_scope", can=ctx.say("scope.can_do")))
        if not answerable:
            raise self._not_understood(ctx, reading.ranking.scores)
        intent = self._contrast(intent, reading.text, language)
        if intent == reading.ranking.best[0]:  # the words as typed (before spelling fixes)
            intent = self._contrast(intent, words, language)
        elif self._contrast(intent, words, language) == reading.ranking.best[0]:
            # a spelling fix made the cue ('with immediate effect' -> '... affect') and the
            # words as typed contrast it straight back: they keep the best intent
            intent = reading.ranking.best[0]
        hand = self.settings.hand_ask_back
        if hand and intent == reading.ranking.best[0] \
                and not self._settled(intent, words, reading.text) \
                and (rival := self._rival(reading)) is not None \
                and self._contrast(rival, reading.text, language) != intent \
                and self._contrast(rival, words, language) != intent:
            # A close runner-up is asked back, unless the question's words settle it for the
            # best intent ('how reliable is X': supplier quality, not QC failures) or for the
            # runner-up ('where did lot X end up': where it is, not a recall's reach).
            if not self._settled(rival, words, reading.text):
                raise self._ask_back(ctx, text, resolver, (intent, rival))
            intent = rival
        if hand and (rivals := self._unsettled(intent, text, language, resolver, reading)):
            raise self._ask_back(ctx, text, resolver, (intent, *rivals))
        slots = self._slots(text, intent, reading.tier, resolver)
        if hand and (other := self._vague_partner(IntentMatch(intent, slots, score, reading.tier,
                                                              language), words)) is not None:
            raise self._ask_back(ctx, text, resolver, (intent, other))
        if (other := self._learnt_rival(intent, reading, words, template=False)) \
                and not self._settled_command(intent, other, text, words, reading.text):
            raise self._ask_back(ctx, text, resolver, (intent, other))
        if (other := self._phrased_rival(intent, _question_words(whole) if whole else words,
                                         lambda: _real_scores(reading))):
            raise self._ask_back(ctx, text, resolver, (intent, other))
        if self._nothing_named(intent, slots) and self.out_of_scope(reading, answerable=False):
            # 'where can I buy a cheap engagement ring': the goods it names are none of ours
            raise OutOfScopeError(ctx.say("error.out_of_scope", can=ctx.say("scope.can_do")))
        return IntentMatch(intent, slots, score, reading.tier, language,
                           alternatives=reading.ranking.scores[:3])

    def _learns_close_calls(self, match: IntentMatch, text: str) -> bool:
        """Whether a template match is left to the close-call model (when it is on): not an
        answer to a waiting action, and not an action given as a command (no question mark:
        the chat states it and waits for "yes" anyway)."""
        if match.intent in ANSWERS or self.settings.close_call_threshold > 1.0:
            return False
        return match.intent not in ACTIONS or "?" in text or "？" in text

    def close_call(self, intent: str, reading: Reading, words: str, *,
                   template: bool) -> Signals | None:
        """The close-call model's inputs for a question read as ``reading`` and answered as
        ``intent`` (see assistant/intents/closecall.py); None without a trained classifier."""
        if intent in NOT_ANSWERS or intent in ANSWERS or not reading.ranking.probabilities:
            return None
        scores = {i: s for i, s in _real_scores(reading).items()
                  if i == intent or self._needs_said(i, words, reading.text)}
        return signals(intent, dict(reading.ranking.probabilities), scores,
                       self.close_calls_seen, words=self._terse_words(words),
                       code=bool(reading.codes),
                       settled=self._settled(intent, words, reading.text), template=template,
                       phrasing=self.phrasing(words),
                       named=frozenset(i for i in scores if self._names(i, words, reading.text)))

    def phrasing(self, words: str) -> float:
        """How much a question's words look like the training writers' close calls (the
        close-call detector's probability; 0 without training questions)."""
        return close_phrasing(self.close_detector, words)

    def close_call_inputs(self, text: str, actor: Actor) -> dict[str, Any]:
        """What :meth:`close_call` reads of a question as asked, for any intent (the CV keeps
        it to fit the model): the classifier's probabilities and the scores of the real
        intents, the words, whether it names a code, and the intents its words settle."""
        words = _question_words(text)
        language = detect_language(text) or self.settings.default_language
        with self.db.read() as session:
            index, products = self._catalogue(session)
            resolver = Resolver(index, products, actor.username, self.clock())
            reading = self.similarity(words, language, resolver)
        scores = _real_scores(reading)
        probabilities = dict(reading.ranking.probabilities)
        return {"probabilities": {i: round(probabilities.get(i, 0.0), 6) for i in scores},
                "scores": scores, "words": self._terse_words(words), "code": bool(reading.codes),
                "settled": sorted(i for i in scores if self._settled(i, words, reading.text))}

    def _learnt_rival(self, intent: str, reading: Reading, words: str, *,
                      template: bool) -> str | None:
        """The other intent to ask back about when the close-call model finds the question a
        close call (``settings.close_call_threshold``)."""
        if self.settings.close_call_threshold > 1.0:
            return None
        found = self.close_call(intent, reading, words, template=template)
        if found is None:
            return None
        if self._vague_settled(intent, found.other, words, reading.text):
            return None  # '这个月卖不动的货': the period settles what 卖不动 leaves open
        bar = self.settings.close_call_threshold
        if self._vague_between(intent, found.other, words, reading.text):
            bar *= self._VAGUE_BAR  # 'how much silver have we got': a count or its value
        if self.close_calls.probability(found) < bar:
            return None
        if intent not in ACTIONS and found.other in ACTIONS and _ASKS.search(words) \
                and not self._settled(found.other, words, reading.text):
            return None  # 'whats alert number 3 about' asks; it does not acknowledge alert 3
        return found.other

    def _phrased_rival(self, intent: str, words: str,
                       allowed: Callable[[], Collection[str]]) -> str | None:
        """The other intent of a pair whose close phrasing the question says (``close_phrasings``
        in the scope examples: 'who's been picking this week', picker performance or who picked
        an order), when the chat answers ``intent`` and the other is one the question allows
        (``allowed``: the intents a named code leaves, worked out only on a match)."""
        if self.settings.close_call_threshold > 1.0:
            return None
        forms = tuple(dict.fromkeys((words, simplified(words))))
        for pair, patterns in self.close_phrasings.items():
            if intent in pair and any(p.search(form) for p in patterns for form in forms):
                (other,) = pair - {intent}
                if other in allowed():
                    return other
        return None

    # The share of close_call_threshold a question needs to be asked back when it says only
    # words both intents of the pair may mean (vague in examples.scope.yaml).
    _VAGUE_BAR = 0.5

    def _says_vague(self, intent: str, other: str, *texts: str) -> bool:
        """Whether the question says a word both ``intent`` and ``other`` may mean (``vague``
        in examples.scope.yaml: 'how much' of a count or a value), not negated."""
        cues = self.vague.get(frozenset({intent, other}), ())
        return any(_says(cue, text) and not _negated(cue, text) for text in texts
                   for cue in cues)

    def _vague_settled(self, intent: str, other: str, *texts: str) -> bool:
        """Whether the question says a vague word of the pair and a word that settles
        ``intent`` and not ``other`` (``settle``): 'what's not selling this month' is slow
        movers, though 'not selling' alone could be dead stock."""
        return self._says_vague(intent, other, *texts) \
            and self._settled(intent, *texts) and not self._settled(other, *texts)

    def _vague_between(self, intent: str, other: str, *texts: str) -> bool:
        """Whether the question says a vague word of the pair and none settling either."""
        return self._says_vague(intent, other, *texts) \
            and not self._settled(intent, *texts) and not self._settled(other, *texts)

    @staticmethod
    def _nothing_named(intent: str, slots: dict[str, str]) -> bool:
        """Whether a stock question read by similarity names nothing the catalogue has: a
        described product that matches no style, or (where is...) no code and no attribute."""
        if intent not in _GOODS_INTENTS:
            return False
        if any(slots.get(k) for k in ("lot", "serial", "sku", "location")):
            return False
        if slots.get("product") and not slots.get("style"):
            return True
        return intent == "locate" and not any(
            slots.get(k) for k in ("style", "metal", "purity", "colour", "category", "size"))

    def _with_evidence(self, reading: Reading, text: str, resolver: Resolver) -> Reading:
        """The reading with a lower threshold when the question's own slots back its best
        intent (see ``settings.evidence_thresholds``).

        Evidence is what the best real intent would take from the question: one strong slot
        (a code, supplier, person, location, zone) or two weak ones (period, category, metal,
        purity, channel). The best intent must also lead the next real intent by
        ``settings.evidence_lead``; when the out_of_scope group ranks first, it must lead it by
        no more than that and the evidence must be strong (a supplier or code, and a warehouse
        word or a second slot). Such a reading counts its strong slots as warehouse cues (weak ones
        are no cue: 'the gold price last month' has a metal and a period).
        """
        real = [(i, s) for i, s in reading.ranking.scores if i not in NOT_ANSWERS]
        if not real:
            return reading
        (intent, score), runner = real[0], (real[1][1] if len(real) > 1 else 0.0)
        best_intent, best_score = reading.ranking.best
        answerable = score >= reading.threshold and best_intent == intent
        bar = self.settings.evidence_thresholds.get(
            "ngram" if reading.tier == "ngram" else "embedding", reading.threshold)
        lead = self.settings.evidence_lead
        if not answerable and (score < bar or score - runner < lead):
            return reading
        slots = self._slots(text, intent, reading.tier, resolver)
        # 'I' or '我' is the asker, no evidence ('how fast am I going').
        strong = [k for k in sorted(slots) if k in _STRONG_SLOTS
                  and not (k == "person" and slots[k] == resolver.me)]
        weak = [k for k in sorted(slots) if k in _WEAK_SLOTS]
        if not strong and len(weak) < 2:
            return reading
        if best_intent != intent and (
                best_intent != "out_of_scope" or best_score - score > lead or not strong
                or not (reading.words or len(strong) + len(weak) > 1)):
            return reading
        scores = ((intent, max(score, reading.threshold)),
                  *((i, s) for i, s in reading.ranking.scores if i != intent))
        return replace(reading, ranking=replace(reading.ranking, scores=scores),
                       cues=(*reading.cues, *strong))

    @staticmethod
    def _slots(text: str, intent: str, tier: Matcher, resolver: Resolver) -> dict[str, str]:
        slots = extract_slots(text, intent, resolver)
        if tier == "ngram" and "product" in slots and "style" not in slots:
            del slots["product"]  # Chinese left over from the n-gram tier is question words
        return slots

    def similarity(self, words: str, language: str, resolver: Resolver) -> Reading:
        """What the similarity tier reads in a question (see :class:`Reading`)."""
        index = resolver.index
        codes: list[str] = []

        def kind_of(token: str) -> str | None:
            if token.isdigit():
                return None
            if order_reference(token, index):
                kind: str | None = "order"
            else:
                found = index.any_code(token)
                kind = next(iter(found)) if found else example_code_kind(token)
            if kind is not None:
                codes.append(kind)
            return kind

        # a code typed in parts ('FC 0000 412的历史', 'WEB 261125 56426') read as the one code
        text = self._prepare(spelt_codes(written_orders(words), index), language, kind_of)
        tier: Matcher = "embedding" if language in EMBEDDING_LANGUAGES else "ngram"
        if tier == "embedding":
            text = self.speller.correct(text, known=index.name_words)
            vector = self.embeddings.embed(text)
            ranking = _compatible(self.embeddings.rank(text, vector=vector), codes,
                                  self.code_kinds)
            threshold = self.settings.similarity_threshold
            outside = self._blend_scope(self.scope["en"].probability(text, vector), text, vector)
        else:
            ranking = _compatible(self.lexical.rank(text), codes, self.code_kinds)
            found = self.data[language].similarity_threshold
            threshold = found if found is not None else 1.01
            outside = self._blend_scope(self.scope[language].probability(text), text, None)
        names = _proper_words(index) - self._general_words
        kinds = [CODE_WORDS.get(k, k) for k in codes]
        cues = tuple(domain_cues(text, language, kinds, names))
        return Reading(ranking, threshold, text, tier, outside, cues, tuple(kinds),
                       tuple(domain_cues(text, language)))

    def _blend_scope(self, outside: float, text: str, vector: Any) -> float:
        """The out-of-scope probability with the trained classifier's own (its out_of_scope
        class) mixed in by ``settings.scope_classifier_blend``."""
        blend = self.settings.scope_classifier_blend
        if self.classifier is None or not blend:
            return outside
        mine = self.classifier.probabilities(text, vector).get("out_of_scope", 0.0)
        return (1 - blend) * outside + blend * mine

    def out_of_scope(self, reading: Reading, *, answerable: bool) -> bool:
        """Whether the similarity tier's question is a general one the chat refuses.

        A question the tier would answer needs the stricter bar; one it would not answer anyway
        (below the threshold, or closest to the out_of_scope group) is only told apart from a
        warehouse question that was unclear, which the lower bar does.

        A code always keeps a question; other cues (warehouse words, names of the catalogue's
        people, suppliers and categories: 'rings from Jaipur') keep it unless the tier reads it
        closest to the out_of_scope examples: a supplier named after a city, or 'ring', says
        little about 'things to do in Jaipur' or 'what is Messi's ring size'. A question that
        only asks for the figures ('what about the numbers': ``bare_reports`` in the scope
        examples) is ours: it is asked what it means rather than refused.
        """
        if reading.codes:
            return False
        if reading.ranking.best[0] != "out_of_scope" and reading.cues:
            return False
        if any(p.search(reading.text) for p in self.bare_reports):
            return False  # 'what about the numbers': ours, though it does not say which
        bars = self.settings.scope_thresholds if answerable else \
            self.settings.scope_unanswered_thresholds
        bar = bars.get("ngram" if reading.tier == "ngram" else "embedding", 1.0)
        if answerable:  # the further above its threshold, the surer the tier is of its intent
            bar += self.settings.scope_confidence_slope * max(
                0.0, reading.ranking.best[1] - reading.threshold)
        return reading.out_of_scope >= bar

    def _scope_models(self, examples: dict[str, dict[str, list[str]]]) -> dict[str, ScopeModel]:
        """Per language, the out-of-scope model over its similarity tier's vectors: every loaded
        intent's examples are in scope, the out_of_scope group and the general questions of
        ``examples.scope.yaml`` are not; with the trained classifier, the training questions
        of that language join them (out_of_scope ones outside, every other inside)."""
        training = self.training if self.settings.trained_classifier else ()
        if training:
            return _trained_scope(self.encoder, training)

        def english() -> tuple[Any, Any]:
            matrix, labels = self.embeddings.examples()
            inside = [n for n, label in enumerate(labels) if label not in NOT_ANSWERS]
            refused = [n for n, label in enumerate(labels) if label == "out_of_scope"]
            general = list(_prepared_negatives("en"))
            return matrix[inside], np.vstack([matrix[refused], self.encoder.encode(general)])

        models = {"en": ScopeModel(english, lambda text: self.embeddings.embed(text))}
        for language in LANGUAGES:
            if language not in EMBEDDING_LANGUAGES:
                models[language] = _ngram_scope(language)
        return models

    def _rival(self, reading: Reading) -> str | None:
        """The runner-up intent when it is too close to the best one to guess between them."""
        real = [(i, s) for i, s in reading.ranking.scores if i not in NOT_ANSWERS][:2]
        if len(real) < 2 or real[0][0] != reading.ranking.best[0]:
            return None
        (best, top), (other, second) = real
        return other if top - second < self._margin(best, other) else None

    def _margin(self, first: str, second: str) -> float:
        """How close two intents' scores must be to ask back which one was meant."""
        pair = frozenset({first, second})
        if pair in self.confusable:
            return self.settings.confusable_margin
        if pair in self.close_pairs:
            return self.settings.close_margin
        return self.settings.ambiguity_margin

    def _template_rival(
        self, match: IntentMatch, text: str, language: str, resolver: Resolver,
        whole: str | None = None,
    ) -> str | None:
        """A confusable intent the similarity tier ranks as close as a template's own, when the
        question is terse enough to be either ('recall G-8909?': the recall or its preview).

        Only for intents of a known confusable pair (listed in examples.scope.yaml); a question
        that says more than a few words is left to the template, and so is an action given as
        a command ('recall lot G-8909': its verb first, no question mark).
        """
        if match.intent not in self._confusable_members or match.intent in ANSWERS:
            return None
        words = _question_words(text)
        if self._settled(match.intent, words, normalise_text(whole or "")):
            return None  # '正式召回G-2128': the recall itself
        if match.intent in _IRREVERSIBLE and self._terse_words(text) <= self._TERSE \
                and ("?" in text or "？" in text) \
                and any(k in match.slots for k in _CHOICE_CODES) \
                and not _OBJECT_NAMED.search(words):
            # 'recall G-2311?', asked, no word saying it is meant for real: the recall or its
            # preview. 'recall G-2311' is a command (most writers label it so: 9 of 12 in the
            # retired sets), planned and confirmed before it posts; 'recall lot G-2311' names
            # its object; 'ok, recall it' after a preview acts on the lot of the question before
            partner = next((other for pair in self.confusable if match.intent in pair
                            for other in pair if other != match.intent), None)
            if partner is not None and not self._settled(partner, words):
                return partner
        if not self.settings.hand_ask_back:
            return None
        first = words.split()[0] if words.split() else ""
        if match.intent in ACTIONS and "?" not in text and "？" not in text and \
                not any(c.isdigit() for c in first):
            return None
        content = [w for w in _CJK_EDGE.sub(" ", words).split() if not any(c.isdigit() for c in w)]
        if sum(len(w) if _CJK.search(w) else 1 for w in content) > self._TERSE:
            return None
        reading = self.similarity(words, language, resolver)
        real = [(i, s) for i, s in reading.ranking.scores if i not in NOT_ANSWERS][:2]
        if len(real) < 2 or match.intent not in (real[0][0], real[1][0]):
            return None
        other = real[1][0] if real[0][0] == match.intent else real[0][0]
        known = frozenset({match.intent, other}) in self.confusable | self.close_pairs
        close = abs(real[0][1] - real[1][1]) < self._margin(match.intent, other)
        return other if known and close else None

    def _unsettled(
        self, intent: str, text: str, language: str, resolver: Resolver,
        reading: Reading | None = None,
    ) -> tuple[str, ...] | None:
        """The partner to ask back about when a terse question answered as ``intent`` (one of
        a ``terse`` pair in examples.scope.yaml) says no word that settles it ('old stock in
        rings': ageing or dead stock?): its partners, best ranked first, that the question's codes
        allow (a piece's history is no partner of a question naming no serial).

        An action given as a command ('recall lot G-8909': its verb first, no question mark)
        and a question with more than a few words are left as they are.
        """
        partners = [other for pair in self.terse_pairs if intent in pair
                    for other in pair if other != intent]
        if not partners or self._terse_words(text) > self._TERSE_PAIR:
            return None
        words = _question_words(text)
        if intent in ACTIONS and reading is None and "?" not in text and "？" not in text:
            return None  # a template's command ('recall lot G-8909'); similarity's: see below
        if self._settled(intent, words):
            return None  # an action read by similarity must say its own verb ('ack alert 3')
        reading = reading or self.similarity(words, language, resolver)
        if self._settled(intent, reading.text):  # as read, spelling fixed ('movments')
            return None
        scores = dict(reading.ranking.scores)
        # a partner the tier reads far below the intent is no contender ('pick progress')
        top = scores.get(intent, max(scores.values(), default=0.0))
        # a partner that answers only about a kind of code the question does not name is none
        named = {k for k, word in CODE_WORDS.items() if word in reading.codes}
        partners = [p for p in partners if p in scores
                    and top - scores[p] < self.settings.terse_margin
                    and (p not in self.code_kinds or self.code_kinds[p] & named)
                    and (self._takes_codes(p) or not named - {"location"})]
        return tuple(sorted(partners, key=lambda p: -scores[p])) or None

    def _vague_partner(self, match: IntentMatch, words: str) -> str | None:
        """The close partner to ask back about when the question says only words both intents
        may mean (``vague`` in examples.scope.yaml) and none that settles either; an action
        named by its own template as a command is left as it is, and so is a partner that
        answers only about kinds of code the question does not name."""
        if match.intent in ACTIONS and match.matcher == "template":
            return None
        named = {k for k in _CHOICE_CODES if match.slots.get(k)}
        for pair, cues in self.vague.items():
            if match.intent not in pair or not any(
                    _says(cue, words) and not _negated(cue, words) for cue in cues):
                continue
            other = next(iter(pair - {match.intent}))
            if self._settled(match.intent, words) or self._settled(other, words):
                continue
            if other in self.code_kinds and not self.code_kinds[other] & named:
                continue
            if named - {"location"} and not self._takes_codes(other):
                continue  # 'how much stock of ST0005-...': a count, no report by filters
            return other
        return None

    def _takes_codes(self, intent: str) -> bool:
        """Whether an intent answers about a code (a lot, serial, SKU or order): a question
        naming one is no report's by filters only ('status of WEB-261125-06272?' is no purchase
        order on its way)."""
        return intent in ACTIONS or intent in self.code_kinds or bool(
            INTENT_SLOTS.get(intent, frozenset()) & {"code", "query"})

    def _settled(self, intent: str, *texts: str) -> bool:
        """Whether the question (in any of its ``texts``, Chinese also in simplified characters:
        請執行 says 执行) says a word that settles ``intent`` (``settle`` in the scope
        examples): then neither a close runner-up nor a terse pair is asked back."""
        return _says_any(self.settle.get(intent, ()), texts)

    def _needs_said(self, intent: str, *texts: str) -> bool:
        """Whether the question says a word ``intent`` needs to be meant at all (``needs`` in
        the scope examples: stock on order needs an order word, so 'what about the numbers' is
        no close call between anomalies and stock on order); true for an intent needing none."""
        cues = self.needs.get(intent)
        return cues is None or _says_any(cues, texts)

    def _names(self, intent: str, *texts: str) -> bool:
        """Whether the question says a word that names ``intent`` as a close call's other
        reading (``names`` in the scope examples: 'the numbers' of stock are its count)."""
        return _says_any(self.named_by.get(intent, ()), texts)

    def _settled_command(self, intent: str, other: str, text: str, *texts: str) -> bool:
        """Whether a recall read by similarity is given as a command whose words settle it and
        not ``other`` ('請執行 P-5708 召回', 'G-2128 即刻 recall'): the chat states it and waits
        for "yes" anyway, as it does for a command its template reads, so the close-call model
        does not ask it back. Only the recall: the other actions' settling words are their
        verbs ('stop G-6253', 'count A02'), which writers call close calls."""
        return intent in _IRREVERSIBLE and "?" not in text and "？" not in text \
            and self._settled(intent, *texts) and not self._settled(other, *texts)

    @staticmethod
    def _terse_words(text: str) -> int:
        """Words beyond codes (a Chinese character counts as one)."""
        content = [w for w in _CJK_EDGE.sub(" ", normalise_text(text)).split()
                   if not any(c.isdigit() for c in w)]
        return sum(len(w) if _CJK.search(w) else 1 for w in content)

    # Words a question may have beyond codes to be asked back on an unsettled terse pair.
    _TERSE_PAIR = 3

    # Words (Chinese: characters) beyond codes a question may have to count as terse.
    _TERSE = 4

    @property
    def _confusable_members(self) -> frozenset[str]:
        return frozenset(i for pair in self.confusable | self.close_pairs for i in pair)

    def _ask_back(
        self, ctx: HandlerContext, text: str, resolver: Resolver, intents: tuple[str, ...],
        slots: dict[str, str] | None = None,
    ) -> AmbiguousError:
        """Did you mean A or B? Each choice has a question that picks it (what the user clicks).
        ``slots``: the question's slots when it refines one asked back before (else read from
        ``text`` for each choice); kept with the error for a follow-up to it."""
        choices, said = [], dict(slots or {})
        for intent in intents:
            label = ctx.phrases.get(f"choice.{intent}.label") or \
                self.data[ctx.language].descriptions.get(intent, intent)
            read = dict(slots) if slots is not None else extract_slots(text, intent, resolver)
            said = {**read, **said}
            choices.append({"intent": intent, "label": label,
                            "text": self._choice_text(ctx, intent, read)})
        labels = [c["label"] for c in choices]
        return _AskedBack(
            ctx.say("error.ambiguous", first=labels[0], second=ctx.join(labels[1:])),
            choices=choices, data=[dict(c) for c in choices], intents=tuple(intents),
            slots=said)

    def _choice_text(self, ctx: HandlerContext, intent: str, slots: dict[str, str]) -> str:
        """A question that names ``intent`` unambiguously, with the code the user gave when
        the intent takes that kind of code (``choice.<intent>.<kind>``)."""
        for kind in _CHOICE_CODES:
            if kind in slots and f"choice.{intent}.{kind}" in ctx.phrases:
                return ctx.say(f"choice.{intent}.{kind}", code=slots[kind])
        if f"choice.{intent}" in ctx.phrases:
            return ctx.say(f"choice.{intent}")
        return self.data[ctx.language].descriptions.get(intent, intent)

    @staticmethod
    def _prepare(text: str, language: str, kind_of: Callable[[str], str | None], *,
                 as_written: bool = False) -> str:
        """Normalised text with spoken codes written out and every code replaced by its kind;
        Chinese in simplified characters throughout (assistant/intents/hant.py: the intent
        models read a question written in traditional characters as its simplified form),
        English without hesitations ('so yeah what is ...', 'the uh gold chains'); with
        ``as_written`` (a training writer's question), its Spanish words are left as written."""
        words = spoken_codes_to_text(normalise_text(text, spanish=not as_written))
        if _CJK.search(words):
            words = without_pleasantries(simplified(words))
        else:
            words = without_hesitations(without_pleasantries(without_sign_off(
                pidgin_english(words))))
        if language != "en":
            words = _CJK_EDGE.sub(" ", words)
        return tag_codes(words, kind_of)

    def _contrast(self, intent: str, words: str, language: str) -> str:
        """The opposite intent when the question says so ('least sold' is no best seller).

        The question's own language's cues are tried first, then English ones (codes and
        English words turn up in Chinese questions too).
        """
        for lang in dict.fromkeys((language, *EMBEDDING_LANGUAGES)):
            for other, cues in self.data[lang].contrasts.get(intent, {}).items():
                said = [cue for cue in cues if _says(cue, words) and not _negated(cue, words)]
                if said and not self._contrasted_back(other, intent, said, words, language):
                    return other
        return intent

    def _contrasted_back(self, other: str, intent: str, said: list[str], words: str,
                         language: str) -> bool:
        """Whether ``other``'s own contrast back to ``intent`` says more than the cues ``said``
        (a longer cue holding one of them): 完全卖不出 is dead stock although 卖不出 alone
        would make dead stock a slow mover."""
        return any(_says(cue, words) and not _negated(cue, words)
                   and any(s in cue and s != cue for s in said)
                   for lang in dict.fromkeys((language, *EMBEDDING_LANGUAGES))
                   for cue in self.data[lang].contrasts.get(other, {}).get(intent, ()))

    def _not_understood(
        self, ctx: HandlerContext, scores: tuple[tuple[str, float], ...]
    ) -> NotUnderstoodError:
        closest = [(i, s) for i, s in scores if i not in NOT_ANSWERS][:3]
        names = [self.data[ctx.language].descriptions.get(i, i) for i, _ in closest]
        return NotUnderstoodError(
            ctx.say("error.not_understood", options=ctx.join(names)),
            data=[{"intent": i, "score": s, "description": n}
                  for (i, s), n in zip(closest, names, strict=True)],
        )

    def _handle(
        self, match: IntentMatch, ctx: HandlerContext, previous: Conversation | None = None,
        turn: dict[str, Any] | None = None,
    ) -> Answer:
        """Answer a question, state an action (kept pending in ``turn``), or carry out or drop
        the pending action of ``previous`` on "yes" or "no"."""
        pending = previous.pending if previous else None
        turn = turn if turn is not None else {}
        if match.intent == "confirm":
            answer, turn["pending"] = confirm(self.db, ctx, pending)
            return answer
        if match.intent == "deny":
            return deny(ctx, pending)
        if match.intent == "wait":
            answer, turn["pending"] = wait(ctx, pending), pending
            return answer
        if match.intent in ACTIONS:
            answer, turn["pending"] = ask_action(ctx, match.intent, dict(match.slots))
            return answer
        spec = self.registry.get(match.intent)
        if spec is None:
            raise NotUnderstoodError(ctx.say("error.not_understood", options="-"))
        if not spec.allows(ctx.actor, match.slots):
            raise ForbiddenError(ctx.say("error.forbidden", role=ctx.actor.role))
        slots = dict(match.slots)
        if match.intent in REPORT_INTENTS and slots.get("zone") and not slots.get("location"):
            slots["location"] = slots["zone"]  # 'dead stock at goods-in': every place of OPS
        return spec.handler(ctx, slots)


def _unknown_lot_choice(asked: AmbiguousError, text: str, language: str, resolver: Resolver
                        ) -> IntentMatch | None:
    """The first choice of an ask-back whose choices (actions, or reports reading a lot) all
    concern one lot that is none of ours ('recall G-7777': the recall or its preview), with
    that lot: either would only say it is not found, so the answer says that at once (as an
    action on an unknown lot does) instead of asking which. None for any other ask-back."""
    intents = [str(c["intent"]) for c in asked.choices]
    read = {intent: extract_slots(text, intent, resolver) for intent in intents}
    lots = {slots["lot"] for slots in read.values() if "lot" in slots}
    if not intents or len(lots) != 1 or not resolver.index.lots \
            or not all("lot" in read[i] or i in ACTIONS for i in intents):
        return None
    lot = lots.pop()
    if resolver.index.lot(lot) is not None:
        return None
    return IntentMatch(intents[0], {"lot": lot}, 1.0, "template", language)


def _with_zone(match: IntentMatch, text: str, resolver: Resolver) -> IntentMatch:
    """The match with the zone the question names by a word ('the vault' -> VLT) for an
    intent that is narrowed by place (a count, a report, a camera alert, a cycle count)."""
    if match.intent not in _ZONE_INTENTS:
        return match
    zone = zone_slot(text, resolver.index)  # a follow-up's zone replaces the one before
    if not zone:
        return match
    slots = {**match.slots, "zone": zone}
    if match.intent in _BY_ZONE_ONLY and slots.get("location") \
            and _zone_said_as_location(text, slots["location"], resolver):
        del slots["location"]  # 'alerts in the reserve area': zone RES, not also aisle R03
    return replace(match, slots=slots)


# Intents about what cameras saw: cameras watch zones, so a zone's word is the zone alone.
# (Stock and reports read the bins its word names: 'dead stock on the back shelves' is R03.)
_BY_ZONE_ONLY = frozenset({"camera_alerts", "acknowledge_alert"})


def _zone_said_as_location(text: str, location: str, resolver: Resolver) -> bool:
    """Whether ``location`` is only the stretch of bins a zone's word names ('reserve area' ->
    R03, 'pick face' -> A), not a code the question writes nor one place ('the dock' is
    DOCK-01, which the writers name)."""
    words = _CJK_EDGE.sub(" ", normalise_text(text))
    kind = kind_location(words, resolver.index)
    written = len(location) > 1 and re.search(
        rf"(?<![\w-]){re.escape(location.lower())}(?![\w])", words) is not None
    bins = sum(code.startswith(location) for code in resolver.index.location_kinds)
    return kind is not None and kind[0] == location and not written and bins > 1


# Intents whose templates read 'today' as 'now' ('open orders today', 'how is pia doing
# today') but filter by a period said (the open orders placed today, the picks of today, as
# the writers label them: every writer since round 3).
_PERIOD_FROM_WORDS = frozenset({"pending_orders", "picker_performance"})


def _with_period(match: IntentMatch, text: str, resolver: Resolver) -> IntentMatch:
    """The match with the period the question says, when its template filled none."""
    if match.matcher != "template" or match.intent not in _PERIOD_FROM_WORDS \
            or "period" in match.slots or (period := period_said(text, resolver)) is None:
        return match
    return replace(match, slots={**match.slots, "period": period})


def _compatible(
    ranking: Ranking, kinds: list[str], accepted: dict[str, frozenset[str]]
) -> Ranking:
    """The ranking without intents that cannot be about any code the question names (a
    piece's history is no answer to a question naming only an order)."""
    if not kinds:
        return ranking
    keep = tuple((i, s) for i, s in ranking.scores
                 if i not in accepted or accepted[i] & set(kinds))
    return Ranking(keep, ranking.probabilities) if keep else ranking


def _proper_words(index: CatalogueIndex) -> frozenset[str]:
    """Words of the names of people and suppliers, and of categories."""
    names = [*index.people, *index.suppliers, *index.supplier_names.values(),
             *index.vocab.categories]
    return frozenset(w for name in names for w in str(name).lower().split())


def _question_words(text: str) -> str:
    """What the intent decision reads of a question: its normalised text without its greeting
    and sign-off ('您好，请问 ...，谢谢', 'Hi team, ... Thanks, Mei'), with Shanghainese,
    Northeastern, Henan, Teochew and Hakka words, semi-classical words, a handwriting pad's
    look-alike characters and Spanish words as Mandarin ('FC0000521现在搁哪呢': 在哪;
    '俺们': 我们; '只个月若多': 这个月多少; '上月所售最多者何物': 上月卖得最多的什么),
    pidgin as English ('abeg wetin ...': please what ...) without radio's closing 'over', and
    speech-to-text's homophones of question words as those words ('wear is lot G 3509':
    where)."""
    words = normalise_text(text)
    if _CJK.search(words):
        return without_pleasantries(henan_mandarin(min_hakka_mandarin(
            written_mandarin(mandarin(words)))))
    return spoken_homophones(without_pleasantries(without_sign_off(pidgin_english(words))))


def _says_any(cues: Iterable[str], texts: Iterable[str]) -> bool:
    """Whether any of ``texts``, as written or in simplified characters (請執行 says 执行),
    says any of ``cues``."""
    forms = [form for text in texts for form in dict.fromkeys((text, simplified(text)))]
    return any(_says(cue, form) for cue in cues for form in forms)


def _says(cue: str, words: str) -> bool:
    """Whether ``words`` contain ``cue``: as whole words, or anywhere for a Chinese cue."""
    if _CJK.search(cue):
        return cue in words.replace(" ", "")
    return re.search(rf"(?<![\w]){re.escape(cue)}(?![\w])", words) is not None


# Words that deny the cue after them ('recall it for real, not a preview') or, after it, say it
# is over ('the preview is done'); Chinese likewise ('不要预览', '预览过了').
_DENIED_BEFORE = re.compile(
    r"(?:\b(?:not|no|without|skip|skipping|instead of|rather than|beyond|past|enough)"
    r"(?:\s+(?:a|an|the|another|any|more))?\s*|不是|不要|不用|无需|跳过|别)$")
_DENIED_AFTER = re.compile(
    r"^\s*(?:(?:is|was|has been|'s)\s+)?(?:(?:already\s+)?(?:done|finished|complete|completed|"
    r"over|seen|checked|reviewed|ok|fine)\b)|^(?:已经|过了|做过|做完|完了|好了|看过)")


def _verb_denied(intent: str, text: str) -> bool:
    """Whether the question denies every mention of the action's own verb ('who bought G-5921?
    just look, 别召回'): the part without its clause then names no such action."""
    words = normalise_text(text)
    said = [v for v in action_verbs(intent) if len(v) > 1 and _says(v, words)]
    return bool(said) and all(_negated(v, words) for v in said)


_CLAUSES = re.compile(r"[,，。;；!！?？]+")


def _without_denied(intent: str, text: str) -> str:
    """``text`` without its clauses that deny the action ``intent``'s verb ('别召回')."""
    kept = [c for c in _CLAUSES.split(text) if c.strip() and not _verb_denied(intent, c)]
    return "，".join(kept) if _CJK.search(text) else ", ".join(kept)


def _negated(cue: str, words: str) -> bool:
    """Whether every mention of ``cue`` in ``words`` is denied or said to be over (see
    ``_DENIED_BEFORE``): such a mention says nothing for the intent the cue stands for."""
    text = words.replace(" ", "") if _CJK.search(cue) else words
    pattern = re.escape(cue) if _CJK.search(cue) else rf"(?<![\w]){re.escape(cue)}(?![\w])"
    mentions = list(re.finditer(pattern, text))
    return bool(mentions) and all(
        _DENIED_BEFORE.search(text[: m.start()].rstrip(" ,") + ("" if _CJK.search(cue) else " "))
        or _DENIED_AFTER.search(text[m.end():]) for m in mentions)


#: How far a question that looks like a follow-up but has none before it must lead the next
#: intent, read alone, to be answered as a whole question ('size 6 rings in stock?' 3.3 times,
#: 華倫薩供應商品質點樣 5.8) rather than lack its context ('only rings' 1.9, 'and last month?' 1.6).
ALONE_LEAD = 2.5


def _reads_alone(match: IntentMatch) -> bool:
    """Whether a follow-up-shaped question, read as a whole one, says clearly what it asks."""
    if match.matcher == "template":
        return True
    others = [s for i, s in match.alternatives if i != match.intent]
    return not others or match.score >= ALONE_LEAD * max(others[0], 1e-9)


class _AskedBack(AmbiguousError):
    """An ask-back with the intents it offers and the slots the question gave them."""

    def __init__(self, message: str, *, choices: list[dict[str, str]],
                 data: list[dict[str, object]], intents: tuple[str, ...],
                 slots: dict[str, str]) -> None:
        super().__init__(message, choices=choices, data=data)
        self.intents, self.slots = intents, slots


def _refinable(previous: Conversation) -> frozenset[str]:
    """The slots a follow-up may change: the last question's, or any of the intents it was
    asked back between."""
    intents = previous.asked or (previous.intent,)
    return frozenset().union(*(FOLLOW_UP_SLOTS.get(i, frozenset()) for i in intents))


def _merge(previous: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Slots of a follow-up replace the earlier ones; a new code replaces every earlier code."""
    merged = dict(previous)
    if any(k in new for k in _CODE_SLOTS):
        for key in _CODE_SLOTS:
            merged.pop(key, None)
    merged.update(new)
    return merged


def build_assistant(
    db: Database, settings: AssistantSettings, *, conversations: ConversationStore | None = None
) -> Assistant:
    """The one assistant of a process (the model loads lazily or in ``warm_up``).

    ``conversations`` is where follow-up context is kept; web workers share theirs through the
    database (:class:`SharedConversations`), so a follow-up may reach any of them.
    """
    return Assistant(db, settings, conversations=conversations)


# The intent data is static: what is derived from it alone is built once a process and shared by
# every Assistant (the web app builds one per app; the tests build hundreds of apps).


@cache
def _prepared_examples() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every language's intent examples as the matchers read them (codes replaced by kinds)."""
    return {lang: {intent: tuple(Assistant._prepare(s, lang, example_code_kind) for s in ss)
                   for intent, ss in load_intents(lang).examples.items()}
            for lang in LANGUAGES}


@cache
def _prepared_negatives(language: str) -> tuple[str, ...]:
    """The general (out-of-scope) questions of ``examples.scope.yaml``, prepared likewise."""
    return tuple(Assistant._prepare(s, language, example_code_kind)
                 for sentences in load_negatives(language).values() for s in sentences)


@cache
def _ngram_encoder(language: str) -> CharNgramEncoder:
    """The character n-gram encoder fitted on ``language``'s examples (read-only once made)."""
    return CharNgramEncoder([s for ss in _prepared_examples()[language].values() for s in ss])


@cache
def _ngram_scope(language: str) -> ScopeModel:
    """The out-of-scope model of a language read by n-grams (fitted once, under its lock)."""
    mine = _prepared_examples()[language]
    return ScopeModel.ngrams(
        [s for intent, ss in mine.items() if intent not in NOT_ANSWERS for s in ss],
        [*mine.get("out_of_scope", ()), *_prepared_negatives(language)])


def _other_language(text: str) -> bool:
    """Whether another language's lexicon (assistant/entities/codes.py) reads a third of the
    question's words or more ('bin di fo yat gin dou mo maai gwo' is romanised Cantonese)."""
    plain = normalise_text(text, spanish=False).split()
    return 3 * len(set(plain) - set(normalise_text(text).split())) >= len(plain)


@cache
def _pinyin_reader(training: tuple[TrainingItem, ...], english: frozenset[str]) -> PinyinReader:
    """The reader of pinyin and slips over the Chinese the chat knows: its examples, templates
    and answer words and its writers' questions, in simplified Mandarin (shared by every
    assistant of a process with the same ones)."""
    chinese = [s for lang in LANGUAGES for ss in load_intents(lang).examples.values()
               for s in ss] + [t.text for lang in LANGUAGES for t in load_intents(lang).templates]
    chinese += [item.text for item in training] + list(ANSWER_WORDS)
    return PinyinReader((simplified(s) for s in chinese if detect_language(s) == "zh"), english,
                        simplify=simplified, favoured=(*ANSWER_WORDS, *NAMED_PERIODS))


@cache
def _general_words() -> frozenset[str]:
    """Every word of the general questions, in every language."""
    return frozenset(w for lang in LANGUAGES for ss in load_negatives(lang).values()
                     for s in ss for w in normalise_text(s).split())


# An English word at least this common (wordfreq's Zipf scale: 4 is once in 100,000 words:
# 'fever', 'recipe', 'weather') is said as meant, not mistyped for one of ours ('never').
_COMMON_ZIPF = 4.0


@cache
def _common_english(word: str) -> bool:
    """Whether ``word`` is too common an English word to be a typo of the chat's words."""
    return zipf_frequency(word, "en") >= _COMMON_ZIPF


# Fitted classifiers by their data, sentence model and settings: every assistant of a process
# with the same ones shares one (the web app builds one assistant per app).
_CLASSIFIERS: dict[tuple[str, ...], IntentClassifier] = {}
_CLASSIFIERS_LOCK = threading.Lock()


def _real_scores(reading: Reading) -> dict[str, float]:
    """The reading's scores of the intents a question can be answered as (no refusal, no yes
    or no)."""
    return {i: s for i, s in reading.ranking.scores if i not in NOT_ANSWERS and i not in ANSWERS}


def _cache_dir(encoder: Encoder) -> Path | None:
    """Where fitted classifiers are kept: the sentence model's cache folder, none for others."""
    return getattr(encoder, "cache_dir", None) if isinstance(encoder, SentenceEncoder) else None


def _encoder_key(encoder: Encoder) -> str:
    """What names a sentence model across instances (its files), else the instance."""
    if isinstance(encoder, SentenceEncoder):
        return f"minilm:{encoder.model_path or 'default'}"
    return f"{type(encoder).__name__}:{id(encoder)}"


def _classifier(encoder: Encoder, settings: AssistantSettings,
                training: tuple[TrainingItem, ...]) -> IntentClassifier:
    """The intent classifier over the hand-written examples of every language and ``training``
    (close calls count half for each of their intents), fitted lazily, shared and cached."""
    key = (_encoder_key(encoder), fingerprint(training), str(settings.classifier_c),
           str(settings.classifier_vector_weight), str(settings.classifier_out_of_scope_weight))
    with _CLASSIFIERS_LOCK:
        if key in _CLASSIFIERS:
            return _CLASSIFIERS[key]
        examples = [LabelledText(s, intent) for lang in LANGUAGES
                    for intent, ss in _prepared_examples()[lang].items()
                    if intent != "follow_up" for s in ss]
        outside = settings.classifier_out_of_scope_weight
        examples = [replace(e, weight=outside) if e.intent == "out_of_scope" else e
                    for e in examples]
        examples += [LabelledText(s, "out_of_scope", outside) for lang in LANGUAGES
                     for s in _prepared_negatives(lang)]
        for item, _, prepared in _prepared_training(training):
            examples += [LabelledText(prepared, intent, (
                outside if intent == "out_of_scope" else 1.0) / len(item.intents))
                for intent in item.intents]
        found = _CLASSIFIERS[key] = IntentClassifier(
            examples, encoder.encode, c=settings.classifier_c,
            vector_weight=settings.classifier_vector_weight, cache_dir=_cache_dir(encoder),
            cache_key=key[0])
        return found


def close_phrasing(detector: IntentClassifier | None, words: str) -> float:
    """The close-call detector's probability for a question's normalised words (prepared as
    the training questions are), 0 without a detector."""
    if detector is None:
        return 0.0
    language = "zh" if _CJK.search(words) else "en"
    prepared = Assistant._prepare(words, language, example_code_kind)
    return detector.probabilities(prepared).get("close", 0.0)


def close_detector(encoder: Encoder, training: tuple[TrainingItem, ...]
                    ) -> IntentClassifier | None:
    """A classifier of the training writers' close calls (``close``) against their clear
    questions (``clear``) by words and characters alone (assistant/intents/closecall.py's
    ``phrasing``), fitted lazily, shared and cached like the intent classifier."""
    key = ("close-detector", fingerprint(training))
    with _CLASSIFIERS_LOCK:
        if key not in _CLASSIFIERS:
            examples = [LabelledText(prepared, "close" if len(item.intents) == 2 else "clear")
                        for item, _, prepared in _prepared_training(training)
                        if item.intents != ("out_of_scope",)]
            if not any(e.intent == "close" for e in examples):
                return None
            _CLASSIFIERS[key] = IntentClassifier(examples, encoder.encode, c=4.0,
                                                 vector_weight=0.0, cache_dir=_cache_dir(encoder),
                                                 cache_key="close-detector")
        return _CLASSIFIERS[key]


_SCOPES: dict[tuple[str, ...], dict[str, ScopeModel]] = {}


#: Prepared training read from the disk cache (:func:`_shipped_training`), by fingerprint.
_PREPARED: dict[str, tuple[tuple[TrainingItem, str, str], ...]] = {}


@cache
def _source_digest() -> str:
    """A hash of this package's code and data (every .py and .yaml under assistant/) and of
    Python's version: what a prepared training question depends on."""
    root = Path(__file__).parent
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml") and path.is_file():
            digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _shipped_training(cache_dir: Path | None) -> tuple[TrainingItem, ...]:
    """Every shipped training question (:func:`load_training`). With ``cache_dir``, the
    questions and their prepared forms are kept there in one file named by
    :func:`_source_digest`: a process that starts (a web worker, a test process) reads that
    file instead of parsing about fifty YAML files and preparing some 44,000 questions, which
    took it about ten seconds of CPU."""
    if cache_dir is None:
        return load_training()
    path = cache_dir / f"prepared-training-{_source_digest()}.pkl"
    prepared = read_pickle(path)
    if isinstance(prepared, tuple) and prepared:
        training = tuple(item for item, _, _ in prepared)
        _PREPARED.setdefault(fingerprint(training), prepared)
        return training
    training = load_training()
    write_pickle(path, _prepared_training(training))
    return training


@cache
def _prepared_training(training: tuple[TrainingItem, ...]
                       ) -> tuple[tuple[TrainingItem, str, str], ...]:
    """Each training question with its language and its prepared text, made once for both the
    classifier and the out-of-scope models (or read from the disk cache)."""
    if (known := _PREPARED.get(fingerprint(training))) is not None:
        return known
    out = []
    for item in training:
        language = "zh" if _CJK.search(item.text) else "en"
        out.append((item, language, Assistant._prepare(item.text, language, example_code_kind,
                                                       as_written=True)))
    return tuple(out)


def _split_training(training: tuple[TrainingItem, ...], language: str
                    ) -> tuple[list[str], list[str]]:
    """The training questions of ``language``, prepared: in scope, and out of scope."""
    inside: list[str] = []
    outside: list[str] = []
    for item, lang, prepared in _prepared_training(training):
        if lang == language:
            (outside if item.intents == ("out_of_scope",) else inside).append(prepared)
    return inside, outside


def _trained_scope(encoder: Encoder, training: tuple[TrainingItem, ...]
                   ) -> dict[str, ScopeModel]:
    """The out-of-scope models with the training questions added (see
    :meth:`Assistant._scope_models`), shared by every assistant with the same data and model."""
    key = (_encoder_key(encoder), fingerprint(training))
    with _CLASSIFIERS_LOCK:
        if key in _SCOPES:
            return _SCOPES[key]
        examples = _prepared_examples()

        def english() -> tuple[Any, Any]:
            inside = [s for intent, ss in examples["en"].items() if intent not in NOT_ANSWERS
                      for s in ss]
            outside = [*examples["en"].get("out_of_scope", ()), *_prepared_negatives("en")]
            more_in, more_out = _split_training(training, "en")
            return encoder.encode(inside + more_in), encoder.encode(outside + more_out)

        models = {"en": ScopeModel(english, lambda text: encoder.encode([text]))}
        for language in LANGUAGES:
            if language in EMBEDDING_LANGUAGES:
                continue
            mine = examples[language]
            more_in, more_out = _split_training(training, language)
            models[language] = ScopeModel.ngrams(
                [s for intent, ss in mine.items() if intent not in NOT_ANSWERS for s in ss]
                + more_in,
                [*mine.get("out_of_scope", ()), *_prepared_negatives(language), *more_out])
        _SCOPES[key] = models
        return models
