"""Route decorators that check the Bearer token and the role on the server, for every protected endpoint."""
from __future__ import annotations

from functools import wraps

from apiflask.scaffold import _annotate
from flask_jwt_extended import current_user, verify_jwt_in_request

from ..errors import Forbidden

BEARER = "BearerAuth"


def auth_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        verify_jwt_in_request()
        return view(*args, **kwargs)

    _annotate(wrapper, security=BEARER)
    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        verify_jwt_in_request()
        if not current_user.is_admin:
            raise Forbidden("Only an admin can do this.", code="admin_only")
        return view(*args, **kwargs)

    _annotate(wrapper, security=BEARER, x_access="admin")  # the document says "Admin only" and lists 403
    return wrapper
