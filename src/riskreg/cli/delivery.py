"""Delivery: `riskreg send`, the nightly report by mail and a summary to a group chat robot, for cron."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskreg.cli.output import as_shown, make_folder, say, write_atomically
from riskreg.cli.state import get_state
from riskreg.errors import RiskregError
from riskreg.messages import N_, NP_

PANEL = "Reports"
CHAIN = ("chain",)  # riskreg's own hash, never masked (as in `report`)
WHOLE = "report"  # the whole register's files: report.html, report.eml; a department's are named by its code
CHAT_ITEMS = 10  # overdue entries a chat summary lists at most; fewer when the platform's limit says so
app = typer.Typer()


class Robot(str, Enum):
    wecom = "wecom"
    dingtalk = "dingtalk"
    feishu = "feishu"


class Attach(str, Enum):
    json = "json"
    xlsx = "xlsx"


@app.command(rich_help_panel=PANEL)
def send(
    ctx: typer.Context,
    to: Annotated[list[str] | None, typer.Option("--to", metavar="ADDRESS", help="Mail the whole report to this address (repeat for more); replaces mail_to and dept_mail of the config file.", show_default=False)] = None,
    smtp: Annotated[str | None, typer.Option("--smtp", metavar="HOST[:PORT]", help="The mail server. Default: smtp_host and smtp_port of the config file.", show_default=False)] = None,
    starttls: Annotated[bool, typer.Option("--starttls", help="Connect in plain text, then switch to TLS (port 587). The default, unless smtp_security says otherwise.")] = False,
    ssl: Annotated[bool, typer.Option("--ssl", help="TLS from the start (port 465).")] = False,
    no_tls: Annotated[bool, typer.Option("--no-tls", help="No TLS: only for a mail relay on this machine.")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook", metavar="URL", help="Post a summary to this group chat robot. Better kept in the config file (`riskreg config set webhook URL`): the URL is the robot's key.", show_default=False)] = None,
    robot: Annotated[Robot | None, typer.Option("--robot", help="The robot's platform. Default: from the URL's host, else wecom.", show_default=False)] = None,
    attach: Annotated[list[Attach] | None, typer.Option("--attach", metavar="json|xlsx", help="Also attach the report as json, or the ledger as xlsx (its entries, masked); repeatable.", show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Also count entries added, closed and reopened since this day.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Send nothing: write each mail as an .eml file, and the robot's message as robot.json, in --output-dir.")] = False,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", metavar="DIR", file_okay=False, help="Where the HTML reports are written before they are sent (report.html, and CODE.html per department mailbox). Default: report_dir of the config file, else reports in the user data folder.", show_default=False)] = None,
) -> None:
    """Deliver the nightly report: the HTML report by mail (plain text beside it), each department's own to
    its mailbox, and a summary to a WeCom, DingTalk or Feishu group robot. Exit 4 if delivery fails (the
    reports are written first)."""
    from riskreg.cli.delivery_settings import make_plan, report_folder

    state = get_state(ctx)
    if starttls + ssl + no_tls > 1:
        raise RiskregError(N_("Give one of --starttls, --ssl and --no-tls."))
    security = "starttls" if starttls else "ssl" if ssl else "none" if no_tls else None
    plan = make_plan(state.config, to=to or [], smtp=smtp, security=security, webhook=webhook,
                     robot=robot and robot.value, dry_run=dry_run)
    folder = report_folder(output_dir, state.config)
    reports = _reports(ctx, since, plan)
    make_folder(folder, private=False)
    messages = _write_reports(ctx, folder, reports, plan, attach or [])
    say(N_("Wrote {files} to {folder}.", files=", ".join(f"{name}.html" for name in reports), folder=folder))
    _deliver(state.lang, plan, reports[WHOLE], messages, folder, dry_run=dry_run)


def _reports(ctx: typer.Context, since: str | None, plan: Any) -> dict[str, dict]:
    """The whole report (its HTML file is always written; mail and the robot take it) and each mailed
    department's, masked as every output is."""
    from riskreg.cli.reports import report_data

    unscoped = {"department": None, "unit": None, "leader": None}
    wanted = {WHOLE: report_data(ctx, since, unscoped, with_trend=True)}
    for code in plan.department_boxes:
        wanted[code] = report_data(ctx, since, {**unscoped, "department": code}, with_trend=True)  # no trend: scoped
    return dict(zip(wanted, as_shown(*wanted.values(), exact=CHAIN)))


def _write_reports(ctx: typer.Context, folder: Path, reports: dict[str, dict], plan: Any,
                   attach: list[Attach]) -> dict[str, Any]:
    """Each report's HTML file, written before anything is sent; and the mail of each that goes by mail."""
    from riskreg.cli.options import not_the_register
    from riskreg.exchange.mail import compose
    from riskreg.render.html import report_html
    from riskreg.render.plain import report_markdown
    from riskreg.render.summary import mail_subject

    lang = get_state(ctx).lang
    boxes = {WHOLE: plan.recipients, **{code: [box] for code, box in plan.department_boxes.items()}}
    messages = {}
    for name, report in reports.items():
        trend = report.pop("trend", None)
        html = report_html(report, trend, changed_after=report.pop("changed_after"), lang=lang)
        target = not_the_register(ctx, folder / f"{name}.html")
        write_atomically(target, [html])
        if boxes[name]:
            messages[name] = compose(sender=plan.sender, recipients=boxes[name], subject=mail_subject(report, lang),
                                     html=html, text=report_markdown(report, lang),
                                     attachments=_attachments(ctx, name, report, attach))
    return messages


def _attachments(ctx: typer.Context, name: str, report: dict, attach: list[Attach]) -> list:
    from riskreg.exchange.mail import Attachment

    stem = f"{report['as_of']}-{name}"
    found = []
    if Attach.json in attach:
        from riskreg.render.plain import to_json

        found.append(Attachment(f"{stem}.json", to_json(report).encode(), "application/json"))
    if Attach.xlsx in attach:
        found.append(Attachment(f"{stem}.xlsx", _ledger(ctx, None if name == WHOLE else name),
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    return found


def _ledger(ctx: typer.Context, department: str | None) -> bytes:
    """The ledger as `export --format xlsx [--dept CODE]` writes it, masked."""
    from riskreg.cli.transfer import workbook_bytes
    from riskreg.domain.queries import EntryFilter, sheet_entries
    from riskreg.exchange.sheet_write import Names

    state = get_state(ctx)
    flags = state.flags()
    with state.read() as session:
        names = Names.load(session, state.lang)
        rows, shown_names = as_shown(list(sheet_entries(session, flags, EntryFilter(department=department))),
                                     vars(names))
    return workbook_bytes(rows, Names(**shown_names), flags.today)


def _deliver(lang: str, plan: Any, whole: dict, messages: dict[str, Any], folder: Path, *, dry_run: bool) -> None:
    from riskreg.exchange.mail import deliver
    from riskreg.exchange.robots import fitted

    body = None
    if plan.webhook:
        from riskreg.render.summary import chat_summary, mail_subject

        body = fitted(plan.robot, mail_subject(whole, lang),
                      lambda shown: chat_summary(whole, lang, shown=shown), min(CHAT_ITEMS, len(whole["overdue"])))
    if dry_run:
        for name, message in messages.items():
            write_atomically(folder / f"{name}.eml", [message.as_bytes()], binary=True)
        if body is not None:
            from riskreg.render.plain import to_json

            write_atomically(folder / "robot.json", [to_json(body)])
        say(N_("Dry run: wrote {files} to {folder}; nothing was sent.", files=_files(messages, body), folder=folder))
        return
    failures = []
    if messages:
        try:
            deliver(plan.server, list(messages.values()))
        except RiskregError as err:
            failures.append(err)
        else:
            say(N_("Mailed {mails} through {host}.", mails=_mails(messages), host=plan.server.host))
    if body is not None:
        from riskreg.exchange.robots import post, signed

        try:
            post(*signed(plan.robot, plan.webhook, body, plan.secret))
        except RiskregError as err:
            failures.append(err)
        else:
            say(N_("Posted the summary to the {robot} robot.", robot=plan.robot))
    for err in failures[:-1]:  # each channel's failure, one sentence each; the last one exits 4
        say(N_("Error: {message}", message=err.args[0]), err=True)
    if failures:
        raise failures[-1]


def _files(messages: dict, body: Any) -> str:
    names = [f"{name}.eml" for name in messages] + (["robot.json"] if body is not None else [])
    return ", ".join(names)


def _mails(messages: dict) -> Any:
    departments = len(messages) - (WHOLE in messages)
    each = NP_("{n} department report", "{n} department reports", departments)
    if WHOLE not in messages:
        return each
    whole = N_("the whole report")
    return N_("{whole} and {departments}", whole=whole, departments=each) if departments else whole
