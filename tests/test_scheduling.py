"""The README's crontab line for `riskreg send`, run as cron runs it: `env -i` with cron's few variables
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
    """The command of the README's crontab line that runs `riskreg send`."""
    lines = [line for line in README.read_text(encoding="utf-8").splitlines()
             if re.match(r"^[0-9*/,-]+ +[0-9*/,-]+ +\S+ +\S+ +\S+ +.*riskreg send", line)]
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
        done = subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in {**CRON, "HOME": str(home)}.items()),
                               "/bin/sh", "-c", command], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0 and done.stdout == done.stderr == "", done
        log = (home / "riskreg-send.log").read_text(encoding="utf-8").splitlines()
        folder = home / ".local" / "share" / "riskreg" / "reports"
        assert log[1:] == [f"Wrote report.html, LABOUR.html to {folder}.",
                           "Mailed the whole report and 1 department report through 127.0.0.1.",
                           "Posted the summary to the dingtalk robot."]
        assert [rcpt for _, rcpt in mail.envelopes] == [["leader@town.gov.cn"], ["labour@town.gov.cn"]]
        assert "**在办 1，逾期 1" in robot.posts[0][1]["markdown"]["text"]
        assert mail.logins == [(USER, PASSWORD)] and PASSWORD not in "\n".join(log)
        assert "自 " in mail.messages[0].get_body(("plain",)).get_content()  # --since -1d reached the report
    finally:
        mail.stop()
        robot.stop()
    assert os.stat(folder / "report.html").st_size > 1000
