"""screenings: the index by show and start also holds each screening's price, theatre and removal.

Every show card's "from" price (catalog/listing.py prices_from: the lowest current price of a show's upcoming
screenings at live theatres) reads the show's screenings from now on by (show_id, starts_at), and then read
each one's row for its price, theatre and removal: on `make bench`'s catalogue 0.11 ms of SQLite for a page
of 20 shows, 0.06 with those columns in the index (docs/benchmarks.md, "Search cache misses"). It replaces
ix_screenings_show_starts, its prefix, so a new screening still writes one index entry for it; a price change
(dynamic pricing, an admin's edit) now updates the entry too.

Revision ID: 0024_search_show_prices_index
Revises: 0023_booking_notice_locale
"""
from alembic import op

revision = "0024_search_show_prices_index"
down_revision = "0023_booking_notice_locale"
branch_labels = None
depends_on = None

_COLUMNS = ["show_id", "starts_at", "price", "theatre_id", "removed_at"]


def upgrade():
    op.create_index("ix_screenings_show_prices", "screenings", _COLUMNS, unique=False)
    op.drop_index("ix_screenings_show_starts", table_name="screenings")


def downgrade():
    op.create_index("ix_screenings_show_starts", "screenings", ["show_id", "starts_at"], unique=False)
    op.drop_index("ix_screenings_show_prices", table_name="screenings")
