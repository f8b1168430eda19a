"""Defaults a coordinator sets once: the register, the language, the stale and due-soon days, a password file,
and where `riskreg send` delivers the nightly report (mail server, mailboxes, chat robot).

They live in `config.toml` in the user config directory (platformdirs:
`~/.config/riskreg/config.toml` on Linux, `$XDG_CONFIG_HOME` honoured). Each
setting is taken from the command-line option first, then the environment,
then this file, then the built-in default, so a cron job or a one-off command
can always override the file. The file is flat TOML (`key = value`), read with
the standard library's tomllib; riskreg writes it only through
`riskreg config set`, which keeps it flat, so a tiny writer suffices.
"""

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from riskreg.errors import InvalidInput
from riskreg.messages import LANGUAGES, N_, Both

MAX_DAYS = 3650
CHOICES = {"lang": LANGUAGES, "smtp_security": ("starttls", "ssl", "none"), "robot": ("wecom", "dingtalk", "feishu")}
# Shown by `config show` only as set or not: the robot's URL carries its access token.
SECRET_KEYS = ("webhook", "webhook_secret")


@dataclass(frozen=True)
class Config:
    db: str | None = None  # the register: a file path or a PostgreSQL URL
    lang: str | None = None  # zh or en; None: from the locale
    stale_days: int = 7
    due_soon_days: int = 7
    password_file: str | None = None  # the PostgreSQL password, for a register URL that carries none
    timezone: str | None = None  # the zone times are shown in (IANA name); None: the system's
    # `riskreg send`: the mail server, who sends and receives, the chat robot, where the reports it sends are kept
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password_file: str | None = None
    mail_from: str | None = None
    mail_to: str | None = None  # addresses, comma-separated
    dept_mail: str | None = None  # CODE=address pairs, comma-separated: each department's own mailbox
    webhook: str | None = None
    robot: str | None = None  # None: from the webhook's host
    webhook_secret: str | None = None  # DingTalk's or Feishu's signing secret
    report_dir: str | None = None


KEYS = tuple(f.name for f in fields(Config))
_HELP = {  # English in `config show --format json`; the table says them in the language of the run
    "db": N_("register file or PostgreSQL URL (after --db and $RISKREG_DB)"),
    "lang": N_("zh or en (after --lang and $RISKREG_LANG; default from the locale)"),
    "stale_days": N_("an active entry with no event for this many days is stale"),
    "due_soon_days": N_("an active entry due within this many days is due soon"),
    "password_file": N_("a private file (mode 600) whose first line is the PostgreSQL password, for a URL without one"),
    "timezone": N_("the zone history times are shown in, e.g. Asia/Shanghai (default: the system's); stored times "
                   "stay UTC"),
    "smtp_host": N_("send: the mail server (host or host:port)"),
    "smtp_port": N_("send: its port (default 587 with starttls, 465 with ssl, 25 with none)"),
    "smtp_security": N_("send: starttls, ssl or none (a relay on this machine)"),
    "smtp_user": N_("send: the mail account's user name (no login without it)"),
    "smtp_password_file": N_("send: a private file (mode 600) with the mail password; else $RISKREG_SMTP_PASSWORD"),
    "mail_from": N_("send: the sender's address (default: smtp_user)"),
    "mail_to": N_("send: who gets the whole report, addresses separated by commas"),
    "dept_mail": N_("send: each department's mailbox for its own report, CODE=address separated by commas"),
    "webhook": N_("send: the chat robot's URL (WeCom, DingTalk or Feishu); shown only as set"),
    "robot": N_("send: wecom, dingtalk or feishu (default: from the URL's host, else wecom)"),
    "webhook_secret": N_("send: the robot's signing secret (DingTalk 加签, Feishu 签名校验); shown only as set"),
    "report_dir": N_("send: the folder the reports it sends are written to first (default: reports in the data folder)"),
}
# Where a setting came from, as `config show` words it in its table (its JSON keeps the English).
SOURCES = {"default": N_("default"), "config file": N_("config file"), "locale": N_("locale")}


def config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("riskreg", appauthor=False) / "config.toml"


def _checked(key: str, value: Any, where: str) -> Any:
    if key not in KEYS:
        raise InvalidInput(N_("{where}: unknown setting {key!r}; the settings are {keys}.", where=where, key=key,
                              keys=', '.join(KEYS)))
    if key in ("stale_days", "due_soon_days", "smtp_port"):
        low, high = (1, 65535) if key == "smtp_port" else (0, MAX_DAYS)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            if key == "smtp_port":
                raise InvalidInput(N_("{where}: {key} must be a port number from {low} to {high}, not {value!r}.",
                                      where=where, key=key, low=low, high=high, value=value))
            raise InvalidInput(N_("{where}: {key} must be a whole number of days from 0 to {max_days}, not "
                                  "{value!r}.", where=where, key=key, max_days=MAX_DAYS, value=value))
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(N_("{where}: {key} must be text, not {value!r}.", where=where, key=key, value=value))
    value = value.strip()
    if key in CHOICES and value not in CHOICES[key]:
        raise InvalidInput(N_("{where}: {key} must be {choices}, not {value!r}.", where=where, key=key,
                              choices=Both(" 或 ".join(CHOICES[key]), " or ".join(CHOICES[key])), value=value))
    if key == "timezone":
        from riskreg.zones import named_zone

        try:
            named_zone(value)
        except InvalidInput as err:
            raise InvalidInput(N_("{where}: {problem}", where=where, problem=err.args[0])) from None
    return value


def read_file(path: Path | None = None) -> dict[str, Any]:
    """The settings the file sets (validated), or nothing when there is no file."""
    path = path or config_path()
    return {key: _checked(key, value, str(path)) for key, value in _read_raw(path).items()}


def _read_raw(path: Path) -> dict[str, Any]:
    """The file's keys and values as written, so `config set` and `unset` can repair a bad value."""
    try:
        written = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise InvalidInput(N_("Cannot read the config file {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    import tomllib  # only when there is a file: `--help` without one stays quick

    try:
        return tomllib.loads(written.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidInput(N_("The config file {path} is not valid TOML ({err}); fix that line or delete the "
                              "file.", path=path, err=err)) from None


def load_config() -> Config:
    return Config(**read_file())


def locale_language() -> str:
    """English only when the locale asks for it; C/POSIX (cron) and Chinese locales give zh."""
    # The environment, not locale.getlocale(): Python maps C.UTF-8 to en_US, which would turn cron's reports English.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def resolve_lang(option: str | None, config: Config) -> str:
    """--lang / $RISKREG_LANG (Typer passes either as `option`), then the file, then the locale."""
    return option or config.lang or locale_language()


def set_value(key: str, value: str, path: Path | None = None) -> Path:
    path = path or config_path()
    values = _read_raw(path)
    values[key] = _anchored(key, _checked(key, value, "riskreg config set"))
    _write(path, values)
    return path


def _anchored(key: str, value: Any) -> Any:
    """A relative file path made absolute where it is set: cron and every other folder must find the same file."""
    if key in ("db", "password_file", "smtp_password_file", "report_dir") and "://" not in value and not Path(value).expanduser().is_absolute():
        return str(Path(value).absolute())
    return value


def unset_value(key: str, path: Path | None = None) -> tuple[Path, bool]:
    """The config file, and whether `key` was set there (the file is left alone if not)."""
    path = path or config_path()
    values = _read_raw(path)
    if key not in KEYS:
        raise InvalidInput(N_("riskreg config unset: unknown setting {key!r}; the settings are {keys}.", key=key,
                              keys=', '.join(KEYS)))
    if key not in values:
        return path, False
    del values[key]
    _write(path, values)
    return path, True


def _write(path: Path, values: dict[str, Any]) -> None:
    import json

    from riskreg.cli.output import write_atomically

    # JSON string escapes are valid TOML basic-string escapes, so json.dumps quotes safely.
    lines = ["# riskreg settings; `riskreg config show` lists them all.\n"]
    lines += [f"{key} = {json.dumps(values[key], ensure_ascii=False)}\n" for key in KEYS
              if isinstance(values.get(key), (str, int, float))]  # a TOML table or array is no setting
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lines, private=True)  # the db URL may carry a password


def describe(*, db_option: str | None, lang_option: str | None) -> list[dict[str, Any]]:
    """Every setting with its effective value and where it came from, for `config show`.

    A bad value in the file is shown as such, so `config show` still helps find it.
    """
    path = config_path()
    from_file = _read_raw(path)
    rows = []
    for key in KEYS:
        value, source = getattr(Config(), key), "default"
        if key in from_file:
            try:
                value, source = _checked(key, from_file[key], str(path)), "config file"
            except InvalidInput as err:
                value, source = from_file[key], f"config file, refused: {err}"
        if key == "db":
            if db_option:
                value, source = db_option, "--db"
            elif os.environ.get("RISKREG_DB"):
                value, source = os.environ["RISKREG_DB"], "RISKREG_DB"
            elif source == "default":
                from riskreg.store.location import default_location

                value = str(default_location())
            if isinstance(value, str):
                from riskreg.store.backends import shown_location

                value = shown_location(value)
        if key in SECRET_KEYS and value is not None:
            value = "(set)"
        if key == "lang":
            if lang_option:
                value, source = lang_option, "--lang / RISKREG_LANG"
            elif source == "default":
                value, source = locale_language(), "locale"
        rows.append({"key": key, "value": value, "source": source, "help": str(_HELP[key])})
    return rows
