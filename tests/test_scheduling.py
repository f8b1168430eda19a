"""The README's crontab line for `riskreg send`, and the one `riskreg schedule` prints, run as cron runs it: `env -i` with cron's few variables
(PATH=/usr/bin:/bin, SHELL, HOME, LOGNAME), /bin/sh, stdin closed, no terminal; the installed console script;
the settings from the config file in $HOME; a real SMTP server and a chat robot on 127.0.0.1."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import installed_riskreg
from delivery_servers import PASSWORD, USER, MailServer, RobotServer

README = Path(__file__).parents[1] / "README.md"
CRON = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "LOGNAME": "coordinator"}


def _readme_cron_line() -> str:
    """The command of the crontab line in the README's ```cron blocks that runs `riskreg send`."""
    blocks = re.findall(r"^```cron\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.M | re.S)
    lines = [line for block in blocks for line in block.splitlines()
             if not line.startswith("#") and "riskreg send" in line]
    assert len(lines) == 1, lines
    return lines[0].split(None, 5)[5]


@pytest.mark.sqlite_only
def test_the_readmes_cron_line_mails_the_report_and_posts_the_summary(cli, register, tmp_path):
    cli.add("S03", "拖欠工资", "东村", "--due", "2026-06-01", "--dept", "LABOUR")
    home = tmp_path / "home" / "coordinator"
    command = _readme_cron_line()
    assert "%" not in command  # cron would cut the line there
    command = command.replace("/home/coordinator/.local/bin/riskreg", " ".join(installed_riskreg()))
    command = command.replace("/home/coordinator", str(home))
    assert "riskreg-send.log" in command and str(home) in command
    mail, robot = MailServer(tmp_path, login=True), RobotServer()
    try:
        config = home / ".config" / "riskreg"
        config.mkdir(parents=True)
        password = config / "smtp-password"
        password.write_text(PASSWORD + "\n")
        password.chmod(0o600)
        settings = {"db": str(register), "smtp_host": f"127.0.0.1:{mail.port}", "smtp_security": "none",
                    "smtp_user": USER, "smtp_password_file": str(password), "mail_from": USER,
                    "mail_to": "leader@town.gov.cn", "dept_mail": "LABOUR=labour@town.gov.cn",
                    "webhook": f"{robot.url}/robot/send?access_token=tok", "robot": "dingtalk"}
        (config / "config.toml").write_text("".join(f'{key} = "{value}"\n' for key, value in settings.items()))
        done = _under_cron(command, home)
        assert done.returncode == 0 and done.stdout == done.stderr == "", done
        log = (home / "riskreg-send.log").read_text(encoding="utf-8").splitlines()
        folder = home / ".local" / "share" / "riskreg" / "reports"
        assert log[1:] == [f"已将 report.html, LABOUR.html 写入 {folder}。",
                           "已通过 127.0.0.1 发出完整报告和 1 份部门报告。",
                           "已将摘要发到 dingtalk 机器人。"]
        assert [rcpt for _, rcpt in mail.envelopes] == [["leader@town.gov.cn"], ["labour@town.gov.cn"]]
        assert "**在办 1，逾期 1" in robot.posts[0][1]["markdown"]["text"]
        assert mail.logins == [(USER, PASSWORD)] and PASSWORD not in "\n".join(log)
        assert "自 " in mail.messages[0].get_body(("plain",)).get_content()  # --since -1d reached the report
    finally:
        mail.stop()
        robot.stop()
    assert os.stat(folder / "report.html").st_size > 1000


def _under_cron(command: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in {**CRON, "HOME": str(home)}.items()),
                           "/bin/sh", "-c", command], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.sqlite_only
def test_the_printed_cron_line_runs_under_cron(cli, register, tmp_path, monkeypatch):
    cli.add("S03", "拖欠工资", "东村", "--due", "2026-06-01", "--dept", "LABOUR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "my config"))  # a space: the line must quote it
    robot = RobotServer()
    try:
        cli("config", "set", "webhook", f"{robot.url}/cgi-bin/webhook/send?key=k")
        printed = subprocess.run([*installed_riskreg(), "schedule", "--at", "21:05"], capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=60, check=True).stdout.splitlines()
        assert printed[0].startswith("# m h dom mon dow")
        minute, hour, *stars, command = printed[1].split(None, 5)
        assert (minute, hour, stars) == ("5", "21", ["*", "*", "*"])
        assert f"RISKREG_DB={register}" in command and installed_riskreg()[0] in command
        done = _under_cron(command, tmp_path / "home")
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
        log = (tmp_path / "xdg-data" / "riskreg" / "riskreg-send.log").read_text(encoding="utf-8").splitlines()
        assert log[-1] == "已将摘要发到 wecom 机器人。" and len(robot.posts) == 1
    finally:
        robot.stop()


@pytest.mark.sqlite_only
def test_schedule_prints_systemd_units_and_refuses_a_bad_time(cli, register):
    units = cli("schedule", "--systemd", "--", "report", "--format", "html", "--output", "/srv/r%d.html").stdout
    assert "# ~/.config/systemd/user/riskreg-report.service" in units and "OnCalendar=*-*-* 06:30:00" in units
    assert f'Environment="RISKREG_DB={register}"' in units
    assert "report --format html --output /srv/r%%d.html" in units  # systemd's % specifiers escaped
    assert "--at '6h' is not a time of day HH:MM" in cli("schedule", "--at", "6h", code=1).stderr
