"""The Hindi and Tamil catalogues are complete and in step with the code (docs/i18n.md).

- Every msgid the code and templates use (extracted with babel.cfg, as `make messages` does) is in each
  catalogue, and the catalogues hold nothing else: a new string fails here until it is translated.
- Every entry is translated (all plural forms), none is fuzzy, placeholders match the msgid.
- The committed .mo files are what the .po files compile to (a forgotten `make messages` fails here).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

BACKEND = Path(__file__).resolve().parents[2]
TRANSLATIONS = BACKEND / "ticketshow" / "translations"
LANGUAGES = ("hi", "ta")


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The msgids of the code now, extracted exactly as the Makefile's `messages` target does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(BACKEND / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            str(BACKEND),
        ]
    )
    with open(pot, "rb") as fh:
        return {message.id for message in read_po(fh) if message.id}


def test_extraction_finds_the_strings_the_code_uses(extracted):
    # A sample that must be there: a class message, a raise site, a library field message, a mail template.
    assert {"This screening is houseful: no seats are left.", "No such show.", "Missing data for required field."} <= (
        extracted
    )
    assert "Namaste, %(name)s!" in extracted and ("%(num)d ticket", "%(num)d tickets") in extracted


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_in_sync_with_the_code(language, extracted):
    ids = {message.id for message in _catalogue(language) if message.id}
    new, obsolete = extracted - ids, ids - extracted
    assert not new, f"{language}: strings in the code but not in the catalogue (run `make messages`): {new}"
    assert not obsolete, f"{language}: strings in the catalogue that the code no longer uses: {obsolete}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    catalogue = _catalogue(language)
    assert not catalogue.fuzzy, f"{language}: the catalogue's header is marked fuzzy"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not strings or not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {message.id!r}")
        if isinstance(message.id, tuple) and len(strings) != catalogue.num_plurals:
            problems.append(f"{len(strings)} plural forms, not {catalogue.num_plurals}: {message.id!r}")
    problems += [f"{message.id!r}: {errors}" for message, errors in catalogue.check()]  # placeholders
    assert not problems, f"{language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_translations_are_not_english(language):
    """A translator's slip (an English sentence pasted back) shows as a msgstr equal to its msgid; only
    strings that are the same in every language (names of formats, codes) may be."""
    same = [
        m.id
        for m in _catalogue(language)
        if m.id and not isinstance(m.id, tuple) and m.string == m.id and any(c.isalpha() for c in m.id)
    ]
    assert not same, f"{language}: left in English: {same}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as fh:
        compiled = read_mo(fh)

    def entries(catalogue) -> dict:  # read_mo gives plural ids as lists, read_po as tuples
        return {
            tuple(m.id) if isinstance(m.id, list) else m.id: tuple(m.string) if isinstance(m.string, list) else m.string
            for m in catalogue
            if m.id
        }

    expected, actual = entries(_catalogue(language)), entries(compiled)
    assert actual == expected, f"{language}: messages.mo is stale; run `make messages`"


def test_the_app_loads_the_catalogues(app):
    """Flask-Babel finds ticketshow/translations from the app's root, in any working directory."""
    from flask_babel import force_locale

    from ticketshow.i18n import _

    with app.test_request_context():
        with force_locale("hi"):
            assert _("No such show.") == "यह शो नहीं मिला।"
        with force_locale("ta"):
            assert _("No such show.") == "இந்த நிகழ்ச்சி இல்லை."
        assert _("No such show.") == "No such show."


def test_raised_messages_go_through_the_catalogue():
    """A message written straight into a raise (`NotFound("No such show.")`, `Invalid({"f": f"..."})`,
    `ValidationError("...")`) would reach Hindi and Tamil callers in English: the code must say `_("...")`."""
    import ast

    error_names = {
        "DomainError",
        "NotFound",
        "Unauthorized",
        "Forbidden",
        "Conflict",
        "Invalid",
        "TooLarge",
        "UnsupportedMediaType",
        "TooManyRequests",
        "QueueUnavailable",
        "ValidationError",
    }
    source = BACKEND / "ticketshow"
    for path in source.rglob("*.py"):  # the domain's own subclasses (Houseful(Conflict), ...)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) in error_names for b in node.bases):
                error_names.add(node.name)

    def literal(node) -> bool:
        return isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isalpha() for c in node.value)
        )

    found = []
    for path in sorted(source.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in error_names or not node.args:
                continue
            first = node.args[0]
            messages = list(first.values) if isinstance(first, ast.Dict) else [first, *node.args[1:2]]
            messages = [m for item in messages for m in (item.elts if isinstance(item, ast.List) else [item])]
            if any(literal(m) for m in messages):
                found.append(f"{path.relative_to(BACKEND)}:{node.lineno}")
    # tickets' InvalidCode carries the code checker's diagnostic (English, like the codes), not a message.
    found = [f for f in found if "tickets/service.py" not in f or "InvalidCode" not in _line(f)]
    assert not found, "messages raised without _(): " + ", ".join(found)


def _line(where: str) -> str:
    path, number = where.rsplit(":", 1)
    return (BACKEND / path).read_text("utf-8").splitlines()[int(number) - 1]
