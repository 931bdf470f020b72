"""Full-text search over framework items, on SQLite (FTS5) and PostgreSQL alike.

``SearchEntry`` rows hold the text of each item. On SQLite an FTS5 table mirrors them through
triggers; on PostgreSQL an expression GIN index covers them (both made by migration 0002). Callers
use ``index_version`` and ``search`` and never see which backend answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from upstream.framework.models import FrameworkVersion, SearchEntry
from upstream.framework.pack import languages
from upstream.framework.translation import SOURCE_LANGUAGE, active_language, text_of

KINDS = (
    "principle",
    "level",
    "tier",
    "strategy",
    "activity",
    "outcome",
    "factor",
    "definition",
)
KIND_LABELS = {
    "principle": _("Principle"),
    "level": _("Level"),
    "tier": _("Prevention tier"),
    "strategy": _("Strategy"),
    "activity": _("Activity"),
    "outcome": _("Outcome"),
    "factor": _("Risk or protective factor"),
    "definition": _("Definition"),
}
_COLLECTION = {
    "principle": "principles",
    "level": "levels",
    "tier": "tiers",
    "strategy": "strategies",
    "activity": "activities",
    "outcome": "outcomes",
    "factor": "factors",
    "definition": "definitions",
}
_TOKEN = re.compile(r"\w+", re.UNICODE)
_START, _STOP = "\x02", "\x03"
_PG_CONFIG = {"en": "english", "es": "spanish"}
# Spanish is searched without accents ("prevencion" finds "prevención"), with built-in
# translate() rather than the unaccent extension, which may not be installed.
_ACCENTED, _PLAIN = "áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN"
_PG_TEXT = {
    "en": ("title", "body"),
    "es": (
        f"translate(title, '{_ACCENTED}', '{_PLAIN}')",
        f"translate(body, '{_ACCENTED}', '{_PLAIN}')",
    ),
}
# Each must stay identical to the index of its language (migrations 0002 and 0003).
PG_VECTORS = {
    language: f"setweight(to_tsvector('{config}', {_PG_TEXT[language][0]}), 'A') || "
    f"setweight(to_tsvector('{config}', {_PG_TEXT[language][1]}), 'B')"
    for language, config in _PG_CONFIG.items()
}
PG_VECTOR = PG_VECTORS["en"]


@dataclass(frozen=True)
class SearchHit:
    kind: str
    key: str
    title: str
    snippet: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def snippet_html(self) -> SafeString:
        """The snippet with matches in <mark>, everything else escaped."""
        html = str(escape(self.snippet)).replace(_START, "<mark>").replace(_STOP, "</mark>")
        return mark_safe(html)  # noqa: S308  (escaped above; only our own markers become tags)

    @property
    def snippet_text(self) -> str:
        return self.snippet.replace(_START, "").replace(_STOP, "")


def _text(item: dict[str, Any], language: str, *fields: str) -> str:
    parts: list[str] = []
    for name in fields:
        value = item.get(name) if name == "practices" else text_of(item, name, language).value
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for entry in value:
                if isinstance(entry, str):
                    parts.append(entry)
                elif isinstance(entry, dict) and isinstance(entry.get("text"), str):
                    parts.append(str(text_of(entry, "text", language).value))
    return "\n".join(parts)


def index_languages(version: FrameworkVersion) -> list[str]:
    """English, then every language the version credits a translation into."""
    return [SOURCE_LANGUAGE, *[code for code in languages() if code in version.translation_sources]]


def _entries(version: FrameworkVersion) -> list[SearchEntry]:
    doc = version.document
    entries = []
    for language in index_languages(version):
        for kind in KINDS:
            for item in doc.get(_COLLECTION[kind], []):
                if kind == "definition":
                    title = text_of(item, "term", language).value
                    body = _text(item, language, "definition")
                else:
                    title = text_of(item, "name", language).value
                    body = _text(
                        item,
                        language,
                        "description",
                        "aliases",
                        "practices",
                        "populations",
                        "evidence",
                    )
                entries.append(
                    SearchEntry(
                        version=version,
                        language=language,
                        kind=kind,
                        key=item["key"],
                        title=title,
                        body=body,
                    )
                )
    return entries


def index_version(version: FrameworkVersion) -> int:
    """(Re)build the search entries of a version, one per item and language; returns how many."""
    SearchEntry.objects.filter(version=version).delete()
    entries = SearchEntry.objects.bulk_create(_entries(version))
    return len(entries)


def tokens(query: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(query)][:12]


def search(
    version: FrameworkVersion,
    query: str,
    *,
    kinds: list[str] | None = None,
    limit: int = 50,
    language: str | None = None,
) -> list[SearchHit]:
    """Items of ``version`` matching every word of ``query`` (prefixes match), best first.

    The text searched is in ``language`` (default: the page's), English where an item has no
    translation; a version not translated into that language is searched in English.
    """
    words = tokens(query)
    if not words:
        return []
    language = language or active_language()
    if language not in index_languages(version):
        language = SOURCE_LANGUAGE
    kind_filter = [k for k in (kinds or []) if k in KINDS]
    if connection.vendor == "postgresql":
        return _search_postgres(version, words, kind_filter, limit, language)
    return _search_sqlite(version, words, kind_filter, limit, language)


def _search_sqlite(
    version: FrameworkVersion, words: list[str], kinds: list[str], limit: int, language: str
) -> list[SearchHit]:
    match = " ".join(f'"{w}"*' for w in words)
    # Only constants and placeholders are formatted into the SQL; every value is a parameter.
    sql = (
        "SELECT e.kind, e.key, e.title, "  # noqa: S608
        f"snippet(framework_search_fts, 1, '{_START}', '{_STOP}', '…', 16) "
        "FROM framework_search_fts "
        "JOIN framework_searchentry e ON e.id = framework_search_fts.rowid "
        "WHERE framework_search_fts MATCH %s AND e.version_id = %s AND e.language = %s"
    )
    params: list[Any] = [match, version.pk, language]
    if kinds:
        sql += f" AND e.kind IN ({', '.join(['%s'] * len(kinds))})"
        params.extend(kinds)
    sql += " ORDER BY bm25(framework_search_fts, 10.0, 1.0) LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [SearchHit(kind=r[0], key=r[1], title=r[2], snippet=r[3] or "") for r in rows]


def _search_postgres(
    version: FrameworkVersion, words: list[str], kinds: list[str], limit: int, language: str
) -> list[SearchHit]:
    if language == "es":
        words = [w.translate(str.maketrans(_ACCENTED, _PLAIN)) for w in words]
    tsquery = " & ".join(f"{w}:*" for w in words)
    config, vector = _PG_CONFIG[language], PG_VECTORS[language]
    # Only constants and placeholders are formatted into the SQL; every value is a parameter.
    sql = (
        "SELECT kind, key, title, "  # noqa: S608
        f"ts_headline('{config}', body, q, "
        f"'StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, ShortWord=2') "
        f"FROM framework_searchentry, to_tsquery('{config}', %s) q "
        f"WHERE version_id = %s AND language = %s AND ({vector}) @@ q"
    )
    params: list[Any] = [tsquery, version.pk, language]
    if kinds:
        sql += f" AND kind IN ({', '.join(['%s'] * len(kinds))})"
        params.extend(kinds)
    sql += f" ORDER BY ts_rank({vector}, q) DESC, id LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [SearchHit(kind=r[0], key=r[1], title=r[2], snippet=r[3] or "") for r in rows]
