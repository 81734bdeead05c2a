"""Pure rules of the channels beyond the inbox: what a mail and each kind of group-robot call say, and how
DingTalk's signed URL and the generic webhook's signature are computed."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

from models.base import CHINA_TZ, china_date
from models.delivery import WebhookKind


@dataclass(frozen=True)
class Message:
    """A notification as it leaves the building: its words and the links a reader follows."""

    notification_id: int
    hazard_code: str
    at: datetime
    kind: str
    title: str
    body: str
    target_kind: str
    target_code: str
    hazard_url: str
    document_sha256: str | None = None
    document_url: str | None = None


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), not yet
    URL-encoded (https://open.dingtalk.com/document/robots/customize-robot-security-settings)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_url(url: str, secret: str | None, timestamp_ms: int) -> str:
    """The robot's URL with `timestamp` and `sign` appended (URL-encoded) when it has a secret."""
    if not secret:
        return url
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


def generic_signature(secret: str, body: bytes) -> str:
    """The generic webhook's `X-Duban-Signature`: `sha256=` and the hex HMAC-SHA256 of the body under the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def markdown(message: Message) -> str:
    lines = [f"### {message.title}", "", message.body, "", f"隐患编号：[{message.hazard_code}]({message.hazard_url})"]
    if message.document_url:
        lines.append(f"文书：[{message.document_sha256 and message.document_sha256[:12]}]({message.document_url})")
    lines.append(f"时间：{china_time(message.at)}")
    return "\n".join(lines)


def webhook_payload(kind: WebhookKind, message: Message) -> dict[str, Any]:
    """The JSON body each kind of group robot takes."""
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": markdown(message)}}
    if kind == WebhookKind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": markdown(message)}}
    return {
        "event": "notification",
        "notification": {
            "id": message.notification_id,
            "hazard_code": message.hazard_code,
            "at": message.at.isoformat(),
            "kind": message.kind,
            "title": message.title,
            "body": message.body,
            "target_kind": message.target_kind,
            "target_code": message.target_code,
            "hazard_url": message.hazard_url,
            "document_sha256": message.document_sha256,
            "document_url": message.document_url,
        },
    }


def payload_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def robot_refusal(kind: WebhookKind, answer: Any) -> str | None:
    """DingTalk and WeCom answer 200 with `errcode`; anything but 0 is a refusal (None: accepted)."""
    if kind == WebhookKind.GENERIC:
        return None
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        return f"robot refused: {json.dumps(answer, ensure_ascii=False)[:300]}"
    return None


def mail_text(message: Message) -> str:
    lines = [message.body, "", f"隐患编号 Hazard: {message.hazard_code}  {message.hazard_url}"]
    if message.document_url:
        lines.append(f"文书 Document: {message.document_url}（附件 attached）")
    lines += [f"时间 Time: {china_time(message.at)}", "", "— 督办 Duban"]
    return "\n".join(lines) + "\n"


def digest_text(day: str, messages: list[Message]) -> tuple[str, str]:
    """The daily digest's subject and text: every notification of the day, oldest first."""
    subject = f"督办每日汇总 Daily digest {day}：{len(messages)} 条通知"
    parts = [f"{day} 共 {len(messages)} 条通知 ({len(messages)} notifications):", ""]
    for number, message in enumerate(sorted(messages, key=lambda m: (m.at, m.notification_id)), start=1):
        parts += [f"{number}. {message.title}", f"   {message.body}", f"   {message.hazard_url}"]
        if message.document_url:
            parts.append(f"   文书 Document: {message.document_url}")
        parts.append("")
    return subject, "\n".join(parts) + "— 督办 Duban\n"


def china_time(instant: datetime) -> str:
    return f"{china_date(instant).isoformat()} {instant.astimezone(CHINA_TZ):%H:%M}"


def mask_url(url: str) -> str:
    """A robot's URL as an admin sees it again: its host and path, every query value (an access token) masked."""
    parts = urlsplit(url)
    query = "&".join(f"{name}={mask_secret(value)}" for name, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def mask_secret(secret: str | None) -> str | None:
    """A secret as an admin sees it again: never in full (the first three and last two characters of a long one)."""
    if not secret:
        return None
    if len(secret) < 12:
        return "*" * 8
    return f"{secret[:3]}{'*' * 8}{secret[-2:]}"
