"""The control for the waiting room's race test: the real app with the atomic check-and-admit (a Lua script)
replaced by a naive check-then-add: count the buyers inside, then add the caller in another round trip.
The race test must catch it letting more buyers in than the room holds. Never imported by the application.
"""

import time

from ticketshow import create_app
from ticketshow.extensions import redis_store
from ticketshow.waitingroom import service


def check_then_add(screening_id, user_id, now, places):
    inside = service._keys(screening_id)[0]
    until = service._ms(now + service._idle())
    if redis_store.client.zscore(inside, str(user_id)) is not None:
        return True, until
    if redis_store.client.zcard(inside) < places:  # the check, in its own round trip
        time.sleep(0.01)  # some work between check and write, as real code has: a window the race can find
        redis_store.client.zadd(inside, {str(user_id): until})
        return True, until
    return False, 1


service._admit = check_then_add
app = create_app()
