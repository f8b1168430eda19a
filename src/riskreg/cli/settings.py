"""Defaults a coordinator sets once: the register, the language, the stale and due-soon days, a password file.

They live in `config.toml` in the user config directory (platformdirs:
`~/.config/riskreg/config.toml` on Linux, `$XDG_CONFIG_HOME` honoured). Each
setting is taken from the command-line option first, then the environment,
then this file, then the built-in default, so a cron job or a one-off command
can always override the file. The file is flat TOML (`key = value`), read with
the standard library's tomllib; riskreg writes it only through
`riskreg config set`, which keeps it flat, so a tiny writer suffices.
"""

import json
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from riskreg.errors import InvalidInput

LANGUAGES = ("zh", "en")
MAX_DAYS = 3650


@dataclass(frozen=True)
class Config:
    db: str | None = None  # the register: a file path or a PostgreSQL URL
    lang: str | None = None  # zh or en; None: from the locale
    stale_days: int = 7
    due_soon_days: int = 7
    password_file: str | None = None  # the PostgreSQL password, for a register URL that carries none
    timezone: str | None = None  # the zone times are shown in (IANA name); None: the system's


KEYS = tuple(f.name for f in fields(Config))
_HELP = {
    "db": "register file or PostgreSQL URL (after --db and $RISKREG_DB)",
    "lang": "zh or en (after --lang and $RISKREG_LANG; default from the locale)",
    "stale_days": "an active entry with no event for this many days is stale",
    "due_soon_days": "an active entry due within this many days is due soon",
    "password_file": "a private file (mode 600) whose first line is the PostgreSQL password, for a URL without one",
    "timezone": "the zone history times are shown in, e.g. Asia/Shanghai (default: the system's); stored times stay UTC",
}


def config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("riskreg", appauthor=False) / "config.toml"


def _checked(key: str, value: Any, where: str) -> Any:
    if key not in KEYS:
        raise InvalidInput(f"{where}: unknown setting {key!r}; the settings are {', '.join(KEYS)}.")
    if key in ("stale_days", "due_soon_days"):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
            raise InvalidInput(f"{where}: {key} must be a whole number of days from 0 to {MAX_DAYS}, not {value!r}.")
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}: {key} must be text, not {value!r}.")
    value = value.strip()
    if key == "lang" and value not in LANGUAGES:
        raise InvalidInput(f"{where}: lang must be zh or en, not {value!r}.")
    if key == "timezone":
        from riskreg.zones import named_zone

        try:
            named_zone(value)
        except InvalidInput as err:
            raise InvalidInput(f"{where}: {err}") from None
    return value


def read_file(path: Path | None = None) -> dict[str, Any]:
    """The settings the file sets (validated), or nothing when there is no file."""
    path = path or config_path()
    return {key: _checked(key, value, str(path)) for key, value in _read_raw(path).items()}


def _read_raw(path: Path) -> dict[str, Any]:
    """The file's keys and values as written, so `config set` and `unset` can repair a bad value."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise InvalidInput(f"Cannot read the config file {path}: {err.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidInput(f"The config file {path} is not valid TOML ({err}); fix that line or delete the file.") from None


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
    if key in ("db", "password_file") and "://" not in value and not Path(value).expanduser().is_absolute():
        return str(Path(value).absolute())
    return value


def unset_value(key: str, path: Path | None = None) -> tuple[Path, bool]:
    """The config file, and whether `key` was set there (the file is left alone if not)."""
    path = path or config_path()
    values = _read_raw(path)
    if key not in KEYS:
        raise InvalidInput(f"riskreg config unset: unknown setting {key!r}; the settings are {', '.join(KEYS)}.")
    if key not in values:
        return path, False
    del values[key]
    _write(path, values)
    return path, True


def _write(path: Path, values: dict[str, Any]) -> None:
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
        if key == "lang":
            if lang_option:
                value, source = lang_option, "--lang / RISKREG_LANG"
            elif source == "default":
                value, source = locale_language(), "locale"
        rows.append({"key": key, "value": value, "source": source, "help": _HELP[key]})
    return rows
