"""Kept for imports: `auth_required` is ticketshow.policy.logged_in. Every access rule lives in policy.py;
there is no admin_required any more (use policy.allow(policy.can_...))."""

from __future__ import annotations

from ..policy import BEARER  # noqa: F401
from ..policy import logged_in as auth_required  # noqa: F401
