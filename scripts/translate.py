"""Refresh the Vietnamese catalogue and fill in translations, one writer at a time.

Several people (and helpers) mark new strings at once; `makemessages` rewrites the whole
catalogue, so two runs at the same moment would lose each other's translations. This script
holds an exclusive lock on var/locale.lock while it runs makemessages, writes the given
translations and compiles, so concurrent callers queue instead of clobbering.

    .venv/bin/python scripts/translate.py translations.json   # {"English msgid": "tiếng Việt", ...}
    .venv/bin/python scripts/translate.py --untranslated       # list what still needs a translation
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv", "var", "node_modules", "bench"]


def _manage(*args: str) -> None:
    env = dict(os.environ, TINGIA_DEBUG="1")
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def refresh(translations: dict[str, str]) -> list[str]:
    """Run makemessages, apply `translations`, compile; return msgids still untranslated."""
    ignore = [f"--ignore={name}" for name in IGNORED]
    _manage("makemessages", "-l", "vi", "--no-obsolete", "-v", "0", *ignore)
    catalogue = polib.pofile(str(CATALOGUE), wrapwidth=79)
    for entry in catalogue:
        if entry.msgid in translations:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: translations[entry.msgid]}
            else:
                entry.msgstr = translations[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save(str(CATALOGUE))
    _manage("compilemessages", "-l", "vi", "-v", "0", *ignore)
    return [e.msgid for e in catalogue if not e.translated() and not e.obsolete]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("translations", nargs="?", help="JSON file mapping msgid to Vietnamese")
    parser.add_argument("--untranslated", action="store_true", help="only list missing ones")
    args = parser.parse_args()
    wanted: dict[str, str] = {}
    if args.translations:
        wanted = json.loads(Path(args.translations).read_text(encoding="utf-8"))
    lock_path = ROOT / "var" / "locale.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = refresh(wanted)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing and args.untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
