"""Chat benchmark: intent accuracy on a dev and a test set, and answer latency, model loaded.

Every question set the bench knows is declared once, in ``REGISTRY`` below: its name (the key in
the results and the flag that picks it, ``blind4_dev`` -> ``--blind4-dev``), its file in
bench/data, its kind (``intent``: questions with the expected intent; ``blind``: issue 18's
warehouse questions scored on intent and slots, close calls, actions; ``general``: questions
the chat must refuse), the issue-18 round it was written in (a blind and a general set per
round) and whether it is still held out. The summary keys, the printouts and the first-run
records are generated from it; the first-run records themselves are data, in
``bench/data/assistant_first_runs.json``, written by hand once per set and never by the bench.

The first two sets are of manager questions with the expected intent (null: the chat must say
it did not understand):

- ``bench/data/assistant_dev.yaml`` is the development set. Intent examples, templates and the
  similarity threshold were tuned while looking at its misses, so its figure is optimistic.
- ``bench/data/assistant_test.yaml`` is the test set, written blind (by someone who had not seen
  the intent data or the dev set) and never used for tuning. The first figure ever measured on it
  is kept (first runs ``test``), so later re-measurements can be read against it. Once a test
  set's misses have been looked at, it is retired into the dev set and a new one is written (the
  first one was retired on 2026-11-25, first runs ``test_retired``).

Runs on a fresh small demo database whose "today" is pinned (``DEMO_NOW``): order numbers carry
their date, and the sets name real ones. Prints the figures and writes
``bench/results/assistant_chat.json``. Also measures how similarity alone does on the Chinese
phrasings (all-MiniLM-L6-v2 is an English model; Facet uses character n-grams for Chinese), for
the README. Latency is wall time per question; CPU time per question is printed beside it,
because on a shared machine wall time also measures the other processes; the headline latency is
each question's fastest of three runs.

    .venv/bin/python -m bench.assistant_chat

Issue 18's sets (``blind`` and ``general`` kinds) are plain YAML lists. Single questions
``{text, intent, slots}``, close calls ``{text, clarify}``, action conversations ``{turns,
intent, slots, posts}``, follow-ups ``{turns, intent: follow_up, ...}`` and forbidden asks
``{text, user, error: forbidden}``. A post is a turn after which the database changed (audit log,
documents, moves, reservations, purchase orders, acknowledged alerts, lot states).

FIXTURES. A set says what it was written against in its FIRST item, which is not a question:

    - {fixture: {replay: sequential, alerts: [{minutes_ago: 45, zone: VLT, camera: vault-door,
        rule: two-person, severity: high, message: "One person alone in the vault"}]}}

``alerts`` are raised on the fresh demo through ``core.alerts.raise_alert`` at ``DEMO_NOW`` minus
``minutes_ago``, in that order (so the first is alert 1; ``severity`` is one of the core's: info,
warning, high, critical), before any of the set's items;
``replay: fresh`` replays each conversation (and forbidden ask) from a copy of the demo as it was
after the alerts, ``replay: sequential`` replays every item in file order on one database, so a
conversation sees what the earlier ones posted (as a writer who checked the set by replaying it
through the core in order saw it). A set without a fixture item gets ``DEFAULT_FIXTURE``, the
convention of the first sets: camera alerts 1-3 (the latest two in the vault zone), fresh
replay. Each set starts from the demo as loaded, whatever the set before it posted.
``--ignore-fixtures`` measures every set under the default fixture (prints, writes nothing), to
compare a set's figures with how the bench replayed it before fixtures existed.

The history of the held-out rounds (each pair written blind, by a helper who had not opened the
assistant's code or intent data nor any other set, added to bench/data after the chat's tuning
had stopped, measured once, then retired to dev and tuned on):

- Round 1, ``assistant_blind_dev.yaml`` / ``assistant_general_dev.yaml`` (sets ``blind_dev``,
  ``general_dev``): first run 2026-12-04 00:22 UTC (first runs ``blind1``), retired 2026-12-04.
- Round 2, written blind on 2026-12-04 04:45 UTC (``blind2_dev``, ``general2_dev``): first run
  05:48 UTC (``blind2``), retired the same day.
- Round 3, written blind on 2026-12-04 14:01 UTC (``blind3_dev``, ``general3_dev``): first run
  15:42 UTC (``blind3``), retired the same day.

After that retirement the chat was tuned on every dev set (2026-12-04, 17:20-18:15 UTC), and the
labels of the old dev and test sets that predate the report intents and the actions were brought
up to date (24 items: zero-sales questions are dead stock, supplier scorecards supplier quality,
'create a purchase order ...' and 'put lot X in quarantine' actions; the test set's first run is
history and unchanged). DEV FIGURES after that tuning (optimistic by construction: every one of
these sets' misses was looked at; full run 2026-12-04 18:25 UTC, load ~5): dev 96.8 % (94.6 %
before, partly the relabelling), test 95.6 % (91.1 %); intent+slots blind_dev 98.9 % (98.9 %),
blind2_dev 95.7 % (94.0 %), blind3_dev 95.1 % (86.5 % at its first run); close calls asked back
40.7 % / 28.6 % / 22.0 % (unchanged), clear questions asked back 0.3 % / 0.6 % / 0.8 % (blind3
2.7 % before); blind3_dev actions asked first 71.4 % (every other one refused by the core: the
demo has no releasable lot and no allocatable order, so those items expect what the core does
not allow), follow-ups 12 of 13; general refused 98.7 % / 99.3 % / 96.1 % (general3 94.6 % at
its first run); p50 17.2 ms questions, 18.7 ms answers with a report.

- Round 4, ``assistant_blind4.yaml`` / ``assistant_general4.yaml`` (written blind on 2026-12-04
  17:30 UTC, 525 items, 43 % Chinese, and 351 general questions): first run 18:40 UTC (first runs
  ``blind4``; its whole output is bench/results/assistant_chat_blind4_first_run.json):
  intent+slots 82.4 % (English 84.7 %, Chinese 79.4 %; intent alone 91.5 %), close calls asked
  back 16.7 %, general refused 95.4 %, p50 16.7 ms; targets (97 %) not met. Retired to dev the
  same day (``blind4_dev``, ``general4_dev``). Each blind round has scored 80-89 % at its first
  run while the dev sets were tuned to 95-99 %: the tuning does not carry over to new phrasings
  as far as the target asks.

After that retirement the chat was worked on by CLASSES of failure read off the misses by cause
(slots per name and language, intent confusions, close calls; printed for the dev sets), not by
sentence (2026-12-04, 19:50-20:50 UTC): zones named by a word give the zone code, report questions
take a SKU, a person and a colour and narrow their rows, open orders a period, suppliers by their
Chinese city, Cantonese and traditional characters read as Mandarin, a calibrated ask-back on words
two close intents both mean (``vague`` in examples.scope.yaml) and on a bare irreversible recall,
everyday yes/no, new examples and negatives written from meaning, and the English out-of-scope bar
0.35 -> 0.3. DEV FIGURES after it (optimistic: every set's misses were looked at; full run
2026-12-04 20:49 UTC): intent+slots blind_dev 98.6 % (98.9 before), blind2_dev 95.7 % (95.7),
blind3_dev 95.7 % (95.1), blind4_dev 94.6 % (82.4 at its first run; Chinese 79.4 -> 96.4 %); close
calls asked back 77.8 / 78.6 / 61.0 / 69.0 % (40.7 / 28.6 / 22.0 / 16.7), clear questions asked back
0.6 / 0.6 / 1.4 / 0.5 %; general refused 98.7 / 99.6 / 97.3 / 97.7 % (98.7 / 99.3 / 96.1 / 95.4);
p50 25.2 ms questions, 26.3 ms answers with a report. The old dev and test sets, labelled before
close calls had to be asked back, drop: dev 96.8 -> 94.5 %, test 95.6 -> 94.5 % (vague questions
such as 'which earrings are not selling', labelled slow movers there, are now asked back: slow
movers or dead stock?).

- Round 5, ``assistant_blind5.yaml`` / ``assistant_general5.yaml`` (465 items, 45 % Chinese, and
  360 general questions): first run 2026-12-04 21:12 UTC (first runs ``blind5``; its whole
  output is bench/results/assistant_chat_blind5_first_run.json): intent+slots 83.1 % (English
  86.1 %, Chinese 79.5 %; intent alone 84.6 %), close calls asked back 34.1 %, clear questions
  asked back 3.0 %, action conversations right 33.3 %, forbidden refused 92.9 %, general refused
  95.3 %, p50 25.2 / 27.6 ms; targets not met. Its conversations were replayed as the bench then
  replayed every set (alerts 1-3, each conversation from a fresh copy), not as its writer had
  checked them (no alert, in file order on one database), which understated them: hence the
  fixtures. Retired to dev on 2026-12-04 (``blind5_dev``, ``general5_dev``); blind5_dev now
  declares its fixture (``replay: sequential, alerts: []``).

- Round 6, ``assistant_blind6.yaml`` / ``assistant_general6.yaml`` (559 items, 48 % Chinese, and
  384 general questions, written with a fixture: sequential replay, 4 alerts): first run
  2026-12-04 23:59 UTC (first runs ``blind6``; whole output in
  bench/results/assistant_chat_blind6_first_run.json): intent+slots 91.4 % (English 92.6 %,
  Chinese 90.2 %; intent alone 95.3 %), general refused 97.7 % (target met), close calls asked
  back 10 of 40, clear questions asked back 1.9 %, conversations right 74.6 %. Retired to dev
  on 2026-12-05 (``blind6_dev``, ``general6_dev``).

- Round 7, ``assistant_blind7.yaml`` / ``assistant_general7.yaml`` (618 items, 42 % Chinese, and
  368 general questions; fixture: sequential replay, 4 alerts): first run 2026-12-05 02:24 UTC
  (first runs ``blind7``; whole output in bench/results/assistant_chat_blind7_first_run.json),
  with the learnt close-call model and 15 training writers: intent+slots 89.4 % (English
  92.1 %, Chinese 85.9 %; intent alone 95.7 %), general refused 98.9 %, close calls asked back
  28 of 47, clear questions asked back 1.3 %, conversations right 60.9 %. Retired to dev on
  2026-12-05 (``blind7_dev``, ``general7_dev``).

- Round 8, ``assistant_blind8.yaml`` / ``assistant_general8.yaml`` (496 items, 46 % Chinese, and
  303 general questions; fixture: sequential replay, 3 alerts), written against the demo's
  present day (a releasable held lot, three open orders, rings on hand): first run 2026-12-05
  06:00 UTC (first runs ``blind8``; whole output in
  bench/results/assistant_chat_blind8_first_run.json), with blind7 in training (16 writers) and
  the round-8 slot fixes: intent+slots 90.6 % (English 89.9 %, Chinese 91.5 %; intent alone
  94.5 %), general refused 98.7 %, close calls asked back 16 of 40, clear questions asked back
  3.4 %, conversations right 69.0 %. Retired to dev on 2026-12-05 (``blind8_dev``,
  ``general8_dev``).

- Round 9, ``assistant_blind9.yaml`` / ``assistant_general9.yaml`` (537 items, 42 % Chinese, and
  336 general questions; fixture: sequential replay, 4 alerts), written against the demo's
  present day: first run 2026-12-05 08:44 UTC (first runs ``blind9``; whole output in
  bench/results/assistant_chat_blind9_first_run.json), with blind8 in training (17 writers), the
  close-call model refitted out of fold (threshold 0.3) and the round-9 slot work: intent+slots
  93.7 % (English 95.7 %, Chinese 91.1 %; intent alone 95.6 %), general refused 99.4 %, close
  calls asked back 33 of 43, clear questions asked back 1.9 %, conversations right 90.2 %.
  Retired to dev on 2026-12-05 (``blind9_dev``, ``general9_dev``).

- Round 10, ``assistant_blind10.yaml`` / ``assistant_general10.yaml`` (459 items, 45 % Chinese, and
  314 general questions; fixture: sequential replay, 4 alerts), written as managers typing on a
  phone and mixing Cantonese, Mandarin and English: first run 2026-12-05 09:20 UTC (first runs
  ``blind10``; whole output in bench/results/assistant_chat_blind10_first_run.json), with blind9
  in training (18 writers) and the fixes chosen on blind9's misses: intent+slots 93.8 % (English
  95.6 %, Chinese 91.7 %; intent alone 94.7 %), general refused 99.7 %, close calls asked back 25
  of 40, clear questions asked back 2.7 %, conversations right 92.2 %. Retired to dev on
  2026-12-05 (``blind10_dev``, ``general10_dev``).

- Round 11, ``assistant_blind11.yaml`` / ``assistant_general11.yaml`` (468 items, 46 % Chinese, and
  322 general questions; fixture: sequential replay, 4 alerts), written as British and Australian
  supervisors, mainland managers by voice input, a Taipei merchandiser and terse analysts: first
  run 2026-12-05 11:49 UTC (first runs ``blind11``; whole output in
  bench/results/assistant_chat_blind11_first_run.json), with blind10 in training (19 writers), the
  intent models reading traditional characters as simplified and the round-11 slot fixes:
  intent+slots 93.6 % (English 96.2 %, Chinese 90.6 %; intent alone 97.1 %), general refused
  98.4 %, close calls asked back 24 of 43, clear questions asked back 0.3 %, conversations right
  98.1 %. Retired to dev on 2026-12-05 (``blind11_dev``, ``general11_dev``). Six of its labels
  named the category 'earring' (the writer's label contract listed the catalogue's categories
  wrongly; its code is 'earrings'): scored as written, relabelled in dev after the run.

- Round 12, ``assistant_blind12.yaml`` / ``assistant_general12.yaml`` (442 items, 46 % Chinese, and
  306 general questions; fixture: sequential replay, 4 alerts), written as US and Singapore
  managers in shorthand, Hong Kong formal written Chinese, mainland analysts and new staff
  describing reports indirectly: first run 2026-12-05 12:31 UTC (first runs ``blind12``; whole
  output in bench/results/assistant_chat_blind12_first_run.json), with blind11 in training (20
  writers) and the fixes chosen on its misses: intent+slots 94.1 % (English 92.6 %, Chinese
  95.6 %; intent alone 96.3 %), general refused 98.4 %, close calls asked back 31 of 42, clear
  questions asked back 0.3 %, conversations right 98.0 %. Retired to dev on 2026-12-05
  (``blind12_dev``, ``general12_dev``).

- Round 13, ``assistant_blind13.yaml`` / ``assistant_general13.yaml`` (451 items, 40 % Chinese, and
  308 general questions; fixture: sequential replay, 4 alerts), written as Indian and Filipino
  English leads, Malaysian Chinese staff mixing in English warehouse words, owners and night-shift
  fragments: first run 2026-12-05 13:01 UTC (first runs ``blind13``; whole output in
  bench/results/assistant_chat_blind13_first_run.json), with blind12 in training (21 writers) and
  the fixes chosen on its misses: intent+slots 94.6 % (English 96.0 %, Chinese 92.5 %; intent
  alone 95.2 %), general refused 100 %, close calls asked back 28 of 42, clear questions asked
  back 2.4 %, conversations right 93.6 %. Retired to dev on 2026-12-05 (``blind13_dev``,
  ``general13_dev``); in the training data since 13:58 UTC.

- Round 14, ``assistant_blind14.yaml`` / ``assistant_general14.yaml`` (503 items, 39 % Chinese, and
  304 general questions; fixture: sequential replay, 4 alerts), written as Northeastern and
  Shanghai colloquial Mandarin speakers, Vietnamese and Thai staff writing English as a second
  language, finance controllers and English dictated by speech-to-text: first run 2026-12-05
  14:34 UTC (first runs ``blind14``; whole output in
  bench/results/assistant_chat_blind14_first_run.json), with blind13 in training (22 writers) and
  the fixes chosen on its misses: intent+slots 94.7 % (English 96.4 %, Chinese 92.3 %; intent
  alone 95.3 %), general refused 100 %, close calls asked back 26 of 40, clear questions asked
  back 2.1 %, conversations right 92.3 %, follow-ups 16 of 17, forbidden asks refused 13 of 14.
  Retired to dev on 2026-12-05 (``blind14_dev``, ``general14_dev``); in the training data since
  14:40 UTC.

- Round 15, ``assistant_blind15.yaml`` / ``assistant_general15.yaml`` (514 items, 41 % Chinese, and
  300 general questions; fixture: sequential replay, 4 alerts), written as Sichuan and Chongqing
  colloquial Mandarin speakers, Dubai gold-souk traders, young staff typing slang and emoji, and
  Italian staff writing English: first run 2026-12-05 15:10 UTC (first runs ``blind15``; whole
  output in bench/results/assistant_chat_blind15_first_run.json), with blind14 in training (23
  writers) and the fixes chosen on its misses: intent+slots 96.7 % (English 97.4 %, Chinese
  95.7 %; intent alone 96.7 %), general refused 99.3 %, close calls asked back 29 of 41, clear
  questions asked back 1.0 %, conversations right 88.7 % of 53, follow-ups 12 of 17, forbidden
  asks refused 13 of 14. Retired to dev on 2026-12-05 (``blind15_dev``, ``general15_dev``); in
  the training data since 15:12 UTC.

- Round 16, ``assistant_blind16.yaml`` / ``assistant_general16.yaml`` (536 items, 40 % Chinese, and
  332 general questions; fixture: sequential replay, 4 alerts), written as Fujian, Teochew and
  Hokkien-flavoured Mandarin speakers, Nigerian and Kenyan English managers, supervisors on a
  radio and French-speaking staff mixing French words into English: first run 2026-12-05 15:48
  UTC (first runs ``blind16``; whole output in
  bench/results/assistant_chat_blind16_first_run.json), with blind15 in training (24 writers) and
  the fixes chosen on its misses: intent+slots 91.8 % (English 88.3 %, Chinese 97.0 %; intent
  alone 92.8 %; 20 of the 34 questions missed use French words, which the chat does not read: on
  the other 386 questions 96.4 %), general refused 99.4 %, close calls asked back 33 of 44, clear
  questions asked back 1.7 %, conversations right 91.5 % of 47, follow-ups 15 of 17, forbidden
  asks refused 14 of 14. Retired to dev on 2026-12-05 (``blind16_dev``, ``general16_dev``); in
  the training data since 17:20 UTC.

- Round 17, ``assistant_blind17.yaml`` / ``assistant_general17.yaml`` (515 items, 44 % Chinese, and
  328 general questions; fixture: sequential replay, 4 alerts), written as South-African and
  Australian warehouse leads, Taiwanese Mandarin store managers, Guangzhou Cantonese, formal
  compliance officers in English and Chinese, and keyword typers with typos: first run 2026-12-05
  18:10 UTC (first runs ``blind17``; whole output in
  bench/results/assistant_chat_blind17_first_run.json), with blind16 in training (25 writers) and
  the fixes chosen on its misses: intent+slots 94.8 % (English 93.5 %, Chinese 96.5 %; intent
  alone 96.9 %), general refused 98.8 %, close calls asked back 30 of 45, clear questions asked
  back 0.3 %, conversations right 92.3 % of 52, follow-ups 15 of 18, forbidden asks refused 14 of
  14. Its latency p50 (questions 36.9 ms, CPU 38.2 ms) was twice round 16's on a machine whose
  load had not settled: the CPU per question of the round-16 code (6e73943), of the code after
  blind16's export (1604e72) and of the code measured were equal when timed afterwards in one
  quiet process over the same 200 questions (51, 49 and 50 ms median with their reports). Retired
  to dev on 2026-12-05 (``blind17_dev``, ``general17_dev``); in the training data since 20:20 UTC.

- Round 18, ``assistant_blind18.yaml`` / ``assistant_general18.yaml`` (483 items, 40 % Chinese, and
  328 general questions; fixture: sequential replay, 4 alerts), written as Scottish and Irish
  supervisors, New York diamond-district jewellers, mainland e-commerce operations staff in 电商
  jargon, Hong Kong staff code-switching English words into Cantonese and Mandarin, and polite
  e-mail-style requests: first run 2026-12-05 20:59 UTC on an idle machine (first runs
  ``blind18``; whole output in bench/results/assistant_chat_blind18_first_run.json), with blind17
  in training (26 writers) and the fixes chosen on its misses: intent+slots 96.9 % of 358
  (English 98.1 %, Chinese 95.3 %; intent alone 96.9 %), general refused 99.7 %, close calls
  asked back 25 of 42, clear questions asked back 1.4 %, conversations right 50 of 50, follow-ups
  18 of 18, forbidden asks refused 15 of 15; latency p50 16.4 ms (questions) and 24.4 ms (with a
  report). Retired to dev on 2026-12-05 (``blind18_dev``, ``general18_dev``); in the training data
  since 21:00 UTC.

- Round 19, ``assistant_blind19.yaml`` / ``assistant_general19.yaml`` (486 items, 40 % Chinese, and
  340 general questions; fixture: sequential replay, 4 alerts), written as Beijing colloquial
  Mandarin speakers, mainland officials in formal document style (公文体), Japanese staff writing
  very polite English, people talking to a voice assistant with a wake word ("hey Facet", 小F) and
  rambling storytellers who give context first: first run 2026-12-05 21:32 UTC on an idle machine
  (first runs ``blind19``; whole output in bench/results/assistant_chat_blind19_first_run.json),
  with blind18 in training (27 writers) and the fixes chosen on its misses: intent+slots 94.8 % of
  364 (English 95.3 %, Chinese 94.0 %; intent alone 95.6 %), general refused 99.4 %, close calls
  asked back 22 of 41, clear questions asked back 1.1 %, conversations right 49 of 51, follow-ups
  16 of 16, forbidden asks refused 14 of 14; latency p50 17.4 ms (questions) and 25.1 ms (with a
  report). Retired to dev on 2026-12-05 (``blind19_dev``, ``general19_dev``); in the training data
  since 21:55 UTC.

- Round 20, ``assistant_blind20.yaml`` / ``assistant_general20.yaml`` (474 items, 40 % Chinese, and
  300 general questions; fixture: sequential replay, 4 alerts), written as young mainland staff in
  internet slang and pinyin abbreviations, Henan and Shandong colloquial Mandarin speakers, Korean
  staff writing English as a second language, Spanish-English supervisors in Los Angeles and terse
  pager/SMS writers and retail store managers: first run 2026-12-05 23:26 UTC (first runs
  ``blind20``; whole output in bench/results/assistant_chat_blind20_first_run.json), the one
  running voice helper's processes paused for it, with blind19 in training (28 writers) and the
  fixes chosen on its misses: intent+slots 93.7 % of 351 (English 93.2 %, Chinese 94.4 %; intent
  alone 94.9 %), general refused 99.0 %, close calls asked back 31 of 42, clear questions asked
  back 2.3 %, conversations right 37 of 50 (6 of the 13 missed: draft purchase orders asked
  without naming a supplier), follow-ups 15 of 17, forbidden asks refused 12 of 14; latency p50
  15.1 ms (questions) and 22.1 ms (with a report). Retired to dev on 2026-12-05 (``blind20_dev``,
  ``general20_dev``).

- Round 21, ``assistant_blind21.yaml`` / ``assistant_general21.yaml`` (476 items, 45 % Chinese, and
  310 general questions; fixture: sequential replay, 4 alerts), written as Hunan and Hubei and
  Shaanxi colloquial Mandarin speakers, German and Dutch staff writing formal English, warehouse
  veterans in logistics jargon and customer-service staff relaying customers' questions: first
  run 2026-12-06 00:47 UTC on an idle machine (first runs ``blind21``; whole output in
  bench/results/assistant_chat_blind21_first_run.json), with blind20 in training (29 writers) and
  the fixes chosen on its misses: intent+slots 97.5 % of 353 (English 96.9 %, Chinese 98.1 %;
  intent alone 97.7 %), general refused 100 %, close calls asked back 22 of 43, clear questions
  asked back 0.6 %, conversations right 43 of 50, follow-ups 16 of 16, forbidden asks refused 13
  of 14; latency p50 14.7 ms (questions) and 21.6 ms (with a report). Retired to dev on
  2026-12-06 (``blind21_dev``, ``general21_dev``).

- Round 22, ``assistant_blind22.yaml`` / ``assistant_general22.yaml`` (480 items, 42 % Chinese, and
  499 general items, about 125 questions each wrapped up to four ways; fixture: sequential replay,
  4 alerts), written as Yunnan, Guizhou and Jiangxi colloquial Mandarin speakers, Brazilian and
  Portuguese staff writing English, terse Russian, Ukrainian and Turkish English, assay-lab and
  gemmologist jargon and WhatsApp-style messages with emoji: first run 2026-12-06 03:45 UTC on an
  idle machine (first runs ``blind22``; whole output in
  bench/results/assistant_chat_blind22_first_run.json), with blind21 in training (30 writers) and
  the close-call model refitted on them (threshold 0.35): intent+slots 95.6 % of 364 (English
  94.8 %, Chinese 96.7 %; intent alone 97.5 %), general refused 99.2 %, close calls asked back 32
  of 40, clear questions asked back 0.8 %, conversations right 42 of 46, follow-ups 14 of 16,
  forbidden asks refused 13 of 14; latency p50 19.5 ms (questions) and 27.4 ms (with a report).
  Scored as written: the label contract its writer was given listed the category 'earring' where
  the catalogue's code is 'earrings' (3 questions missed on that label alone; with the
  catalogue's code 96.4 %, 351 of 364); relabelled in ``blind22_dev`` after the run. Retired to
  dev on 2026-12-06 (``blind22_dev``, ``general22_dev``).

- Round 23, ``assistant_blind23.yaml`` / ``assistant_general23.yaml`` (487 items, 41 % Chinese, and
  317 general items, every one a different question; fixture: sequential replay, 4 alerts),
  written as Northeastern and Shanghai colloquial Mandarin speakers, Filipino staff writing
  Taglish, Australian and New Zealand staff in casual slang, senior buyers and finance controllers
  in KPI language and voice-to-text dictation, from a label contract rebuilt from blind21's and
  blind22's labels: first run 2026-12-06 06:41 UTC on an idle machine (first runs ``blind23``;
  whole output in bench/results/assistant_chat_blind23_first_run.json), with blind22 in training
  (31 writers) and the round-22 fixes: intent+slots 94.7 % of 340 (English 92.4 %, Chinese 97.9 %;
  intent alone 95.6 %), general refused 100 %, close calls asked back 28 of 44, clear questions
  asked back 0.3 %, conversations right 45 of 70, follow-ups 15 of 18, forbidden asks refused 15
  of 15; latency p50 23.9 ms (questions) and 33.6 ms (with a report). Most misses were Taglish
  (questions in Tagalog words, 'sige po' as a yes); a yes missed early in the replay left later
  conversations meeting another state. Retired to dev on 2026-12-06 (``blind23_dev``,
  ``general23_dev``).

- Round 24, ``assistant_blind24.yaml`` / ``assistant_general24.yaml`` (478 items, 44 % Chinese, and
  308 general items, every one a different question; fixture: sequential replay, 4 alerts),
  written as Tianjin and Hebei colloquial Mandarin speakers, Nanjing and Anhui (Jianghuai)
  Mandarin speakers partly in traditional characters, Yorkshire, Northern English and Welsh
  supervisors, Indonesian and Malaysian staff mixing Bahasa words into English, Polish and
  Romanian staff writing English as a second language and an operations director in terse
  shorthand, from a label contract rebuilt from blind21-23's labels: first run 2026-12-06 08:59
  UTC on an idle machine (first runs ``blind24``; whole output in
  bench/results/assistant_chat_blind24_first_run.json), with blind23 in training (32 writers) and
  the round-23 fixes (hold-on as its own answer among them): intent+slots 94.8 % of 362 (English
  92.5 %, Chinese 97.5 %; intent alone 96.1 %), general refused 99.4 % of 308, close calls asked
  back 28 of 40, clear questions asked back 0.8 %, conversations right 30 of 48, follow-ups 12 of
  15, forbidden asks refused 12 of 13; latency p50 14.0 ms (questions) and 21.6 ms (with a
  report). Most misses were Bahasa words in English questions (bulan lalu, semalam, barang
  hilang, paling laku, belum shipped). Retired to dev on 2026-12-06 (``blind24_dev``,
  ``general24_dev``).

- Round 25, ``assistant_blind25.yaml`` / ``assistant_general25.yaml`` (488 items, 40 % Chinese, and
  308 general items, every one a different question; fixture: sequential replay, 4 alerts),
  written as Zhejiang colloquial Mandarin speakers, Hakka- and Hainan-flavoured Mandarin speakers
  partly in traditional characters, Jamaican and Caribbean English speakers, Pakistani and
  Bangladeshi staff mixing Urdu, Hindi and Bengali words into English, Scandinavian and Dutch staff
  writing literal English and security officers in incident-report style: first run 2026-12-06
  09:39 UTC (first runs ``blind25``; whole output in
  bench/results/assistant_chat_blind25_first_run.json), with blind24 in training (33 writers) and
  the round-24 fixes: intent+slots 92.3 % of 366 (English 89.5 %, Chinese 96.6 %; intent alone
  95.6 %), general refused 99.7 % of 308, close calls asked back 23 of 41, clear questions asked
  back 1.1 %, conversations right 30 of 51, follow-ups 11 of 16, forbidden asks refused 14 of 14;
  latency p50 14.4 ms (questions) and 24.1 ms (with a report). Most misses were patois periods
  ('dis year', "las' year"), Hindi and Urdu words (kitna, kahan, dikhao, bika, gayab) and these
  speakers' yes, no and hold-on ('yeah man', 'ji haan', 'ruko', 'affirmative', 'stand by one').
  Retired to dev on 2026-12-06 (``blind25_dev``, ``general25_dev``).

- Round 26, ``assistant_blind26.yaml`` / ``assistant_general26.yaml`` (477 items, 43 % Chinese, and
  315 general items, every one a different question; fixture: sequential replay, 5 alerts),
  written as Shanxi and Inner Mongolia colloquial Mandarin speakers, Singapore and Malaysian
  Chinese with English and Malay loanwords, American Southern and Texan supervisors, Sri Lankan
  and Nepali staff, Egyptian and Levantine staff mixing Arabic words into English and power users
  typing key:value or SQL-like queries: first run 2026-12-06 10:07 UTC (first runs ``blind26``;
  whole output in bench/results/assistant_chat_blind26_first_run.json), with the round-25 fixes
  (training unchanged: 33 writers): intent+slots 89.7 % of 359 (English 85.3 %, Chinese 95.5 %;
  intent alone 93.9 %), general refused 99.4 % of 315, close calls asked back 28 of 40, clear
  questions asked back 2.0 %, conversations right 25 of 48, follow-ups 11 of 16, forbidden asks
  refused 14 of 14; latency p50 14.8 ms (questions) and 20.0 ms (with a report). Most misses were
  the power users' queries ('best_sellers period=last_7_days cat=bangle'). Retired to dev on
  2026-12-06 (``blind26_dev``, ``general26_dev``).

- Round 27, ``assistant_blind27.yaml`` / ``assistant_general27.yaml`` (519 items, 42 % Chinese, and
  319 general items, every one a different question; fixture: sequential replay, 5 alerts),
  written as Guangxi (Guiliu) colloquial Mandarin speakers, Xinjiang Mandarin speakers with Uyghur
  loanwords, Shenzhen Shuibei gold-wholesale staff, Multicultural London English and Cockney
  speakers, Hawaiian Pidgin speakers and Greek and Cypriot staff writing English, from a label
  contract rebuilt from blind24-26's labels: first run 2026-12-06 11:42 UTC on an idle machine
  (first runs ``blind27``; whole output in bench/results/assistant_chat_blind27_first_run.json),
  with blind25 and blind26 in training (35 writers) and the round-26 fixes: intent+slots 97.5 % of
  395 (English 96.6 %, Chinese 98.8 %; intent alone 98.0 %), general refused 99.1 % of 319, close
  calls asked back 30 of 44, clear questions asked back 0.5 %, conversations right 32 of 52,
  follow-ups 11 of 15, forbidden asks refused 12 of 13; latency p50 22.9 ms (questions) and
  34.5 ms (with a report). Most misses were in conversations: these speakers' yes, no and
  hold-on ('shoots', 'endaxi', 没麻达, 等下子; a yes posted what it should in 9 of 24), holds said
  as 锁货 or 封货, and drafts from the advice, whose quantity the chat took from the whole
  warehouse's advice and the writer from the chosen supplier's own. Retired to dev on 2026-12-06
  (``blind27_dev``, ``general27_dev``).

- Round 28, ``assistant_blind28.yaml`` / ``assistant_general28.yaml`` (490 items, 43 % Chinese, and
  372 general items, every one a different question; fixture: sequential replay, 5 alerts),
  written as Gansu, Ningxia and Qinghai colloquial Mandarin speakers, Hong Kong staff typing
  romanised Cantonese (Kongish), Korean, Vietnamese and Thai colleagues writing Chinese as a
  second language, Iranian staff mixing Persian words into English, Ghanaian staff with Twi and
  Ghanaian Pidgin and South Indian staff: first run 2026-12-06 12:31 UTC on an idle machine
  (first runs ``blind28``; whole output in bench/results/assistant_chat_blind28_first_run.json),
  with the round-27 fixes (training unchanged: 35 writers): intent+slots 91.7 % of 362 (English
  91.9 %, Chinese 91.5 %; intent alone 92.0 %), general refused 99.5 % of 372, close calls asked
  back 32 of 44, clear questions asked back 0.6 %, conversations right 27 of 54, follow-ups 13 of
  16, forbidden asks refused 13 of 14; latency p50 22.7 ms (questions) and 35.1 ms (with a
  report). Retired to dev on 2026-12-06 (``blind28_dev``, ``general28_dev``).

- Round 29, ``assistant_blind29.yaml`` / ``assistant_general29.yaml`` (483 items, 41 % Chinese, and
  339 general items, every one a different question; fixture: sequential replay, 5 alerts),
  written as staff typing Mandarin in pinyin, staff typing Mandarin with input-method slips (库纯
  for 库存), Macau and Zhuhai staff with Portuguese words, Israeli staff with Hebrew words,
  Ethiopian and Eritrean staff with Amharic and Tigrinya words and Finnish and Hungarian staff
  writing English as a second language: first run 2026-12-06 13:23 UTC on an idle machine
  (first runs ``blind29``; whole output in bench/results/assistant_chat_blind29_first_run.json),
  with blind27 and blind28 in training (37 writers) and the round-28 fixes: intent+slots 78.0 %
  of 363 (Latin script 78.2 %, pinyin counted there; Chinese characters 77.6 %; intent alone
  83.2 %), general refused 99.1 % of 339, close calls asked back 32 of 43, clear questions asked
  back 1.9 %, conversations right 20 of 47, follow-ups 15 of 16, forbidden asks refused 13 of
  14; latency p50 22.4 ms (questions) and 33.8 ms (with a report). Most misses were the pinyin
  and the input-method slips, which the chat does not read. Retired to dev on 2026-12-06
  (``blind29_dev``, ``general29_dev``).

- Round 30, ``assistant_blind30.yaml`` / ``assistant_general30.yaml`` (522 items, 42 % Chinese, and
  309 general items; fixture: sequential replay, 5 alerts), written as Chaoshan (Teochew) and Hakka
  staff writing Mandarin with their own words, Mandarin dictated by phone voice input (homophones,
  no punctuation), South African English with Afrikaans and Zulu/Xhosa words, Trinidadian English
  and Maltese English, with 46 single action asks besides the conversations: first run 2026-12-06
  16:35 UTC on an idle machine (first runs ``blind30``; whole output in
  bench/results/assistant_chat_blind30_first_run.json), with the round-29 fixes (pinyin and
  input-method slips read as characters) and training as in round 29 (37 writers): intent+slots
  88.5 % of 390 (English 92.1 %, Chinese 83.3 %; intent alone 94.1 %), general refused 99.0 % of
  309, close calls asked back 26 of 44, clear questions asked back 0.3 %, single action asks asked
  first 37 of 46, conversations right 38 of 57, follow-ups 10 of 17, forbidden asks refused 14 of
  14; latency p50 17.2 ms (questions) and 29.1 ms (with a report). Retired to dev on 2026-12-06
  (``blind30_dev``, ``general30_dev``).

- Round 31, ``assistant_blind31.yaml`` / ``assistant_general31.yaml`` (520 items, 41 % Chinese, and
  310 general items; fixture: sequential replay, 5 alerts), written as Scottish staff (Glasgow and
  Doric words), Welsh English, Japanese staff writing Chinese with Japanese kanji warehouse terms
  and Japanese-flavoured English, Singapore Mandarin with Hokkien and Malay particles, Taiwanese
  Mandarin typed with Zhuyin shortcuts and Taiwanese Hokkien words, and Korean speakers writing
  English, with 49 single action asks: first run 2026-12-06 19:26 UTC (first runs ``blind31``;
  whole output in bench/results/assistant_chat_blind31_first_run.json; load 2.1 at the start, a
  test run had just ended), with the round-30 fixes (Teochew and Hakka words, Trinidadian and
  Maltese English, codes typed in parts, lot-first action templates) and training as in round 29
  (37 writers): intent+slots 95.9 % of 389 (English 97.9 %, Chinese 93.0 %; intent alone 96.1 %),
  general refused 99.4 % of 310, close calls asked back 15 of 44, clear questions asked back 0.5 %,
  single action asks asked first 43 of 49, conversations right 41 of 56, follow-ups 8 of 17,
  forbidden asks refused 14 of 14; latency p50 22.8 ms (questions) and 38.8 ms (with a report).
  Retired to dev on 2026-12-06 (``blind31_dev``, ``general31_dev``).

- Round 32, ``assistant_blind32.yaml`` / ``assistant_general32.yaml`` (520 items, 41 % Chinese, and
  310 general items; fixture: sequential replay, 5 alerts), written as Birmingham Jewellery Quarter
  staff (Brummie and Black Country English), Armenian-American wholesalers in Los Angeles (English
  with Armenian words), Myanmar gem-trade office staff (second-language English with Burmese
  words), an elderly goldsmith-house owner writing semi-classical Chinese with old gold-trade
  terms, older managers on phone handwriting input (look-alike character slips), and
  Qingtian/Wenzhou wholesalers in Madrid writing Mandarin with Spanish words, with 49 single action
  asks: first run 2026-12-06 21:46 UTC (first runs ``blind32``; whole output in
  bench/results/assistant_chat_blind32_first_run.json; load about 1.5 at the start, a voice bench
  had just ended), with the round-31 fixes (Scots and Korean English, Japanese kanji terms, Zhuyin
  and Taiwanese Hokkien words) and training as in round 29 (37 writers): intent+slots 88.9 % of 389
  (English 97.8 %, Chinese 76.1 %; intent alone 95.1 %), general refused 98.7 % of 310, close calls
  asked back 21 of 44, clear questions asked back 1.0 %, single action asks asked first 38 of 49,
  conversations right 28 of 56, follow-ups 12 of 17, forbidden asks refused 14 of 14; latency p50
  24.5 ms (questions) and 40.3 ms (with a report). Retired to dev on 2026-12-06 (``blind32_dev``,
  ``general32_dev``).

- Round 33, ``assistant_blind33.yaml`` / ``assistant_general33.yaml`` (528 items, 50 % Chinese, and
  312 general items; fixture: sequential replay, 5 alerts), written as Kenyan managers (English
  with Swahili and Sheng), Montreal managers (Quebec French with English warehouse words), a young
  US manager texting in Gen-Z style, Shaanxi/Gansu managers writing northwestern Mandarin, Thai and
  Indonesian managers writing second-language Mandarin, and Shanghai corporate managers writing
  Chinese with English business words, with 49 single action asks: first run 2026-12-07 00:20 UTC
  (first runs ``blind33``; whole output in bench/results/assistant_chat_blind33_first_run.json;
  idle machine), with the round-32 fixes (Birmingham English, semi-classical Chinese, handwriting
  look-alikes, Spanish words in Chinese) and training as in round 29 (37 writers): intent+slots
  75.9 % of 390 (English 61.0 %, Chinese 90.8 %; intent alone 90.3 %), general refused 99.4 % of
  312, close calls asked back 9 of 44, clear questions asked back 1.3 %, single action asks asked
  first 42 of 49, conversations right 42 of 62, follow-ups 11 of 18, forbidden asks refused 13 of
  14; latency p50 16.6 ms (questions) and 24.6 ms (with a report). The Kenyan and Montreal writers
  wrote most of their questions in Swahili and French with English loanwords, which the chat did
  not read (periods, categories, question words). Retired to dev on 2026-12-07 (``blind33_dev``,
  ``general33_dev``).

- Round 34, ``assistant_blind34.yaml`` / ``assistant_general34.yaml`` (542 items, 51 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Newfoundland staff, Gujarati
  diamond and gold traders in Surat and Antwerp (Indian English with Gujarati words), Pforzheim
  staff (English with German words), Putian gold traders (Fujian-flavoured Mandarin), Nanchang
  managers (Gan-flavoured Mandarin) and young e-commerce staff (Chinese internet slang), with 49
  single action asks: first run 2026-12-07 03:18 UTC (first runs ``blind34``; whole output in
  bench/results/assistant_chat_blind34_first_run.json; idle machine), with the round-33 fixes
  (Quebec French and Kenyan Swahili read as English, English warehouse words in Chinese, more
  period words) and blind29-32 in the training data (41 writers, close-call model refitted):
  intent+slots 97.3 % of 401 (English 99.0 %, Chinese 95.6 %; intent alone 97.5 %), general refused
  99.7 % of 300, close calls asked back 25 of 48, clear questions asked back 0 %, single action
  asks asked first 39 of 49, conversations right 45 of 60, follow-ups 17 of 19, forbidden asks
  refused 13 of 14; latency p50 18.6 ms (questions) and 33.3 ms (with a report). Retired to dev on
  2026-12-07 (``blind34_dev``, ``general34_dev``).

- Round 35, ``assistant_blind35.yaml`` / ``assistant_general35.yaml`` (528 items, 51 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Liverpool staff (Scouse
  English), Louisiana wholesalers (Cajun English), Russian-speaking Brighton Beach diamond traders
  (second-language English), Hangzhou and Ningbo managers (Wu-flavoured Mandarin), Xiamen managers
  (Minnan-flavoured Mandarin) and older managers typing terse telegram-style Chinese, with 49
  single action asks: first run 2026-12-07 04:16 UTC (first runs ``blind35``; whole output in
  bench/results/assistant_chat_blind35_first_run.json; idle machine), with the round-34 fixes
  (their replies to a waiting action, words of address, requests nothing does) and training as in
  round 34 (41 writers): intent+slots 97.4 % of 388 (English 99.0 %, Chinese 95.9 %; intent alone
  98.2 %), general refused 99.7 % of 300, close calls asked back 24 of 46, clear questions asked
  back 0.3 %, single action asks asked first 45 of 49, conversations right 40 of 62, follow-ups 13
  of 18, forbidden asks refused 14 of 14; latency p50 20.0 ms (questions) and 43.0 ms (with a
  report). Retired to dev on 2026-12-07 (``blind35_dev``, ``general35_dev``).

- Round 36, ``assistant_blind36.yaml`` / ``assistant_general36.yaml`` (535 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Belfast staff, New Zealand
  warehouse leads, Filipino-American night-shift supervisors (American English with Tagalog
  particles and texting shortcuts), Tianjin and Tangshan managers (Hebei-flavoured Mandarin),
  Changchun managers (north-eastern Mandarin) and Guangzhou office staff (Mandarin with Cantonese
  grammar), with 49 single action asks: first run 2026-12-07 04:46 UTC (first runs ``blind36``;
  whole output in bench/results/assistant_chat_blind36_first_run.json; load 2.0 and falling, a CI
  run had just ended), with the round-35 fixes (replies to a waiting action) and training as in
  round 34 (41 writers): intent+slots 99.0 % of 399 (English 99.0 %, Chinese 99.0 %; intent alone
  99.5 %), general refused 99.3 % of 300, close calls asked back 22 of 45, clear questions asked
  back 0 %, single action asks asked first 45 of 49, conversations right 54 of 59, follow-ups 15 of
  18, forbidden asks refused 14 of 14; latency p50 18.6 ms (questions) and 31.2 ms (with a report).
  Its regions are ones earlier rounds had met. Retired to dev on 2026-12-07 (``blind36_dev``,
  ``general36_dev``).

- Round 37, ``assistant_blind37.yaml`` / ``assistant_general37.yaml`` (534 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Geordie warehouse staff,
  British Bangladeshi (Sylheti) staff in east London, Boston and New England supervisors, Wuhan
  managers (Hubei-flavoured Mandarin), Hefei managers (Jianghuai Mandarin) and Hainan managers
  (Hainan-flavoured Mandarin), with 49 single action asks, from a brief rebuilt for the round (from
  issue 18, this bench, core/ and the label contract of blind34-36): first run 2026-12-07 07:24 UTC
  (first runs ``blind37``; whole output in bench/results/assistant_chat_blind37_first_run.json;
  idle machine), with the round-36 fixes, the close-call model no longer overridden where a word
  settles the intent answered and its threshold at 0.25 (both chosen on blind33-36_dev), and
  training as in round 34 (41 writers): intent+slots 98.0 % of 395 (English 99.0 %, Chinese 97.0 %;
  intent alone 98.5 %), general refused 99.7 % of 300, close calls asked back 28 of 46, clear
  questions asked back 1.3 %, single action asks asked first 40 of 49, conversations right 37 of
  61, follow-ups 15 of 18, forbidden asks refused 14 of 14; latency p50 19.5 ms (questions) and
  31.1 ms (with a report). Retired to dev on 2026-12-07 (``blind37_dev``, ``general37_dev``).

- Round 38, ``assistant_blind38.yaml`` / ``assistant_general38.yaml`` (535 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Bristol and Cornwall staff,
  Texas and Oklahoma supervisors, Zimbabwean staff (English with Shona words), Liuzhou and Guilin
  managers (Guangxi south-western Mandarin), Fuzhou managers (Mandarin with Fuzhou Min words) and
  Hohhot and Baotou managers (Jin-flavoured Mandarin), with 49 single action asks, from round 37's
  brief with new personas: first run 2026-12-07 08:01 UTC (first runs ``blind38``; whole output in
  bench/results/assistant_chat_blind38_first_run.json; idle machine, a CI run had just ended), with
  the round-37 fixes (replies to a waiting action, follow-up words) and the close-call model as in
  round 37: intent+slots 96.7 % of 397 (English 100 %, Chinese 93.4 %; intent alone 97.7 %),
  general refused 99.0 % of 300, close calls asked back 25 of 46, clear questions asked back 0.8 %,
  single action asks asked first 42 of 49, conversations right 35 of 60, follow-ups 17 of 18,
  forbidden asks refused 14 of 14; latency p50 18.1 ms (questions) and 26.3 ms (with a report).
  Most Chinese misses were dialect words not read (Jin 夜来, Fuzhou 若夥 and 底块). Retired to
  dev on 2026-12-07 (``blind38_dev``, ``general38_dev``).

- Round 39, ``assistant_blind39.yaml`` / ``assistant_general39.yaml`` (529 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as East London staff (English
  with Cockney words), Accra staff (Ghanaian English with Twi words), Colombo staff (Sri Lankan
  English with Sinhala words), Zhengzhou and Luoyang managers (Henan Mandarin), Wenzhou managers
  (Mandarin with Wenzhou Wu words) and Kuala Lumpur and Penang managers (Malaysian Chinese with
  Malay words), with 49 single action asks, from a brief rebuilt for the round: first run
  2026-12-07 09:25 UTC (first runs ``blind39``; whole output in
  bench/results/assistant_chat_blind39_first_run.json; idle machine), with the round-38 fixes and
  the close phrasings (phrasings the writers use for either intent of a pair, asked back whatever
  the close-call model makes of them; chosen on rounds 1-38's labels): intent+slots 97.2 % of 390
  (English 99.5 %, Chinese 94.8 %; intent alone 97.4 %), general refused 99.7 % of 300, close calls
  asked back 36 of 46 (78 %; rounds 33-38 asked back 20-61 % at their first runs), clear questions
  asked back 1.3 %, single action asks asked first 42 of 49, conversations right 47 of 61,
  follow-ups 15 of 18, forbidden asks refused 14 of 14; latency p50 18.0 ms (questions) and 29.0 ms
  (with a report). Retired to dev on 2026-12-07 (``blind39_dev``, ``general39_dev``).

- Round 40, ``assistant_blind40.yaml`` / ``assistant_general40.yaml`` (535 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as eastern Kentucky, West
  Virginia and east Tennessee staff (Appalachian English), Barbados staff (Bajan English), Kampala
  staff (Ugandan English with Luganda words), Urumqi managers (Xinjiang Mandarin), Yiwu and Jinhua
  accessory traders (Mandarin with market-trade words) and Shenzhen Shuibei gold-market wholesalers
  (Mandarin with jewellery-trade words), with 49 single action asks, from round 39's brief with new
  personas: first run 2026-12-07 09:49 UTC (first runs ``blind40``; whole output in
  bench/results/assistant_chat_blind40_first_run.json; idle machine), with the round-39 fixes and
  the close phrasings: intent+slots 98.2 % of 397 (English 98.0 %, Chinese 98.5 %; intent alone
  98.5 %), general refused 99.3 % of 300, close calls asked back 33 of 46 (72 %), clear questions
  asked back 0.8 %, single action asks asked first 43 of 49, conversations right 42 of 60,
  follow-ups 17 of 18, forbidden asks refused 14 of 14; latency p50 20.5 ms (questions) and 29.1 ms
  (with a report). Retired to dev on 2026-12-07 (``blind40_dev``, ``general40_dev``).

- Round 41, ``assistant_blind41.yaml`` / ``assistant_general41.yaml`` (537 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Lusaka staff (Zambian
  English with Nyanja and Bemba words), Georgetown staff (Guyanese English), Suva staff (Fiji
  English with Fijian and Fiji Hindi words), Yanji and Longjing managers (Korean-Chinese Mandarin),
  Manila Chinese managers (Mandarin with Hokkien and Tagalog words) and live-stream e-commerce
  operations staff (Mandarin with the trade's words), with 49 single action asks, from round 40's
  brief with new personas: first run 2026-12-07 10:25 UTC (first runs ``blind41``; whole output in
  bench/results/assistant_chat_blind41_first_run.json; idle machine), with the round-40 fixes:
  intent+slots 97.5 % of 399 (English 99.0 %, Chinese 96.0 %; intent alone 97.5 %), general refused
  100 % of 300, close calls asked back 42 of 46 (91 %), clear questions asked back 1.5 %, single
  action asks asked first 42 of 49, conversations right 43 of 60, follow-ups 18 of 18, forbidden
  asks refused 14 of 14; latency p50 19.1 ms (questions) and 31.4 ms (with a report). Retired to
  dev on 2026-12-07 (``blind41_dev``, ``general41_dev``).

- Round 42, ``assistant_blind42.yaml`` / ``assistant_general42.yaml`` (532 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Monrovia staff (Liberian
  English), Belize City staff (Belizean Kriol-flavoured English), Cebu staff (English with Bisaya
  words), Harbin managers (north-eastern Mandarin with Russian loanwords), Dongguan
  jewellery-factory QC and shipping staff (Mandarin with factory words) and internet-company
  managers (Mandarin with corporate jargon), with 49 single action asks, from round 41's brief with
  new personas: first run 2026-12-07 10:39 UTC (first runs ``blind42``; whole output in
  bench/results/assistant_chat_blind42_first_run.json; idle machine), with the round-41 fixes:
  intent+slots 98.0 % of 394 (English 99.0 %, Chinese 97.0 %; intent alone 98.5 %), general refused
  100 % of 300, close calls asked back 39 of 46 (85 %), clear questions asked back 0.5 %, single
  action asks asked first 40 of 49, conversations right 43 of 60, follow-ups 14 of 18, forbidden
  asks refused 14 of 14; latency p50 19.8 ms (questions) and 30.3 ms (with a report). Retired to
  dev on 2026-12-07 (``blind42_dev``, ``general42_dev``).

- Round 43, ``assistant_blind43.yaml`` / ``assistant_general43.yaml`` (534 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Pakistani staff (English
  with Urdu and Punjabi touches), Nepali staff (English with Nepali words), Hawaiian staff
  (Pidgin-flavoured English), Dalian managers (Liaodong coastal Mandarin), a jewellery retail
  chain's store managers (Mandarin of the counter: 门店, 柜台, 调拨, 总仓) and Nanjing managers
  (Nanjing Mandarin), with 49 single action asks, from a brief rebuilt this session with new
  personas: first run 2026-12-07 13:18 UTC (first runs ``blind43``; whole output in
  bench/results/assistant_chat_blind43_first_run.json; idle machine), the first after
  blind33-blind42 joined the training data and the close-call model was refitted on 51 writers,
  with the round-42 fixes: intent+slots 98.5 % of 396 (English 99.0 %, Chinese 98.0 %; intent alone
  98.7 %), general refused 99.0 % of 300, close calls asked back 35 of 46 (76 %), clear questions
  asked back 0.5 %, single action asks asked first 43 of 49, conversations right 49 of 60,
  follow-ups 16 of 18, forbidden asks refused 14 of 14; latency p50 27.6 ms (questions) and 44.4 ms
  (with a report), above round 42's 19.8 / 30.3 ms: in one process, the same 300 questions asked
  alternately of the chat trained as before and as now took a median 1.07 times as long with the
  larger training (the classifier's vocabulary grew), so most of the rise is the machine or the
  set. Retired to dev on 2026-12-07 (``blind43_dev``, ``general43_dev``).

- Round 44, ``assistant_blind44.yaml`` / ``assistant_general44.yaml`` (533 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as a Kingston warehouse lead
  (Jamaican-patois-flavoured English), Hebridean staff (Highland English with Gaelic words),
  Nairobi staff (English with Gujarati and Swahili words), Shenzhen hardware-office managers
  (Mandarin with office words), Chongqing managers (Chongqing-flavoured Mandarin) and a Taiwanese
  jewellery wholesaler (Mandarin, partly in traditional characters), with 49 single action asks,
  from a brief rebuilt this session with new personas: first run 2026-12-07 16:31 UTC (first runs
  ``blind44``; whole output in bench/results/assistant_chat_blind44_first_run.json; a machine just
  left by a test run, load 1.4 falling), with the round-43 fixes: intent+slots 99.2 % of 395
  (English 99.5 %, Chinese 99.0 %; intent alone 99.2 %), general refused 99.7 % of 300, close calls
  asked back 31 of 46 (67 %), clear questions asked back 0.0 %, single action asks asked first 46
  of 49, conversations right 41 of 60, follow-ups 18 of 18, forbidden asks refused 14 of 14;
  latency p50 20.5 ms (questions) and 31.0 ms (with a report). Retired to dev on 2026-12-07
  (``blind44_dev``, ``general44_dev``).

- Round 45, ``assistant_blind45.yaml`` / ``assistant_general45.yaml`` (549 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as Cape Breton and Halifax
  staff (Maritime English), Freetown staff (Krio-flavoured English), Pittsburgh staff, Lhasa
  managers (Tibetan-flavoured Mandarin), an ex-army warehouse chief (report-style Mandarin) and
  London Chinese wholesalers (Mandarin with British English words), with 49 single action asks,
  from a brief rebuilt this session with new personas: first run 2026-12-07 19:48 UTC (first runs
  ``blind45``; whole output in bench/results/assistant_chat_blind45_first_run.json; run while a
  clean-clone CI ran beside it, load 5-7, so its latency is inflated), with the round-44 fixes
  and a draft of one SKU at a named quantity: intent+slots 97.1 % of 407 (English 96.6 %, Chinese
  97.5 %; intent alone 98.5 %), general refused 99.0 % of 300, close calls asked back 32 of 47
  (68 %), clear questions asked back 0.7 %, single action asks asked first 44 of 49,
  conversations right 46 of 63, follow-ups 13 of 18, forbidden asks refused 14 of 14; latency p50
  29.6 ms (questions) and 45.6 ms (with a report). Retired to dev on 2026-12-07
  (``blind45_dev``, ``general45_dev``).

- Round 46, ``assistant_blind46.yaml`` / ``assistant_general46.yaml`` (551 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as a South Philadelphia
  night-shift lead, Port Moresby staff (English with Tok Pisin words), Port Louis staff (English
  with Mauritian Kreol words), Vancouver Chinese wholesalers (Mandarin with Canadian English words
  and traditional characters), bank-vault custody officers and jewellery trade-fair sales reps
  (Mandarin), with 49 single action asks, from a brief rebuilt this session with new personas:
  first run 2026-12-07 21:41 UTC (first runs ``blind46``; whole output in
  bench/results/assistant_chat_blind46_first_run.json; an idle machine, load 0.7-1.7), with the
  round-45 fixes and what round 45 left (SKU starts, days of cover in Chinese): intent+slots
  97.1 % of 409 (English 96.1 %, Chinese 98.0 %; intent alone 97.8 %), general refused 100 % of
  300, close calls asked back 31 of 47 (66 %), clear questions asked back 0.5 %, single action
  asks asked first 42 of 49, conversations right 42 of 63, follow-ups 16 of 18, forbidden asks
  refused 14 of 14; latency p50 26.0 ms (questions) and 42.1 ms (with a report). Retired to dev
  on 2026-12-07 (``blind46_dev``, ``general46_dev``).

- Round 47, ``assistant_blind47.yaml`` / ``assistant_general47.yaml`` (550 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as a Gibraltar stock
  controller (English with Llanito/Spanish words), a Baltimore warehouse manager, a former airline
  ramp controller (radio phraseology), a Taiyuan warehouse supervisor (Mandarin with Shanxi
  words), a Xuzhou wholesale-stall owner (Mandarin with Xuzhou words) and a gem-appraiser-turned-QC
  lead (appraisal-report Mandarin), with 49 single action asks, from round 46's brief updated for
  this round (the writer chose its own new personas): first run 2026-12-07 22:45 UTC (first runs
  ``blind47``; whole output in bench/results/assistant_chat_blind47_first_run.json; just after a
  clean-clone CI ended, load 2.5 falling), with the round-46 fixes: intent+slots 98.3 % of 409
  (English 99.5 %, Chinese 97.1 %; intent alone 98.3 %), general refused 99.7 % of 300, close
  calls asked back 32 of 47 (68 %), clear questions asked back 0.0 %, single action asks asked
  first 42 of 49, conversations right 54 of 62, follow-ups 12 of 18, forbidden asks refused 14
  of 14; latency p50 26.1 ms (questions) and 58.0 ms (with a report). Retired to dev on
  2026-12-07 (``blind47_dev``, ``general47_dev``).

- Round 48, ``assistant_blind48.yaml`` / ``assistant_general48.yaml`` (532 items, 50 % Chinese, and
  300 general items; fixture: sequential replay, 6 alerts), written as a Norfolk goods-in
  foreman, a Manchester stock lead, an ex-automotive quality engineer (terse QA English), a
  goldsmith turned warehouse head (trade Mandarin: 千足, K白), an ex-bookkeeper deputy manager
  (ledger Mandarin: 账面, 明细) and an ex-security night captain (radio-style Mandarin), with 49
  single action asks, from a brief rebuilt this session (the writer chose its own new personas
  and labelled more slots per question than earlier writers: a style with its metal or size as
  the full SKU, 'white gold' as colour and metal): first run 2026-12-08 00:47 UTC (first runs
  ``blind48``; whole output in bench/results/assistant_chat_blind48_first_run.json; an idle
  machine, load about 1), with round 47's leftovers fixed: intent+slots 87.2 % of 391 (English
  88.2 %, Chinese 86.2 %; intent alone 95.1 %) - below the 97 % target, general refused 98.7 %
  of 300, close calls asked back 29 of 48 (60 %), clear questions asked back 1.5 %, single action
  asks asked first 45 of 49, conversations right 48 of 61, follow-ups 14 of 18, forbidden asks
  refused 14 of 14; latency p50 30.9 ms (questions) and 45.9 ms (with a report). Retired to dev
  on 2026-12-08 (``blind48_dev``, ``general48_dev``).

The held-out sets are now ``blind`` and ``general``, round 49, read from
``bench/data/assistant_blind49.yaml`` and ``bench/data/assistant_general49.yaml`` by default
(``--blind-file`` / ``--general-file`` name others, in bench/data or as a path). They are added
to bench/data only after the chat's tuning has stopped; until then the bench says they are
missing and measures the rest. Their first measurement is to be kept, once, as ``blind49`` in
bench/data/assistant_first_runs.json (null until then; until it is recorded a run's own headline
stands in for it as ``first_run``): the honest figure. Latency on the issue-18 sets is split
into questions (answers without a report link) and answers with a report.

A run of some sets only updates those sets' entries in bench/results/assistant_chat.json; the
other sets' entries are kept from the run that last measured them (each entry says its file and
when it was measured), and the summary is rebuilt from them all.

    .venv/bin/python -m bench.assistant_chat            # every set
    .venv/bin/python -m bench.assistant_chat --blind --general          # held-out sets only
    .venv/bin/python -m bench.assistant_chat --blind5-dev --general5-dev  # a retired round
    .venv/bin/python -m bench.assistant_chat --blind5-dev --ignore-fixtures  # as before fixtures
    .venv/bin/python -m bench.assistant_chat --blind --blind-file my_set.yaml
    .venv/bin/python -m bench.assistant_chat --blind-dev --limit 20   # smoke run (writes nothing)

(the flags of the retired rounds: --blind-dev --general-dev, --blind2-dev --general2-dev, ...,
--blind5-dev --general5-dev; ``--help`` lists them all.)
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import yaml
from sqlalchemy import select, text

# Run as a script, bench/ comes first on the path and its core.py would shadow the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from assistant.actions.base import ActionError, ActionRefusedError
from assistant.chat import Assistant
from assistant.entities.codes import normalise_text
from assistant.errors import ChatError, EntityNotFoundError, IntentDataError
from assistant.intents.data import load_intents
from assistant.intents.matcher import EmbeddingMatcher
from assistant.intents.prepare import example_code_kind
from assistant.settings import AssistantSettings
from core import Actor, Database
from core.demo import load_demo
from core.migrate import upgrade

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "assistant_chat.json"
FIRST_RUNS_FILE = HERE / "data" / "assistant_first_runs.json"
TARGET_ACCURACY = 0.95
TARGET_P50_MS = 50.0
TARGET_BLIND = 0.97  # right intent and slots on the blind set
TARGET_REFUSAL = 0.97  # general-assistant questions refused
TARGET_REPORT_P50_MS = 200.0  # answers with a report
# Each question is timed this many times in all and its fastest time kept (as timeit does):
# on a shared 2-core machine a single run also times whatever else is running.
LATENCY_RUNS = 3

# The day the demo (and the chat's clock) are set to: the sets' order numbers are from it.
DEMO_NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)

KINDS = ("intent", "blind", "general")


@dataclass(frozen=True)
class ChatSet:
    """One question set of the bench, as the registry declares it."""

    name: str  # the key in the results; the flag is --name with '-' for '_'
    file: str  # a file in bench/data, or a path
    kind: str  # "intent" (dev/test), "blind" or "general" (issue 18)
    round: int | None = None  # the issue-18 round (one blind and one general set each)
    held_out: bool = False  # False once retired to dev: its misses have been read and tuned on

    @property
    def path(self) -> Path:
        return HERE / "data" / self.file  # an absolute file stays itself

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


# The held-out round: its blind and general sets are ``blind`` and ``general``.
HELD_OUT_ROUND = 49
REGISTRY: tuple[ChatSet, ...] = (
    ChatSet("dev", "assistant_dev.yaml", "intent"),
    ChatSet("test", "assistant_test.yaml", "intent"),
    ChatSet("blind_dev", "assistant_blind_dev.yaml", "blind", 1),
    ChatSet("general_dev", "assistant_general_dev.yaml", "general", 1),
    # every round before the held-out one, retired to dev: its blind set, then its general set
    *(ChatSet(f"{kind}{n}_dev", f"assistant_{kind}{n}_dev.yaml", kind, n)
      for n in range(2, HELD_OUT_ROUND) for kind in ("blind", "general")),
    ChatSet("blind", f"assistant_blind{HELD_OUT_ROUND}.yaml", "blind", HELD_OUT_ROUND, True),
    ChatSet("general", f"assistant_general{HELD_OUT_ROUND}.yaml", "general", HELD_OUT_ROUND,
            True),
)
# The sets by name (``set_file`` points one at another file).
SETS: dict[str, ChatSet] = {s.name: s for s in REGISTRY}
ALL_SETS = tuple(SETS)


def _chat_errors() -> frozenset[str | None]:
    """The chat's own failures (it did not understand, asked back, lacked context, had nothing
    pending...), as opposed to the core refusing an action it understood (``action-refused``
    with the core's code: a lot not on hold, an alert not open...) or a code that names nothing
    (``not-found``): every ``ChatError`` class's code but those, no reply at all (None), and the
    intent data failing to load."""
    codes: set[str | None] = {None, IntentDataError.code}
    pending: list[type[ChatError]] = [ChatError]
    while pending:
        cls = pending.pop()
        codes.add(cls.code)
        pending += cls.__subclasses__()
    return frozenset(codes - {EntityNotFoundError.code, ActionError.code,
                              ActionRefusedError.code})


CHAT_ERRORS = _chat_errors()
ACTIONS = frozenset({"hold_lot", "release_lot", "recall_lot", "reserve_for_order",
                     "start_cycle_count", "acknowledge_alert", "draft_purchase_order"})


def _load_first_runs() -> dict[str, dict[str, Any] | None]:
    records = json.loads(FIRST_RUNS_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in records.items() if k != "about"}


# The first measurement on each held-out set, by hand and once (see the file's "about").
FIRST_RUNS = _load_first_runs()


def _tag(round_: int) -> str:
    """How a round is spelt in names: '' for the first (blind_dev), its number after."""
    return "" if round_ == 1 else str(round_)


def _rounds(held_out: bool) -> list[int]:
    """The issue-18 rounds in registry order, retired ones or the held-out one."""
    return sorted({s.round for s in REGISTRY if s.round is not None and s.held_out == held_out})


def _pair(round_: int) -> tuple[str | None, str | None]:
    """The names of a round's blind and general sets."""
    blind = [s.name for s in REGISTRY if s.round == round_ and s.kind == "blind"]
    general = [s.name for s in REGISTRY if s.round == round_ and s.kind == "general"]
    return (blind[0] if blind else None), (general[0] if general else None)


def first_run(round_: int) -> dict[str, Any] | None:
    """A round's first-run record, None until it has been measured and recorded."""
    return FIRST_RUNS.get(f"blind{round_}")


@dataclass(frozen=True)
class Fixture:
    """What a set was written against: the alerts raised on the demo before it, and whether
    its items replay in file order on one database or each conversation from a fresh copy."""

    replay: str
    alerts: tuple[dict[str, Any], ...]
    declared: bool  # False: the set has no fixture item, this is DEFAULT_FIXTURE

    def as_dict(self) -> dict[str, Any]:
        return {"replay": self.replay, "alerts": [dict(a) for a in self.alerts],
                "declared": self.declared}


REPLAYS = ("fresh", "sequential")
ALERT_KEYS = ("minutes_ago", "zone", "camera", "rule", "severity", "message")
# The convention of the first sets (which acknowledge alerts 1-3, the latest in the vault zone):
# what a set without a fixture item is measured against.
DEFAULT_FIXTURE = Fixture("fresh", tuple(
    {"minutes_ago": minutes, "zone": zone, "camera": "vault-door", "rule": "two-person",
     "severity": "high", "message": message}
    for minutes, zone, message in ((180, "PICK", "Person in the pick aisle after hours"),
                                   (120, "VLT", "One person alone in the vault"),
                                   (45, "VLT", "One person alone in the vault"))), False)


def _fixture(spec: Any, where: str) -> Fixture:
    if not isinstance(spec, dict) or set(spec) - {"replay", "alerts"}:
        raise ValueError(f"{where}: a fixture is {{replay: fresh|sequential, alerts: [...]}}")
    replay = spec.get("replay", "fresh")
    if replay not in REPLAYS:
        raise ValueError(f"{where}: fixture replay must be one of {', '.join(REPLAYS)}, "
                         f"not {replay!r}")
    alerts = spec.get("alerts") or []
    if not isinstance(alerts, list):
        raise ValueError(f"{where}: fixture alerts must be a list")
    for n, alert in enumerate(alerts, 1):
        if not isinstance(alert, dict) or set(alert) != set(ALERT_KEYS):
            raise ValueError(f"{where}: fixture alert {n} must have exactly "
                             f"{', '.join(ALERT_KEYS)}")
        if not isinstance(alert["minutes_ago"], int) or alert["minutes_ago"] < 0:
            raise ValueError(f"{where}: fixture alert {n}: minutes_ago must be a whole number "
                             f">= 0")
    return Fixture(replay, tuple(dict(a) for a in alerts), True)


def split_fixture(items: list[Any], where: str = "set") -> tuple[Fixture, list[dict[str, Any]]]:
    """A set's fixture (its first item, if that is ``{fixture: ...}``; else the default) and
    its questions. A fixture item anywhere else is an error, never a question."""
    fixture = DEFAULT_FIXTURE
    if items and isinstance(items[0], dict) and "fixture" in items[0]:
        if set(items[0]) != {"fixture"}:
            raise ValueError(f"{where}: the fixture item holds nothing but 'fixture'")
        fixture = _fixture(items[0]["fixture"], where)
        items = items[1:]
    for n, item in enumerate(items, 2 if fixture.declared else 1):
        if not isinstance(item, dict):
            raise ValueError(f"{where}: item {n} is not a mapping")
        if "fixture" in item:
            raise ValueError(f"{where}: item {n} is a fixture; a set's fixture is its first item")
    return fixture, [dict(item) for item in items]


def read_set(path: Path) -> tuple[Fixture, list[dict[str, Any]]] | None:
    """A set file's fixture and items (a plain list, or a mapping with ``items`` as the dev
    and test sets are), or None when the file does not exist (yet)."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = data["items"] if isinstance(data, dict) else data
    return split_fixture(list(items), str(path))


def load_set(name: str) -> list[dict[str, Any]]:
    """The questions of one set of the registry (its fixture item left out); a missing file is
    an error (``load_new_set`` says None)."""
    loaded = read_set(SETS[name].path)
    if loaded is None:
        raise FileNotFoundError(SETS[name].path)
    return loaded[1]


def load_new_set(name: str) -> list[dict[str, Any]] | None:
    """The questions of an issue-18 set, or None when its file does not exist (yet)."""
    loaded = read_set(SETS[name].path)
    return None if loaded is None else loaded[1]


def set_file(name: str, path: str | Path) -> None:
    """Point a set (``blind`` or ``general``, say) at another file: a name in bench/data or a
    path."""
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = HERE / "data" / candidate
    SETS[name] = replace(SETS[name], file=str(candidate.resolve()))


def _demo(folder: Path) -> Database:
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    db = Database(url)
    load_demo(db, scale="small", now=DEMO_NOW)
    return db


def _manager(db: Database) -> Actor:
    from core.people.models import User

    with db.read() as session:
        user = session.scalars(select(User).where(User.username == "manager")).one()
        return Actor(user.id, user.username, user.role)


def _run(assistant: Assistant, actor: Actor, items: list[dict[str, Any]]) -> dict[str, Any]:
    rows, latencies, cpu = [], [], []
    for item in items:
        started, cpu_started = time.perf_counter(), time.process_time()
        reply = assistant.ask(item["text"], actor=actor)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        match = reply.run.match
        got = match.intent if match else None
        rows.append({"text": item["text"], "expected": item["intent"], "got": got,
                     "matcher": match.matcher if match else None,
                     "score": round(match.score, 3) if match else None,
                     "language": item.get("language", "en"), "ok": got == item["intent"]})
    return {"rows": rows, "latencies": latencies, "cpu": cpu}


def _accuracy(rows: list[dict[str, Any]]) -> float:
    return round(sum(r["ok"] for r in rows) / len(rows), 4) if rows else 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _per_intent(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per expected intent: items and misses ('null' is the out-of-scope group)."""
    items = Counter(str(r["expected"]) if r["expected"] else "null" for r in rows)
    misses = Counter(str(r["expected"]) if r["expected"] else "null" for r in rows if not r["ok"])
    return {k: {"items": items[k], "errors": misses[k]} for k in sorted(items)}


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    rows, lat = result["rows"], result["latencies"]
    return {
        "items": len(rows),
        "intent_accuracy": _accuracy(rows),
        "intent_accuracy_en": _accuracy([r for r in rows if r["language"] == "en"]),
        "intent_accuracy_zh": _accuracy([r for r in rows if r["language"] == "zh"]),
        "items_zh": sum(r["language"] == "zh" for r in rows),
        "matched_by": {m: sum(r["matcher"] == m for r in rows)
                       for m in ("template", "embedding", "ngram")},
        "latency_ms_p50": round(statistics.median(lat), 2),
        "latency_ms_p95": _percentile(lat, 0.95),
        "cpu_ms_p50": round(statistics.median(result["cpu"]), 2),
        "per_intent": _per_intent(rows),
        "errors": [r for r in rows if not r["ok"]],
    }


def _chinese_similarity_only(assistant: Assistant, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Chinese without templates: the sentence model's similarity alone with the English
    examples, and with Chinese ones too, against the character n-gram tier (with its classifier
    head) that Facet uses for Chinese."""
    zh = [i for i in items if i.get("language") == "zh" and i["intent"]]
    both = {k: list(v) + list(load_intents("zh").examples.get(k, ()))
            for k, v in load_intents("en").examples.items()}
    english: dict[str, list[str]] = {}  # the chat's English examples, similarity alone
    for label, sentence in zip(assistant.embeddings.labels, assistant.embeddings.sentences,
                               strict=True):
        english.setdefault(label, []).append(sentence)
    out = {}
    for name, matcher, prepare in (
        ("minilm_english_examples", EmbeddingMatcher(english, assistant.encoder),
         normalise_text),
        ("minilm_with_chinese_examples", EmbeddingMatcher(both, assistant.encoder),
         normalise_text),
        ("character_ngrams", assistant.lexical,
         lambda t: assistant._prepare(t, "zh", example_code_kind)),
    ):
        hits, scores = 0, []
        for item in zh:
            intent, score = matcher.rank(prepare(item["text"])).best
            hits += intent == item["intent"]
            scores.append(score)
        off = matcher.rank(prepare("今天天气怎么样")).best
        out[name] = {"questions": len(zh), "accuracy": round(hits / len(zh), 4),
                     "median_score": round(statistics.median(scores), 3),
                     "off_topic_best": [off[0], off[1]]}
    return out


def measure(names: tuple[str, ...] = ALL_SETS, limit: int | None = None,
            ignore_fixtures: bool = False) -> dict[str, Any]:
    """Run the question sets on a fresh demo database; the figures per set (``limit``: only the
    first items of each set, a smoke run; ``ignore_fixtures``: every issue-18 set under
    ``DEFAULT_FIXTURE``, as before sets could declare theirs)."""
    sets: dict[str, list[dict[str, Any]]] = {}
    for name in (n for n in names if SETS[n].kind == "intent"):
        loaded = read_set(SETS[name].path)
        if loaded is None:
            raise FileNotFoundError(SETS[name].path)
        if loaded[0].declared:
            raise ValueError(f"{SETS[name].path}: fixtures are for issue-18 sets only")
        sets[name] = loaded[1][:limit]
    new = tuple(name for name in names if SETS[name].kind != "intent")
    with tempfile.TemporaryDirectory() as folder:
        db = _demo(Path(folder))
        assistant = Assistant(db, AssistantSettings(), clock=lambda: DEMO_NOW)
        started = time.perf_counter()
        assistant.warm_up()
        warm = time.perf_counter() - started
        actor = _manager(db)
        first = next(iter(sets.values())) if sets else load_set("dev")
        _run(assistant, actor, first[:10])  # first-use costs (statement caches) are not latency
        out: dict[str, Any] = {"warm_up_s": round(warm, 2),
                               "similarity_threshold": assistant.settings.similarity_threshold}
        if not sets:
            out.update(measure_new(assistant, db, Path(folder), new, limit, ignore_fixtures))
            db.dispose()
            return out
        runs: list[dict[str, Any]] = []
        for name, items in sets.items():
            result = _run(assistant, actor, items)
            out[name] = _figures(result)
            runs.append(result)
        single = [ms for result in runs for ms in result["latencies"]]
        for _ in range(LATENCY_RUNS - 1):
            for result, items in zip(runs, sets.values(), strict=True):
                again = _run(assistant, actor, items)
                result["latencies"] = list(map(min, result["latencies"], again["latencies"]))
                result["cpu"] = list(map(min, result["cpu"], again["cpu"]))
        latencies = [ms for result in runs for ms in result["latencies"]]
        cpu = [ms for result in runs for ms in result["cpu"]]
        out["latency"] = {"questions": len(latencies), "runs_per_question": LATENCY_RUNS,
                          "p50_ms": round(statistics.median(latencies), 2),
                          "p95_ms": _percentile(latencies, 0.95),
                          "cpu_p50_ms": round(statistics.median(cpu), 2),
                          "single_run_p50_ms": round(statistics.median(single), 2),
                          "single_run_p95_ms": _percentile(single, 0.95)}
        out["chinese_similarity_tier_only"] = _chinese_similarity_only(
            assistant, [i for items in sets.values() for i in items])
        if new:  # after the dev and test sets: their figures are as they were before issue 18
            out.update(measure_new(assistant, db, Path(folder), new, limit, ignore_fixtures))
        db.dispose()
    return out


# ---------------------------------------------------------------- issue 18: held-out sets
# What a post changes: one count (or fingerprint) per table an action writes.
_STATE_SQL = (
    "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM documents),"
    " (SELECT count(*) FROM stock_moves), (SELECT count(*) FROM reservations),"
    " (SELECT coalesce(sum(open_quantity), 0) FROM reservations),"
    " (SELECT count(*) FROM purchase_orders), (SELECT count(*) FROM purchase_order_lines),"
    " (SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL),"
    " (SELECT group_concat(code || ':' || status, ',') FROM lots)"
)


def _lang(words: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in words) else "en"


def _actor(db: Database, username: str) -> Actor:
    from core.people.models import User

    with db.read() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user.id, user.username, user.role)


def _state(db: Database) -> tuple[Any, ...]:
    with db.read() as session:
        return tuple(session.execute(text(_STATE_SQL)).one())


def _copy(db: Database, source_path: Path, target_path: Path) -> None:
    """Copy one SQLite file over another with SQLite's backup API, the database's pooled
    connections closed first (a snapshot of the demo, or the demo put back from it)."""
    db.dispose()
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _ask(assistant: Assistant, actor: Actor, text_: str,
         conversation: str | None = None) -> tuple[dict[str, Any], float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    reply = assistant.ask(text_, actor=actor, conversation_id=conversation)
    ms = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    out = reply.as_dict()
    out.pop("events", None)
    out.pop("data", None)
    return out, ms, cpu


def _slots_ok(expected: dict[str, Any] | None, got: dict[str, Any]) -> bool:
    return all(str(got.get(k)) == str(v) for k, v in (expected or {}).items())


def _kind(item: dict[str, Any]) -> str:
    if "turns" in item:
        return "conversation"
    if "clarify" in item:
        return "clarify"
    if item.get("error") == "forbidden":
        return "forbidden"
    return "question"


def _single(assistant: Assistant, db: Database, actor: Actor,
            item: dict[str, Any]) -> dict[str, Any]:
    """One question (or close call) asked by the manager; posts counted around it."""
    before = _state(db)
    reply, ms, cpu = _ask(assistant, actor, item["text"])
    posted = _state(db) != before
    row: dict[str, Any] = {
        "text": item["text"], "language": _lang(item["text"]), "kind": _kind(item),
        "got": reply["intent"], "slots": reply["slots"], "error": reply["error"],
        "matcher": reply["matcher"],
        "report": (reply["report"] or {}).get("name") if reply["report"] else None,
        "confirm": reply["confirm"] is not None, "posted": posted,
        "choices": [c.get("intent") for c in reply["choices"]], "ms": ms, "cpu": cpu,
    }
    if row["kind"] == "clarify":
        row["expected"] = list(item["clarify"])
        row["ok"] = (reply["error"] == "ambiguous"
                     and set(item["clarify"]) <= set(row["choices"]) and not posted)
    else:
        row["expected"], row["expected_slots"] = item["intent"], item.get("slots") or {}
        row["ok"] = (reply["intent"] == item["intent"] and _slots_ok(item.get("slots"),
                                                                      reply["slots"])
                     and not posted)
        if item["intent"] in ACTIONS:
            row["asked_first"] = row["confirm"] and reply["error"] is None and not posted
    return row


def _conversation(assistant: Assistant, db: Database, actors: dict[str, Actor],
                  item: dict[str, Any]) -> dict[str, Any]:
    """A conversation on the database as it stands (a fresh copy, or what the items before left
    when the set replays sequentially): posts = turns after which the database changed."""
    kind = _kind(item)
    actor = actors[item.get("user", "manager")]
    turns = list(item["turns"]) if kind == "conversation" else [item["text"], "yes"]
    conversation = uuid.uuid4().hex
    replies, changed = [], []
    for turn in turns:
        before = _state(db)
        reply, _, _ = _ask(assistant, actor, turn, conversation)
        changed.append(_state(db) != before)
        replies.append(reply)
    posts = sum(changed)
    row: dict[str, Any] = {
        "turns": turns, "language": _lang(turns[0]), "kind": kind, "posts": posts,
        "replies": [{"intent": r["intent"], "slots": r["slots"], "error": r["error"],
                     "confirm": r["confirm"] is not None} for r in replies],
    }
    if kind == "forbidden":
        row["expected"] = "forbidden"
        row["got"] = replies[0]["error"]
        row["ok"] = replies[0]["error"] == "forbidden" and posts == 0
        return row
    if item["intent"] == "follow_up":  # a refinement: the first question again, slots merged
        first, last = replies[0], replies[-1]
        row["expected"], row["expected_posts"], row["got"] = "follow_up", 0, last["intent"]
        row["follow_up"], row["asked_first"] = True, True  # nothing to ask: no action
        row["intent_ok"] = (first["error"] is None and last["error"] is None
                            and last["intent"] == first["intent"]
                            and _slots_ok(item.get("slots"), last["slots"]))
        row["ok"] = row["intent_ok"] and posts == 0
        return row
    asks = [i for i, r in enumerate(replies) if r["confirm"] is not None]
    last = replies[asks[-1]] if asks else replies[0]
    row["expected"], row["expected_posts"] = item["intent"], item["posts"]
    row["got"] = last["intent"]
    row["asked_first"] = bool(asks) and asks[0] == 0 and not any(changed[i] for i in asks)
    # Where the writer expects no post because the core would refuse (a lot not on hold, an
    # order past allocation...), refusing at once with the core's reason, nothing asked and
    # nothing posted, is as right as asking first and being refused at the "yes".
    row["refused_up_front"] = (not asks and item["posts"] == 0
                               and replies[0]["error"] not in CHAT_ERRORS)
    row["intent_ok"] = last["intent"] == item["intent"] and _slots_ok(item.get("slots"),
                                                                     last["slots"])
    row["ok"] = ((row["asked_first"] or row["refused_up_front"]) and row["intent_ok"]
                 and posts == item["posts"])
    return row


def _rate(rows: list[dict[str, Any]], key: str = "ok") -> float | None:
    return round(sum(bool(r.get(key)) for r in rows) / len(rows), 4) if rows else None


def _slot_causes(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per slot name and language (``purity/zh``): how often the slot was missing (expected,
    not given), wrong (given another value) or extra (given, not expected; not scored, since the
    sets name only what the question says), on questions whose intent was right."""
    causes: dict[str, Counter[str]] = {}
    for r in rows:
        if r["kind"] != "question" or r["got"] != r["expected"]:
            continue
        expected, got = r.get("expected_slots") or {}, r.get("slots") or {}
        for name in sorted(set(expected) | set(got)):
            if name not in got:
                cause = "missing"
            elif name not in expected:
                cause = "extra"
            elif str(got[name]) != str(expected[name]):
                cause = "wrong"
            else:
                continue
            causes.setdefault(f"{name}/{r['language']}", Counter())[cause] += 1
    return {k: dict(v) for k, v in sorted(causes.items(),
                                           key=lambda kv: -sum(kv[1].values()))}


def _outcome(row: dict[str, Any]) -> str:
    """What a close call got: the choices asked back, else the error or the intent answered."""
    if row["error"] == "ambiguous":
        return "asked " + "/".join(sorted(map(str, row["choices"])))
    return str(row["error"] or row["got"])


def _causes(rows: list[dict[str, Any]], talks: list[dict[str, Any]]) -> dict[str, Any]:
    """The misses of a blind set by cause: slots, intent confusions, close calls, per kind."""
    questions = [r for r in rows if r["kind"] == "question"]
    confusions = Counter(f"{r['expected']} -> {r['error'] or r['got']}" for r in questions
                         if r["got"] != r["expected"])
    slot_only = [r for r in questions if r["got"] == r["expected"] and not r["ok"]]
    close = [r for r in rows if r["kind"] == "clarify"]
    kinds: dict[str, dict[str, int]] = {}
    for r in rows + talks:
        kind = "follow_up" if r.get("follow_up") else r["kind"]
        entry = kinds.setdefault(f"{kind}/{r['language']}", {"items": 0, "right": 0})
        entry["items"] += 1
        entry["right"] += bool(r["ok"])
    return {
        "intent_misses": sum(r["got"] != r["expected"] for r in questions),
        "slot_misses": len(slot_only),
        "posted_misses": sum(bool(r["posted"]) for r in questions),
        "slots": _slot_causes(questions),
        "confusions": dict(confusions.most_common(25)),
        "close_calls": dict(Counter(f"{'/'.join(sorted(r['expected']))} -> {_outcome(r)}"
                                    for r in close if not r["ok"]).most_common(20)),
        "per_kind": dict(sorted(kinds.items())),
    }


def _blind_figures(rows: list[dict[str, Any]], talks: list[dict[str, Any]]) -> dict[str, Any]:
    questions = [r for r in rows if r["kind"] == "question"]
    close = [r for r in rows if r["kind"] == "clarify"]
    convs = [r for r in talks if r["kind"] == "conversation" and not r.get("follow_up")]
    follow_ups = [r for r in talks if r.get("follow_up")]
    forbidden = [r for r in talks if r["kind"] == "forbidden"]
    asked = [r for r in questions if r["expected"] in ACTIONS]
    per_intent: dict[str, dict[str, Any]] = {}
    for r in questions:
        # An item the chat must not understand (intent null) is counted under "none".
        entry = per_intent.setdefault(r["expected"] or "none", {"items": 0, "right": 0})
        entry["items"] += 1
        entry["right"] += bool(r["ok"])
    for entry in per_intent.values():
        entry["rate"] = round(entry["right"] / entry["items"], 4)
    everything = rows + talks
    return {
        "items": len(everything),
        "items_zh": sum(r["language"] == "zh" for r in everything),
        "intent_slots": {
            "questions": len(questions), "rate": _rate(questions),
            "rate_en": _rate([r for r in questions if r["language"] == "en"]),
            "rate_zh": _rate([r for r in questions if r["language"] == "zh"]),
            "intent_only_rate": round(sum(r["got"] == r["expected"] for r in questions)
                                      / len(questions), 4) if questions else None,
            "target": TARGET_BLIND,
            "per_intent": dict(sorted(per_intent.items())),
        },
        "close_calls": {
            "items": len(close), "asked_back_rate": _rate(close),
            "asked_back_any_choices": sum(r["error"] == "ambiguous" for r in close),
            "guessed": dict(Counter(str(r["got"]) for r in close
                                    if r["error"] != "ambiguous").most_common()),
            # Clear questions (one right intent) that were asked back all the same.
            "clear_asked_back": sum(r["error"] == "ambiguous" for r in questions),
            "clear_asked_back_rate": round(sum(r["error"] == "ambiguous" for r in questions)
                                           / len(questions), 4) if questions else None,
        },
        "follow_ups": {"conversations": len(follow_ups), "right_rate": _rate(follow_ups)},
        "actions": {
            "single_asks": len(asked), "single_asked_first_rate": _rate(asked, "asked_first"),
            "single_posted": sum(r["posted"] for r in rows),
            "conversations": len(convs), "conversations_right_rate": _rate(convs),
            "conversations_asked_first_rate": _rate(convs, "asked_first"),
            "conversations_refused_up_front": sum(bool(r.get("refused_up_front"))
                                                  for r in convs),
            "yes_posted_as_expected": _rate([{"ok": r["posts"] == r["expected_posts"]}
                                             for r in convs if r["expected_posts"] >= 1]),
            "no_or_silence_posted_nothing": _rate([{"ok": r["posts"] == 0}
                                                   for r in convs if r["expected_posts"] == 0]),
            "single_not_asked_because": dict(Counter(str(r["error"]) for r in asked
                                                     if not r.get("asked_first")).most_common()),
            "forbidden": len(forbidden), "forbidden_refused_rate": _rate(forbidden),
        },
        "causes": _causes(rows, talks),
        "misses": [r for r in everything if not r["ok"]],
    }


def _general_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def refused(rs: list[dict[str, Any]]) -> float | None:
        return round(sum(r["error"] == "out-of-scope" for r in rs) / len(rs), 4) if rs else None

    topics = sorted({r["topic"] for r in rows})
    return {
        "items": len(rows), "items_zh": sum(r["language"] == "zh" for r in rows),
        "refusal_rate": refused(rows),
        "refusal_rate_en": refused([r for r in rows if r["language"] == "en"]),
        "refusal_rate_zh": refused([r for r in rows if r["language"] == "zh"]),
        "target": TARGET_REFUSAL,
        "not_understood": sum(r["error"] == "not-understood" for r in rows),
        "posted": sum(r["posted"] for r in rows),
        "answered_as": dict(Counter(str(r["got"]) for r in rows
                                    if r["error"] not in ("out-of-scope", "not-understood"))
                            .most_common()),
        "per_topic": {t: refused([r for r in rows if r["topic"] == t]) for t in topics},
        "misses": [{"text": r["text"], "got": r["got"], "error": r["error"]}
                   for r in rows if r["error"] != "out-of-scope"],
    }


def apply_fixture(db: Database, fixture: Fixture, base: Path, live: Path, pristine: Path) -> None:
    """Put the demo as loaded (the SQLite file ``base``) back over the live one, raise the
    fixture's alerts in order (alert 1 first) as the cameras would, and keep that state as
    ``pristine``: what a fresh replay starts each conversation from."""
    from core.alerts import raise_alert

    _copy(db, base, live)
    if fixture.alerts:
        with db.write() as session:
            for alert in fixture.alerts:
                raise_alert(session, camera=alert["camera"], zone=alert["zone"],
                            rule=alert["rule"], severity=alert["severity"],
                            message=alert["message"],
                            raised_at=DEMO_NOW - timedelta(minutes=alert["minutes_ago"]))
    _copy(db, live, pristine)


def replay_blind(assistant: Assistant, db: Database, actors: dict[str, Actor],
                 items: list[dict[str, Any]], fixture: Fixture, live: Path,
                 pristine: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A blind set's items on the database ``apply_fixture`` left: the rows of its questions and
    close calls, and of its conversations and forbidden asks. ``fresh``: the questions first,
    then each conversation from a copy of ``pristine``; ``sequential``: every item in file
    order on the one database, a conversation seeing what the ones before it posted."""
    manager = actors["manager"]
    rows: list[dict[str, Any]] = []
    talks: list[dict[str, Any]] = []
    if fixture.replay == "sequential":
        for item in items:
            if _kind(item) in ("question", "clarify"):
                rows.append(_single(assistant, db, manager, item))
            else:
                talks.append(_conversation(assistant, db, actors, item))
        return rows, talks
    rows = [_single(assistant, db, manager, i) for i in items
            if _kind(i) in ("question", "clarify")]
    for item in (i for i in items if _kind(i) in ("conversation", "forbidden")):
        _copy(db, pristine, live)
        talks.append(_conversation(assistant, db, actors, item))
    return rows, talks


def measure_new(assistant: Assistant, db: Database, folder: Path, names: tuple[str, ...],
                limit: int | None = None, ignore_fixtures: bool = False) -> dict[str, Any]:
    """Run the issue-18 sets, each from the demo as loaded under its fixture (the default one
    for a set that declares none, or for every set with ``ignore_fixtures``)."""
    live, base, pristine = folder / "bench.db", folder / "base.db", folder / "pristine.db"
    _copy(db, live, base)
    actors = {u: _actor(db, u) for u in ("manager", "auditor", "picker")}
    manager = actors["manager"]
    out: dict[str, Any] = {}
    loaded: dict[str, tuple[Fixture, list[dict[str, Any]]]] = {}
    timed: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (row, item) of single questions
    for name in names:
        found = read_set(SETS[name].path)
        if found is None:
            print(f"\n{name}: {SETS[name].path} does not exist (not written yet?): not measured",
                  file=sys.stderr)
            out[name] = {"missing": str(SETS[name].path)}
            continue
        fixture, items = found
        loaded[name] = (DEFAULT_FIXTURE if ignore_fixtures else fixture, items[:limit])
    for name in (s.name for s in REGISTRY if s.kind == "blind" and s.name in loaded):
        fixture, items = loaded[name]
        apply_fixture(db, fixture, base, live, pristine)
        rows, talks = replay_blind(assistant, db, actors, items, fixture, live, pristine)
        timed += list(zip(rows, [i for i in items if _kind(i) in ("question", "clarify")],
                          strict=True))
        out[name] = {**_blind_figures(rows, talks), "fixture": fixture.as_dict()}
    for name in (s.name for s in REGISTRY if s.kind == "general" and s.name in loaded):
        fixture, items = loaded[name]
        apply_fixture(db, fixture, base, live, pristine)
        rows = []
        for item in items:
            row = _single(assistant, db, manager, {**item, "intent": None})
            row["topic"] = item.get("topic", "?")
            rows.append(row)
        timed += list(zip(rows, items, strict=True))
        out[name] = {**_general_figures(rows), "fixture": fixture.as_dict()}
    # Latency: each question's fastest of LATENCY_RUNS (as for dev/test), split by whether the
    # answer carries a report.
    best = [row["ms"] for row, _ in timed]
    cpu = [row["cpu"] for row, _ in timed]
    for _ in range(LATENCY_RUNS - 1):
        for n, (_, item) in enumerate(timed):
            _, ms, c = _ask(assistant, manager, item["text"])
            best[n], cpu[n] = min(best[n], ms), min(cpu[n], c)
    _copy(db, base, live)
    plain = [ms for (row, _), ms in zip(timed, best, strict=True) if not row["report"]]
    reports = [ms for (row, _), ms in zip(timed, best, strict=True) if row["report"]]
    out["latency_new"] = {
        "sets": list(loaded),
        "runs_per_question": LATENCY_RUNS,
        "questions": len(plain),
        "questions_p50_ms": round(statistics.median(plain), 2) if plain else None,
        "questions_p95_ms": _percentile(plain, 0.95) if plain else None,
        "questions_target_p50_ms": TARGET_P50_MS,
        "reports": len(reports),
        "reports_p50_ms": round(statistics.median(reports), 2) if reports else None,
        "reports_p95_ms": _percentile(reports, 0.95) if reports else None,
        "reports_target_p50_ms": TARGET_REPORT_P50_MS,
        "cpu_p50_ms": round(statistics.median(cpu), 2) if cpu else None,
        "single_run_questions_p50_ms": round(statistics.median(
            [row["ms"] for row, _ in timed if not row["report"]]), 2) if plain else None,
        "single_run_reports_p50_ms": round(statistics.median(
            [row["ms"] for row, _ in timed if row["report"]]), 2) if reports else None,
    }
    for row_list in (out.get(n, {}).get("misses", []) for n in names):
        for row in row_list:
            for key in ("ms", "cpu"):
                row.pop(key, None)
    return out


def headline_new(figures: dict[str, Any], blind_set: str | None = "blind",
                 general_set: str | None = "general", latency: bool = True) -> dict[str, Any]:
    """The figures the issue asks for, from one run on the held-out sets (or on a retired
    round's, ``blind_set="blind_dev"``...)."""
    blind = figures.get(blind_set, {}) if blind_set else {}
    general = figures.get(general_set, {}) if general_set else {}
    lat = figures.get("latency_new", {}) if latency else {}
    head: dict[str, Any] = {}
    if blind and "missing" not in blind:
        head.update({
            "blind_items": blind["items"], "blind_items_zh": blind["items_zh"],
            "intent_slots_rate": blind["intent_slots"]["rate"],
            "intent_slots_rate_en": blind["intent_slots"]["rate_en"],
            "intent_slots_rate_zh": blind["intent_slots"]["rate_zh"],
            "intent_only_rate": blind["intent_slots"]["intent_only_rate"],
            "close_calls_asked_back_rate": blind["close_calls"]["asked_back_rate"],
            "clear_questions_asked_back_rate": blind["close_calls"]["clear_asked_back_rate"],
            "action_asks_asked_first_rate": blind["actions"]["single_asked_first_rate"],
            "action_conversations_right_rate": blind["actions"]["conversations_right_rate"],
            "action_forbidden_refused_rate": blind["actions"]["forbidden_refused_rate"],
        })
    if general and "missing" not in general:
        head.update({"general_items": general["items"], "general_items_zh": general["items_zh"],
                     "general_refusal_rate": general["refusal_rate"],
                     "general_refusal_rate_en": general["refusal_rate_en"],
                     "general_refusal_rate_zh": general["refusal_rate_zh"],
                     "general_not_understood": general["not_understood"]})
    if lat:
        head.update({"questions_p50_ms": lat["questions_p50_ms"],
                     "reports_p50_ms": lat["reports_p50_ms"]})
    return head


def _fixture_note(entry: dict[str, Any]) -> str:
    fixture = entry.get("fixture") or {}
    if not fixture:
        return ""
    how = "declared" if fixture.get("declared") else "default"
    return (f"; fixture ({how}): {len(fixture.get('alerts', []))} alerts, replay "
            f"{fixture.get('replay')}")


def report_new(figures: dict[str, Any]) -> None:
    """Print the issue-18 sets' figures (a held-out set's misses are in the JSON, not printed:
    nobody tunes on them; a retired set's are printed by cause)."""
    for name in (n for n in ALL_SETS if "missing" in figures.get(n, {})):
        print(f"\n{name}: NOT MEASURED, {figures[name]['missing']} does not exist")
    for chat_set in (s for s in REGISTRY if s.kind == "blind"
                     and "intent_slots" in figures.get(s.name, {})):
        name, b = chat_set.name, figures[chat_set.name]
        i, c, a = b["intent_slots"], b["close_calls"], b["actions"]
        print(f"\n{name}: {b['items']} items ({b['items_zh']} Chinese){_fixture_note(b)}; "
              f"intent+slots {i['rate']} (en {i['rate_en']}, zh {i['rate_zh']}; intent only "
              f"{i['intent_only_rate']}) on {i['questions']} questions, target {i['target']}")
        print("  per intent: " + ", ".join(f"{k} {v['right']}/{v['items']}"
                                           for k, v in i["per_intent"].items()))
        print(f"  close calls asked back: {c['asked_back_rate']} of {c['items']} "
              f"(ambiguous at all: {c['asked_back_any_choices']}; guessed {c['guessed']}); "
              f"clear questions asked back needlessly: {c['clear_asked_back']} "
              f"({c['clear_asked_back_rate']})")
        print(f"  actions: single asks asked first {a['single_asked_first_rate']} of "
              f"{a['single_asks']}, posted on single questions {a['single_posted']}; "
              f"conversations right {a['conversations_right_rate']} of {a['conversations']} "
              f"(asked first {a['conversations_asked_first_rate']}, refused by the core "
              f"before asking {a.get('conversations_refused_up_front')}, posts as expected on yes "
              f"{a['yes_posted_as_expected']}, nothing on no/other "
              f"{a['no_or_silence_posted_nothing']}); not asked first because "
              f"{a['single_not_asked_because']}; forbidden refused "
              f"{a['forbidden_refused_rate']} of {a['forbidden']}")
        if (f := b.get("follow_ups")) and f["conversations"]:
            print(f"  follow-ups applied to the question before: {f['right_rate']} of "
                  f"{f['conversations']}")
        if not chat_set.held_out and (cause := b.get("causes")):
            # By cause, on the retired sets only (a held-out set's misses are for nobody to read).
            print(f"  misses by cause: intent {cause['intent_misses']}, slots only "
                  f"{cause['slot_misses']}, posted {cause['posted_misses']}")
            print("  slots (name/language: missing, wrong, extra-not-scored): " + ", ".join(
                f"{k} {v}" for k, v in cause["slots"].items()))
            print("  intent confusions (expected -> got): " + ", ".join(
                f"{k} x{v}" for k, v in cause["confusions"].items()))
            print("  close calls missed: " + ", ".join(
                f"{k} x{v}" for k, v in cause["close_calls"].items()))
            print("  per kind (right/items): " + ", ".join(
                f"{k} {v['right']}/{v['items']}" for k, v in cause["per_kind"].items()))
    for name in (s.name for s in REGISTRY if s.kind == "general"
                 and "refusal_rate" in figures.get(s.name, {})):
        g = figures[name]
        print(f"\n{name}: {g['items']} questions ({g['items_zh']} Chinese){_fixture_note(g)}; "
              f"refused {g['refusal_rate']} (en {g['refusal_rate_en']}, zh "
              f"{g['refusal_rate_zh']}), target {g['target']}; not understood "
              f"{g['not_understood']}; answered as {g['answered_as']}")
        print(f"  per topic: {g['per_topic']}")
    if figures.get("latency_new", {}).get("questions") or figures.get(
            "latency_new", {}).get("reports"):
        lat = figures["latency_new"]
        print(f"\nlatency (issue-18 sets, fastest of {lat['runs_per_question']}): questions p50 "
              f"{lat['questions_p50_ms']} ms ({lat['questions']}, target "
              f"{lat['questions_target_p50_ms']}), answers with a report p50 "
              f"{lat['reports_p50_ms']} ms ({lat['reports']}, target "
              f"{lat['reports_target_p50_ms']}); CPU p50 {lat['cpu_p50_ms']} ms")


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The headline figures (what bench/assistant.py prints for the chat): dev and test, the
    held-out round's, each retired round's (``dev_``, ``dev2_``... ``dev5_``) and the first-run
    records."""
    dev, test = figures.get("dev", {}), figures.get("test", {})
    latency = figures.get("latency", {})
    out: dict[str, Any] = {
        "dev_accuracy": dev.get("intent_accuracy"),
        "test_accuracy": test.get("intent_accuracy"),
        "test_accuracy_first_run": (FIRST_RUNS.get("test") or {}).get("accuracy"),
        "accuracy_target": TARGET_ACCURACY,
        "latency_ms_p50": latency.get("p50_ms"),
        "latency_ms_p95": latency.get("p95_ms"),
        "latency_target_p50_ms": TARGET_P50_MS,
        "cpu_ms_p50": latency.get("cpu_p50_ms"),
        "single_run_latency_ms_p50": latency.get("single_run_p50_ms"),
        **headline_new(figures, *_pair(HELD_OUT_ROUND)),
    }
    for round_ in _rounds(held_out=False):
        out.update({f"dev{_tag(round_)}_{k}": v for k, v in headline_new(
            figures, *_pair(round_), latency=False).items()})
    held = first_run(HELD_OUT_ROUND) or {}
    out["blind_first_run_intent_slots_rate"] = held.get("intent_slots_rate")
    out["general_first_run_refusal_rate"] = held.get("general_refusal_rate")
    for round_ in _rounds(held_out=False):
        record = first_run(round_) or {}
        out[f"retired_blind{_tag(round_)}_first_run_intent_slots_rate"] = record.get(
            "intent_slots_rate")
        out[f"retired_general{_tag(round_)}_first_run_refusal_rate"] = record.get(
            "general_refusal_rate")
    out.update({"blind_target": TARGET_BLIND, "refusal_target": TARGET_REFUSAL,
                "reports_target_p50_ms": TARGET_REPORT_P50_MS})
    return out


def report(figures: dict[str, Any]) -> None:
    """Print the figures: headline, then per set the breakdown and every miss."""
    for key, value in summary(figures).items():
        print(f"{key:28} {value}")
    print(f"{'first_run_test_measured':28} {(FIRST_RUNS.get('test') or {}).get('measured')}")
    print(f"{'warm_up_s':28} {figures.get('warm_up_s')}")
    for name in (s.name for s in REGISTRY if s.kind == "intent"):
        if "intent_accuracy" not in figures.get(name, {}):
            continue
        fig = figures[name]
        print(f"\n{name}: {fig['items']} questions ({fig['items_zh']} Chinese), accuracy "
              f"{fig['intent_accuracy']:.1%} (en {fig['intent_accuracy_en']:.1%}, zh "
              f"{fig['intent_accuracy_zh']:.1%}), matched by {fig['matched_by']}, single-run "
              f"latency p50 {fig['latency_ms_p50']} ms, p95 {fig['latency_ms_p95']} ms (CPU p50 "
              f"{fig['cpu_ms_p50']} ms)")
        print("  errors per intent: " + ", ".join(
            f"{k} {v['errors']}/{v['items']}" for k, v in fig["per_intent"].items()))
        for row in fig["errors"]:
            print(f"  miss: {row['text']!r}: expected {row['expected']}, got {row['got']}"
                  f" ({row['matcher']}, {row['score']})")
    if "chinese_similarity_tier_only" in figures:
        print(f"\nchinese similarity tier only: {figures['chinese_similarity_tier_only']}")
    report_new(figures)
    if held := first_run(HELD_OUT_ROUND):
        print(f"\nfirst run on the held-out sets ({held.get('measured')}): {held}")
    for round_ in reversed(_rounds(held_out=False)):
        if record := first_run(round_):
            tag = _tag(round_)
            print(f"\nfirst run on the retired blind{tag}/general{tag} sets, now dev "
                  f"({record.get('measured')}): {record}")


# Entries of the results that are not a set's: kept from the last run that measured them.
_RUN_KEYS = ("warm_up_s", "similarity_threshold", "latency", "chinese_similarity_tier_only",
             "latency_new")


def _merge_previous(figures: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """This run's figures, with the entries of the sets it did not measure (and the run-wide
    ones it did not produce) taken from the results file, where they were measured from the
    same file; in registry order."""
    previous: dict[str, Any] = {}
    if RESULTS.exists():
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
    merged: dict[str, Any] = {}
    for key in _RUN_KEYS[:2]:
        if key in figures or key in previous:
            merged[key] = figures.get(key, previous.get(key))
    for name in ALL_SETS:
        entry = figures.get(name)
        if name not in names:
            old = previous.get(name)
            entry = old if isinstance(old, dict) and old.get("file") == SETS[name].file else None
        if entry is not None:
            merged[name] = entry
        if name == "test":
            for key in _RUN_KEYS[2:4]:
                if key in figures or key in previous:
                    merged[key] = figures.get(key, previous.get(key))
    if "latency_new" in figures or "latency_new" in previous:
        merged["latency_new"] = figures.get("latency_new", previous.get("latency_new"))
    return merged


def results(figures: dict[str, Any]) -> dict[str, Any]:
    """What bench/results/assistant_chat.json holds: the summary, the first-run records and
    the figures per set."""
    held_out = headline_new(figures, *_pair(HELD_OUT_ROUND))
    blind_name = _pair(HELD_OUT_ROUND)[0] or ""
    first = first_run(HELD_OUT_ROUND) or ({
        **held_out, "measured": figures[blind_name].get("measured")}
        if "intent_slots_rate" in held_out else {})
    return {
        "summary": summary(figures), "first_run_test": FIRST_RUNS.get("test"),
        "retired_test_first_run": FIRST_RUNS.get("test_retired"), "first_run": first,
        **{f"retired_blind{_tag(r)}_first_run": first_run(r) for r in _rounds(held_out=False)},
        **figures,
    }


def run(names: tuple[str, ...] = ALL_SETS, limit: int | None = None,
        ignore_fixtures: bool = False) -> dict[str, Any]:
    """Measure, print and write ``bench/results/assistant_chat.json``; return the figures.

    The sets not measured keep their last entries in the results file (``_merge_previous``).
    ``first_run`` is the first measurement on the held-out sets (``blind49`` in
    bench/data/assistant_first_runs.json); until it is recorded there, the held-out sets' last
    headline stands in for it. A smoke run (``limit``) or one with ``ignore_fixtures`` prints
    only and writes nothing.
    """
    figures = measure(names, limit, ignore_fixtures)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    for name in names:
        if isinstance(figures.get(name), dict):
            figures[name] = {"file": SETS[name].file, "measured": stamp, **figures[name]}
    writes = limit is None and not ignore_fixtures
    result = results(_merge_previous(figures, names) if writes else figures)
    if writes:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    report(figures)  # this run's sets only; the file has the others' last figures too
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark on every set (a set's flag, ``--dev``, ``--blind5-dev``, ``--blind``...,
    for some; ``--limit N`` for a smoke run on each set's first N items; ``--ignore-fixtures``)
    and print the figures."""
    args = sys.argv[1:] if argv is None else argv
    flags = {s.flag: s.name for s in REGISTRY}
    if "--help" in args or "-h" in args:
        print(__doc__)
        print("options: " + " ".join(flags)
              + " --limit N --blind-file PATH --general-file PATH --ignore-fixtures")
        return
    valued = ("--limit", "--blind-file", "--general-file")
    known = {*flags, *valued, "--ignore-fixtures"}
    unknown = [a for n, a in enumerate(args)
               if a not in known and not (n and args[n - 1] in valued)]
    if unknown:
        raise SystemExit(f"unknown option(s): {' '.join(unknown)} (--help lists them)")
    for name in ("blind", "general"):
        if f"--{name}-file" in args:
            set_file(name, args[args.index(f"--{name}-file") + 1])
    names = tuple(name for flag, name in flags.items() if flag in args) or ALL_SETS
    limit = int(args[args.index("--limit") + 1]) if "--limit" in args else None
    run(names, limit, "--ignore-fixtures" in args)


if __name__ == "__main__":
    main()
