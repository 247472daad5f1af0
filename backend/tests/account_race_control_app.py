"""The control for the sign-up race tests (usernames and email addresses): the real app, but the checks under
the write lock forget themselves, as a check-then-insert version would (sign-up checks before hashing the
password and inserts after; an address change would write whatever it was given). Only the unique indexes
on users.username_skeleton and users.email_key are left to refuse a look-alike name or a twin address written
at the same moment; each refusal by an index is noted in index-refusals.log in the data dir ("<code> <args>"),
so the test knows an index was reached. The tests then drop the index and must catch both getting in.
Never imported by the application itself."""

import os
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ticketshow import create_app
from ticketshow.auth import service
from ticketshow.database import IMMEDIATE
from ticketshow.errors import Conflict
from ticketshow.extensions import db

_name_checked, _email_checked = service._name_in_use, service.email_in_use


def outside_the_lock_only(check):
    def forgetful(*args, **kwargs):
        if db.session.info.get(IMMEDIATE):
            return False  # the re-check under the write lock, forgotten
        return check(*args, **kwargs)

    return forgetful


def noting_the_index(write):
    def noted(*args, **kwargs):
        try:
            return write(*args, **kwargs)
        except Conflict as exc:
            if isinstance(exc.__cause__, IntegrityError):
                with open(Path(os.environ["TICKETSHOW_DATA_DIR"]) / "index-refusals.log", "a", encoding="utf-8") as log:
                    log.write(f"{exc.code} {' '.join(map(str, args))}\n")
            raise

    return noted


service._name_in_use = outside_the_lock_only(_name_checked)
service.email_in_use = outside_the_lock_only(_email_checked)
service.create_user = noting_the_index(service.create_user)
service.change_email = noting_the_index(service.change_email)
app = create_app()
