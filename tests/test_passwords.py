"""Database passwords: never printed, passed through from libpq's own sources, or read from a private file.

The test server trusts every local connection, so no test can prove a password
was *needed*; each proves instead that riskreg hands the password to the
connection (psycopg reports the one it used) and never prints it.
"""

import os
import stat
from pathlib import Path

import pytest

from riskreg.cli.settings import config_path
from riskreg.store.register import open_register

SECRET = "s3cret-Pa55"
UNREACHABLE = "postgresql+psycopg://riskreg{auth}@127.0.0.1:1/riskreg{query}"


def _connection_password(location: str, **options) -> str | None:
    """The password psycopg used for a connection riskreg opened."""
    register = open_register(location, **options)
    try:
        with register.engine.connect() as conn:
            return conn.connection.dbapi_connection.info.password
    finally:
        register.engine.dispose()


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _private_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.parametrize("location", [
    UNREACHABLE.format(auth=f":{SECRET}", query=""),
    UNREACHABLE.format(auth="", query=f"?password={SECRET}"),
    UNREACHABLE.format(auth="", query=f"?sslmode=disable&sslpassword={SECRET}"),
    UNREACHABLE.format(auth=f":{SECRET}", query="").replace(":1/", ":notaport/"),
    UNREACHABLE.format(auth=f":{SECRET}@x", query=""),  # an unescaped @ in the password
])
def test_a_password_in_the_url_is_never_printed(cli, location):
    for command in (["list"], ["check"], ["init"]):
        result = cli("--db", location, *command, code=1)
        assert SECRET not in result.stderr + result.stdout and "x@127" not in result.stderr
        assert "***" in result.stderr


def test_config_show_hides_the_password_and_the_file_is_private(cli, monkeypatch):
    url = UNREACHABLE.format(auth=f":{SECRET}", query=f"?password={SECRET}")
    cli("config", "set", "db", url)
    assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
    for source in ("config file", "RISKREG_DB", "--db"):
        if source == "config file":
            monkeypatch.delenv("RISKREG_DB")
        if source == "RISKREG_DB":
            monkeypatch.setenv("RISKREG_DB", url)
        db_option = ["--db", url] if source == "--db" else []
        settings = {row["key"]: row for row in cli.json(*db_option, "config", "show", "--format", "json")["settings"]}
        assert (settings["db"]["value"], settings["db"]["source"]) == (
            "postgresql+psycopg://riskreg:***@127.0.0.1:1/riskreg?password=***", source)
        assert SECRET not in cli(*db_option, "config", "show").stdout


@pytest.mark.postgresql_only
def test_a_password_given_as_a_query_parameter_is_not_printed_by_any_command(cli, isolated_env, tmp_path):
    url = _with_query(str(isolated_env), f"password={SECRET}")
    outputs = [cli("--db", url, "init"), cli("--db", url, "add", "S03", "--title", "t", "--unit", "东村"),
               cli("--db", url, "check"), cli("--db", url, "copy", "--to", tmp_path / "copy.db"),
               cli("--db", tmp_path / "copy.db", "copy", "--to", url, code=1)]
    assert "全部检查通过" in outputs[2].stdout
    for result in outputs:
        assert SECRET not in result.stdout + result.stderr
    assert _connection_password(url) == SECRET


@pytest.mark.postgresql_only
def test_pgpassword_and_pgpass_reach_the_connection_unprinted(cli, register, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", SECRET)
    result = cli("check")
    assert "全部检查通过" in result.stdout and SECRET not in result.stdout + result.stderr
    assert _connection_password(str(register)) == SECRET
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(_private_file(tmp_path / "pgpass", f"*:*:*:*:{SECRET}-from-pgpass\n")))
    assert "全部检查通过" in cli("check").stdout
    assert _connection_password(str(register)) == f"{SECRET}-from-pgpass"


@pytest.mark.postgresql_only
def test_a_password_file_reaches_the_connection_unprinted(cli, register, tmp_path, monkeypatch):
    password_file = _private_file(tmp_path / "db-password", f"{SECRET}\nthe second line is ignored\n")
    cli("config", "set", "password_file", str(password_file))
    monkeypatch.setenv("PGPASSWORD", "not this one")  # the configured file is explicit: it wins
    result = cli("check")
    assert "全部检查通过" in result.stdout and SECRET not in result.stdout + result.stderr
    assert SECRET not in cli("config", "show").stdout
    assert _connection_password(str(register), password_file=str(password_file)) == SECRET
    # A password in the URL itself wins over the file.
    assert _connection_password(_with_query(str(register), "password=in-url"), password_file=str(password_file)) == "in-url"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_a_password_file_others_can_read_is_refused(cli, tmp_path, mode):
    password_file = _private_file(tmp_path / "db-password", f"{SECRET}\n", mode)
    cli("config", "set", "password_file", str(password_file))
    error = cli("--db", UNREACHABLE.format(auth="", query=""), "list", code=1).stderr
    assert f"The password file {password_file} can be read by others" in error and "chmod 600" in error
    assert SECRET not in error


@pytest.mark.parametrize("content, reason", [("", "is empty"), ("\nsecond\n", "is empty")])
def test_an_empty_password_file_is_refused(cli, tmp_path, content, reason):
    cli("config", "set", "password_file", str(_private_file(tmp_path / "db-password", content)))
    assert reason in cli("--db", UNREACHABLE.format(auth="", query=""), "list", code=1).stderr
    os.remove(tmp_path / "db-password")
    assert "Cannot read the password file" in cli("--db", UNREACHABLE.format(auth="", query=""), "list", code=1).stderr


@pytest.mark.sqlite_only
def test_a_password_file_is_not_read_for_a_register_file(cli, register, tmp_path):
    cli("config", "set", "password_file", str(tmp_path / "missing"))
    cli("list")
