"""Benchmark 6: a viral surge of 1 M reports, grouped into claims by the real matching engine.

Run from the repository root: ``.venv/bin/python bench/surge.py`` (last line: JSON).

Generator (seeded, all text from the shared data sets, transformed here, nothing copied
into the repository):
- rumours: fake posts of vn-news-dataset-v2; vnPara paraphrase pairs (the second sentence
  is a rewording of the first: same rumour); vnPara non-paraphrase pairs (two rumours on
  one topic: must stay apart); and hard negatives made here from a rumour by changing only
  a number, a place or a date (a different claim: must stay apart);
- each rumour gets a Zipf-like share of the reports (a few go viral) and a small pool of
  forms its reporters type: as written, without diacritics (``vntext.strip_diacritics``),
  with a typo, with a greeting or a question around it, reworded (vnPara), and a link to the
  rumour's post that carries different tracking parameters (utm_*, fbclid) per share.
Truth: report -> rumour. Pairwise precision/recall is computed from the contingency table
of (rumour, group) counts, never by enumerating the ~10^11 pairs.

Grouping (the timed part) drives the engine's own decision code, ``claimmatch.Matcher``:
reports are first collapsed to distinct (``vntext.search_key`` of the text, canonical link
via ``claimmatch.links.canonical_url``) pairs, which is exactly the cache the engine needs
(same key and link, same answer). The distinct pairs are then decided in arrival order,
``--window`` at a time, as a matching worker drains a surge queue: cheap signals for each
(``Matcher.query(cheap_only=True)``; ``Matcher.settles`` says whether a shared link or
screenshot or a near-identical copy already settles it), ONE model call for the rest of the
window (``embed_query_many``), ``query`` + ``decide`` for those; a "new" (or "suggest",
which waits for staff) becomes a new claim at once with ``Matcher.add`` and its passage
vectors are embedded for the whole window in one call (``embed_many`` + ``set_vectors``).
The JSON says which embedder ran (``embedder``), how many texts the model saw and how long
it took, and how long the process waited for a core (``group_cpu_wait_s``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import shared_data  # noqa: E402

import vntext  # noqa: E402
from claimmatch.links import canonical_url  # noqa: E402

SEED = 2024
ZIPF_EXPONENT = 1.0
LINK_SHARE = 0.4  # reports that paste the link of the post they saw
TRACKING_VARIANTS = 6  # distinct tracking-parameter sets per rumour link

# Written for this benchmark: what people type around a forwarded rumour.
OPENERS = ("cho mình hỏi tin này có thật không:", "mọi người ơi,", "nghe nói", "chia sẻ gấp:",
           "có ai biết tin này không?")
CLOSERS = ("thật không ạ?", "!!!", "mọi người cẩn thận nhé", "nhờ kiểm tra giúp")
PLACES = ("hà nội", "đà nẵng", "hải phòng", "cần thơ", "nghệ an", "thanh hóa", "quảng ninh",
          "bình dương", "đồng nai", "huế", "lâm đồng", "khánh hòa", "gia lai", "bắc ninh")
NUMBER = re.compile(r"(?<![\w.])\d{1,6}(?![\w.])")
DATE = re.compile(r"\b(ngày|tháng)\s+(\d{1,2})\b", re.IGNORECASE)


# ------------------------------------------------------------------ rumours


@dataclass
class Rumour:
    texts: list[str]  # the statement as written, plus rewordings of it
    kind: str  # "vnnews", "vnpara_para", "vnpara_pair", "hard_negative"
    parent: int = -1  # for a hard negative: the rumour it was made from
    forms: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # how each form was made (diagnostics)
    links: list[str] = field(default_factory=list)


def _read_vnnews_fake() -> list[str]:
    texts: set[str] = set()
    for name in ("train_data.csv", "val_data.csv"):
        with (shared_data() / "vn-news-dataset-v2" / name).open(encoding="utf-8") as handle:
            texts.update(r["content"].strip() for r in csv.DictReader(handle)
                         if r["label"] == "1" and len(r["content"].split()) >= 8)
    return sorted(texts)


def _read_vnpara() -> list[tuple[int, str, str]]:
    with (shared_data() / "vnpara" / "vnpara_pairs.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(int(r["label"]), r["sentence1"].strip(), r["sentence2"].strip()) for r in rows]


def _hard_negative(text: str, rng: np.random.Generator) -> str | None:
    """The same statement about a different place, number or date: a different claim."""
    lowered = text.lower()
    # Whole words only: "huế" inside "thuế" is not the city (an earlier version changed
    # "thuế" into "tcần thơ", a typo rather than another place).
    found = {p: re.search(rf"(?<!\w){p}(?!\w)", lowered) for p in PLACES}
    places = [p for p in PLACES if found[p]]
    if places and rng.random() < 0.5:
        old = places[0]
        new = rng.choice([p for p in PLACES if p != old])
        start = found[old].start()
        return text[:start] + str(new) + text[start + len(old):]
    date = DATE.search(text)
    if date and rng.random() < 0.5:
        day = int(date.group(2))
        return text[: date.start(2)] + str(day % 12 + 1 if day != 12 else 3) + text[date.end(2):]
    number = NUMBER.search(text)
    if number:
        value = int(number.group())
        changed = value * 2 + 1 if value < 10 else value + int(rng.integers(1, 9)) * 10 ** (len(str(value)) - 1)
        return text[: number.start()] + str(changed) + text[number.end():]
    if places:
        old = places[0]
        start = found[old].start()
        return text[:start] + str(rng.choice([p for p in PLACES if p != old])) + text[start + len(old):]
    return None


def build_rumours(rng: np.random.Generator, n_vnnews: int, n_para: int, n_pairs: int,
                  hard_share: float) -> list[Rumour]:
    rumours = [Rumour([t], "vnnews") for t in rng.permutation(_read_vnnews_fake())[:n_vnnews]]
    vnpara = _read_vnpara()
    used: set[str] = set()
    paraphrases = [p for p in vnpara if p[0] == 1]
    pairs = [p for p in vnpara if p[0] == 0]
    added = 0
    for index in rng.permutation(len(paraphrases)):
        _, first, second = paraphrases[index]
        if added >= n_para:
            break
        if first in used or second in used:
            continue  # a sentence reused by several pairs would blur the truth
        used.update((first, second))
        rumours.append(Rumour([first, second], "vnpara_para"))
        added += 1
    added = 0
    for index in rng.permutation(len(pairs)):
        _, first, second = pairs[index]
        if added >= n_pairs:
            break
        if first in used or second in used:
            continue
        used.update((first, second))
        rumours.extend([Rumour([first], "vnpara_pair"), Rumour([second], "vnpara_pair")])
        added += 1
    originals = len(rumours)
    for parent in rng.permutation(originals)[: int(originals * hard_share)]:
        changed = _hard_negative(rumours[parent].texts[0], rng)
        if changed and changed != rumours[parent].texts[0]:
            rumours.append(Rumour([changed], "hard_negative", parent=int(parent)))
    return rumours


# ------------------------------------------------------------------ report forms


def _typo(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 3 and w.isalpha()]
    if not candidates:
        return text + "."
    i = int(rng.choice(candidates))
    word = words[i]
    j = int(rng.integers(0, len(word) - 1))
    edit = int(rng.integers(0, 4))
    if edit == 0:
        word = word[:j] + word[j + 1 :]  # dropped letter
    elif edit == 1:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
    elif edit == 2:
        word = word[:j] + word[j] + word[j:]  # doubled letter
    else:
        word = vntext.strip_diacritics(word)  # one word typed without its accents
    words[i] = word
    return " ".join(words)


def make_forms(rumour: Rumour, rng: np.random.Generator, n_forms: int) -> list[str]:
    """The distinct texts reporters of this rumour type; form 0 is the statement as written.

    Also fills ``rumour.styles`` (same order), without drawing from ``rng``, so the
    generated surge is the same as before the labels existed.
    """
    base = rumour.texts
    forms = [base[0], vntext.strip_diacritics(base[0])]
    styles = ["as_written", "stripped"]
    if len(base) > 1:
        forms += [base[1], vntext.strip_diacritics(base[1])]
        styles += ["reworded", "reworded_stripped"]
    names = ("typo", "opener", "closer", "typo_stripped")
    while len(forms) < n_forms:
        which = int(rng.integers(0, len(base)))
        source = base[which]
        style = int(rng.integers(0, 4))
        if style == 0:
            text = _typo(source, rng)
        elif style == 1:
            text = f"{rng.choice(OPENERS)} {source}"
        elif style == 2:
            text = f"{source} {rng.choice(CLOSERS)}"
        else:
            text = vntext.strip_diacritics(_typo(source, rng))
        forms.append(text)
        styles.append(("reworded_" if which else "") + names[style])
    rumour.styles = styles
    return forms


def make_links(rumour_no: int, rng: np.random.Generator) -> list[str]:
    """One post per rumour, shared with different tracking parameters each time."""
    post = f"https://www.facebook.com/groups/{100000 + rumour_no * 7}/posts/{9000000 + rumour_no}/"
    variants = [post]
    for _ in range(TRACKING_VARIANTS - 1):
        token = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), 16))
        source = rng.choice(["zalo", "facebook", "messenger"])
        variants.append(f"{post}?utm_source={source}&utm_medium=social&fbclid=IwAR{token}")
    return variants


@dataclass
class Surge:
    rumours: list[Rumour]
    truth: np.ndarray  # rumour number per report
    form: np.ndarray  # index into the rumour's forms
    link: np.ndarray  # index into the rumour's links, -1 for none

    def report(self, i: int) -> tuple[str, list[str]]:
        rumour = self.rumours[self.truth[i]]
        link = int(self.link[i])
        return rumour.forms[self.form[i]], ([rumour.links[link]] if link >= 0 else [])


def generate(n_reports: int, n_vnnews: int, n_para: int, n_pairs: int, hard_share: float) -> Surge:
    rng = np.random.default_rng(SEED)
    rumours = build_rumours(rng, n_vnnews, n_para, n_pairs, hard_share)
    weights = 1.0 / np.arange(1, len(rumours) + 1) ** ZIPF_EXPONENT
    popularity = rng.permutation(len(rumours))  # which rumour gets which rank
    probabilities = weights[popularity] / weights.sum()
    truth = rng.choice(len(rumours), n_reports, p=probabilities).astype(np.int32)
    counts = np.bincount(truth, minlength=len(rumours))
    for number, rumour in enumerate(rumours):
        # Popular rumours are retyped in more ways: 4 forms, plus one per 2,000 reports.
        rumour.forms = make_forms(rumour, rng, min(4 + int(counts[number]) // 2000, 24))
        rumour.links = make_links(number, rng)
    form_weights = lambda n: np.array([6.0, 2.0] + [1.0] * (n - 2)) / (8.0 + n - 2)  # noqa: E731
    form = np.empty(n_reports, dtype=np.int16)
    order = np.argsort(truth, kind="stable")
    bounds = np.searchsorted(truth[order], np.arange(len(rumours) + 1))
    for number, rumour in enumerate(rumours):
        members = order[bounds[number] : bounds[number + 1]]
        n = len(rumour.forms)
        form[members] = rng.choice(n, len(members), p=form_weights(n))
    link = np.where(rng.random(n_reports) < LINK_SHARE,
                    rng.integers(0, TRACKING_VARIANTS, n_reports), -1).astype(np.int8)
    return Surge(rumours, truth, form, link)


# ------------------------------------------------------------------ metrics


def pairwise_scores(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Pairwise precision/recall from contingency counts: sum of C(n, 2) over cells."""
    def pairs(counts: np.ndarray) -> int:
        counts = counts.astype(np.int64)
        return int((counts * (counts - 1) // 2).sum())

    _, predicted = np.unique(predicted, return_inverse=True)
    cells = truth.astype(np.int64) * (int(predicted.max()) + 1) + predicted
    together = pairs(np.unique(cells, return_counts=True)[1])
    same_group = pairs(np.bincount(predicted))
    same_rumour = pairs(np.bincount(truth))
    precision = together / same_group if same_group else 1.0
    recall = together / same_rumour if same_rumour else 1.0
    return {"pairwise_precision": round(precision, 5), "pairwise_recall": round(recall, 5),
            "true_pairs": same_rumour, "predicted_pairs": same_group}


def rumour_outcomes(surge: Surge, predicted: np.ndarray) -> dict:
    """Per rumour kind: how often the majority group of a rumour is its own (not merged)."""
    majority: dict[int, int] = {}
    order = np.argsort(surge.truth, kind="stable")
    bounds = np.searchsorted(surge.truth[order], np.arange(len(surge.rumours) + 1))
    for number in range(len(surge.rumours)):
        members = predicted[order[bounds[number] : bounds[number + 1]]]
        if len(members):
            majority[number] = Counter(members.tolist()).most_common(1)[0][0]
    owners = Counter(majority.values())
    merged_negatives = sum(
        1 for n, r in enumerate(surge.rumours)
        if r.kind == "hard_negative" and n in majority and r.parent in majority
        and majority[n] == majority[r.parent]
    )
    hard = sum(1 for n, r in enumerate(surge.rumours)
               if r.kind == "hard_negative" and n in majority and r.parent in majority)
    shared = sum(1 for n in majority if owners[majority[n]] > 1)
    # Recall diagnostics: the reports that ended outside their rumour's main group, by how
    # they were typed and by rumour kind (each such report loses pairs with its rumour).
    main_group = np.array([majority.get(n, -1) for n in range(len(surge.rumours))])
    outside = predicted != main_group[surge.truth]
    by_style: Counter = Counter()
    by_kind: Counter = Counter()
    for i in np.flatnonzero(outside).tolist():
        rumour = surge.rumours[int(surge.truth[i])]
        by_style[rumour.styles[int(surge.form[i])] if rumour.styles else "?"] += 1
        by_kind[rumour.kind] += 1
    return {"rumours_reported": len(majority), "rumours_sharing_their_group": shared,
            "hard_negatives_merged_with_parent": merged_negatives, "hard_negatives_reported": hard,
            "reports_outside_their_rumour_group": int(outside.sum()),
            "outside_by_form": dict(by_style.most_common()),
            "outside_by_rumour_kind": dict(by_kind.most_common())}


# ------------------------------------------------------------------ grouping with the engine


def cpu_wait_s() -> float | None:
    """Seconds this process's threads spent runnable but waiting for a core (Linux schedstat).

    Tells a starved run (the machine shared with other jobs) from one that waits on I/O or
    locks: wall ~ CPU / cores used + this wait.
    """
    total = 0
    try:
        for task in Path("/proc/self/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


class CountingEmbedder:
    """Passes through to the real embedder, counting how many texts the model ran on."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.queries = self.passages = self.calls = 0
        self.wall_s = self.cpu_s = 0.0  # time spent inside the model

    def _timed(self, encode, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return encode(texts)
        finally:
            self.wall_s += time.perf_counter() - wall
            self.cpu_s += time.process_time() - cpu

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries += len(texts)
        return self._timed(self.inner.embed_queries, texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return self._timed(self.inner.embed_passages, texts)


def group(surge: Surge, matcher, progress_every: int = 1000, window: int = 128
          ) -> tuple[np.ndarray, dict]:
    """Assign a claim id to every report; returns (claim per report, counters)."""
    n = len(surge.truth)
    started = time.perf_counter()
    # 1. distinct typed texts and raw links -> their keys (vntext / links run once each).
    text_of: dict[tuple[int, int], int] = {}
    form_code = surge.truth.astype(np.int64) * 64 + surge.form
    unique_forms, form_inverse = np.unique(form_code, return_inverse=True)
    key_of_form = []
    for code in unique_forms.tolist():
        rumour, form = divmod(code, 64)
        key_of_form.append(vntext.search_key(surge.rumours[rumour].forms[form]))
    link_code = np.where(surge.link >= 0, surge.truth.astype(np.int64) * 16 + surge.link, -1)
    unique_links, link_inverse = np.unique(link_code, return_inverse=True)
    canonical_of_link = []
    for code in unique_links.tolist():
        if code < 0:
            canonical_of_link.append("")
        else:
            rumour, variant = divmod(code, 16)
            canonical_of_link.append(canonical_url(surge.rumours[rumour].links[variant]).url)
    keys_s = time.perf_counter() - started
    # 2. distinct (text key, canonical link) pairs, in order of first arrival.
    pair_ids: dict[tuple[str, str], int] = {}
    pair_of_report = np.empty(n, dtype=np.int64)
    example: list[int] = []
    for i, (f, l) in enumerate(zip(form_inverse.tolist(), link_inverse.tolist())):
        pair = (key_of_form[f], canonical_of_link[l])
        number = pair_ids.get(pair)
        if number is None:
            number = pair_ids[pair] = len(example)
            example.append(i)
        pair_of_report[i] = number
    dedup_s = time.perf_counter() - started - keys_s
    # 3. the engine decides each distinct pair in arrival order, a window at a time, the way
    # a matching worker drains its queue in a surge: cheap signals first for every report
    # of the window; the ones they leave open are embedded in ONE model call and decided;
    # new claims are indexed at once (text, links) and their vectors, embedded together at
    # the end of the window, attached then.
    claim_of_pair = np.empty(len(example), dtype=np.int64)
    actions: Counter = Counter()
    reasons: Counter = Counter()
    stages: Counter = Counter()
    no_vectors = np.zeros((0, matcher.embedder.dim), np.float32)
    next_claim = 0
    for window_start in range(0, len(example), window):
        numbers = range(window_start, min(window_start + window, len(example)))
        reports = {}
        for number in numbers:
            text, _ = surge.report(example[number])
            link = canonical_of_link[link_inverse[example[number]]]
            reports[number] = (text, [link] if link else [])
        deferred, created = [], []

        def settle(number: int, decision) -> None:
            nonlocal next_claim
            actions[decision.action] += 1
            if decision.action == "link":
                claim_of_pair[number] = decision.claim_id
                reasons.update(decision.reasons)
                return
            text, urls = reports[number]
            matcher.add(next_claim, text, urls, vectors=no_vectors)  # vectors follow below
            created.append((next_claim, text))
            claim_of_pair[number] = next_claim
            next_claim += 1

        for number in numbers:
            text, urls = reports[number]
            candidates = matcher.query(text, urls, cheap_only=True)
            if matcher.settles(text, candidates):
                stages["settled_cheaply"] += 1
                settle(number, matcher.decide(text, candidates))
            else:
                deferred.append(number)
        if deferred:
            stages["model_queries"] += len(deferred)
            vectors = matcher.embed_query_many([reports[n][0] for n in deferred])
            for number, rows in zip(deferred, vectors):
                text, urls = reports[number]
                settle(number, matcher.decide(text, matcher.query(text, urls, query_vectors=rows)))
        if created:
            for (claim, _), rows in zip(created, matcher.embed_many([t for _, t in created])):
                matcher.set_vectors(claim, rows)
        if progress_every and numbers.stop // progress_every > window_start // progress_every:
            print(f"  engine: {numbers.stop}/{len(example)} distinct reports, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    engine_s = time.perf_counter() - started - keys_s - dedup_s
    counters = {"distinct_forms": len(unique_forms), "distinct_raw_links": int((unique_links >= 0).sum()),
                "distinct_key_link_pairs": len(example), "claims_created": next_claim,
                "actions": dict(actions), "link_reasons": dict(reasons), "stages": dict(stages),
                "window": window,
                "keys_s": round(keys_s, 1), "dedup_s": round(dedup_s, 1), "engine_s": round(engine_s, 1)}
    return claim_of_pair[pair_of_report], counters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--vnnews", type=int, default=600, help="fake vn-news posts as rumours")
    parser.add_argument("--para", type=int, default=300, help="vnPara paraphrase pairs")
    parser.add_argument("--pairs", type=int, default=150, help="vnPara non-paraphrase pairs")
    parser.add_argument("--hard-share", type=float, default=0.15,
                        help="share of rumours that get a place/number/date twin")
    parser.add_argument("--embedder", choices=["e5", "hashing"], default="e5")
    parser.add_argument("--window", type=int, default=128,
                        help="distinct reports decided per batch (one model call per stage)")
    args = parser.parse_args()

    from claimmatch import E5Embedder, HashingEmbedder, MatchConfig, Matcher

    started = time.perf_counter()
    surge = generate(args.reports, args.vnnews, args.para, args.pairs, args.hard_share)
    kinds = Counter(r.kind for r in surge.rumours)
    generate_s = time.perf_counter() - started
    print(json.dumps({"rumours": len(surge.rumours), "kinds": dict(kinds),
                      "largest_rumour_reports": int(np.bincount(surge.truth).max())}), flush=True)

    embedder = CountingEmbedder(E5Embedder() if args.embedder == "e5" else HashingEmbedder())
    matcher = Matcher(MatchConfig(), embedder=embedder)
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    wait_started = cpu_wait_s()
    started, cpu_started = time.perf_counter(), time.process_time()
    predicted, counters = group(surge, matcher, window=args.window)
    group_s = time.perf_counter() - started
    group_cpu_s = time.process_time() - cpu_started
    wait_ended = cpu_wait_s()

    figures = {
        "reports": args.reports,
        "rumours": len(surge.rumours),
        "rumour_kinds": dict(kinds),
        "embedder": embedder.name,
        "group_wall_s": round(group_s, 1),
        # CPU seconds of this process (both cores count): the machine is shared, so wall
        # time includes waiting for other people's jobs; CPU time is the work itself.
        "group_cpu_s": round(group_cpu_s, 1),
        # time the threads were ready to run but had no core (exited model threads not
        # counted, so a lower bound): wall - CPU that is NOT this was I/O or sleeping
        "group_cpu_wait_s": (round(wait_ended - wait_started, 1)
                             if wait_started is not None and wait_ended is not None else None),
        **pairwise_scores(surge.truth, predicted),
        **rumour_outcomes(surge, predicted),
        **counters,
        "embedded_query_texts": embedder.queries,
        "embedded_passage_texts": embedder.passages,
        "model_calls": embedder.calls,
        "model_wall_s": round(embedder.wall_s, 1),
        "model_cpu_s": round(embedder.cpu_s, 1),
        "loadavg_start": loadavg_start,
        "generate_s": round(generate_s, 1),
        "targets": {"group_wall_s_max": 600, "precision_min": 0.98, "recall_min": 0.90},
        "cpu_count": os.cpu_count(),
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
