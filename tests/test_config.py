"""The config file: where it is, what it holds, and that options and the environment still win over it."""

from riskreg.cli.settings import config_path


def _show(cli) -> dict:
    return {row["key"]: row for row in cli.json("config", "show", "--format", "json")["settings"]}


def test_config_lives_in_the_user_config_dir(cli, tmp_path):
    assert cli("config", "path").stdout.strip() == str(tmp_path / "xdg-config" / "riskreg" / "config.toml")
    assert config_path() == tmp_path / "xdg-config" / "riskreg" / "config.toml"


def test_set_show_unset(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    shown = _show(cli)
    assert (shown["lang"]["value"], shown["lang"]["source"]) == ("zh", "locale")
    assert (shown["stale_days"]["value"], shown["stale_days"]["source"]) == (7, "default")
    cli("config", "set", "stale_days", "14")
    cli("config", "set", "lang", "en")
    assert config_path().read_text(encoding="utf-8").splitlines()[1:] == ['lang = "en"', "stale_days = 14"]
    shown = _show(cli)
    assert (shown["stale_days"]["value"], shown["stale_days"]["source"]) == (14, "config file")
    assert (shown["lang"]["value"], shown["lang"]["source"]) == ("en", "config file")
    assert "Removed stale_days" in cli("--lang", "en", "config", "unset", "stale_days").stdout
    assert _show(cli)["stale_days"]["source"] == "default"
    assert "stale_days is not set in" in cli("config", "unset", "stale_days").stdout
    assert "stale_days must be a whole number" in cli("config", "set", "stale_days", "soon", code=1).stderr
    assert "unknown setting 'colour'" in cli("config", "set", "colour", "red", code=1).stderr
    assert "lang must be zh or en" in cli("config", "set", "lang", "fr", code=1).stderr


def test_register_path_precedence(cli, tmp_path, monkeypatch):
    from_file, from_env, from_option = (tmp_path / name for name in ("file.db", "env.db", "option.db"))
    cli("config", "set", "db", str(from_file))
    monkeypatch.delenv("RISKREG_DB")
    cli("init")
    assert from_file.exists()
    assert _show(cli)["db"] == {**_show(cli)["db"], "value": str(from_file), "source": "config file"}
    monkeypatch.setenv("RISKREG_DB", str(from_env))
    cli("init")
    assert from_env.exists() and _show(cli)["db"]["source"] == "RISKREG_DB"
    cli("--db", str(from_option), "init")
    assert from_option.exists()


def test_language_precedence(cli, register, monkeypatch):
    cli.add("S03", "拖欠工资", "东村")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "社会矛盾" in cli("summary").stdout  # C locale (cron): Chinese
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert "Social" in cli("summary").stdout and "社会矛盾" not in cli("summary").stdout
    cli("config", "set", "lang", "zh")
    assert "社会矛盾" in cli("summary").stdout  # the file beats the locale
    monkeypatch.setenv("RISKREG_LANG", "en")
    assert "社会矛盾" not in cli("summary").stdout  # the environment beats the file
    assert "社会矛盾" in cli("--lang", "zh", "summary").stdout  # the option beats the environment


def test_broken_config_is_one_sentence_and_config_still_answers(cli, register):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("stale_days = \n", encoding="utf-8")
    error = cli("summary", code=1).stderr
    assert str(config_path()) in error and "not valid TOML" in error
    assert cli("config", "path").stdout.strip() == str(config_path())
    config_path().write_text('stale_days = "many"\n', encoding="utf-8")
    assert "stale_days must be a whole number" in cli("list", code=1).stderr


def test_config_commands_repair_a_bad_value(cli, register):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('lang = "en"\nstale_days = -5\n', encoding="utf-8")
    assert "stale_days must be a whole number" in cli("list", code=1).stderr
    shown = _show(cli)
    assert shown["stale_days"]["value"] == -5 and shown["stale_days"]["source"].startswith("config file, refused:")
    assert shown["lang"]["value"] == "en"
    cli("config", "unset", "stale_days")
    assert config_path().read_text(encoding="utf-8").splitlines()[1:] == ['lang = "en"']
    cli("list")
    config_path().write_text("stale_days = -5\n", encoding="utf-8")
    cli("config", "set", "stale_days", "10")
    assert _show(cli)["stale_days"]["value"] == 10


def test_a_file_that_is_not_toml_says_how_to_recover(cli, register):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("stale_days = \n", encoding="utf-8")
    error = cli("config", "show", code=1).stderr
    assert "line 1" in error and "fix that line or delete the file" in error


def test_a_relative_register_path_is_kept_as_an_absolute_one(cli, tmp_path, monkeypatch):
    # Set in one folder, then used from another (cron runs in $HOME): it must name the same file.
    (tmp_path / "office").mkdir()
    monkeypatch.chdir(tmp_path / "office")
    monkeypatch.delenv("RISKREG_DB")
    cli("config", "set", "db", "台账.db")
    assert _show(cli)["db"]["value"] == str(tmp_path / "office" / "台账.db")
    cli("config", "set", "db", "~/register.db")  # ~ stays as typed: it follows whoever runs riskreg
    assert _show(cli)["db"]["value"] == "~/register.db"
    cli("config", "set", "db", "台账.db")
    cli("init")
    monkeypatch.chdir(tmp_path)
    assert "台账.db" in cli("check").stdout


def test_an_unset_setting_shows_a_dash_not_python_none(cli):
    shown = cli("config", "show").stdout
    assert "None" not in shown and "password_file" in shown
