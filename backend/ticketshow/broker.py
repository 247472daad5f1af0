"""kombu's Redis transport, with one Redis client per channel for publishing instead of one per message.

kombu's Redis channel makes a new redis-py client object for every message it publishes
(`Channel.conn_or_acquire()` -> `_create_client()`), over the same connection pool. redis-py's client
constructor fills a table of several hundred response callbacks, so each booking's confirmation notice
spent more CPU building a client than sending its LPUSH (about a fifth of a booking's CPU time in the web
worker: docs/benchmarks.md, "CPU per request"). Here the channel keeps the client it made and hands it out
again while its connection pool is the same one; the client is stateless apart from that pool and safe
to share. Consuming (the worker's BRPOP client) is unchanged.

celery_app.celery_init_app selects this transport for redis:// and rediss:// broker URLs; Sentinel and
other brokers keep kombu's own.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _publishing_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._publishing_client
        if client is None or client.connection_pool is not self.pool:
            client = self._publishing_client = super()._create_client()
        return client


class Transport(kombu_redis.Transport):
    Channel = Channel


def transport_for(broker_url: str):
    """This module's Transport for a plain Redis broker URL, else None (kombu picks by the URL's scheme)."""
    scheme = broker_url.split("://", 1)[0].lower() if "://" in broker_url else ""
    return Transport if scheme in ("redis", "rediss") else None
