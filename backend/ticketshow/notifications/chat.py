"""Google Chat incoming webhook: a POST of {"text": ...}. Off unless GCHAT_WEBHOOK_URL is set."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from flask import current_app

from ..retry import TransientError


class WebhookError(TransientError):
    """The webhook did not take the message (network error or a non-2xx answer); worth retrying."""


def enabled() -> bool:
    return bool(current_app.config["SETTINGS"].gchat_webhook_url)


def post(text: str) -> None:
    url = current_app.config["SETTINGS"].gchat_webhook_url
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=UTF-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except (urllib.error.URLError, OSError) as exc:  # HTTPError (non-2xx) is a URLError
        raise WebhookError(f"chat webhook failed: {exc}") from exc
