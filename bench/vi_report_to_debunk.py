"""Vietnamese citizen reports -> published debunks, through the real ``Matcher``.

All 794 articles of vafc-tingia-crawl (78 VAFC debunks + 716 VnExpress distractors) are
indexed as claims with ``Matcher.add`` (vectors from ``Matcher.embed``, cached). Each of
the 30 reports (accented / unaccented / chat-spelled) is run through ``Matcher.query`` and
``Matcher.decide`` with the DEFAULT ``MatchConfig``: its fusion weights and thresholds were
fitted on vnPara by bench/paraphrase.py, never on these 30 queries.

Three ways to index an article are compared; the vectors are those of the lead in all
three (a verdict is embedded by its claim, whatever text the word index holds):

- ``lead+body`` (the main figures): the lead (title + sapo, what a published verdict's
  claim text looks like) as the claim's text and the rest of the article as its ``body``
  (``Matcher.add(..., body=...)``, weighted by ``MatchConfig.body_credit``);
- ``lead``: the lead alone (the figures before bodies were indexed);
- ``full``: the whole article as the claim's text.

``--vectors`` picks which texts of an article are embedded: ``lead`` (default), ``title``,
or ``title+lead`` (several rows per article, the best row wins, as in ``ClaimVectors``).
Vectors are cached under ``var/cache`` (``TINGIA_CACHE``) by model and text hash. The
highest score a no-debunk rumour reaches is printed next to the suggest threshold, so a thin
margin shows itself.

Run: .venv/bin/python bench/vi_report_to_debunk.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TINGIA_CACHE", str(Path(__file__).resolve().parent.parent / "var" / "cache"))

from _data import load_vafc_collection, load_vi_reports  # noqa: E402
from _embed import form_vectors  # noqa: E402

from claimmatch import E5Embedder, MatchConfig, Matcher  # noqa: E402

LEAD_CHARS = 400


def lead(text: str) -> str:
    """Title and sapo: the first LEAD_CHARS characters, cut at a word boundary."""
    if len(text) <= LEAD_CHARS:
        return text
    return text[:LEAD_CHARS].rsplit(" ", 1)[0]


def title(text: str) -> str:
    """The headline: the crawler wrote ``title + ". " + sapo + ". " + body``."""
    return text.split(". ", 1)[0].strip()


def run(variant: str, articles, reports, embedder, vectors_from: str,
        config: MatchConfig | None = None) -> dict:
    texts = [a["text"] if variant == "full" else lead(a["text"]) for a in articles]
    bodies = [a["text"][len(t):] if variant == "lead+body" else ""
              for a, t in zip(articles, texts, strict=True)]
    config = config or MatchConfig()
    matcher = Matcher(config, embedder)
    # the model reads the lead in both variants: a verdict is embedded by its claim, while
    # the "full" variant lets BM25 and word coverage see the whole article
    rows = []
    if "lead" in vectors_from:
        rows.append(form_vectors(embedder, "vafc-lead", [lead(a["text"]) for a in articles], False))
    if "title" in vectors_from:
        titles = [title(a["text"]) for a in articles]
        rows.append(form_vectors(embedder, "vafc-title", titles, False))
    vectors = [np.concatenate(per) for per in zip(*rows, strict=True)]
    for i, (text, vec) in enumerate(zip(texts, vectors, strict=True)):
        matcher.add(i, text, vectors=vec, body=bodies[i])
    qvecs = form_vectors(embedder, "vi-reports", [r.text for r in reports], is_query=True)
    ids = [a["id"] for a in articles]
    rr, r1, r5, styles = [], [], [], {}
    x_suggested = d_linked = d_suggested = 0
    x_max = 0.0
    t0 = time.time()
    for report, qv in zip(reports, qvecs, strict=True):
        cands = matcher.query(report.text, k=10, query_vectors=qv)
        decision = matcher.decide(report.text, cands)
        ranked = [ids[c.claim_id] for c in cands]
        if not report.relevant:
            x_suggested += decision.action != "new"
            top = cands[0].score if cands else 0.0
            x_max = max(x_max, top)
            print(f"  {report.qid} no-debunk: {decision.action} top={top:.3f}", file=sys.stderr)
            continue
        rank = next((n for n, d in enumerate(ranked, 1) if d in report.relevant), None)
        rr.append(1.0 / rank if rank else 0.0)
        r1.append(1.0 if rank == 1 else 0.0)
        r5.append(1.0 if rank and rank <= 5 else 0.0)
        styles.setdefault(report.style, []).append(r1[-1])
        top_ok = bool(ranked) and ranked[0] in report.relevant
        d_linked += decision.action == "link" and top_ok
        d_suggested += decision.action in ("link", "suggest") and top_ok
        print(
            f"  {report.qid} {report.style}: rank {rank} {decision.action} "
            f"top={cands[0].score:.3f} {cands[0].reasons}",
            file=sys.stderr,
        )
    per_query_ms = (time.time() - t0) / len(reports) * 1000
    return {
        "mrr": round(float(np.mean(rr)), 4),
        "recall_at_1": round(float(np.mean(r1)), 4),
        "recall_at_5": round(float(np.mean(r5)), 4),
        "recall_at_1_by_style": {k: round(float(np.mean(v)), 4) for k, v in styles.items()},
        "no_debunk_suggested": int(x_suggested),
        "no_debunk_total": sum(1 for r in reports if not r.relevant),
        "no_debunk_max_score": round(x_max, 4),
        "suggest_threshold": config.suggest_threshold,
        "body_credit": config.body_credit,
        "debunk_right_and_suggested_or_linked": int(d_suggested),
        "debunk_right_and_autolinked": int(d_linked),
        "debunk_total": len(rr),
        "query_ms": round(per_query_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--vectors", default="lead", choices=("lead", "title", "title+lead"),
        help="which texts of each article are embedded (several = several rows, best wins)",
    )
    args = parser.parse_args()
    articles = load_vafc_collection()
    reports = load_vi_reports()
    embedder = E5Embedder()
    variants = ("lead+body", "lead", "full")
    results = {v: run(v, articles, reports, embedder, args.vectors) for v in variants}
    for v, res in results.items():
        print(f"{v}: {res}")
    main_result = dict(results["lead+body"])
    main_result["indexed_text"] = f"lead ({LEAD_CHARS} chars) + rest of the article as body"
    main_result["vectors_of"] = args.vectors
    main_result["lead_only_variant"] = results["lead"]
    main_result["full_text_variant"] = results["full"]
    print(json.dumps(main_result))


if __name__ == "__main__":
    main()
