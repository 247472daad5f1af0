"""Text stored before the one-line rules: cleaned so that every row passes what the API now accepts.

One-line columns (theatre name, place, address, caption; show name, caption, language; tags; a user's
preferred place) lose control characters (made spaces), refused format characters (zero-width spaces,
soft hyphens, bidi overrides and marks; the joiners Indic scripts and emoji need are kept) and doubled
spaces (ticketshow.text.clean_line); their folded search copies are recomputed. Descriptions lose other
controls than line breaks and tabs, and their bidi formatting when an override is left open
(ticketshow.text.clean_text). Clashes are settled deterministically: a live theatre whose cleaned name and
place now equal an older one's gets " (<id>)" appended; a tag that now repeats on a show is dropped; an
emptied name becomes "Untitled <id>". Every changed row is named in a warning. Usernames: 0010.

Revision ID: 0013_clean_one_line_text
Revises: 0012_sessions_and_resets
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0013_clean_one_line_text"
down_revision = "0012_sessions_and_resets"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    from ticketshow.text import clean_line, clean_text, fold

    bind = op.get_bind()
    taken = set()
    changes = []
    for row in bind.execute(sa.text("SELECT id, name, place, address, caption, description, removed_at "
                                    "FROM theatres ORDER BY id")).mappings().all():
        name = clean_line(row["name"]) or f"Untitled {row['id']}"
        place = clean_line(row["place"]) or "Unknown"
        if row["removed_at"] is None:  # live names are unique per place: the older theatre keeps it
            if (fold(name), fold(place)) in taken:
                name = f"{name} ({row['id']})"
            taken.add((fold(name), fold(place)))
        values = {"name": name, "place": place, "address": clean_line(row["address"]) or None,
                  "caption": clean_line(row["caption"]) or None, "description": clean_text(row["description"])}
        if any(values[k] != row[k] for k in values):
            log.warning("theatre %s: text cleaned (%r -> %r)", row["id"], row["name"], name)
            changes.append({**values, "name_folded": fold(name), "place_folded": fold(place), "id": row["id"]})
    for change in changes:  # two passes: a folded name may move to one another row still holds
        bind.execute(sa.text("UPDATE theatres SET name_folded = :tmp WHERE id = :id"),
                     {"tmp": f"\x00migrating-{change['id']}", "id": change["id"]})
    for change in changes:
        bind.execute(sa.text("UPDATE theatres SET name = :name, name_folded = :name_folded, place = :place, "
                             "place_folded = :place_folded, address = :address, caption = :caption, "
                             "description = :description WHERE id = :id"), change)
    for row in bind.execute(sa.text("SELECT id, name, caption, language, description FROM shows ORDER BY id")
                            ).mappings().all():
        values = {"name": clean_line(row["name"]) or f"Untitled {row['id']}",
                  "caption": clean_line(row["caption"]) or None, "language": clean_line(row["language"]) or None,
                  "description": clean_text(row["description"])}
        if any(values[k] != row[k] for k in values):
            log.warning("show %s: text cleaned (%r -> %r)", row["id"], row["name"], values["name"])
            bind.execute(sa.text("UPDATE shows SET name = :name, name_folded = :name_folded, caption = :caption, "
                                 "language = :language, description = :description WHERE id = :id"),
                         {**values, "name_folded": fold(values["name"]), "id": row["id"]})
    tags: dict[int, list[str]] = {}
    for show_id, tag in bind.execute(sa.text("SELECT show_id, tag FROM show_tags ORDER BY show_id, position, tag")
                                     ).all():
        tags.setdefault(show_id, []).append(tag)
    for show_id, current in tags.items():
        wanted: list[str] = []
        for tag in current:
            cleaned = (clean_line(tag) or "").lower()
            if cleaned and cleaned not in wanted:
                wanted.append(cleaned)
        if wanted != current:
            log.warning("show %s: tags %r cleaned to %r", show_id, current, wanted)
            bind.execute(sa.text("DELETE FROM show_tags WHERE show_id = :s"), {"s": show_id})
            for position, tag in enumerate(wanted):
                bind.execute(sa.text("INSERT INTO show_tags (show_id, tag, position) VALUES (:s, :t, :p)"),
                             {"s": show_id, "t": tag, "p": position})
    for user_id, place in bind.execute(sa.text("SELECT id, preferred_place FROM users "
                                               "WHERE preferred_place IS NOT NULL")).all():
        cleaned = clean_line(place) or None
        if cleaned != place:
            bind.execute(sa.text("UPDATE users SET preferred_place = :p WHERE id = :id"), {"p": cleaned, "id": user_id})


def downgrade():
    pass
