"""The wire: a mail over SMTP and a POST to a group robot. A failure says whether trying again may help."""

import ipaddress
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from functools import partial
from urllib.parse import urlsplit

import httpx

from core.settings import Settings
from domain.delivery import (
    Message,
    dingtalk_url,
    generic_signature,
    payload_bytes,
    robot_refusal,
    webhook_payload,
)
from models.delivery import WebhookKind


class ChannelFailure(Exception):
    """A send that did not go through; `permanent` when trying again cannot help (a 5xx mail answer, a 4xx)."""

    def __init__(self, error: str, permanent: bool = False) -> None:
        super().__init__(error)
        self.permanent = permanent


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str  # e.g. "application/pdf", "text/plain; charset=utf-8"
    content: bytes


def build_mail(
    settings: Settings, *, to: str, subject: str, text: str, attachments: list[Attachment], message_id: str
) -> EmailMessage:
    """The mail, or a permanent `ChannelFailure` when it cannot be built (a header that no retry will mend)."""
    mail = EmailMessage()
    try:
        mail["From"] = settings.smtp_from
        mail["To"] = to
        mail["Subject"] = " ".join(subject.split())  # a line break in a header is refused: one line
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message_id  # the same for every attempt: a receiver can drop a duplicate
    except (ValueError, TypeError) as error:
        raise ChannelFailure(f"the mail cannot be built: {type(error).__name__}", permanent=True) from None
    mail.set_content(text)
    for attachment in attachments:
        kind, *parameters = (part.strip() for part in attachment.mime.split(";"))
        maintype, _, subtype = kind.partition("/")
        params = dict(p.split("=", 1) for p in parameters if "=" in p)  # e.g. charset=utf-8
        mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename,
                            params=params)
    return mail


def send_mail(settings: Settings, mail: EmailMessage) -> None:
    if not settings.smtp_host:
        raise ChannelFailure("DUBAN_SMTP_HOST is not set", permanent=True)
    encrypted = settings.smtp_tls or settings.smtp_starttls
    if settings.smtp_username and not encrypted and not settings.development:
        raise ChannelFailure("refusing to send the SMTP password without TLS (DUBAN_SMTP_STARTTLS or DUBAN_SMTP_TLS)",
                             permanent=True)
    context = ssl.create_default_context()
    try:
        connect = (partial(smtplib.SMTP_SSL, context=context) if settings.smtp_tls else smtplib.SMTP)
        with connect(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
            if settings.smtp_starttls and not settings.smtp_tls:
                smtp.starttls(context=context)
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as refused:
        codes = [code for code, _ in refused.recipients.values()]
        raise ChannelFailure(f"recipient refused: {refused.recipients}", permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPResponseException as answer:
        text = answer.smtp_error.decode(errors="replace") if isinstance(answer.smtp_error, bytes) else str(answer.smtp_error)
        raise ChannelFailure(f"SMTP {answer.smtp_code} {text}", permanent=answer.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as error:  # refused connection, timeout, dropped line
        raise ChannelFailure(f"SMTP unreachable: {type(error).__name__}: {error}") from None


def refuse_private_host(url: str) -> None:
    """Refuse a webhook whose host is, or resolves to, a private, loopback, link-local or reserved address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)}
    except OSError:
        raise ChannelFailure(f"webhook host {host} does not resolve") from None
    for address in found:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
            raise ChannelFailure(f"webhook host {host} is a private or local address", permanent=True)


def post_webhook(settings: Settings, *, kind: WebhookKind, url: str, secret: str | None, message: Message) -> None:
    payload = webhook_payload(kind, message)
    body = payload_bytes(payload)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    target = url
    if kind == WebhookKind.DINGTALK:
        target = dingtalk_url(url, secret, int(time.time() * 1000))
    elif kind == WebhookKind.GENERIC:
        headers["X-Duban-Delivery"] = str(message.notification_id)
        if secret:
            headers["X-Duban-Signature"] = generic_signature(secret, body)
    if not settings.webhook_private_hosts:
        refuse_private_host(target)
    try:
        answer = httpx.post(target, content=body, headers=headers, timeout=settings.webhook_timeout_seconds)
    except httpx.HTTPError as error:
        raise ChannelFailure(f"webhook unreachable: {type(error).__name__}") from None
    if answer.status_code >= 300:  # what failed, never the reply's body (an internal host's page, a token)
        permanent = 400 <= answer.status_code < 500 and answer.status_code not in (408, 425, 429)
        raise ChannelFailure(f"webhook answered {answer.status_code}", permanent=permanent)
    if kind != WebhookKind.GENERIC:
        try:
            refusal = robot_refusal(kind, answer.json())
        except ValueError:
            refusal = "robot answered no JSON"
        if refusal:
            raise ChannelFailure(refusal)
