"""Show search: romanised names, admin-entered aliases and a full-text index (SQLite FTS5).

shows.aliases holds the admin's other spellings (one per line); shows.name_romanised the Latin form of a name
in an Indian script (catalog/romanise.py); shows.search_keys both of those plus the loose spelling keys of the
name, caption, tags and aliases. show_search is an FTS5 table (unicode61, accents removed, prefix indexes)
with one row per live show, rowid = shows.id, kept in step by triggers on shows and show_tags so that every
write path (the service, bulk seeding, a SQL console) updates it in the same transaction.

Revision ID: 0017_show_search
Revises: 0016_user_locale
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_show_search"
down_revision = "0016_user_locale"
branch_labels = None
depends_on = None

# The row of one show, rebuilt whole: {id} is NEW.id, OLD.id or NEW.show_id.
_REFRESH = """
    DELETE FROM show_search WHERE rowid = {id};
    INSERT INTO show_search (rowid, name, caption, tags, description, extra)
    SELECT s.id, s.name, coalesce(s.caption, ''),
           coalesce((SELECT group_concat(t.tag, ' ') FROM show_tags t WHERE t.show_id = s.id), ''),
           coalesce(s.description, ''), coalesce(s.search_keys, '')
    FROM shows s WHERE s.id = {id} AND s.removed_at IS NULL;
"""

TRIGGERS = {
    "show_search_after_show_insert": ("AFTER INSERT ON shows", _REFRESH.format(id="NEW.id")),
    "show_search_after_show_update": ("AFTER UPDATE ON shows", _REFRESH.format(id="NEW.id")),
    "show_search_after_show_delete": ("AFTER DELETE ON shows", "DELETE FROM show_search WHERE rowid = OLD.id;"),
    "show_search_after_tag_insert": ("AFTER INSERT ON show_tags", _REFRESH.format(id="NEW.show_id")),
    "show_search_after_tag_update": ("AFTER UPDATE ON show_tags", _REFRESH.format(id="NEW.show_id")),
    "show_search_after_tag_delete": ("AFTER DELETE ON show_tags", _REFRESH.format(id="OLD.show_id")),
}


def upgrade():
    # Plain ALTER TABLE ADD COLUMN: a batch (copy-and-move) rebuild of shows would drop its triggers, so a
    # later migration that must rebuild shows has to create TRIGGERS again.
    op.add_column("shows", sa.Column("aliases", sa.Text(), nullable=True))
    op.add_column("shows", sa.Column("name_romanised", sa.String(length=300), nullable=True))
    op.add_column("shows", sa.Column("search_keys", sa.Text(), nullable=True))
    op.execute(
        "CREATE VIRTUAL TABLE show_search USING fts5(name, caption, tags, description, extra, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )
    for name, (event, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")
    # Existing shows: compute their romanised forms and keys with today's rules, which fills the index.
    from ticketshow.catalog.search import search_fields

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, caption, aliases FROM shows")).all()
    tags = {}
    for show_id, tag in connection.execute(sa.text("SELECT show_id, tag FROM show_tags ORDER BY position")):
        tags.setdefault(show_id, []).append(tag)
    for show_id, name, caption, aliases in rows:
        connection.execute(
            sa.text("UPDATE shows SET name_romanised = :name_romanised, search_keys = :search_keys WHERE id = :id"),
            {"id": show_id, **search_fields(name, caption, tags.get(show_id, []), aliases)},
        )


def downgrade():
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS show_search")
    with op.batch_alter_table("shows") as batch:
        batch.drop_column("search_keys")
        batch.drop_column("name_romanised")
        batch.drop_column("aliases")
