"""The channels' pure rules: DingTalk's signed URL, the generic webhook's signature, what each kind of group
robot is sent, the mail and digest texts, and the masked secret."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from domain.delivery import (
    Message,
    digest_text,
    dingtalk_sign,
    dingtalk_url,
    generic_signature,
    mail_text,
    mask_secret,
    payload_bytes,
    robot_refusal,
    webhook_payload,
)
from models.delivery import NotificationSettingsIn, WebhookIn, WebhookKind

SECRET = "SECtest-secret-0123456789"


def message(**changes: object) -> Message:
    values: dict[str, object] = dict(
        notification_id=7, hazard_code="371702-2026-0001", at=datetime(2026, 12, 1, 16, 0, tzinfo=UTC), kind="rung",
        title="督办函：371702-2026-0001 配电室未设置挡鼠板", body="整改期限已过", target_kind="authority",
        target_code="371702", hazard_url="https://duban.example/hazards/371702-2026-0001",
        document_sha256="a" * 64, document_url="https://duban.example/api/v1/documents/" + "a" * 64,
    )
    values.update(changes)
    return Message(**values)  # type: ignore[arg-type]


def test_dingtalk_sign_is_base64_of_the_hmac_of_timestamp_newline_secret() -> None:
    # Computed apart with: printf '1700000000000\nSECtest-secret-0123456789' | openssl dgst -sha256 -hmac "$S" -binary | base64
    assert dingtalk_sign(SECRET, 1_700_000_000_000) == "loAs986iXlZUJyoAu2REiC16DMGrtdERSegy7jQ3Qtg="


def test_the_dingtalk_url_carries_timestamp_and_url_encoded_sign() -> None:
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", SECRET, 1_700_000_000_000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=")
    raw = url.rsplit("sign=", 1)[1]
    assert raw == "loAs986iXlZUJyoAu2REiC16DMGrtdERSegy7jQ3Qtg%3D"  # '=' (and '+', '/') URL-encoded
    query = parse_qs(urlsplit(url).query)
    assert query["sign"] == ["loAs986iXlZUJyoAu2REiC16DMGrtdERSegy7jQ3Qtg="] and query["access_token"] == ["abc"]


def test_a_dingtalk_robot_without_a_secret_is_called_at_its_url() -> None:
    assert dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", None, 1) == (
        "https://oapi.dingtalk.com/robot/send?access_token=abc"
    )
    assert "?timestamp=5&sign=" in dingtalk_url("http://127.0.0.1:9/hook", "s", 5)


def test_dingtalk_is_sent_markdown_with_a_title_and_the_links() -> None:
    payload = webhook_payload(WebhookKind.DINGTALK, message())
    assert payload["msgtype"] == "markdown" and set(payload) == {"msgtype", "markdown"}
    assert payload["markdown"]["title"] == message().title
    text = payload["markdown"]["text"]
    assert message().title in text and message().hazard_url in text and message().document_url in text


def test_wecom_is_sent_markdown_content() -> None:
    payload = webhook_payload(WebhookKind.WECOM, message())
    assert payload["msgtype"] == "markdown" and set(payload["markdown"]) == {"content"}
    assert message().title in payload["markdown"]["content"] and message().document_url in payload["markdown"]["content"]


def test_the_generic_webhook_is_sent_the_notification_as_json() -> None:
    payload = webhook_payload(WebhookKind.GENERIC, message())
    assert payload["event"] == "notification"
    assert payload["notification"] == {
        "id": 7, "hazard_code": "371702-2026-0001", "at": "2026-12-01T16:00:00+00:00", "kind": "rung",
        "title": message().title, "body": "整改期限已过", "target_kind": "authority", "target_code": "371702",
        "hazard_url": message().hazard_url, "document_sha256": "a" * 64, "document_url": message().document_url,
    }
    body = payload_bytes(payload)
    assert json.loads(body) == payload and "督办函".encode() in body  # UTF-8, not \\u escapes
    expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert generic_signature("k", body) == expected


def test_a_notification_without_a_document_has_no_document_link() -> None:
    bare = message(document_sha256=None, document_url=None)
    assert "文书" not in webhook_payload(WebhookKind.DINGTALK, bare)["markdown"]["text"]
    assert "Document" not in mail_text(bare) and webhook_payload(WebhookKind.GENERIC, bare)["notification"]["document_url"] is None


def test_a_robot_answer_other_than_errcode_0_is_a_refusal() -> None:
    assert robot_refusal(WebhookKind.DINGTALK, {"errcode": 0, "errmsg": "ok"}) is None
    assert "310000" in (robot_refusal(WebhookKind.DINGTALK, {"errcode": 310000, "errmsg": "sign not match"}) or "")
    assert robot_refusal(WebhookKind.WECOM, "not json") is not None
    assert robot_refusal(WebhookKind.GENERIC, None) is None


def test_the_mail_names_the_hazard_the_links_and_the_time_in_china() -> None:
    text = mail_text(message())
    assert "整改期限已过" in text and message().hazard_url in text and message().document_url in text
    assert "2026-12-02 00:00" in text  # 16:00 UTC is midnight in Asia/Shanghai


def test_the_digest_lists_the_days_notifications_oldest_first() -> None:
    later = message(notification_id=9, title="第二条", at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    subject, text = digest_text("2026-12-02", [later, message()])
    assert "2026-12-02" in subject and "2 条" in subject
    assert text.index(message().title) < text.index("第二条")


def test_a_secret_is_never_shown_in_full() -> None:
    assert mask_secret(SECRET) == "SEC********89" and SECRET not in (mask_secret(SECRET) or "")
    assert mask_secret("short") == "********" and mask_secret(None) is None and mask_secret("") is None


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "slack", "url": "https://x.example/hook"}, "kind"),
    ({"kind": "dingtalk", "url": "ftp://x.example/hook"}, "url"),
    ({"kind": "dingtalk", "url": "not a url at all"}, "url"),
    ({"kind": "generic", "url": "https://x.example/hook", "colour": "red"}, "colour"),
])
def test_a_bad_webhook_body_names_its_field(body: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        WebhookIn.model_validate(body)
    assert refused.value.errors()[0]["loc"][0] == field


def test_settings_take_only_known_channels() -> None:
    assert NotificationSettingsIn.model_validate({"channels": ["inbox", "email"], "daily_digest": True}).daily_digest
    with pytest.raises(ValidationError):
        NotificationSettingsIn.model_validate({"channels": ["sms"]})


def test_a_mail_password_never_travels_without_tls_outside_development() -> None:
    from email.message import EmailMessage

    from activities.channels import ChannelFailure, send_mail
    from core.settings import Settings

    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_username="duban", smtp_password="secret",  # type: ignore[call-arg]
                        smtp_starttls=False).model_copy(update={"env": "production"})
    with pytest.raises(ChannelFailure) as refused:
        send_mail(settings, EmailMessage())
    assert refused.value.permanent and "TLS" in str(refused.value)
    assert Settings(_env_file=None).smtp_starttls is True  # type: ignore[call-arg]  # STARTTLS by default


def test_a_cookie_is_secure_behind_a_trusted_proxy_that_says_https() -> None:
    from types import SimpleNamespace

    from api.client_address import secure_request
    from core.settings import Settings

    def request(peer: str, proto: str, trusted: str) -> object:
        settings = Settings(_env_file=None, trusted_proxies=trusted)  # type: ignore[call-arg]
        return SimpleNamespace(url=SimpleNamespace(scheme="http"), client=SimpleNamespace(host=peer),
                               headers={"x-forwarded-proto": proto}, app=SimpleNamespace(state=SimpleNamespace(settings=settings)))

    assert secure_request(request("10.0.0.1", "https", "10.0.0.0/8"))  # type: ignore[arg-type]
    assert not secure_request(request("192.0.2.7", "https", "10.0.0.0/8"))  # type: ignore[arg-type]  # anyone may claim it
    assert not secure_request(request("10.0.0.1", "http", "10.0.0.0/8"))  # type: ignore[arg-type]


def test_a_webhook_to_a_private_or_local_address_is_refused_at_send_time() -> None:
    from activities.channels import ChannelFailure, refuse_private_host

    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
                "http://[::1]/hook", "http://localhost/robot/send"):
        with pytest.raises(ChannelFailure) as refused:
            refuse_private_host(url)
        assert refused.value.permanent, url
    refuse_private_host("http://93.184.216.34/hook")  # a public address passes


def test_a_mail_whose_header_cannot_be_built_fails_at_once_and_a_title_s_line_break_is_folded() -> None:
    from activities.channels import ChannelFailure, build_mail
    from core.settings import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    mail = build_mail(settings, to="a@example.com", subject="配电室\n未设置挡鼠板", text="x", attachments=[], message_id="<1@duban>")
    assert mail["Subject"] == "配电室 未设置挡鼠板"
    with pytest.raises(ChannelFailure) as refused:
        build_mail(settings, to="a@example.com\nBcc: b@example.com", subject="x", text="x", attachments=[], message_id="<1@duban>")
    assert refused.value.permanent
