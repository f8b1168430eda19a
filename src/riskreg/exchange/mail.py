"""The nightly report as a mail (MIME, RFC 5322) and its delivery over SMTP, with the standard library alone.

A failure to deliver is one sentence (DeliveryFailed) that never holds the password: the server's own reply
is quoted with the password, and its base64 forms, cut out, since a server may echo what it was sent.
"""

import base64
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from riskreg.errors import RiskregError
from riskreg.messages import N_

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 60  # seconds for each step with the server: cron must not hang on a dead one


class DeliveryFailed(RiskregError):
    """The report was written but did not reach everyone: exit 4, so cron can tell it from a bad command."""

    exit_code = 4


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str  # maintype/subtype


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: str  # one of SECURITY
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    # Trusted certificates for starttls and ssl; None: the system's (a test passes its own self-signed one).
    context: ssl.SSLContext | None = field(default=None, repr=False)


def compose(*, sender: str, recipients: list[str], subject: str, html: str, text: str,
            attachments: list[Attachment] = (), when: datetime | None = None) -> EmailMessage:
    """multipart/mixed holding multipart/alternative (plain text first, then the HTML report) and the
    attachments. The policy encodes a Chinese subject and file names (RFC 2047 / 2231) and the bodies (UTF-8)."""
    message = EmailMessage()
    # Python's own folding of a long non-ASCII header (3.11, 3.12) drops the space between two encoded words,
    # so "逾期 3" arrived as "逾期3". The older Header class keeps spaces inside the words, and set_raw keeps its
    # lines (each within 76 characters) as they are.
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(when or datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, subtype = attachment.mime.split("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def _domain(address: str) -> str | None:
    try:
        return Address(addr_spec=address).domain or None
    except (ValueError, IndexError):
        return None


def check_address(address: str, where: str) -> str:
    """An address as given, refused unless it is one plain addr-spec (user@host)."""
    try:
        parsed = Address(addr_spec=address.strip())
    except (ValueError, IndexError):
        parsed = None
    if parsed is None or not parsed.username or not parsed.domain or "," in address:
        raise RiskregError(N_("{where}: {address!r} is not a mail address (user@example.cn).", where=where,
                              address=address))
    return parsed.addr_spec


def deliver(server: Server, messages: list[EmailMessage]) -> None:
    """Every message over one connection; the first failure stops it, as one sentence."""
    try:
        with _connect(server) as smtp:
            if server.user:
                smtp.login(server.user, server.password or "")
            for message in messages:
                smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as err:
        raise DeliveryFailed(N_("The mail server {host} refused the user {user!r} or its password ({code}); check "
                                "smtp_user and the password.", host=server.host, user=server.user,
                                code=err.smtp_code)) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryFailed(N_("The mail server {host}:{port} offers no STARTTLS or no login; try --ssl, or the "
                                "port its administrator gives.", host=server.host, port=server.port)) from None
    except smtplib.SMTPRecipientsRefused as err:
        refused = ", ".join(sorted(err.recipients))
        raise DeliveryFailed(N_("The mail server {host} refused the recipient(s) {refused}.", host=server.host,
                                refused=refused)) from None
    except smtplib.SMTPResponseException as err:
        reply = _scrubbed(_text(err.smtp_error), server.password)
        raise DeliveryFailed(N_("The mail server {host} answered {code} {reply}; nothing more was sent.",
                                host=server.host, code=err.smtp_code, reply=reply)) from None
    except ssl.SSLError as err:
        raise DeliveryFailed(N_("No secure connection to the mail server {host}:{port} ({reason}).", host=server.host,
                                port=server.port, reason=err.reason or err.__class__.__name__)) from None
    except (smtplib.SMTPException, OSError) as err:
        reason = _scrubbed(getattr(err, "strerror", None) or str(err) or err.__class__.__name__, server.password)
        raise DeliveryFailed(N_("Cannot reach the mail server {host}:{port} ({reason}).", host=server.host,
                                port=server.port, reason=reason)) from None


def _connect(server: Server) -> smtplib.SMTP:
    context = server.context or ssl.create_default_context()
    if server.security == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    try:
        if server.security == "starttls":
            smtp.starttls(context=context)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _scrubbed(text: str, password: str | None) -> str:
    """`text` with the password and the base64 of anything holding it (AUTH PLAIN, AUTH LOGIN) cut out."""
    text = " ".join(text.split())
    if not password:
        return text
    # AUTH PLAIN sends base64("\0user\0password"): a token that decodes to something holding the password goes.
    text = " ".join("***" if _hides(word, password) else word for word in text.split(" "))
    for form in (password, base64.b64encode(password.encode()).decode()):
        text = text.replace(form, "***")
    return text


def _hides(word: str, password: str) -> bool:
    try:
        return password.encode() in base64.b64decode(word, validate=True)
    except (ValueError, TypeError):
        return False

