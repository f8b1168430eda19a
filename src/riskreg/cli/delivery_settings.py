"""Who `riskreg send` delivers to and through what, from its options over the config file.

Everything is checked here, before a report is built: a cron job with a typo in an address fails in a second,
with one sentence, instead of after the report. The mail password is read here and nowhere else: from
$RISKREG_SMTP_PASSWORD, else the private file `smtp_password_file` (refused unless mode 600). It is never
an option, so it never lands in a shell's history or a crontab.
"""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from riskreg.errors import RiskregError
from riskreg.messages import N_

PASSWORD_VARIABLE = "RISKREG_SMTP_PASSWORD"


@dataclass(frozen=True)
class Plan:
    recipients: list[str]  # the whole report's
    department_boxes: dict[str, str]  # department code -> its mailbox, for its own report
    server: Any = None  # riskreg.exchange.mail.Server, when there is mail to send
    sender: str | None = None
    webhook: str | None = None
    robot: str | None = None  # the platform
    secret: str | None = field(default=None, repr=False)

    @property
    def mails(self) -> bool:
        return bool(self.recipients or self.department_boxes)


def make_plan(config: Any, *, to: list[str], smtp: str | None, security: str | None, webhook: str | None,
              robot: str | None, dry_run: bool) -> Plan:
    from riskreg.exchange.mail import check_address
    from riskreg.exchange.robots import check_url, platform_of

    recipients = [check_address(a, "--to") for a in to] if to else _addresses(config.mail_to, "mail_to")
    # --to sends to those addresses alone: a trial run never mails every department.
    boxes = {} if to else _department_boxes(config.dept_mail)
    webhook = webhook or config.webhook
    if not recipients and not boxes and not webhook:
        raise RiskregError(N_("Nothing to send to: give --to ADDRESS or --webhook URL, or set mail_to, dept_mail or "
                              "webhook with `riskreg config set`."))
    plan = Plan(recipients, boxes)
    if webhook:
        url = check_url(webhook)
        plan = replace(plan, webhook=url, robot=platform_of(url, robot or config.robot), secret=config.webhook_secret)
        if plan.secret and plan.robot == "wecom":
            raise RiskregError(N_("webhook_secret is for a signed DingTalk or Feishu robot; a WeCom robot has none: "
                                  "unset it, or give --robot dingtalk or feishu."))
    if plan.mails:
        server = _server(config, smtp, security, dry_run)
        sender = config.mail_from or (server.user if server.user and "@" in server.user else None)
        if not sender:
            raise RiskregError(N_("Mail needs a sender: set mail_from with `riskreg config set mail_from ADDRESS`."))
        plan = replace(plan, server=server, sender=check_address(sender, "mail_from"))
    return plan


def _addresses(value: str | None, key: str) -> list[str]:
    from riskreg.exchange.mail import check_address

    return [check_address(part, key) for part in (value or "").split(",") if part.strip()]


def _department_boxes(value: str | None) -> dict[str, str]:
    """`dept_mail` as {code: address}: `LABOUR=labour@town.gov.cn, EMERG=emerg@town.gov.cn`."""
    from riskreg.exchange.mail import check_address

    boxes = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        code, equals, address = pair.partition("=")
        if not equals or not code.strip():
            raise RiskregError(N_("dept_mail: {pair!r} is not CODE=address (LABOUR=labour@town.gov.cn).",
                                  pair=pair.strip()))
        boxes[code.strip()] = check_address(address, f"dept_mail for {code.strip()}")
    return boxes


def _server(config: Any, smtp: str | None, security: str | None, dry_run: bool) -> Any:
    from riskreg.exchange.mail import DEFAULT_PORTS, Server

    host, port = _host_port(smtp or config.smtp_host)
    security = security or config.smtp_security
    port = port or config.smtp_port or DEFAULT_PORTS[security]
    if not host:
        if not dry_run:
            raise RiskregError(N_("Mail needs a server: give --smtp HOST[:PORT] or `riskreg config set smtp_host HOST`."))
        host = "localhost"
    user = config.smtp_user
    password = None if dry_run or not user else _password(config.smtp_password_file)
    return Server(host, port, security, user, password)


def _host_port(value: str | None) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    host, colon, port = value.strip().rpartition(":") if value.count(":") == 1 else ("", "", "")
    if not colon:
        return value.strip(), None
    if not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise RiskregError(N_("--smtp {value!r} is not HOST or HOST:PORT (smtp.town.gov.cn:465).", value=value))
    return host, int(port)


def _password(password_file: str | None) -> str:
    from riskreg.store.location import read_password_file

    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if password_file:
        return read_password_file(password_file)
    raise RiskregError(N_("smtp_user is set but there is no mail password: set ${variable}, or put it in a file only "
                          "you can read (chmod 600) and `riskreg config set smtp_password_file FILE`.",
                          variable=PASSWORD_VARIABLE))


def report_folder(option: Path | None, config: Any) -> Path:
    """Where the reports `send` delivers are written first: --output-dir, the config's report_dir, else
    `reports` in the user data folder (beside the default register)."""
    if option is not None:
        return option
    if config.report_dir:
        return Path(config.report_dir).expanduser()
    from platformdirs import user_data_path

    return user_data_path("riskreg", appauthor=False) / "reports"
