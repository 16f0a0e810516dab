"""The Russian translation is complete, and the committed .mo says what the .po says."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr[n], flags."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or {"flags": "", "strings": {}}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry["strings"][key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry["strings"][key] = ast.literal_eval(value)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = [e for e in read_po(LOCALE / "django.po") if e["strings"].get("msgid")]
    assert len(entries) > 150
    untranslated = [
        e["strings"]["msgid"]
        for e in entries
        if any(not v for k, v in e["strings"].items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    assert [e["strings"]["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for entry in read_po(LOCALE / "django.po"):
        strings = entry["strings"]
        if not strings.get("msgid") or "msgid_plural" in strings:
            continue
        msgid = strings["msgid"]
        if "msgctxt" in strings:
            assert catalog.pgettext(strings["msgctxt"], msgid) == strings["msgstr"], msgid
        else:
            assert catalog.gettext(msgid) == strings["msgstr"], msgid
