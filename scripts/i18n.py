"""Keep the three languages in step.

The source strings (msgids) are zh-Hans. This script
1. extracts them into locale/{zh_Hans,zh_Hant,en}/LC_MESSAGES/django.po (needs gettext),
2. fills zh-Hant from zh-Hans with OpenCC, so it is never behind,
3. keeps English translations, lists the ones still missing,
4. compiles the .mo files that are committed (so `make demo` needs no gettext).

Run: .venv/bin/python scripts/i18n.py  (or `make messages`)
     .venv/bin/python scripts/i18n.py --check   (exit 1 if anything is out of step)
"""

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["zh_Hans", "zh_Hant", "en"]
IGNORE = [".venv", "static/vendor", "staticfiles", "node_modules", "tests", "bench", "scripts"]
S2T = opencc.OpenCC("s2t")


def po_path(locale):
    return ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"


def extract():
    cmd = [sys.executable, "manage.py", "makemessages", "--no-location", "--no-obsolete"]
    for locale in LOCALES:
        cmd += ["-l", locale]
    for pattern in IGNORE:
        cmd += ["--ignore", pattern]
    env = {**os.environ, "GRIDGOV_DEBUG": "1"}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603 (our own manage.py)


def to_traditional(text):
    return S2T.convert(text)


def fill_zh_hant():
    po = polib.pofile(str(po_path("zh_Hant")))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: to_traditional(entry.msgid_plural)}
        else:
            entry.msgstr = to_traditional(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def fill_zh_hans():
    po = polib.pofile(str(po_path("zh_Hans")))
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def missing_english():
    po = polib.pofile(str(po_path("en")))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


LANGUAGE_NAMES = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}


def set_header(po, locale):
    po.metadata_is_fuzzy = False
    po.metadata.update(
        {
            "Project-Id-Version": "gridgov",
            "Language": LANGUAGE_NAMES[locale],
            "Language-Team": LANGUAGE_NAMES[locale],
            "Last-Translator": "gridgov",
            "Plural-Forms": "nplurals=1; plural=0;" if locale.startswith("zh") else "nplurals=2; plural=(n != 1);",
        }
    )


def compile_all():
    for locale in LOCALES:
        po = polib.pofile(str(po_path(locale)))
        set_header(po, locale)
        po.save()
        po.save_as_mofile(str(po_path(locale).with_suffix(".mo")))


def main():
    check = "--check" in sys.argv
    before = {loc: po_path(loc).read_text() if po_path(loc).exists() else "" for loc in LOCALES}
    extract()
    fill_zh_hans()
    fill_zh_hant()
    compile_all()
    missing = missing_english()
    changed = [loc for loc in LOCALES if _strip_date(po_path(loc).read_text()) != _strip_date(before[loc])]
    for msgid in missing:
        print(f"English translation missing: {msgid!r}")
    if check and (changed or missing):
        print(f"out of step: changed {changed}, {len(missing)} English strings missing")
        sys.exit(1)
    print(f"ok: {', '.join(LOCALES)}; {len(missing)} English strings missing")


def _strip_date(text):
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date'))


if __name__ == "__main__":
    main()
