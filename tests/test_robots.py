"""`riskreg send --webhook`: a summary for a WeCom, DingTalk or Feishu group robot, posted to a real HTTP server on
127.0.0.1 that checks each platform's documented message shape and signature and answers as the platform does."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from pathlib import Path

import pytest

from delivery_servers import RobotServer
from riskreg.exchange.robots import LIMITS, platform_of

SECRET = "SEC0123456789abcdef-test-secret"
TOKEN = "access_token=tok-3f9a7c"
CAMPAIGN = "campaign:\n  zh: 省运会\n  en: Provincial Games\n  start: 2026-06-20\n  end: 2026-07-15\n"


@pytest.fixture
def robot():
    server = RobotServer()
    yield server
    server.stop()


@pytest.fixture
def ledger(cli, isolated_env, tmp_path):
    """A register with a campaign under way (day 12 on the suite's AS_OF) and two overdue entries."""
    catalogue = Path(__file__).parents[1] / "data" / "catalogue.yaml"
    edited = tmp_path / "catalogue.yaml"
    edited.write_text(catalogue.read_text(encoding="utf-8") + "\n" + CAMPAIGN, encoding="utf-8")
    cli("init", "--catalogue", edited)
    first = cli.add("S03", "拖欠农民工工资 13812345678", "东村", "--due", "2026-06-01", "--dept", "LABOUR")
    cli("assign", first, "--leader", "王明")
    cli.add("H01", "山塘漫坝", "西村", "--due", "2026-06-20", "--dept", "EMERG")
    return isolated_env


def _send(cli, robot, platform, *args, code=0):
    cli("config", "set", "webhook", f"{robot.url}/hook?{TOKEN}")
    result = cli("send", "--robot", platform, *args, "--output-dir", robot_folder(cli), code=code)
    assert "tok-3f9a7c" not in result.stdout + result.stderr  # the URL is the robot's key
    return result


def robot_folder(cli) -> Path:
    from riskreg.cli.settings import config_path

    return config_path().parent.parent / "reports"


def test_wecom_gets_markdown_with_the_counts_the_campaign_day_and_the_first_overdue(cli, ledger, robot):
    result = _send(cli, robot, "wecom")
    assert "已将摘要发到 wecom 机器人。" in result.stdout
    (path, body), = robot.posts
    assert path == f"/hook?{TOKEN}"
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}
    content = body["markdown"]["content"]
    assert content.splitlines()[:3] == ["### 重大活动风险隐患及责任清单 2026-07-01", "省运会：第 12 天",
                                        "**在办 2，逾期 2，四个一不全 2，7日内到期 0**"]
    assert "- #1 拖欠农民工工资 138＊＊＊＊5678（东村） · 劳动保障中心 · 王明 · 逾期 30 天" in content
    assert "- #2 山塘漫坝（西村） · 应急管理办 · 未定牵头领导 · 逾期 11 天" in content
    assert "13812345678" not in json.dumps(body, ensure_ascii=False)


def test_dingtalk_signed_mode(cli, ledger, robot):
    cli("config", "set", "webhook_secret", SECRET)
    _send(cli, robot, "dingtalk")
    (path, body), = robot.posts
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["tok-3f9a7c"]
    timestamp = query["timestamp"][0]
    expected = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(expected).decode()]  # parse_qs undoes the URL encoding
    assert "%2B" in path or "%2F" in path or "%3D" in path  # the base64 signature went URL-encoded
    assert len(timestamp) == 13  # milliseconds
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"].startswith("【重大活动风险隐患及责任清单】2026-07-01：")
    assert "逾期事项（2）" in body["markdown"]["text"]


def test_feishu_signed_card(cli, ledger, robot):
    robot.reply = {"code": 0, "msg": "success", "data": {}}
    cli("config", "set", "webhook_secret", SECRET)
    _send(cli, robot, "feishu")
    (path, body), = robot.posts
    assert path == f"/hook?{TOKEN}"
    expected = hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(expected).decode() and len(body["timestamp"]) == 10  # seconds
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"]["tag"] == "plain_text"
    (element,) = card["elements"]
    assert element["tag"] == "div" and element["text"]["tag"] == "lark_md"
    assert "王明" in element["text"]["content"]


def test_a_long_list_is_cut_to_the_platform_limit_saying_how_many_more(cli, ledger, robot):
    for n in range(40):
        cli.add("S03", f"{n:02d} " + "很长的事项标题" * 28, "东村", "--due", "2026-06-02", "--dept", "LABOUR")
    _send(cli, robot, "wecom")
    content = robot.posts[0][1]["markdown"]["content"]
    assert len(content.encode()) <= LIMITS["wecom"] < len(content.encode()) + 700
    listed = sum(line.startswith("- #") for line in content.splitlines())
    assert 0 < listed < 10
    assert content.rstrip().endswith(f"…… 另有 {42 - listed} 项逾期，见完整报告。")


def test_english_summary(cli, ledger, robot):
    cli("config", "set", "webhook", f"{robot.url}/hook?{TOKEN}")
    cli("--lang", "en", "send", "--output-dir", robot_folder(cli))
    content = robot.posts[0][1]["markdown"]["content"]
    assert "Provincial Games: day 12" in content and "**Overdue (2)**" in content
    assert "Active 2, Overdue 2" in content


def test_a_refusing_robot_exits_4_with_its_code_after_writing_the_report(cli, ledger, robot):
    robot.reply = {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/]"}
    result = _send(cli, robot, "dingtalk", code=4)
    assert result.stderr == ("Error: The chat robot at 127.0.0.1 refused the message (310000: sign not match, "
                             "more: [https://ding-doc.dingtalk.com/doc#/]).\n")
    assert (robot_folder(cli) / "report.html").exists()


def test_an_unreachable_robot_exits_4(cli, ledger, robot):
    robot.stop()
    result = _send(cli, robot, "wecom", code=4)
    assert result.stderr.startswith("Error: Cannot reach the chat robot at 127.0.0.1 (")


def test_dry_run_writes_the_robots_message(cli, ledger, robot, tmp_path):
    cli("config", "set", "webhook", f"{robot.url}/hook?{TOKEN}")
    cli("send", "--dry-run", "--output-dir", tmp_path)
    assert json.loads((tmp_path / "robot.json").read_text(encoding="utf-8"))["msgtype"] == "markdown"
    assert robot.posts == []


def test_a_signing_secret_for_a_wecom_robot_is_refused_before_anything_is_written(cli, ledger, robot, tmp_path):
    cli("config", "set", "webhook_secret", SECRET)
    cli("config", "set", "webhook", f"{robot.url}/hook?{TOKEN}")
    assert "a WeCom robot has none" in cli("send", "--output-dir", tmp_path / "out", code=1).stderr
    assert not (tmp_path / "out").exists() and robot.posts == []


def test_config_show_hides_the_webhook_and_its_secret(cli, robot):
    cli("config", "set", "webhook", f"{robot.url}/hook?{TOKEN}")
    cli("config", "set", "webhook_secret", SECRET)
    shown = cli("config", "show", "--format", "json").stdout
    assert "tok-3f9a7c" not in shown and SECRET not in shown
    assert {row["key"]: row["value"] for row in json.loads(shown)["settings"]}["webhook"] == "(set)"
    table = cli("--lang", "zh", "config", "show").stdout
    assert table.count("（已设置）") == 2 and "tok-3f9a7c" not in table and SECRET not in table


@pytest.mark.pure
@pytest.mark.parametrize(("url", "robot", "platform"), [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", None, "wecom"),
    ("https://oapi.dingtalk.com/robot/send?access_token=t", None, "dingtalk"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/h", None, "feishu"),
    ("https://open.larksuite.com/open-apis/bot/v2/hook/h", None, "feishu"),
    ("https://robot.town.gov.cn/hook", None, "wecom"),  # a relay of its own: WeCom's format
    ("https://robot.town.gov.cn/hook", "dingtalk", "dingtalk"),
])
def test_the_platform_is_guessed_from_the_host(url, robot, platform):
    assert platform_of(url, robot) == platform
