"""Ticket codes: the text of a ticket's QR code, verifiable offline with the public key (docs/tickets.md).

    code      = base64url(payload) "." base64url(signature)        (RFC 4648 §5, no padding)
    payload   = compact JSON {"t": ticket_id, "s": screening_id, "seat": "F12", "v": 1}
    signature = Ed25519 (RFC 8032) over the ASCII bytes of the first part, as it appears in the code

Nothing personal is in a code. The private key lives in the data dir (config.load_ticket_key).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
MAX_CODE_LENGTH = 400  # a real code is about 150 characters
# The most text one QR code can hold (7,089 digits, version 40-L). A door camera reads whatever QR is held up
# (a payment QR, a long link), so the check-in accepts any text up to this and answers the scanner's
# `invalid_code` for what is no ticket, never a field error the door staff cannot act on.
MAX_SCANNED_TEXT = 7089
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class BadCode(ValueError):
    """The text is not a code this server signed (malformed, tampered with, or signed by another key)."""


@dataclass(frozen=True)
class TicketClaim:
    ticket_id: int
    screening_id: int
    seat: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise BadCode("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadCode("not base64url") from exc
    if b64url(data) != text:  # one encoding per value: stray bits in the last character are a different code
        raise BadCode("not canonical base64url")
    return data


def payload_json(ticket_id: int, screening_id: int, seat: str) -> bytes:
    """The compact JSON payload, keys in the documented order."""
    return json.dumps(
        {"t": ticket_id, "s": screening_id, "seat": seat, "v": VERSION}, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sign(key: Ed25519PrivateKey, ticket_id: int, screening_id: int, seat: str) -> str:
    """The code for one ticket. Deterministic: Ed25519 signatures of the same text are the same."""
    head = b64url(payload_json(ticket_id, screening_id, seat))
    return f"{head}.{b64url(key.sign(head.encode('ascii')))}"


def verify(public_key: Ed25519PublicKey, code: str) -> TicketClaim:
    """The claim of a code whose signature holds; BadCode otherwise (any changed character fails)."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH or code.count(".") != 1:
        raise BadCode("not a ticket code")
    head, signature = code.split(".")
    raw_signature = _unb64url(signature)
    if len(raw_signature) != 64:
        raise BadCode("not an Ed25519 signature")
    raw_head = _unb64url(head)
    try:
        public_key.verify(raw_signature, head.encode("ascii"))
    except InvalidSignature as exc:
        raise BadCode("signature does not hold") from exc
    try:
        payload = json.loads(raw_head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadCode("payload is not JSON") from exc
    if (
        not isinstance(payload, dict)
        or payload.get("v") != VERSION
        or type(payload.get("t")) is not int
        or type(payload.get("s")) is not int
        or not isinstance(payload.get("seat"), str)
    ):
        raise BadCode("unknown payload")
    return TicketClaim(payload["t"], payload["s"], payload["seat"])


def public_key_b64url(key: Ed25519PrivateKey) -> str:
    """The 32 raw bytes of the public key, base64url without padding (GET /api/checkin/key)."""
    return b64url(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
