"""The control for the username race test: the real app, but sign-up forgets to check the name again under
the write lock, as a check-then-insert version would (it checks before hashing the password and inserts
after). Only the unique index on users.username_skeleton is left to refuse a look-alike signed up at the
same moment; the test then drops that index too and must catch two look-alikes both getting in.
Never imported by the application itself."""

from ticketshow import create_app
from ticketshow.auth import service
from ticketshow.database import IMMEDIATE
from ticketshow.extensions import db

_checked = service._name_in_use


def check_outside_the_lock_only(key, skeleton):
    if db.session.info.get(IMMEDIATE):
        return False  # the re-check under the write lock, forgotten
    return _checked(key, skeleton)


service._name_in_use = check_outside_the_lock_only
app = create_app()
