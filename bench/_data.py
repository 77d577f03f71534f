"""Loaders for the public data sets in the shared data folder, plus an embedding cache.

The data folder is read in place (never copied into the repository); its location can be
moved with the TINGIA_SHARED_DATA environment variable. Embedding a corpus with the CPU
model takes minutes, so vectors are cached outside the repository, keyed by the model name
and a hash of the exact texts, so a changed text or model can never reuse stale vectors.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # lets `python bench/x.py` import the repo's packages
    sys.path.insert(0, str(REPO_ROOT))

csv.field_size_limit(10_000_000)


def shared_data() -> Path:
    return Path(os.environ.get("TINGIA_SHARED_DATA", REPO_ROOT / ".." / "shared" / "data"))


def cache_dir() -> Path:
    path = Path(os.environ.get("TINGIA_CACHE", Path.home() / ".cache" / "tingia"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --- CLEF CheckThat! 2022 task 2A (English) ------------------------------------------------


@dataclass(frozen=True)
class ClefData:
    query_ids: list[str]
    queries: list[str]
    relevant: dict[str, set[str]]
    vclaims: list[dict]


def load_clef() -> ClefData:
    root = shared_data() / "clef2022-checkthat-2a-en"
    ids: list[str] = []
    texts: list[str] = []
    relevant: dict[str, set[str]] = {}
    for split in ("train", "dev"):
        with (root / f"queries-{split}.tsv").open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                qid, text = line.rstrip("\n").split("\t", 1)
                ids.append(qid)
                texts.append(text)
        with (root / f"qrels-{split}.tsv").open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 4 and parts[3] != "0":
                    relevant.setdefault(parts[0], set()).add(parts[2])
    return ClefData(ids, texts, relevant, _jsonl(root / "vclaims.jsonl"))


# --- Vietnamese: VAFC debunks + news, citizen reports -------------------------------------


def load_vafc_collection() -> list[dict]:
    """All 794 articles (78 VAFC debunks first, then the VnExpress distractors)."""
    root = shared_data() / "vafc-tingia-crawl"
    return _jsonl(root / "vafc_debunks.jsonl") + _jsonl(root / "vnexpress_news.jsonl")


@dataclass(frozen=True)
class ReportQuery:
    qid: str
    style: str
    text: str
    relevant: frozenset[str]


def load_vi_reports() -> list[ReportQuery]:
    path = shared_data() / "vi-report-to-debunk-dev" / "queries.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        ReportQuery(
            r["qid"],
            r["style"],
            r["text"],
            frozenset(x.strip() for x in (r.get("relevant") or "").split(",") if x.strip()),
        )
        for r in rows
    ]


def load_mds() -> list[dict]:
    return _jsonl(shared_data() / "vietnamese-mds-200" / "documents.jsonl")


@dataclass(frozen=True)
class ParaPair:
    pair_id: int
    label: int
    first: str
    second: str


def load_vnpara() -> list[ParaPair]:
    path = shared_data() / "vnpara" / "vnpara_pairs.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        ParaPair(int(r["pair_id"]), int(r["label"]), r["sentence1"], r["sentence2"]) for r in rows
    ]


# --- embedding cache ----------------------------------------------------------------------


def cached_embeddings(
    model_name: str,
    kind: str,
    texts: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
    batch: int = 64,
) -> np.ndarray:
    """Embed ``texts`` once per (model, kind, exact text) and reuse the vectors afterwards.

    ``kind`` must name the embedding function (e.g. query vs passage prefix): vectors are
    shared between benchmarks text by text, so only texts never seen before are embedded.
    """
    digest = hashlib.sha256()
    digest.update(f"{model_name}\0{kind}\0".encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    path = cache_dir() / f"emb-{model_name}-{kind}-{digest.hexdigest()[:20]}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    side = kind.rsplit("-", 1)[-1] if kind.endswith(("-q", "-p")) else kind
    store = _TextVectorStore(cache_dir() / f"texts-{model_name}-{side}.sqlite")
    found = store.get(texts)
    missing = sorted({t for t, v in zip(texts, found) if v is None})
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        store.put(chunk, np.asarray(embed(chunk), dtype=np.float32))
        done = min(start + batch, len(missing))
        if done % (batch * 10) == 0 or done == len(missing):
            print(f"  embedded {done}/{len(missing)} new {kind}", file=sys.stderr, flush=True)
    found = store.get(texts)
    vectors = np.stack(found) if texts else np.zeros((0, 0), np.float32)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors


class _TextVectorStore:
    """One vector per distinct text in SQLite, so repeated texts are embedded once."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        self._db = sqlite3.connect(path, timeout=120)  # benchmarks may share it
        self._db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, x BLOB)")

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        out: list[np.ndarray | None] = []
        for text in texts:
            row = self._db.execute("SELECT x FROM v WHERE k = ?", (self._key(text),)).fetchone()
            out.append(np.frombuffer(row[0], np.float32) if row else None)
        return out

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO v VALUES (?, ?)",
            [(self._key(t), v.astype(np.float32).tobytes()) for t, v in zip(texts, vectors)],
        )
        self._db.commit()


def production_env(var_dir: Path) -> dict[str, str]:
    """Environment for a production-shaped server in a bench: DEBUG off, fresh secret, rate limits on.

    Inherited tingia, database, cache and broker variables are dropped so a developer's shell
    cannot leak into the measured configuration.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("TINGIA_", "DATABASE_URL", "CACHE_URL", "CELERY_", "GUNICORN_", "WEB_CONCURRENCY")
        )
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tingia.settings",
            "TINGIA_SECRET_KEY": secrets.token_urlsafe(50),
            "TINGIA_SSL_REDIRECT": "0",
            "TINGIA_RATELIMIT": "1",
            "TINGIA_VAR_DIR": str(var_dir),
            "TINGIA_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env

