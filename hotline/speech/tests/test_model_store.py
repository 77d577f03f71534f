"""The packaged model is reassembled from its two wheels and verified by SHA-256."""

from __future__ import annotations

import hashlib

from hotline.speech.model_store import MODEL_SHA256, MODEL_SIZE, packaged_model_dir


def test_model_is_assembled_verified_and_repaired(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_ASR_CACHE_DIR", str(tmp_path))
    folder = packaged_model_dir()
    model = folder / "model.bin"
    assert folder.parent == tmp_path
    assert model.stat().st_size == MODEL_SIZE
    assert hashlib.sha256(model.read_bytes()).hexdigest() == MODEL_SHA256
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in folder.iterdir()}

    with open(model, "r+b") as damaged:  # a disk error or a half-copied cache
        damaged.truncate(MODEL_SIZE // 2)
    assert packaged_model_dir() == folder
    assert model.stat().st_size == MODEL_SIZE
