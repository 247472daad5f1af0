"""The admin's CSV export of one theatre, written by a Celery job into $TICKETSHOW_DATA_DIR/exports/."""
