"""The Vietnamese catalogue: complete, safe to format, compiled, and actually served.

Vietnamese is the site's default language, so an untranslated or broken entry is a visible
defect (English shown to a Vietnamese citizen) or a crash (a msgstr whose placeholders do not
match what the code substitutes). The .po file is parsed with the standard library only, so
these checks run on machines without gettext or polib.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# What `makemessages -l vi --ignore=.venv --ignore=var --ignore=node_modules --ignore=bench` skips.
SKIPPED_DIRS = {".venv", "var", "node_modules", "bench", ".git", "__pycache__"}

FORM = "/phan-anh/"
API_REPORTS = "/api/v1/reports"
EMPTY_REPORT = "The report is empty: write what you saw, add a link or attach a screenshot."
API_NOT_ACCEPTED = "The report was not accepted: see the fields."

# printf-style named placeholders as Python's % operator reads them (%(name)s, %(n)d, ...).
PERCENT_NAMED = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[sdifgeExXor]")
BRACE_NAMED = re.compile(r"\{\{?\s*(\w+)\s*\}?\}")


# --- A small .po reader ---------------------------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def where(self) -> str:
        return self.references[0] if self.references else "?"

    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _po_string(token: str) -> str:
    """A quoted PO string (C escapes) as text."""
    body = token.strip()[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
               "f": "\f", "v": "\v"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current, target = Entry(), None

    def flush() -> None:
        nonlocal current, target
        if target is not None:
            entries.append(current)
        current, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#:"):
            current.references += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _po_string(match.group(3))
            if keyword in ("msgctxt", "msgid") and (isinstance(target, int) or target == "msgstr"):
                flush()  # a new entry without a blank line before it
            if index is not None:
                current.msgstr_plural[int(index)] = text
                target = int(index)
            else:
                setattr(current, keyword, text)
                target = keyword
            continue
        if line.startswith('"') and target is not None:
            text = _po_string(line)
            if isinstance(target, int):
                current.msgstr_plural[target] += text
            else:
                setattr(current, target, getattr(current, target) + text)
            continue
        raise ValueError(f"{path}: cannot read the line {raw!r}")
    flush()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert CATALOGUE.is_file(), f"{CATALOGUE} is missing: run makemessages -l vi"
    return read_po(CATALOGUE)


@pytest.fixture(scope="module")
def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def _header(entries: list[Entry]) -> tuple[Entry, dict[str, str]]:
    head = next(e for e in entries if e.msgid == "" and not e.obsolete)
    fields = dict(line.split(":", 1) for line in head.msgstr.splitlines() if ":" in line)
    return head, {k.strip(): v.strip() for k, v in fields.items()}


def _placeholders(text: str) -> set[str]:
    return set(PERCENT_NAMED.findall(text)) | set(BRACE_NAMED.findall(text))


# --- The catalogue file ---------------------------------------------------------------------------

def test_the_header_declares_vietnamese_with_one_plural_form(entries):
    head, fields = _header(entries)
    assert "fuzzy" not in head.flags, "a fuzzy header makes msgfmt drop the charset and plural rule"
    assert fields["Language"] == "vi"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_the_catalogue_is_substantial(messages):
    # Guards the parser and the file against silently becoming (nearly) empty.
    assert len(messages) > 300


def test_no_entry_is_fuzzy(messages):
    fuzzy = [f"{e.where}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries are not used at run time:\n" + "\n".join(fuzzy)


def test_every_entry_is_translated(messages):
    missing = [f"{e.where}: {e.msgid!r}" for e in messages
               if not all(text.strip() for text in e.translations())]
    assert not missing, "untranslated entries:\n" + "\n".join(missing)


def test_plural_entries_have_exactly_the_one_vietnamese_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert plurals, "the site has plural strings; the parser should see them"
    wrong = [f"{e.where}: {e.msgid!r} has forms {sorted(e.msgstr_plural)}" for e in plurals
             if sorted(e.msgstr_plural) != [0]]
    assert not wrong, "\n".join(wrong)


def test_every_placeholder_of_the_msgid_is_kept(messages):
    problems = []
    for e in messages:
        wanted = _placeholders(e.msgid) | _placeholders(e.msgid_plural or "")
        for text in e.translations():
            lost, invented = wanted - _placeholders(text), _placeholders(text) - wanted
            if lost or invented:
                problems.append(f"{e.where}: {e.msgid!r} lost {sorted(lost)} invented {sorted(invented)}")
    assert not problems, "\n".join(problems)


class _Values(dict):
    """What the code substitutes: the msgid's own names, each a number (fits %s and %d)."""

    def __missing__(self, key: str) -> int:
        raise KeyError(f"the translation uses %({key})s, which the code does not pass")


def test_python_format_translations_format_without_error(messages):
    problems = []
    for e in messages:
        if "python-format" not in e.flags:
            continue
        names = _placeholders(e.msgid) | _placeholders(e.msgid_plural or "")
        values = _Values({name: 7 for name in names})
        for text in e.translations():
            try:
                formatted = text % values if names else text % ()
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{e.where}: {text!r}: {exc}")
                continue
            assert "%(" not in formatted
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file(messages):
    """The .mo in the tree serves machines without gettext, so it must not lag behind the .po."""
    assert COMPILED.is_file(), f"{COMPILED} is missing: run compilemessages"
    with COMPILED.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in messages:
        if e.msgid_plural is None:
            got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            if got != e.msgstr:
                stale.append(e.msgid)
        elif compiled.ngettext(e.msgid, e.msgid_plural, 5) != e.msgstr_plural.get(0):
            stale.append(e.msgid)
    assert not stale, f"{len(stale)} entries differ in django.mo; run compilemessages. First: {stale[:3]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(CATALOGUE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- The catalogue covers the source --------------------------------------------------------------

GETTEXT_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')\s*(?:noop\s*)?%\}""")


def _project_files(*suffixes: str) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")]
        found += [Path(dirpath, name) for name in filenames if name.endswith(suffixes)]
    return found


def _marked_in_python(path: Path) -> list[tuple[int, str]]:
    try:
        source = path.read_text(encoding="utf-8")
        if "gettext" not in source:  # every marking imports a gettext function
            return []
        tree = ast.parse(source)
    except (SyntaxError, UnicodeDecodeError):
        return []  # a file mid-edit by someone else: nothing to check yet
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        first = node.args[0]
        if name in GETTEXT_SINGULAR and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
    return found


def test_every_marked_string_in_the_source_is_in_the_catalogue(messages):
    """A string marked after the last makemessages run would reach Vietnamese visitors in English.

    App-level locale folders (publishing/locale) must be passed to makemessages with --ignore,
    otherwise it moves that app's strings out of this catalogue and this test lists them.
    """
    known = {e.msgid for e in messages if not e.msgctxt}
    absent = []
    for path in _project_files(".py"):
        for line, msgid in _marked_in_python(path):
            if msgid and msgid not in known:
                absent.append(f"{path.relative_to(ROOT)}:{line}: {msgid!r}")
    for path in _project_files(".html", ".txt"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in TRANSLATE_TAG.finditer(text):
            msgid = (match.group(1) if match.group(1) is not None else match.group(2)).replace("%", "%%")
            if msgid and msgid not in known:
                line = text.count("\n", 0, match.start()) + 1
                absent.append(f"{path.relative_to(ROOT)}:{line}: {msgid!r}")
    assert not absent, "run makemessages -l vi and translate:\n" + "\n".join(absent)


# --- The labels the centre publishes --------------------------------------------------------------

def test_verdict_labels_and_public_statuses_use_the_centres_words():
    from verification.models import Verdict
    from verification.workflow import PublicStatus

    with translation.override("vi"):
        assert [str(label) for label in Verdict.Label.labels] == ["Tin giả", "Tin sai sự thật", "Tin xác thực"]
        assert [str(label) for label in PublicStatus.labels] == ["Đã tiếp nhận", "Đang xác minh", "Đã có kết luận"]
    with translation.override("en"):
        assert [str(label) for label in Verdict.Label.labels] == ["Fake news", "Distorted news", "Verified true"]


@pytest.mark.parametrize("count", [0, 1, 2, 21])
def test_plural_strings_use_the_single_vietnamese_form(count):
    with translation.override("vi"):
        text = translation.ngettext("%(n)s day", "%(n)s days", count) % {"n": count}
    assert text == f"{count} ngày"


# --- Pages and API answers ------------------------------------------------------------------------

def _vi(message: str) -> str:
    with translation.override("vi"):
        text = translation.gettext(message)
    assert text != message, f"{message!r} has no Vietnamese translation"
    return text


@pytest.fixture
def fresh_limits(db):
    """Rate-limit counters live in the shared cache; start each request test from zero."""
    cache.clear()
    yield
    cache.clear()


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_report_page_is_vietnamese_by_default(web, fresh_limits):
    page = _html(web.get(FORM))
    assert '<html lang="vi">' in page
    assert "Phản ánh tin giả" in page
    assert "Gửi phản ánh" in page
    for english in ("Report fake news", "What did you see?", "Send report"):
        assert escape(_vi(english)) in page
        assert english not in page


@pytest.mark.django_db
def test_an_empty_report_gets_a_vietnamese_error(web, fresh_limits):
    response = web.post(FORM, {})
    assert response.status_code == 400
    page = _html(response)
    assert escape(_vi(EMPTY_REPORT)) in page
    assert escape("Phản ánh đang trống") in page
    assert escape(_vi("Your report has not been sent yet. Please correct:")) in page
    assert EMPTY_REPORT not in page


def _switch_to_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": FORM})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_the_language_switch_makes_the_report_page_english(web, fresh_limits):
    _switch_to_english(web)
    page = _html(web.get(FORM))
    assert '<html lang="en">' in page
    assert "Report fake news" in page and "Send report" in page
    assert escape(_vi("Send report")) not in page
    response = web.post(FORM, {})
    assert response.status_code == 400
    assert escape(EMPTY_REPORT) in _html(response)
    assert escape(_vi(EMPTY_REPORT)) not in _html(response)


@pytest.mark.django_db
def test_the_switch_back_to_vietnamese_wins_over_an_english_browser(web, fresh_limits):
    _switch_to_english(web)
    web.post("/i18n/setlang/", {"language": "vi", "next": FORM})
    page = _html(web.get(FORM, HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="vi">' in page and "Gửi phản ánh" in page


@pytest.mark.django_db
def test_an_english_browser_without_a_choice_gets_english(web, fresh_limits):
    page = _html(web.get(FORM, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in page and "Send report" in page


def _api_empty_report(client, **headers: str) -> dict:
    response = client.generic("POST", API_REPORTS, b"{}", content_type="application/json", **headers)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["error"] == "invalid_report"
    return body


def _field_messages(body: dict) -> list[str]:
    return [item["message"] for items in body["fields"].values() for item in items]


@pytest.mark.django_db
def test_the_api_error_for_an_empty_report_is_vietnamese_by_default(web, fresh_limits):
    body = _api_empty_report(web)
    assert body["message"] == _vi(API_NOT_ACCEPTED)
    assert _vi(EMPTY_REPORT) in _field_messages(body)
    assert any("Phản ánh đang trống" in m for m in _field_messages(body))


@pytest.mark.django_db
def test_the_api_error_is_english_when_the_client_asks_for_english(web, fresh_limits):
    body = _api_empty_report(web, HTTP_ACCEPT_LANGUAGE="en")
    assert body["message"] == API_NOT_ACCEPTED
    assert EMPTY_REPORT in _field_messages(body)
