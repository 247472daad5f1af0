"""Outgoing mail: multipart (plain text + HTML) UTF-8 messages over SMTP at SMTP_HOST:SMTP_PORT."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from ..text import header_text

# What a task retries on: the server refused, dropped us, or was not there at all.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)


@dataclass
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    to_name: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The message, with header values built safely whatever is stored: the display name and subject go
    through text.header_text (no CR/LF or other control can start a new header, as "ann\r\nBcc: x" would)
    and the recipient is a headerregistry.Address, which the default policy encodes as RFC 2047 UTF-8.
    Raises ValueError only for an address that is not an address (that recipient's failure, nobody else's)."""
    message = EmailMessage()  # the default policy encodes non-ASCII names and subjects as RFC 2047 UTF-8
    message["From"] = sender
    to_name = header_text(mail.to_name, 120)
    address = Address(addr_spec=header_text(mail.to, 254).replace(" ", ""))
    message["To"] = Address(display_name=to_name, addr_spec=address.addr_spec) if to_name else address
    message["Subject"] = header_text(mail.subject, 250)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    message.set_content(mail.text, charset="utf-8")
    if mail.html:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
    for attachment in mail.attachments:
        message.add_attachment(
            attachment.content, maintype=attachment.maintype, subtype=attachment.subtype, filename=attachment.filename
        )
    return message


def _domain_of(sender: str) -> str:
    try:
        return Address(addr_spec=sender.rsplit("<", 1)[-1].rstrip(">").strip()).domain or "ticketshow.local"
    except (ValueError, IndexError):
        return "ticketshow.local"


def send(mail: Mail) -> None:
    """Deliver one message. Raises one of TRANSIENT_MAIL_ERRORS when the server cannot take it now."""
    settings = current_app.config["SETTINGS"]
    message = build_message(mail, settings.mail_from)
    # Without SMTP_HOST, `make run` runs the local catcher on 127.0.0.1:SMTP_PORT.
    with smtplib.SMTP(settings.smtp_host or "127.0.0.1", settings.smtp_port, timeout=15) as smtp:
        smtp.send_message(message)
