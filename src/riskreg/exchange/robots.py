"""Group chat robots (群机器人): a Markdown summary in the message format each platform documents, posted to the
robot's webhook with urllib, and the robot's JSON reply checked.

- WeCom (企业微信): {"msgtype": "markdown", "markdown": {"content": …}}, content at most 4096 bytes.
- DingTalk (钉钉): {"msgtype": "markdown", "markdown": {"title": …, "text": …}}; signed mode (加签) adds
  `timestamp` (ms) and `sign` = urlencode(base64(HmacSHA256(key=secret, "timestamp\\nsecret"))) to the URL.
- Feishu (飞书): {"msg_type": "interactive", "card": …} with a lark_md text; signed mode (签名校验) adds
  `timestamp` (s) and `sign` = base64(HmacSHA256(key="timestamp\\nsecret", "")) to the body; body at most 20 KB.

A reply with a non-zero errcode (WeCom, DingTalk) or code (Feishu) is a failure. The webhook URL carries the
robot's token, so no message here ever quotes more of it than its host.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from riskreg.exchange.mail import DeliveryFailed
from riskreg.messages import N_

PLATFORMS = ("wecom", "dingtalk", "feishu")
_HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk", "open.feishu.cn": "feishu",
          "open.larksuite.com": "feishu"}
# The most each platform takes, in UTF-8 bytes: of the Markdown for WeCom, of the whole JSON body otherwise
# (Feishu's 20 KB less room for the signature, added to the body after it is fitted).
LIMITS = {"wecom": 4096, "dingtalk": 20000, "feishu": 20000 - 100}
TIMEOUT = 30


def platform_of(url: str, robot: str | None) -> str:
    """The platform asked for, else the one the URL's host belongs to, else WeCom (the most used)."""
    if robot:
        return robot
    return _HOSTS.get((urllib.parse.urlsplit(url).hostname or "").lower(), "wecom")


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DeliveryFailed(N_("The webhook is not an http(s) URL; copy it again from the robot's settings."))
    return url.strip()


def fitted(platform: str, title: str, summary: Callable[[int], str], items: int) -> dict[str, Any]:
    """The payload with as many of `items` overdue entries as the platform's limit allows (`summary(n)` is the
    Markdown listing the first n and saying how many more there are)."""
    for shown in range(items, -1, -1):
        body = payload(platform, title, summary(shown))
        if _size(platform, body) <= LIMITS[platform]:
            return body
    raise DeliveryFailed(N_("The summary is too long for a {platform} robot even without its list.", platform=platform))


def payload(platform: str, title: str, markdown: str) -> dict[str, Any]:
    if platform == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    if platform == "feishu":
        return {"msg_type": "interactive", "card": {
            "header": {"title": {"tag": "plain_text", "content": title}},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": markdown}}]}}
    return {"msgtype": "markdown", "markdown": {"content": markdown}}


def _size(platform: str, body: dict[str, Any]) -> int:
    if platform == "wecom":
        return len(body["markdown"]["content"].encode())
    return len(_encoded(body))


def _encoded(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(platform: str, url: str, body: dict[str, Any], secret: str | None,
           now: float | None = None) -> tuple[str, dict[str, Any]]:
    """The URL and body to post: with the platform's signature when a secret is set (WeCom signs nothing)."""
    if not secret or platform == "wecom":
        return url, body
    now = time.time() if now is None else now
    if platform == "dingtalk":
        stamp = int(now * 1000)
        query = urllib.parse.urlencode({"timestamp": stamp, "sign": dingtalk_sign(secret, stamp)})
        return f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}{query}", body
    stamp = int(now)  # Feishu: seconds, in the body
    return url, {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}


def post(url: str, body: dict[str, Any]) -> None:
    """POST the body as JSON; the robot's reply must say it took the message."""
    host = urllib.parse.urlsplit(url).hostname
    request = urllib.request.Request(url, data=_encoded(body), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read(1_000_000)
    except urllib.error.HTTPError as err:
        raise DeliveryFailed(N_("The chat robot at {host} answered HTTP {code}; nothing was posted.", host=host,
                                code=err.code)) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", None) or err
        raise DeliveryFailed(N_("Cannot reach the chat robot at {host} ({reason}).", host=host,
                                reason=getattr(reason, "strerror", None) or reason)) from None
    _check_reply(raw, host)


def _check_reply(raw: bytes, host: str | None) -> None:
    try:
        reply = json.loads(raw)
    except ValueError:
        raise DeliveryFailed(N_("The chat robot at {host} did not answer in JSON; is the webhook URL right?",
                                host=host)) from None
    code = reply.get("errcode", reply.get("code", reply.get("StatusCode"))) if isinstance(reply, dict) else None
    if code != 0:
        message = " ".join(str(reply.get("errmsg", reply.get("msg", ""))).split())[:200] if isinstance(reply, dict) else ""
        raise DeliveryFailed(N_("The chat robot at {host} refused the message ({code}: {message}).", host=host,
                                code=code, message=message))
