"""Full-text index over framework search entries: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE framework_search_fts USING fts5(
        title, body, content='framework_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER framework_searchentry_ai AFTER INSERT ON framework_searchentry BEGIN
        INSERT INTO framework_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER framework_searchentry_ad AFTER DELETE ON framework_searchentry BEGIN
        INSERT INTO framework_search_fts(framework_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER framework_searchentry_au AFTER UPDATE ON framework_searchentry BEGIN
        INSERT INTO framework_search_fts(framework_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO framework_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS framework_searchentry_au",
    "DROP TRIGGER IF EXISTS framework_searchentry_ad",
    "DROP TRIGGER IF EXISTS framework_searchentry_ai",
    "DROP TABLE IF EXISTS framework_search_fts",
]
# Must stay identical to upstream.framework.search.PG_VECTOR so that queries use the index.
PG_FORWARD = [
    """CREATE INDEX framework_searchentry_tsv ON framework_searchentry USING gin ((
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ))""",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS framework_searchentry_tsv"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("framework", "0001_knowledge_base")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
