"""Three languages kept in step: zh-Hans (source), zh-Hant (generated), English (translated)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed (.ci/run installs it)")
def test_translations_are_in_step_with_the_source(tmp_path):
    """Re-extract the strings in a copy of the tree: the committed .po/.mo files must not change."""
    for name in ("gridgov", "templates", "locale", "scripts", "static"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "scripts/i18n.py", "--check"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_english_has_no_untranslated_string():
    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


def test_placeholders_survive_translation():
    for locale in ("en", "zh_Hant"):
        po = polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))
        for entry in po.translated_entries():
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            for text in translations:
                for token in ("%(", "%s", "%d"):
                    assert entry.msgid.count(token) == text.count(token), (locale, entry.msgid, text)


@pytest.mark.parametrize(
    "language, expected",
    [("zh-hans", "工作人员登录"), ("zh-hant", "工作人員登錄"), ("en", "Staff")],
)
def test_pages_follow_the_chosen_language(client, db, settings, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get("/accounts/login/").content.decode()
    assert expected in body
    assert f'lang="{language}"' in body


def test_default_is_simplified_chinese_whatever_the_browser_says(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body and "工作人员登录" in body


def test_language_switcher_sets_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "工作人員登錄" in client.get("/accounts/login/").content.decode()
