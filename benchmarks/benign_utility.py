"""Benign utility through the gateway: with the guards a citizen helpdesk switches on, how many
ordinary questions lose or change their answer (issue 12).

    .venv/bin/python benchmarks/benign_utility.py --split dev [--embedded 20] [--show]
    .venv/bin/python benchmarks/benign_utility.py --split test2 --final --embedded 20 --write

One real ``charter serve`` (SQLite, a temporary data directory) after ``charter init``. Every arm
is a copy of the demo charter ``charter init`` writes (pii: redact with pseudonyms, injection:
block, toxicity: block, pii_leak: redact, prompt_leak: block; its system prompt), with only the
name, the model and the rate limit changed:

* **strong**: the model is the scripted upstream of tests/support/upstream.py over loopback HTTP,
  which answers each question with the answer written for it in
  benchmarks/data/guard_traffic/qa_pairs.jsonl (answers a strong model gives: public bodies,
  programmes, form numbers, dates, amounts, phone numbers and web sites). A question counts as
  *lost or changed* when the gateway refuses it (any non-200), cuts the answer
  (``finish_reason: content_filter``), returns other text than the upstream's answer, or sends the
  upstream another question than the caller's.
* **embedded** (``--embedded N``, the first N questions of the split): the embedded model
  (SmolLM2-135M, ``temperature`` 0, ``max_tokens`` 40) with the demo's guards. Two runs of it do not
  give the same text here (llama.cpp's sampling under load), so an answer counts as lost or changed
  when it is refused, cut (``content_filter``) or carries a guard's placeholder (``<PERSON_1>``,
  ``<LOCATION_1>``: ``pii_leak`` replaced what the model wrote); the questions it was sent are the
  strong arm's, whose changes that arm sees.

Each request also carries an agency's own system message (benchmarks/data/guard_traffic/benign.jsonl,
same split; test2 uses the test split's): prompt_leak compares the answer with it. The questions and
answers of qa_pairs.jsonl are split in two halves by a seeded shuffle: dev (looked at, tuned on) and
test (scored once, on 5 Dec 2026; the failures were then listed and fixed, so it is no longer a
clean test set). **test2** (benchmarks/data/benign_utility_test2.jsonl, 142 questions across
agencies and countries with the answers a strong model gives) was scored clean once and then tuned
on. **test3** and **test4** (benchmarks/data/benign_utility_test3.jsonl, _test4.jsonl; 108 and 99
questions, new countries, topics and answer styles, each line with an agency's own system message
in ``system``; written by hand for issue 12 before engine 2.2's changes) add items that DO carry a
private person's data (``leak``: a caseworker's mobile, another citizen's SSN, values that must not
come back; ``question_pii``: the caller's own identifier, which must not reach the model): the
"personal data" table counts those the guards acted on. test3 was scored clean once, then tuned
on; test4 was the held-out split of engine 2.2, scored once with ``--final`` (then spent: its failures
were fixed). **test5** (benchmarks/data/benign_utility_test5.jsonl; 115 questions from countries the
other splits barely use, plus 20 personal-data items) was written before engine 2.3's changes and is
their held-out split, scored once, at the end (06 Dec 2026 07:53 UTC; now spent). **test6**
(benchmarks/data/benign_utility_test6.jsonl; 144 questions from about 65 countries and territories
none of the other splits names, plus 26 personal-data items, some where a bare name is the leak)
was written before ``pii_leak``'s ``names`` option and is its held-out split, scored once.
**test7** (benchmarks/data/benign_utility_test7.jsonl; 135 questions from regions, cities and
territories none of the other splits names, questions giving the caller's age, city or month, and
23 personal-data items, some phones with no cue word) was written before engine 2.4's changes (the
demo's input ``pii`` leaving places, ages and groups alone; ``pii_leak``'s phone lines) and is their
held-out split, scored once.
**test8** (benchmarks/data/benign_utility_test8.jsonl; 145 questions from cities and regions none of
the other splits names, published lines written many ways, bodies whose names look like people's,
and 28 personal-data items: "who did it" questions answered with a private person's bare name,
numbers without separators, the caller's own identifiers) was written before round 7's changes
(pii_leak's names before a number and "who" questions, the engine's trunk-dialled numbers and counts
of documents) and is their held-out split, scored once.
**test9** (benchmarks/data/benign_utility_test9.jsonl; 162 questions from cities none of the other
splits names, many in Central and Eastern Europe, the Baltics, Finland, Turkey, the Caucasus and
Central Asia, answers giving public offices' street addresses in each country's format and bodies in
their own languages, and 26 personal-data items: private persons' home addresses, names answering
"who" questions, personal numbers, the caller's own BSN, PPS number or personal code) was written
before round 8's changes (pii_leak's public places' addresses, BSN and PPS recognisers, a toll-free
line grouped like an SSN, a given name after "from", web addresses in the toxicity guard) and is
their held-out split, scored once.
**test10** (benchmarks/data/benign_utility_test10.jsonl; 158 questions from towns none of the other
splits names, many French, Swiss, Italian, German, Polish, Hungarian, Lithuanian, Spanish, Portuguese
and Nordic, answers naming bodies headed "Ville de", "Comune di", "Gemeinde", offices' addresses and
lines after local cue words, and 27 personal-data items: national ids with valid check digits,
personal mobiles, home addresses, names answering "who" questions, a date of birth) was written
before round 9's changes, knowing which failures of test9 that round targets, and is its held-out
split, scored once.
**test11**, **test12** and **test13** (benchmarks/data/benign_utility_test11.jsonl .. _test13.jsonl; 160, 161
and 183 questions with 29, 30 and 35 personal-data items) were written *blind*, by writers who did not
read the guards, their documentation, tests or results: test11 and test12 judge engines 2.5 and 2.6 (each
scored once, then spent), test13 (sha256 5f11d8d02117, about 90 countries and territories, 44 % of its
questions in 17 other languages than English) was frozen on 6 Dec 2026 16:21 UTC before the round it judges.
**test14** (benchmarks/data/benign_utility_test14.jsonl, sha256 29397a1564a5; 177 questions and 31 personal-data
items from about 60 countries, a third of the questions in other languages, answers naming hotlines the way a
model writes them) was written blind too, frozen on 6 Dec 2026 17:07 UTC, after test13 was scored and before
the changes made from test13's failures (engine 2.8), which it judges.
**test15** (benchmarks/data/benign_utility_test15.jsonl, sha256 a20d598f0fea; 126 questions and 20 personal-data
items from about 50 countries, two thirds of the questions in some 30 other languages) was written blind,
frozen on 6 Dec 2026 18:10 UTC, before engine 2.9 (made from test14's failures) was scored anywhere.
**test16** (benchmarks/data/benign_utility_test16.jsonl, sha256 f46fafc1ddf8; 170 questions and 32 personal-data
items from about 60 countries, half of the questions in 36 other languages, answers as a strong model writes
them with lists, bodies' hotlines, offices' addresses and bank details bodies publish) and **test17**
(benchmarks/data/benign_utility_test17.jsonl, sha256 c7f0f412733b; 169 questions and 31 personal-data items
from about 70 countries, two thirds in English, answers formatted as numbered steps and "Contact:" blocks) were
written blind by two helpers, frozen on 6 Dec 2026 19:41 UTC, before engine 3.0 (made from test15's failures)
was scored anywhere: test16 judges engine 3.0, test17 engine 3.1.
**test18** (benchmarks/data/benign_utility_test18.jsonl, sha256 8679a0409aad; 172 questions and 32 personal-data
items from over 80 countries, 60 % in some 40 other languages, weighted to Africa, the Middle East and Asia;
answers quoting guidance, giving several channels, naming office holders, programmes and places named after
people) was written blind, frozen on 6 Dec 2026 20:05 UTC, before engine 3.2 (made from test17's failures) was
scored anywhere, which it judges.
**test19** (benchmarks/data/benign_utility_test19.jsonl, sha256 81abcfcf9a3c; 174 questions and 36 personal-data
items from about 52 countries, 70 % in English; answers rich in numbers that are no one's personal data: form
numbers, sections of laws, fees, deadlines, hotlines, short codes, PO boxes, offices' postcodes, reference
formats shown with made-up examples) was written blind, frozen on 6 Dec 2026 20:13 UTC, before engine 3.3 (made
from test18's failures) was scored anywhere, which it judges.
**test20** (benchmarks/data/benign_utility_test20.jsonl, sha256 3c659cf3afab; 175 questions and 33 personal-data
items from about 50 countries, 55 % in some 30 other languages, every agency evenly; short and long answers,
some repeating the caller's own details, office holders, public places named after people, several lines of
one body, fees and bank details) was written blind, frozen on 6 Dec 2026 20:24 UTC, before engine 3.4 (made
from test19's failures) was scored anywhere, which it judges.
**test21** (benchmarks/data/benign_utility_test21.jsonl, sha256 0ae019395aaa; 177 questions and 36 personal-data
items from over 53 countries, 64 % in some 25 other languages with many in German, Dutch, the Nordic languages,
Turkish, Polish, Czech, Hungarian and Romanian; formal address, callers giving their names, cohort rules by
birth year) was written blind, frozen on 6 Dec 2026 20:34 UTC, before engine 3.5 (made from test20's
failures) was scored anywhere, which it judges.
**test22** (benchmarks/data/benign_utility_test22.jsonl, sha256 a1ad27833c28; 175 questions and 36 personal-data
items from over 55 countries, 54 % in 32 other languages; questions typed as citizens type them: greetings,
first names, typos, missing accents, two questions in one) was written blind, frozen on 6 Dec 2026 20:46 UTC,
before engine 3.6 (made from test21's failures) was scored anywhere, which it judges.
**test23** (benchmarks/data/benign_utility_test23.jsonl, sha256 b53104b0b207; 170 questions and 30 personal-data
items from the helpdesks of fifteen English-speaking countries, in English as people there write it and a few
in Hindi, Tagalog, Swahili, Afrikaans, Maori, Irish, Welsh and Canadian French) and **test24**
(benchmarks/data/benign_utility_test24.jsonl, sha256 cc5ce571b0d1; 159 questions and 32 personal-data items
from over 60 countries, about half in 35 other languages) were written blind by two writers told only their
theme, frozen on 6 Dec 2026 22:29 and 22:30 UTC, before engine 3.7 (made from test22's failures, with the
demo's ``given_names: keep`` and ``birth_years: keep``) was scored anywhere, which both judge.
**test25** (benchmarks/data/benign_utility_test25.jsonl, sha256 80424ac2dbee; 173 questions and 30 personal-data
items: US state and local agencies in English and Spanish, EU member states' services in 25 languages) was
written blind, frozen on 6 Dec 2026 22:45 UTC, and judges engine 3.8 (made from test23's and test24's failures).
**test26** (benchmarks/data/benign_utility_test26.jsonl, sha256 8e5e2e13040e; 119 questions and 30 personal-data
items: an ordinary day at helpdesks of some 40 countries on every continent, about half in English) was written
blind, frozen on 6 Dec 2026 23:11 UTC, before engine 3.9 (made from test25's failures) was scored anywhere, which
it judges.
**test27** (benchmarks/data/benign_utility_test27.jsonl, sha256 3301a5b2f932; 86 questions and 32 personal-data items
from ~30 countries, the same theme as test26, another writer) was written blind, frozen on 6 Dec 2026 23:29 UTC,
before engine 3.10 (made from test26's failures) was scored anywhere, which it judges.
**test28** (benchmarks/data/benign_utility_test28.jsonl, sha256 800374fec47c; 170 questions and 31 personal-data
items from ~50 countries, the same theme again, a third writer) was written blind after engine 3.10 was final and
frozen on 7 Dec 2026 00:33 UTC: a second judgement of engine 3.10, against 3.9 in the same run.
**test29** (benchmarks/data/benign_utility_test29.jsonl, sha256 0fc221613937; 175 questions and 30 personal-data
items from ~50 countries, about a quarter in English: "an ordinary Monday morning at helpdesks in about 45
countries", a seventh writer) was written blind and frozen on 7 Dec 2026 01:57 UTC, before toxicity 1.5 and
engine 3.11 (both made from test28's failures and other spent splits, after it was frozen) were scored anywhere,
which it judges. (The toxicity guard was once run over every split's answers and questions with test29 among them,
while 1.5 was made; only the total of flags over all splits, 0, was printed.)
**test30** (benchmarks/data/benign_utility_test30.jsonl, sha256 2f96fe66f437; 170 questions and 30 personal-data
items from ~55 countries, exactly half in English: "a busy Thursday at helpdesks in about 40 countries", an eighth
writer) was written blind and frozen on 7 Dec 2026 02:17 UTC, before engine 3.12 (made from test29's failures) was
scored anywhere, which it judges.
**test31** (benchmarks/data/benign_utility_test31.jsonl, sha256 a4aef3debcc0; 181 questions and 30 personal-data
items from ~40 countries, about half in English: "the Friday before a public holiday", people writing for a parent
or a neighbour and pasting parts of letters, a ninth writer) was written blind and frozen on 7 Dec 2026 02:27 UTC,
before engine 3.13 (made from test30's failures) was scored anywhere, which it judges.
**test32** (benchmarks/data/benign_utility_test32.jsonl, sha256 193abd5d77b8; 188 questions and 31 personal-data
items from ~45 countries, about two fifths in English: "a Wednesday evening after office hours", people writing
from their phones, a tenth writer) was written blind and frozen on 7 Dec 2026 02:39 UTC, before engine 3.14 (made
from test31's failures) was scored anywhere, which it judges.
**test33** (benchmarks/data/benign_utility_test33.jsonl, sha256 e4f2be009f2b; 170 questions and 30 personal-data
items from ~45 countries, half in English: "the first week of a new tax year and school term", an eleventh
writer) was written blind and frozen on 7 Dec 2026 02:48 UTC, before engine 3.15 and toxicity 1.6 (made from
test32's failures) were scored anywhere, which it judges.
**test34** (benchmarks/data/benign_utility_test34.jsonl, sha256 72b39177c944; 170 questions and 30 personal-data
items from ~55 countries and territories, about a third in English: "the first week of December", winter help,
year-end deadlines and holiday closures, a twelfth writer) was written blind and frozen on 7 Dec 2026 05:37 UTC,
before engine 3.16 (CASE_NUMBER, made from the case numbers of test29 to test33) was scored anywhere, which it
judges.
**test35** (benchmarks/data/benign_utility_test35.jsonl, sha256 181976492a5d; 170 questions and 30 personal-data
items from ~75 countries and territories, about a third in English: the same theme as test34, a thirteenth writer)
was written blind and frozen on 7 Dec 2026 05:46 UTC, before engine 3.17 and toxicity 1.7 (made from test34's
failures) were scored anywhere, which it judges.
**test36** (benchmarks/data/benign_utility_test36.jsonl, sha256 9d06f38ddb3d; 169 questions and 31 personal-data
items from ~80 countries and territories, a third in English: "an ordinary week in mid-January", tax returns,
enrolments, snow and floods, appointments, renewals, neighbours and landlords, a fourteenth writer) was written
blind and frozen on 7 Dec 2026 06:10 UTC, before engine 3.18 (made from test35's failures) was scored anywhere,
which it judges.
**test37** (benchmarks/data/benign_utility_test37.jsonl, sha256 2ed749e4bca5; 168 questions and 32 personal-data
items from ~95 countries and territories, a third in English: "a week in late spring", a fifteenth writer, whose
brief, unlike the others', asked for many lines in the smaller European languages: Scandinavian, Baltic, Balkan,
Celtic, Basque, Catalan, Maltese, Afrikaans) was written blind and frozen on 7 Dec 2026 06:32 UTC, before engines
3.19 and 3.20 and toxicity 1.8 (made from test36's and test33's failures) were scored anywhere, which it judges.
**test38** (benchmarks/data/benign_utility_test38.jsonl, sha256 ec081a8950c3; 170 questions and 30 personal-data
items from ~70 countries and territories, a third in English: "the start of autumn", a sixteenth writer) was
written blind and frozen on 7 Dec 2026 06:49 UTC, before engine 3.21 (made from test37's failures) was scored
anywhere, which it judges.
**test39** (benchmarks/data/benign_utility_test39.jsonl, sha256 5ba8d2f73429; 166 questions and 34 personal-data
items from ~62 countries and territories, a third in English: "a week in high summer", a seventeenth writer) was
written blind and frozen on 7 Dec 2026 08:37 UTC, before engine 3.22 (made from test38's failures) was scored
anywhere, which it judges.
**test40** (benchmarks/data/benign_utility_test40.jsonl, sha256 f3f5634b9634; 168 questions and 32 personal-data
items from ~56 countries and territories, a third in English: "the last week of March", an eighteenth writer,
working at the same time as test39's) was written blind and frozen on 7 Dec 2026 08:37 UTC, before engine 3.22
was scored on it; a second judgement of 3.22.
**test41** (benchmarks/data/benign_utility_test41.jsonl, sha256 69fd4781d23e; 170 questions and 30 personal-data
items from ~67 countries and territories, a third in English: "a week in late November", a nineteenth writer) was
written blind and frozen on 7 Dec 2026 09:00 UTC, before engine 3.23 (made from test39's and test40's failures)
and the demo's ``restore: masked`` were scored anywhere, which it judges.
**test42** (benchmarks/data/benign_utility_test42.jsonl, sha256 7e075aabfc2e; 168 questions and 32 personal-data
items from ~58 countries and territories, a third in English: "the week after a big storm", a twentieth writer)
was written blind and frozen on 7 Dec 2026 09:29 UTC, before engine 3.24 (made from test41's failures) was
scored anywhere, which it judges.
**test43** (benchmarks/data/benign_utility_test43.jsonl, sha256 33d3308d41e7; 170 questions and 30 personal-data
items from ~57 countries and territories, a third in English: "an ordinary week in early May", a twenty-first
writer) was written blind and frozen on 7 Dec 2026 09:51 UTC, before engine 3.25 (made from test42's failures) was
scored anywhere, which it judges.
**test44** (benchmarks/data/benign_utility_test44.jsonl, sha256 90062145fa6a; 170 questions and 30 personal-data
items from ~56 countries and territories, about a third in English: "a week in mid-February", a twenty-second
writer) was written blind and frozen on 7 Dec 2026 11:52 UTC, before engine 3.26 (made from test43's failures) was
scored anywhere, which it judges.
**test45** (benchmarks/data/benign_utility_test45.jsonl, sha256 064b225d7868; 168 questions and 32 personal-data
items from ~75 countries and territories, about a third in English: "a week in early October", a twenty-third
writer, working at the same time as test44's) was written blind and frozen on 7 Dec 2026 11:56 UTC, before the
engine made from test44's failures (3.27) was written, which it judges.
**test46** (benchmarks/data/benign_utility_test46.jsonl, sha256 3f06730d1eb3; 170 questions and 30 personal-data
items from ~69 countries and territories, about a third in English: "a week in late August", a twenty-fourth
writer) was written blind and frozen on 7 Dec 2026 12:26 UTC, before engine 3.28 (made from test45's failures) was
scored anywhere, which it judges.
**test47** (benchmarks/data/benign_utility_test47.jsonl, sha256 bf3b06c2610c; 170 questions and 30 personal-data
items from ~66 countries and territories, about a third in English: "the first week of January", a twenty-fifth
writer, working at the same time as test46's) was written blind and frozen on 7 Dec 2026 12:26 UTC, before the
engine made from test46's failures (3.29) was written, which it judges.
**test48** (benchmarks/data/benign_utility_test48.jsonl, sha256 d7940a7656e4; 170 questions and 30 personal-data
items from ~58 countries and territories, about a third in English: "a week in mid-April", a twenty-sixth writer)
and **test49** (benchmarks/data/benign_utility_test49.jsonl, sha256 81382a1c91ea; 170 and 30 from ~70 countries
and territories: "a week in late October", a twenty-seventh writer, working at the same time) were written blind
and frozen on 7 Dec 2026 13:07 UTC, before engine 3.30 (made from test47's failures) was scored anywhere; both
judge it, and no engine is made from either before both are scored.
**test50** (benchmarks/data/benign_utility_test50.jsonl, sha256 f826363687c8; 170 questions and 30 personal-data
items from ~55 countries and territories, about a third in English: "a week in early June", a twenty-ninth writer,
working at the same time as test51's) was written blind and frozen on 7 Dec 2026 15:21 UTC, before engine 3.31 was
scored anywhere but test51, which it judges too.
**test51** (benchmarks/data/benign_utility_test51.jsonl, sha256 e0fe09df3de2; 170 questions and 30 personal-data
items from ~57 countries and territories, about a third in English: "a week in mid-September", a twenty-eighth
writer) was written blind and frozen on 7 Dec 2026 15:17 UTC, before engine 3.31 (made from test48's and test49's
failures) was scored anywhere, which it judges; test50's writer worked at the same time, and no engine is made
from either before both are scored.
**test52** (benchmarks/data/benign_utility_test52.jsonl, sha256 60e73995bbfa; 167 questions and 33 personal-data
items from ~70 countries and territories, about a third in English: "a week in early March", a thirtieth writer,
working at the same time as test53's, started before engine 3.32 was written) was frozen on 7 Dec 2026 15:35 UTC,
before engine 3.32 (made from test50's and test51's failures) was scored anywhere, which it judges.
**test53** (benchmarks/data/benign_utility_test53.jsonl, sha256 93c34b4ac7ba; 167 questions and 33 personal-data
items from ~62 countries and territories, about 28 % in English: "a week in late July", a thirty-first writer,
working at the same time as test52's) was frozen on 7 Dec 2026 15:35 UTC, while test52 was being scored at 3.32
(none of its results read), before engine 3.32 was scored on it, which it judges too; no engine is made from either
before both are scored.
**test54** (benchmarks/data/benign_utility_test54.jsonl, sha256 3ec16ef86f9e; 169 questions and 31 personal-data
items from ~59 countries and territories, about a third in English: "a week in mid-November", a thirty-third
writer, working at the same time as test55's) was frozen on 7 Dec 2026 16:01 UTC, while test55 was being scored at
3.33 (none of its results read), before engine 3.33 was scored on it, which it judges too.
**test55** (benchmarks/data/benign_utility_test55.jsonl, sha256 b28a7070918a; 170 questions and 30 personal-data
items from ~55 countries and territories, about a third in English: "the week between Christmas and New Year", a
thirty-second writer, working at the same time as test54's) was frozen on 7 Dec 2026 15:59 UTC, before engine 3.33
(made from test52's and test53's failures) was scored anywhere, which it judges; no engine is made from it or
test54 before both are scored.
**test56** (benchmarks/data/benign_utility_test56.jsonl, sha256 ab5ecbee1e71; 170 questions and 30 personal-data
items from ~66 countries and territories, about a third in English: "a week in late June", a thirty-fourth writer,
working at the same time as test57's) was frozen on 7 Dec 2026 16:37 UTC, before engine 3.34 (made from test54's
and test55's failures) was scored anywhere, which it judges.
**test57** (benchmarks/data/benign_utility_test57.jsonl, sha256 61a382a23e3a; 170 questions and 30 personal-data
items from ~62 countries and territories, about a third in English: "a week in early November", a thirty-fifth
writer, working at the same time as test56's) was frozen on 7 Dec 2026 16:40 UTC, while test56 was being scored at
3.34 (none of its results read), before engine 3.34 was scored on it, which it judges too; no engine is made from
either before both are scored.
**test58** (benchmarks/data/benign_utility_test58.jsonl, sha256 0eb6c9a12599; 169 questions and 31 personal-data
items from ~78 countries and territories, about a third in English: "a week in early July", a thirty-sixth writer,
working at the same time as test59's) was frozen on 7 Dec 2026 18:40 UTC, before engine 3.36 (made from losses the
spent splits left open, before either split was read) was scored anywhere, which it judges; no engine is made from
it or test59 before both are scored.
**test59** (benchmarks/data/benign_utility_test59.jsonl, sha256 6133e384f5c7; 170 questions and 30 personal-data
items from ~58 countries, territories and regions, about a third in English: "a week in late January", a
thirty-seventh writer, working at the same time as test58's) was frozen on 7 Dec 2026 18:42 UTC, just after test58
was scored at 3.36 (its writer finished first; nothing was changed between), before engine 3.36 was scored on it,
which it judges too.
**test60** (benchmarks/data/benign_utility_test60.jsonl, sha256 56a7fd577b7c; 168 questions and 32 personal-data
items from ~62 countries and territories, about a third in English: "a week in early April", a thirty-eighth writer,
working at the same time as test61's) was frozen on 7 Dec 2026 19:05 UTC, before engine 3.37 (made from test58's and
test59's failures) was scored anywhere, which it judges; no engine is made from it or test61 before both are scored.
**test61** (benchmarks/data/benign_utility_test61.jsonl, sha256 9c0c865540ad; 169 questions and 31 personal-data
items from ~57 countries and territories, about a third in English: "a week in late May", a thirty-ninth writer,
working at the same time as test60's) was frozen on 7 Dec 2026 19:07 UTC, just after test60 was scored at 3.37 (its
counts read, nothing changed between), before engine 3.37 was scored on it, which it judges too.
**test63** (benchmarks/data/benign_utility_test63.jsonl, sha256 51d24dda87f0; 168 questions and 32 personal-data
items from ~60 countries and territories, about a third in English: "the week of a national strike", a fortieth
writer, working at the same time as test62's) was frozen on 7 Dec 2026 19:30 UTC, before engine 3.38 (made from
test60's and test61's failures) was scored anywhere, which it judges; no engine is made from it or test62 before
both are scored.
**test62** (benchmarks/data/benign_utility_test62.jsonl, sha256 f249bad21eae; 170 questions and 30 personal-data
items from ~77 countries and territories, about a third in English: "a week in mid-August", a forty-first writer,
working at the same time as test63's) was frozen on 7 Dec 2026 19:33 UTC, just after test63 was scored at 3.38 (its
counts read, nothing changed between), before engine 3.38 was scored on it, which it judges too.
**test65** (benchmarks/data/benign_utility_test65.jsonl, sha256 e39eb31f486a; 170 questions and 30 personal-data
items from ~83 countries and territories, about a third in English: "a week of local council business", a
forty-second writer, working at the same time as test64's) was frozen on 7 Dec 2026 19:52 UTC, before engine 3.39 and
toxicity 1.11 (made from test62's and test63's failures) were scored anywhere, which it judges; no engine is made from
it or test64 before both are scored.
**test64** (benchmarks/data/benign_utility_test64.jsonl, sha256 e4eb09b7f0b9; 170 questions and 30 personal-data
items from ~87 countries and territories, about 30 % in English: "travel and commuting in a normal week", a
forty-third writer, working at the same time as test65's) was frozen on 7 Dec 2026 19:52 UTC, while test65 was being
scored at 3.39 (none of its results read), before engine 3.39 was scored on it, which it judges too.
**test67** (benchmarks/data/benign_utility_test67.jsonl, sha256 2834d308c505; 170 questions and 30 personal-data
items from ~78 countries and territories, about 30 % in English: "courts, police and justice in an ordinary week", a
forty-fourth writer, working at the same time as test66's, both started before engine 3.41 was made) was frozen on
7 Dec 2026 21:57 UTC, after engine 3.41 (made from losses the spent splits had left open) was committed and before it
was scored anywhere, which it judges; no engine is made from it or test66 before both are scored.
**test66** (benchmarks/data/benign_utility_test66.jsonl, sha256 e952562fad2e; 170 questions and 30 personal-data
items from ~52 countries and territories, about a third in English: "health and social care in an ordinary week", a
forty-fifth writer, working at the same time as test67's) was frozen on 7 Dec 2026 22:00 UTC, after test67 was scored
at 3.41 (its results read; engine 3.42 was being made from them in a working tree this freeze does not hold), before
engine 3.41 was scored on it, which it judges too.
**test68** (benchmarks/data/benign_utility_test68.jsonl, sha256 57189d447837; 170 questions and 30 personal-data
items from ~97 countries and territories, about 30 % in English: "immigration, citizenship and family registration in
an ordinary week", a forty-sixth writer, working at the same time as test69's, both started 22:06 UTC while engine 3.42
and the demo's `names: corroborated` were being made from test66's and test67's losses) was frozen on 7 Dec 2026
22:20 UTC, after both were committed and before they were scored anywhere, which it judges; no engine is made from it
or test69 before both are scored.
**test69** (benchmarks/data/benign_utility_test69.jsonl, sha256 ac3a2b8eda97; 170 questions and 30 personal-data
items from ~60 countries and territories, about a third in English: "housing, energy and homelessness services in an
ordinary week", a forty-seventh writer, working at the same time as test68's) was frozen on 7 Dec 2026 22:23 UTC,
after test68 was scored at 3.42 (its counts read, nothing changed between), before engine 3.42 and the demo's `names:
corroborated` were scored on it, which it judges too.
**test71** (benchmarks/data/benign_utility_test71.jsonl, sha256 073af1c2d9d2; 170 questions and 30 personal-data
items from ~67 countries and territories, about a third in English: "schools, universities and student life in an
ordinary week", a forty-eighth writer, working at the same time as test70's, both started 22:38 UTC after engine 3.43
was committed) was frozen on 7 Dec 2026 22:52 UTC, before engine 3.43 was scored anywhere, which it judges; no engine
is made from it or test70 before both are scored.
**test70** (benchmarks/data/benign_utility_test70.jsonl, sha256 8efe9fb64290; 170 questions and 30 personal-data
items from ~85 countries and territories, about 30 % in English: "employment, job centres and workplace rights in an
ordinary week", a forty-ninth writer, working at the same time as test71's) was frozen on 7 Dec 2026 22:53 UTC, while
test71 was being scored at 3.43 (none of its results read), before engine 3.43 was scored on it, which it judges too.
**test72** (benchmarks/data/benign_utility_test72.jsonl, sha256 2050b957592d; 170 questions and 30 personal-data
items from ~57 countries and territories, about 30 % in English: "elections, voting and civic registration in an
ordinary week", a fiftieth writer, working at the same time as test73's, both started 22:58 UTC while engine 3.44 was
being made from test70's and test71's losses) was frozen on 7 Dec 2026 23:13 UTC, after 3.44 was committed and before
it was scored anywhere, which it judges; no engine is made from it or test73 before both are scored.
**test73** (benchmarks/data/benign_utility_test73.jsonl, sha256 828431d5a8c0; 170 questions and 30 personal-data
items from ~66 countries and territories, about a third in English: "small businesses, the self-employed and their
taxes in an ordinary week", a fifty-first writer, working at the same time as test72's) was frozen on 7 Dec 2026 23:19
UTC, after test72 was scored at 3.44 (its counts read, nothing changed between), before engine 3.44 was scored on it,
which it judges too.
**test74** (benchmarks/data/benign_utility_test74.jsonl, sha256 94a5a156a02c; 170 questions and 30 personal-data
items from ~59 countries and territories, about a third in English: "pensions, retirement and care for older people in
an ordinary week", a fifty-second writer) and **test75** (benchmarks/data/benign_utility_test75.jsonl, sha256
f6d7dbb13dd5; 170 and 30, ~56 countries and territories, about a third in English: "families, children and childcare
in an ordinary week", a fifty-third writer), written at the same time, both started 00:47 UTC on 8 Dec while engine
3.45 and prompt_leak 1.1 were being made from spent losses, were frozen together on 8 Dec 2026 at 01:10 UTC, after
both were committed and before either was scored anywhere; they judge them.
**test76** (benchmarks/data/benign_utility_test76.jsonl, sha256 2c51db2412f7; 170 questions and 30 personal-data
items from ~60 countries and territories, about a third in English: "disability, carers and accessibility in an
ordinary week", a fifty-fourth writer) and **test77** (benchmarks/data/benign_utility_test77.jsonl, sha256
8712e7924b1a; 170 and 30, ~54 countries and territories, about a third in English: "farming, fishing and rural life in
an ordinary week", a fifty-fifth writer), written at the same time, both started 01:10 UTC on 8 Dec, before test74 and
test75 were scored and while engine 3.46 was made from their losses, were frozen together at 01:32 UTC, after 3.46 was
committed and before it was scored on them; they judge it.
**test78** (benchmarks/data/benign_utility_test78.jsonl, sha256 820ed3b82c93; 168 questions and 32 personal-data
items from ~61 countries and territories, about a third in English: "bereavement, wills and inheritance in an ordinary
week", a fifty-sixth writer) and **test79** (benchmarks/data/benign_utility_test79.jsonl, sha256 e4818e68220d; 170 and
30, ~56 countries and territories, about a third in English: "consumer protection, utilities and telecoms in an
ordinary week", a fifty-seventh writer), written at the same time, both started 01:32 UTC on 8 Dec, after test76 and
test77 were frozen and while engines 3.47 and 3.48 were made, were frozen together at 01:52 UTC, after 3.48 was
committed and before it was scored on them; they judge it.
The personal-data table counts apart the items whose only missed values are the caller's own name or number
given back to them in the answer (added 7 Dec 2026 02:25, after test30 was scored): `pii_leak` leaves those by
design, while the writers' brief named such an echo as a leak.
``--write`` puts the section for
the split into benchmarks/results/guards_benign_utility.md (replacing that split's earlier section).

Variants of the strong arm, asked the same questions in the same run (a row each in the tables):
``--names-all`` adds one whose ``pii_leak`` counts every name (``options: {names: all}``, the
behaviour before that option); ``--baseline-src DIR`` adds one served by the charter in another
checkout's ``src`` folder (``/tmp/head/src``: a pristine HEAD), run with this virtual environment
(``PYTHONPATH``) in a data directory of its own, with that checkout's demo charter (its guards'
settings are part of what is compared; until 6 Dec 2026 10:35 UTC it took this checkout's).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import gateway_overhead as go  # noqa: E402  (charter CLI and process helpers)
import guard_traffic as traffic  # noqa: E402

PAIRS = traffic.DATA / "qa_pairs.jsonl"
#: The written splits (a file each); the others are halves of qa_pairs.jsonl.
WRITTEN = {name: HERE / "data" / f"benign_utility_{name}.jsonl"
           for name in ("test2", "test3", "test4", "test5", "test6", "test7", "test8", "test9", "test10",
                        "test11", "test12", "test13", "test14",
                        "test15", "test16", "test17", "test18", "test19", "test20", "test21",
                        "test22", "test23", "test24", "test25", "test26",
                        "test27", "test28", "test29", "test30", "test31", "test32", "test33", "test34", "test35",
                        "test36", "test37", "test38", "test39", "test40", "test41", "test42", "test43", "test44",
                        "test45", "test46", "test47", "test48", "test49", "test50", "test51", "test52", "test53",
                        "test54", "test55", "test56", "test57", "test58",
                        "test59", "test60", "test61",
                        "test62", "test63", "test64", "test65", "test66", "test67", "test68", "test69", "test70",
                        "test71", "test72", "test73", "test74", "test75", "test76", "test77",
                        "test78", "test79")}
RESULTS = HERE / "results" / "guards_benign_utility.md"
SEED = 20261205
MAX_TOKENS = 40
#: What pii_leak (redact) puts in place of a value in an answer.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")


def load_pairs(which: str) -> list[dict[str, str]]:
    if which in WRITTEN:
        return [json.loads(line) for line in WRITTEN[which].read_text(encoding="utf-8").splitlines() if line]
    return split([json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line], which)


def split(items: list[Any], which: str) -> list[Any]:
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    half = set(order[: len(order) // 2])
    return [x for i, x in enumerate(items) if (i in half) == (which == "dev")]


def demo_charter(env: dict[str, str]) -> str:
    """The demo charter of the ``charter`` that ``env`` runs (another checkout's, for the baseline arm:
    its guards' settings are part of what is compared)."""
    import subprocess

    code = "from charter.bootstrap import DEMO_CHARTER; print(DEMO_CHARTER, end='')"
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout


def arm_charter(name: str, model: str, pii_leak_options: str = "", demo: str | None = None) -> str:
    """The demo charter (``demo``, this checkout's when not given) for an arm; ``pii_leak_options``
    (``"names: all"``) is added to its ``pii_leak`` guard."""
    from charter.bootstrap import DEMO_CHARTER

    text = (demo or DEMO_CHARTER).replace("name: helpdesk\n", f"name: {name}\n")
    if pii_leak_options:
        text = text.replace("pii_leak: {action: redact}",
                            f"pii_leak: {{action: redact, options: {{{pii_leak_options}}}}}")
    text = text.replace("models: [smollm2]", f"models: [{model}]")
    text = re.sub(r"rate_limits: \{[^}]*\}", "rate_limits: {requests_per_minute: 100000, tokens_per_minute: 100000000}",
                  text)
    return text


#: The strong arm's variant with ``pii_leak``'s ``names: all`` (every name the engine finds counts).
NAMES_ALL = "strong, names: all"


class Gateway:
    """``charter init``, the arms' use cases and keys, ``charter serve`` on a free port. ``src``: run
    the charter of another checkout's ``src`` folder (a pristine HEAD: the baseline arm) with this
    virtual environment."""

    def __init__(self, upstream_url: str, embedded: bool, names_all: bool = False, src: Path | None = None,
                 tag: str = "charter") -> None:
        self.procs = go.Processes()
        self.data_dir = Path(tempfile.mkdtemp(prefix="charter-utility-"))
        go.WORK.mkdir(exist_ok=True)
        self.env = {**os.environ, "CHARTER_DATA_DIR": str(self.data_dir),
                    "CHARTER_OUTBOUND_ALLOW": '["http://127.0.0.1:*"]', "CHARTER_LOG_LEVEL": "warning",
                    "CHARTER_EMBEDDED_MODEL": "smollm2" if embedded else "none"}
        if src is not None:
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src.resolve()), os.environ.get("PYTHONPATH")]))
        self.tag = tag
        try:
            self._setup(upstream_url, embedded, names_all)
        except BaseException:
            self.stop()
            raise

    def _setup(self, upstream_url: str, embedded: bool, names_all: bool) -> None:
        demo = demo_charter(self.env)
        go._charter_json(["init"], self.env)
        go._charter_json(["models", "add", "strong", "--provider", "openai", "--endpoint", upstream_url,
                          "--region", "local", "--classification", "secret"], self.env)
        arms = ([("strong", "strong", "")] + ([("strong-names-all", "strong", "names: all")] if names_all else [])
                + ([("embedded", "smollm2", "")] if embedded else []))
        self.keys: dict[str, str] = {}
        for name, model, options in arms:
            path = self.data_dir / f"{name}.yaml"
            path.write_text(arm_charter(name, model, options, demo))
            go._charter_json(["usecases", "apply", str(path)], self.env)
            self.keys[name] = str(go._charter_json(["keys", "create", "--use-case", name, "--role", "app"],
                                                   self.env)["key"])
        self.port = go.free_port()
        self.proc = self.procs.start(f"benign-utility-{self.tag}", [str(go.charter_bin()), "serve", "--host",
                                                                    "127.0.0.1", "--port", str(self.port)],
                                     self.env, ROOT)

    def ask(self, client: Any, arm: str, messages: list[dict[str, str]], **extra: Any) -> Any:
        return client.post(f"http://127.0.0.1:{self.port}/v1/chat/completions",
                           json={"model": "smollm2" if arm == "embedded" else "strong", "messages": messages, **extra},
                           headers={"authorization": f"Bearer {self.keys[arm]}"}, timeout=120)

    def wait(self, client: Any) -> None:
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"charter serve exited; see {go.WORK}/benign-utility-{self.tag}.log")
            try:
                if client.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2).status_code == 200:
                    return
            except (OSError, httpx.TransportError):
                pass
            time.sleep(0.5)
        raise SystemExit("charter serve did not become ready")

    def stop(self) -> None:
        self.procs.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def outcome(response: Any, expected: str | None) -> tuple[str, str]:
    """(``kept`` | ``refused`` | ``withheld`` | ``changed``, the text returned)."""
    if response.status_code != 200:
        try:
            error = response.json()["error"]
            return "refused", f"HTTP {response.status_code} {error.get('code')} {error.get('guard', '')}".strip()
        except (ValueError, KeyError):
            return "refused", f"HTTP {response.status_code}"
    choice = response.json()["choices"][0]
    content = choice["message"].get("content") or ""
    if choice.get("finish_reason") == "content_filter":
        return "withheld", content
    if expected is not None and content != expected:
        return "changed", content
    return "kept", content


def _what(sent: str, returned: str) -> str:
    """The words a guard took out and what it put in their place ("Blue Badge -> <PERSON_1>")."""
    a, b = sent.split(), returned.split()
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changes = [f"{' '.join(a[i1:i2])} -> {' '.join(b[j1:j2])}" for op, i1, i2, j1, j2 in opcodes if op != "equal"]
    return "; ".join(changes)


def personal(pair: dict[str, Any]) -> bool:
    """A personal-data item: a value of a third person in the answer (``leak``) or the caller's own
    identifier in the question (``question_pii``). A line whose lists are both empty is an ordinary
    question (test13's writer gave every line both keys)."""
    return bool(pair.get("leak") or pair.get("question_pii"))


def _missed(pair: dict[str, Any], verdict: str, returned: str, asked: str) -> list[str]:
    """The personal data a guard should have acted on and did not: a third person's value still in
    the answer (``leak``), or the caller's own identifier that reached the model (``question_pii``)."""
    answer = returned if verdict in ("kept", "changed", "question changed") else ""
    if verdict == "question changed":
        answer = pair["answer"]  # the scripted answer came back unchanged; the question did not
    missed = [v for v in pair.get("leak", []) if v in answer]
    return missed + [v for v in pair.get("question_pii", []) if v in asked]


def _strong_case(client: Any, gateway: Gateway, use_case: str, variant: str, upstream: Any,
                 pair: dict[str, Any], messages: list[dict[str, str]]) -> dict[str, Any]:
    """Ask the strong arm (or one of its variants) one question and judge what came back."""
    before = len(upstream.requests)
    verdict, text = outcome(gateway.ask(client, use_case, messages), pair["answer"])
    sent = upstream.requests[before:]
    asked = sent[-1]["body"]["messages"][-1]["content"] if sent else ""
    if verdict == "kept" and sent and asked != pair["question"]:
        verdict, text = "question changed", asked
    case = {"arm": "strong", "variant": variant, "question": pair["question"], "outcome": verdict, "returned": text,
            "what": _what(pair["question"] if verdict == "question changed" else pair["answer"], text)}
    if personal(pair):
        case["arm"] = "personal data"
        case["missed"] = _missed(pair, verdict, text, asked)
        # a value the answer gives back to the caller who wrote it in the question ("Hi Marcus, your SSN
        # 512-44-8193 ..."): what `pii_leak` leaves by design (the caller's own), counted apart
        case["echoed"] = [v for v in case["missed"] if v in pair.get("leak", []) and v in pair["question"]
                          and v not in asked]
    return case


def run(args: argparse.Namespace) -> dict[str, Any]:
    import httpx
    from tests.support.upstream import ScriptedUpstream

    pairs = load_pairs(args.split)
    prompt_split = "test" if args.split in WRITTEN else args.split
    prompts = [p["text"] for p in traffic.load_benign(prompt_split) if p["kind"] == "system_prompt"]
    upstream = ScriptedUpstream().start()
    gateway = Gateway(upstream.url, args.embedded > 0, names_all=args.names_all)
    # (variant, gateway, use case): the strong arm, then the variants asked the same questions
    strong = [("", gateway, "strong")] + ([(NAMES_ALL, gateway, "strong-names-all")] if args.names_all else [])
    cases: list[dict[str, Any]] = []
    try:
        if args.baseline_src:
            baseline = Gateway(upstream.url, False, src=Path(args.baseline_src), tag="baseline")
            gateway.procs.procs += baseline.procs.procs  # stopped with the arm's
            gateway.procs.cleanup.append(baseline.data_dir)
            strong.insert(0, (f"strong, baseline {args.baseline_label}", baseline, "strong"))
        with httpx.Client() as client:
            for _, each, _ in strong:
                each.wait(client)
            for i, pair in enumerate(pairs):
                messages = [{"role": "system", "content": pair.get("system") or prompts[i % len(prompts)]},
                            {"role": "user", "content": pair["question"]}]
                upstream.reply = pair["answer"]
                for variant, each, use_case in strong:
                    cases.append(_strong_case(client, each, use_case, variant, upstream, pair, messages))
            benign = [pair for pair in pairs if not personal(pair)]
            for pair in benign[: args.embedded]:
                messages = [{"role": "user", "content": pair["question"]}]
                verdict, text = outcome(gateway.ask(client, "embedded", messages, max_tokens=MAX_TOKENS,
                                                    temperature=0), None)
                if verdict == "kept" and PLACEHOLDER.search(text):
                    verdict = "changed"
                cases.append({"arm": "embedded", "variant": "", "question": pair["question"], "outcome": verdict,
                              "returned": text, "what": ", ".join(PLACEHOLDER.findall(text))})
    finally:
        gateway.stop()
        upstream.stop()
    return {"split": args.split, "cases": cases}


def _variants(cases: list[dict[str, Any]]) -> list[str]:
    """The strong arm's variants in the order they were asked ("" is the arm itself)."""
    return list(dict.fromkeys(c.get("variant", "") for c in cases if c["arm"] != "embedded"))


def render(report: dict[str, Any]) -> str:
    split_name = report["split"]
    options = "".join(f" {flag}" for flag in report.get("flags", []))
    lines = [f"## Benign utility through the gateway, the demo helpdesk's five guards ({split_name} split)\n",
             f"Command: `.venv/bin/python benchmarks/benign_utility.py --split {split_name}"
             f"{' --final' if split_name != 'dev' else ''} --embedded {report['embedded']}{options}"
             f"{' --write' if report.get('write') else ''}`\n",
             f"Measured {time.strftime('%d %b %Y %H:%M UTC', time.gmtime())}, load {report.get('load', '?')}; "
             f"{report.get('note', '')}\n",
             "| arm | questions | kept | refused | withheld | changed | question changed | lost or changed |",
             "|---|---|---|---|---|---|---|---|"]
    variants = _variants(report["cases"])
    arms = [("strong", v) for v in variants] + [("embedded", "")]
    for arm, variant in arms:
        chosen = [c for c in report["cases"] if c["arm"] == arm and c.get("variant", "") == variant]
        if not chosen:
            continue
        count = {k: sum(c["outcome"] == k for c in chosen) for k in ("kept", "refused", "withheld", "changed",
                                                                      "question changed")}
        lost = len(chosen) - count["kept"]
        lines.append(f"| {variant or arm} | {len(chosen)} | {count['kept']} | {count['refused']} | "
                     f"{count['withheld']} | {count['changed']} | {count['question changed']} | "
                     f"{lost} ({lost / len(chosen):.3f}) |")
    private = [c for c in report["cases"] if c["arm"] == "personal data"]
    if private:
        lines += ["\nAnswers that hold a private person's data (a caseworker's mobile, another citizen's SSN) or "
                  "questions that give the caller's own identifier: the guards must act on each.\n"]
        head = "| items | acted on every value | missed a value | missed only the caller's own data, given back |"
        lines += ([f"| arm {head}", "|---|---|---|---|---|"] if len(variants) > 1 else [head, "|---|---|---|---|"])
        for variant in variants:
            mine = [c for c in private if c.get("variant", "") == variant]
            missed = len([c for c in mine if c["missed"]])
            echoed = len([c for c in mine if c["missed"] and len(c.get("echoed", [])) == len(c["missed"])])
            row = f"| {len(mine)} | {len(mine) - missed} | {missed} | {echoed} |"
            lines.append(f"| {variant or 'strong'} {row}" if len(variants) > 1 else row)
        for variant in variants:
            lines += [f"- missed{f' ({variant})' if variant else ''}: {c['question']!r}: {', '.join(c['missed'])}"
                      for c in private if c.get("variant", "") == variant and c["missed"]]
    lost_cases = [c for c in report["cases"] if c["outcome"] != "kept" and c["arm"] != "personal data"]
    if lost_cases:
        lines.append("\nEach question that lost or changed its answer:\n")
        lines += [f"- {c.get('variant') or c['arm']}, {c['outcome']}: {c['question']!r}: "
                  f"{c['what'] or c['returned'][:160]}" for c in lost_cases]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "test", *WRITTEN], default="dev")
    ap.add_argument("--final", action="store_true", help="required for the test split: it is scored once")
    ap.add_argument("--embedded", type=int, default=0, help="also ask the embedded model the first N questions")
    ap.add_argument("--show", action="store_true", help="print every case as JSON")
    ap.add_argument("--write", action="store_true", help=f"write the split's section into {RESULTS.name}")
    ap.add_argument("--note", default="", help="a line printed under the command (how often the split was scored)")
    ap.add_argument("--names-all", action="store_true",
                    help="also ask every question of a strong arm whose pii_leak counts every name (names: all)")
    ap.add_argument("--baseline-src", default="",
                    help="also ask every question of a strong arm served by the charter in this src folder (a "
                         "pristine checkout's, e.g. HEAD's), with this virtual environment, in the same run")
    ap.add_argument("--baseline-label", default="HEAD", help="the baseline arm's name in the tables")
    args = ap.parse_args()
    if args.split != "dev" and not args.final:
        raise SystemExit("the test splits are scored once, at the end: add --final")
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    report = run(args)
    flags = (["--names-all"] if args.names_all else []) + (
        [f"--baseline-src {args.baseline_src} --baseline-label {args.baseline_label}"] if args.baseline_src else [])
    report.update(embedded=args.embedded, write=args.write, load=load, note=args.note, flags=flags)
    if args.show:
        print(json.dumps(report["cases"], indent=1), file=sys.stderr)
    section = render(report)
    print(section)
    if args.write:
        write_section(section, args.split)
    return 0


def write_section(section: str, which: str) -> None:
    """Replace the split's section of the results file (one ``## `` heading per split)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    marker = f"({which} split)"
    parts = re.split(r"(?m)^(?=## )", text)
    kept = [part for part in parts if not (part.startswith("## ") and marker in part.splitlines()[0])]
    RESULTS.write_text(("".join(kept).rstrip() + "\n\n" + section).lstrip(), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
