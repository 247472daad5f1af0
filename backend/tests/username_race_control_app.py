"""The control for the username race test: the real app, but sign-up forgets to check the name again under
the write lock, as a check-then-insert version would (it checks before hashing the password and inserts
after). Only the unique index on users.username_skeleton is left to refuse a look-alike signed up at the
same moment; each refusal by the index is noted in index-refusals.log in the data dir, so the test knows
the index was reached. The test then drops that index and must catch two look-alikes both getting in.
Never imported by the application itself."""

import os
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ticketshow import create_app
from ticketshow.auth import service
from ticketshow.database import IMMEDIATE
from ticketshow.errors import Conflict
from ticketshow.extensions import db

_checked, _create_user = service._name_in_use, service.create_user


def check_outside_the_lock_only(key, skeleton):
    if db.session.info.get(IMMEDIATE):
        return False  # the re-check under the write lock, forgotten
    return _checked(key, skeleton)


def create_user_noting_the_index(username, *args, **kwargs):
    try:
        return _create_user(username, *args, **kwargs)
    except Conflict as exc:
        if isinstance(exc.__cause__, IntegrityError):
            with open(Path(os.environ["TICKETSHOW_DATA_DIR"]) / "index-refusals.log", "a", encoding="utf-8") as log:
                log.write(f"{username}\n")
        raise


service._name_in_use = check_outside_the_lock_only
service.create_user = create_user_noting_the_index
app = create_app()
