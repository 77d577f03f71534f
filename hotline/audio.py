"""A first look at a recording's bytes: is it an audio container at all?

Only a quick answer for the webhook's response and the operators' list ("not audio" at
once instead of after a queue); decoding, and the final word, belong to hotline.speech.
"""

from __future__ import annotations

# Leading bytes of the containers telephony systems produce (WAV, Ogg/Opus, MP3, FLAC, Sun
# .au, AMR, MP4/M4A, WebM/Matroska, AIFF, CAF) and the frame-sync of a bare MP3 stream.
_MAGIC = (b"RIFF", b"OggS", b"ID3", b"fLaC", b".snd", b"#!AMR", b"\x1aE\xdf\xa3", b"FORM", b"caff")


def looks_like_audio(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith(b"RIFF"):
        return head[8:12] in (b"WAVE", b"RF64") or len(head) < 12
    if head.startswith(_MAGIC):
        return True
    if head[4:8] == b"ftyp":  # MP4 family (M4A)
        return True
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0  # MPEG audio frame sync


def audio_content_type(head: bytes) -> str:
    """The media type to serve a stored recording with (browsers play what they recognise)."""
    if head.startswith(b"RIFF"):
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return "application/octet-stream"
