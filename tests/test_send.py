"""`riskreg send` by mail: a real SMTP server on 127.0.0.1 (aiosmtpd), plain, STARTTLS and TLS on a self-signed
certificate, with a login; the test reads what it received with the email package."""

import base64
import email
import email.policy
import io
import json
import os
import stat

import pytest

from delivery_servers import PASSWORD, USER, MailServer, free_port

LATE = "2026-06-01"  # before the suite's AS_OF (2026-07-01): overdue


@pytest.fixture
def ledger(cli, register):
    """Three overdue entries of LABOUR (one with a mobile number in its title), one of EMERG, one fine."""
    for title in ("拖欠工资 13812345678", "拖欠工资二", "拖欠工资三"):
        entry = cli.add("S03", title, "东村", "--due", LATE, "--dept", "LABOUR")
        cli("assign", entry, "--leader", "王明")
    cli.add("H01", "山塘漫坝", "西村", "--due", LATE, "--dept", "EMERG")
    cli.add("S03", "新登记", "南村")
    return register


def _mail_settings(cli, server, **extra):
    settings = {"smtp_host": "127.0.0.1", "smtp_port": str(server.port), "mail_from": USER,
                "mail_to": "leader@town.gov.cn, office@town.gov.cn", **extra}
    for key, value in settings.items():
        cli("config", "set", key, value)


@pytest.fixture
def servers(tmp_path):
    started = []

    def start(**kwargs):
        started.append(MailServer(tmp_path, **kwargs))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def _lines(text: str) -> list[str]:
    return text.splitlines()  # SMTP carries lines ended by CRLF


def _leaks(result) -> bool:
    said = result.stdout + result.stderr
    b64 = base64.b64encode(PASSWORD.encode()).decode()
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    return any(secret in said for secret in (PASSWORD, b64, plain))


def test_mail_over_starttls_with_a_login(cli, ledger, servers, tmp_path, monkeypatch, snapshot):
    before = snapshot()
    server = servers(security="starttls", login=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))  # trust the test's own certificate, as a town adds its CA
    monkeypatch.setenv("RISKREG_SMTP_PASSWORD", PASSWORD)
    _mail_settings(cli, server, smtp_user=USER)
    result = cli("send", "--attach", "json", "--attach", "xlsx", "--output-dir", tmp_path / "out")
    assert not _leaks(result)
    assert snapshot() == before  # sending writes nothing to the register: no history holds a password or URL
    assert "已通过 127.0.0.1 发出完整报告。" in result.stdout
    assert server.logins == [(USER, PASSWORD)]
    assert server.envelopes == [(USER, ["leader@town.gov.cn", "office@town.gov.cn"])]
    message = server.messages[0]
    assert message["Subject"] == "【重大活动风险隐患及责任清单】2026-07-01：在办 5，逾期 4，四个一不全 5，7日内到期 0"
    assert not message["Subject"].defects
    assert message.get_content_type() == "multipart/mixed"
    body, *attachments = message.iter_parts()
    text, html = body.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert html.get_content_charset() == "utf-8"
    assert _lines(html.get_content()) == _lines((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "138****5678" in html.get_content() and "13812345678" not in message.as_string()
    assert "# 重大活动风险隐患及责任清单 — 2026-07-01" in text.get_content()
    json_part, xlsx_part = attachments
    assert json_part.get_filename() == "2026-07-01-report.json"
    assert json.loads(json_part.get_content())["totals"]["overdue"] == 4
    assert xlsx_part.get_filename() == "2026-07-01-report.xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_part.get_content())).worksheets[0]
    assert sum(1 for row in sheet.iter_rows(values_only=True) if row and "拖欠工资二" in row) == 1


def test_the_subject_is_encoded_for_any_mail_client(cli, ledger, tmp_path):
    cli("config", "set", "mail_from", USER)
    cli("send", "--to", "a@town.gov.cn", "--dry-run", "--output-dir", tmp_path)
    raw = (tmp_path / "report.eml").read_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii() and b"=?utf-8?" in headers  # RFC 2047 encoded words, no raw UTF-8 in a header
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"].startswith("【重大活动风险隐患及责任清单】2026-07-01：在办 5，逾期 4")
    english = cli("--lang", "en", "send", "--to", "a@town.gov.cn", "--dry-run", "--output-dir", tmp_path / "en")
    assert "nothing was sent" in english.stdout
    parsed = email.message_from_bytes((tmp_path / "en" / "report.eml").read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == ("[Risk and responsibility list for a major public event] 2026-07-01: Active 5, "
                                 "Overdue 4, Not accountable 5, Due within 7 days 0")


def test_mail_over_tls_given_on_the_command_line(cli, ledger, servers, tmp_path, monkeypatch):
    server = servers(security="ssl")
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    cli("config", "set", "mail_from", USER)
    cli("send", "--smtp", f"127.0.0.1:{server.port}", "--ssl", "--to", "a@town.gov.cn", "--to", "b@town.gov.cn",
        "--output-dir", tmp_path)
    assert server.envelopes == [(USER, ["a@town.gov.cn", "b@town.gov.cn"])]


def test_each_department_mailbox_gets_its_own_report(cli, ledger, servers, tmp_path):
    server = servers()
    _mail_settings(cli, server, smtp_security="none", dept_mail="LABOUR=labour@town.gov.cn, EMERG=emerg@town.gov.cn")
    result = cli("send", "--output-dir", tmp_path)
    assert "已通过 127.0.0.1 发出完整报告和 2 份部门报告。" in result.stdout
    sent = {tuple(rcpt): message for (_, rcpt), message in zip(server.envelopes, server.messages)}
    assert set(sent) == {("leader@town.gov.cn", "office@town.gov.cn"), ("labour@town.gov.cn",), ("emerg@town.gov.cn",)}
    labour = sent[("labour@town.gov.cn",)]
    assert "劳动保障中心（LABOUR）" in labour["Subject"] and "逾期 3" in labour["Subject"]
    html = labour.get_body(("html",)).get_content()
    assert "拖欠工资二" in html and "山塘漫坝" not in html
    assert _lines((tmp_path / "LABOUR.html").read_text(encoding="utf-8")) == _lines(html)
    assert "山塘漫坝" in sent[("emerg@town.gov.cn",)].get_body(("html",)).get_content()


def test_to_on_the_command_line_replaces_the_configured_mailboxes(cli, ledger, tmp_path):
    cli("config", "set", "mail_from", USER)
    cli("config", "set", "dept_mail", "LABOUR=labour@town.gov.cn")
    cli("send", "--to", "me@town.gov.cn", "--dry-run", "--output-dir", tmp_path / "me")
    assert sorted(p.name for p in (tmp_path / "me").iterdir()) == ["report.eml", "report.html"]
    cli("send", "--dry-run", "--output-dir", tmp_path / "all")
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["LABOUR.eml", "LABOUR.html", "report.html"]


def test_a_refused_login_exits_4_after_writing_the_report_and_never_shows_the_password(cli, ledger, servers,
                                                                                     tmp_path, monkeypatch):
    server = servers(security="starttls", login=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    monkeypatch.setenv("RISKREG_SMTP_PASSWORD", PASSWORD + "-wrong")
    _mail_settings(cli, server, smtp_user=USER)
    result = cli("send", "--output-dir", tmp_path, code=4)
    assert result.stderr == (f"Error: The mail server 127.0.0.1 refused the user '{USER}' or its password (535); "
                             "check smtp_user and the password.\n")
    assert PASSWORD not in result.stdout + result.stderr and not _leaks(result)
    assert (tmp_path / "report.html").exists() and server.messages == []


def test_a_server_that_echoes_the_password_is_quoted_without_it(cli, ledger, servers, tmp_path, monkeypatch):
    plain_auth = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    server = servers(security="starttls", login=True, echo=f"{PASSWORD} {plain_auth}")
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    monkeypatch.setenv("RISKREG_SMTP_PASSWORD", PASSWORD)
    _mail_settings(cli, server, smtp_user=USER)
    result = cli("send", "--output-dir", tmp_path, code=4)
    assert "answered 554 5.7.1 refused: *** ***; nothing more was sent." in result.stderr
    assert not _leaks(result)


def test_an_unreachable_server_exits_4_with_one_sentence(cli, ledger, tmp_path):
    port = free_port()  # nothing listens there
    cli("config", "set", "mail_from", USER)
    result = cli("send", "--smtp", f"127.0.0.1:{port}", "--no-tls", "--to", "a@town.gov.cn", "--output-dir",
                 tmp_path, code=4)
    assert result.stderr.startswith(f"Error: Cannot reach the mail server 127.0.0.1:{port} (")
    assert result.stderr.count("\n") == 1
    assert (tmp_path / "report.html").exists() and "Wrote report.html" in result.stdout


def test_an_untrusted_certificate_is_refused(cli, ledger, servers, tmp_path):
    server = servers(security="starttls")
    cli("config", "set", "mail_from", USER)
    result = cli("send", "--smtp", f"127.0.0.1:{server.port}", "--to", "a@town.gov.cn", "--output-dir", tmp_path,
                 code=4)
    assert result.stderr.startswith(f"Error: No secure connection to the mail server 127.0.0.1:{server.port} (")
    assert server.messages == []


def test_the_password_file_must_be_private(cli, ledger, servers, tmp_path, monkeypatch):
    server = servers(security="starttls", login=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o644)
    _mail_settings(cli, server, smtp_user=USER, smtp_password_file=str(secret))
    refused = cli("send", "--output-dir", tmp_path / "out", code=1)
    assert "can be read by others (mode 644); make it private: chmod 600" in refused.stderr
    assert not (tmp_path / "out").exists()  # refused before any report was built
    secret.chmod(0o600)
    assert not _leaks(cli("send", "--output-dir", tmp_path / "out"))
    assert server.logins == [(USER, PASSWORD)]


def test_a_login_without_a_password_is_refused(cli, ledger, tmp_path):
    cli("config", "set", "smtp_user", USER)
    cli("config", "set", "smtp_host", "127.0.0.1")
    assert "there is no mail password: set $RISKREG_SMTP_PASSWORD" in cli("send", "--to", "a@town.gov.cn",
                                                                          code=1).stderr


def test_dry_run_writes_one_eml_per_message_and_sends_nothing(cli, ledger, tmp_path):
    cli("config", "set", "mail_from", USER)
    cli("config", "set", "dept_mail", "LABOUR=labour@town.gov.cn")
    result = cli("send", "--to", "a@town.gov.cn", "--dry-run", "--output-dir", tmp_path)
    assert "试运行：已将 report.eml 写入" in result.stdout
    cli("send", "--dry-run", "--output-dir", tmp_path / "depts")
    labour = email.message_from_bytes((tmp_path / "depts" / "LABOUR.eml").read_bytes(), policy=email.policy.default)
    assert labour["To"] == "labour@town.gov.cn" and "劳动保障中心" in labour["Subject"]
    assert stat.S_IMODE(os.stat(tmp_path / "depts" / "LABOUR.eml").st_mode) == 0o644  # masked, like a report


@pytest.mark.parametrize(("args", "message"), [
    ((), "Nothing to send to: give --to ADDRESS or --webhook URL"),
    (("--to", "not-an-address"), "--to: 'not-an-address' is not a mail address"),
    (("--to", "a@b.cn", "--ssl", "--starttls"), "Give one of --starttls, --ssl and --no-tls."),
    (("--to", "a@b.cn", "--smtp", "host:port"), "--smtp 'host:port' is not HOST or HOST:PORT"),
    (("--to", "a@b.cn", "--smtp", "127.0.0.1"), "Mail needs a sender: set mail_from"),
    (("--to", "a@b.cn"), "Mail needs a server: give --smtp HOST[:PORT]"),
])
def test_bad_requests_are_one_sentence_and_write_nothing(cli, ledger, tmp_path, args, message):
    assert message in cli("send", *args, "--output-dir", tmp_path / "out", code=1).stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_department_mailbox_is_refused(cli, ledger, tmp_path):
    cli("config", "set", "mail_from", USER)
    cli("config", "set", "dept_mail", "NOPE=nope@town.gov.cn")
    cli("send", "--dry-run", "--output-dir", tmp_path / "out", code=1)
    assert not (tmp_path / "out").exists()


def test_the_reports_go_to_the_user_data_folder_by_default(cli, ledger, tmp_path):
    cli("config", "set", "mail_from", USER)
    result = cli("send", "--to", "a@town.gov.cn", "--dry-run")
    folder = tmp_path / "xdg-data" / "riskreg" / "reports"
    assert f"写入 {folder}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["report.eml", "report.html"]
