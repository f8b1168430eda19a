"""The store's edges: output paths, odd files as the register, full and read-only disks, server drops.

Each failure is one sentence and exit 1, never a traceback, and never shows the SQL parameters (they hold
the unmasked text a user typed).
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import start_held, unavailable, wait_for

MOBILE = "13912345678"
sqlite_only = pytest.mark.sqlite_only


def _riskreg(*argv, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "riskreg", "--lang", "en", "--as-of", "2026-07-01", *map(str, argv)],
                          env=env or os.environ.copy(), capture_output=True, text=True, timeout=60, **kwargs)


def _one_sentence(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert MOBILE not in done.stderr
    return done.stderr


# --- item 3: --output never overwrites the register ------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("name", ["register.db", "register.db-journal", "register.db-wal", "register.db.schema-1.bak",
                                  "register.db.before-restore-20260701-120000", "link-to-register"])
def test_an_output_that_is_the_register_or_its_files_is_refused(cli, register, tmp_path, name):
    cli.add()
    (tmp_path / "link-to-register").symlink_to(register)
    before = register.read_bytes()
    for argv in (["report", "--output"], ["export", "-o"], ["export", "--format", "xlsx", "-o"]):
        assert "choose another output file" in cli(*argv, tmp_path / name, code=1).stderr
    assert "choose another output file" in cli("--db", register, "report", "-o", f"{tmp_path}/./{name}", code=1).stderr
    assert register.read_bytes() == before and (tmp_path / "link-to-register").is_symlink()


@sqlite_only
def test_an_output_hard_linked_to_the_register_is_refused(cli, register, tmp_path):
    os.link(register, tmp_path / "another-name.db")
    before = register.read_bytes()
    cli("export", "-o", tmp_path / "another-name.db", code=1)
    assert register.read_bytes() == before


def test_an_output_beside_the_register_with_another_name_is_written(cli, register, tmp_path):
    cli("report", "--format", "json", "--output", tmp_path / "register.db.json")
    assert (tmp_path / "register.db.json").read_text(encoding="utf-8").startswith("{")


def _release_reader(fifo: Path) -> None:
    """If the report never opened the FIFO, open it once so the reader thread ends. Non-blocking: a reader that
    already finished (the usual case) must not leave this open waiting for a partner forever."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # ENXIO: no reader left
        pass


def test_a_fifo_as_output_is_written_to_not_replaced(cli, register, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    try:
        cli("report", "--format", "json", "--output", fifo)
    finally:
        _release_reader(fifo)
        reader.join(10)
    assert received[0].startswith("{") and fifo.is_fifo()


def test_a_descriptor_as_output_is_written_to(register, tmp_path):
    through_pipe = _riskreg("report", "--format", "json", "--output", "/dev/fd/1")
    assert through_pipe.returncode == 0 and through_pipe.stdout.startswith("{"), through_pipe.stderr
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    via_link = _riskreg("export", "--output", link)
    assert via_link.returncode == 0 and link.is_symlink(), via_link.stderr
    with open(tmp_path / "redirected.json", "w") as redirected:  # stdout a regular file, as after `> file`
        done = subprocess.run([sys.executable, "-m", "riskreg", "report", "--format", "json", "-o", "/dev/fd/1"],
                              stdout=redirected, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 0 and (tmp_path / "redirected.json").read_text().startswith("{"), done.stderr


def test_an_output_through_a_symlink_replaces_the_file_and_keeps_the_link(cli, register, tmp_path):
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "july.json"
    real.write_text("old")
    (tmp_path / "latest.json").symlink_to(real)
    cli("report", "--format", "json", "--output", tmp_path / "latest.json")
    assert (tmp_path / "latest.json").is_symlink() and real.read_text().startswith("{")


# --- item 10: odd files, full and read-only disks ---------------------------------------------------

@sqlite_only
def test_a_fifo_as_the_register_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "fifo.db")
    for command in (["list"], ["init"], ["add", "S03", "--title", "t", "--unit", "u"]):
        assert "is not a regular file" in _one_sentence(_riskreg("--db", tmp_path / "fifo.db", *command))


def _add_assign_close_import_restore(cli, tmp_path) -> list[list]:
    """One command of each kind that writes, ready to run against a register with entry 1 open."""
    cli.add()
    line = json.loads(cli("export").stdout)  # under another title: the register's own entry would be refused
    line["title"] = line["history"][0]["changes"]["title"]["new"] = "另一项"
    exported = tmp_path / "export.jsonl"
    exported.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    backup = tmp_path / "backup.db"
    cli("backup", backup)
    return [["add", "S03", "--title", f"电话 {MOBILE}", "--unit", "u"],
            ["assign", "1", "--leader", f"王明 {MOBILE}", "--due", "2026-07-10"],
            ["close", "1", "--verified-by", "李华", "--resolution", f"已解决 {MOBILE}"],
            ["import", "--new-ids", exported],
            ["restore", backup]]


def _each_fails_with_a_sentence(commands: list[list], register: Path, **kwargs) -> None:
    before = register.read_bytes()
    for argv in commands:
        _one_sentence(_riskreg(*argv, **kwargs))
    assert register.read_bytes() == before


@pytest.fixture
def immutable():
    """chattr +i: read-only even for root (chmod is not); removed again after the test."""
    made = []

    def make(path: Path) -> None:
        if os.geteuid():
            path.chmod(0o555 if path.is_dir() else 0o444)
        elif subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            unavailable("chattr +i is not supported on this file system")
        made.append(path)

    yield make
    for path in made:
        if os.geteuid():
            path.chmod(0o755 if path.is_dir() else 0o644)
        else:
            subprocess.run(["chattr", "-i", str(path)], check=True)


@sqlite_only
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_register_or_folder_is_a_sentence(cli, tmp_path, what, immutable, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    register = home / "register.db"
    monkeypatch.setenv("RISKREG_DB", str(register))
    cli("init")
    commands = _add_assign_close_import_restore(cli, tmp_path)
    immutable(register if what == "file" else home)
    _each_fails_with_a_sentence(commands, register)


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 512 KB tmpfs of its own (needs root and permission to mount)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if os.geteuid() or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
                                      capture_output=True).returncode:
        unavailable("mounting a tmpfs needs root with CAP_SYS_ADMIN")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.fixture
def on_tmpfs(cli, tmp_path, small_tmpfs, monkeypatch) -> tuple[Path, list[list]]:
    """A register on the small tmpfs, and the writing commands to try on it."""
    register = small_tmpfs / "register.db"
    monkeypatch.setenv("RISKREG_DB", str(register))
    cli("init")
    return register, _add_assign_close_import_restore(cli, tmp_path)


@sqlite_only
def test_a_full_disk_is_a_sentence(on_tmpfs, small_tmpfs):
    register, commands = on_tmpfs
    _fill(small_tmpfs)
    _each_fails_with_a_sentence(commands, register)
    assert "is full" in _riskreg(*commands[0]).stderr


@sqlite_only
def test_a_read_only_mount_is_a_sentence(on_tmpfs, small_tmpfs):
    register, commands = on_tmpfs
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    _each_fails_with_a_sentence(commands, register)
    assert "read-only" in _riskreg(*commands[0]).stderr


@sqlite_only
def test_a_file_size_limit_is_a_sentence(cli, register, tmp_path):
    """RLIMIT_FSIZE: writes fail as on a full disk, without root or a mount (always runs in CI)."""
    commands = _add_assign_close_import_restore(cli, tmp_path)

    def no_file_growth() -> None:
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    _each_fails_with_a_sentence(commands, register, preexec_fn=no_file_growth)


# --- item 12: messages about PostgreSQL ------------------------------------------------------------

@pytest.mark.parametrize("driver", ["psycopg2", "pg8000"])
def test_another_postgresql_driver_is_named_with_the_url_to_write(cli, driver):
    stderr = cli("--db", f"postgresql+{driver}://u@localhost/db", "list", code=1).stderr
    assert "psycopg (version 3)" in stderr and "postgresql+psycopg://" in stderr and "needs" not in stderr


@pytest.mark.postgresql_only
def test_a_url_without_a_driver_uses_psycopg(cli, register, backend):
    plain = register.url.replace("postgresql+psycopg://", "postgresql://")
    assert cli("--db", plain, "list", "--format", "json").stdout.strip() == "[]"


@pytest.mark.postgresql_only
def test_a_dropped_server_connection_is_one_sentence(cli, register, backend, tmp_path, pg_admin):
    exported = tmp_path / "export.jsonl"
    for n in range(30):
        cli.add(title=f"entry {n}")
    cli("export", "--output", exported)
    env = {**os.environ, "RISKREG_DB": register.url, "RISKREG_LANG": "en"}  # the sentence quoted below
    importer = start_held(env, ["import", "--new-ids", exported], moment="locked", flag=tmp_path / "locked", seconds=2)
    wait_for(tmp_path / "locked", importer)
    killed = pg_admin.execute("SELECT pg_terminate_backend(pid), query FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid() AND query LIKE '%pg_advisory_xact_lock%'").fetchall()
    assert killed, pg_admin.execute("SELECT query FROM pg_stat_activity").fetchall()
    _, stderr = importer.communicate(timeout=60)
    assert importer.returncode == 1 and stderr.startswith("Error: Cannot use the register "), stderr
    assert stderr.count("\n") == 1, stderr
    assert len(cli.json("list", "--format", "json")) == 30


def test_an_output_that_is_another_register_or_a_backup_is_refused(cli, register, tmp_path, snapshot):
    # Only the register of the current run was protected: the everyday register, and a backup under any name,
    # were replaced by a text report.
    other = tmp_path / "other" / "register.db"
    cli("--db", other, "init")
    backup = tmp_path / "周报备份.dat"
    if isinstance(register, Path):
        cli("backup", backup)
    else:
        shutil.copyfile(other, backup)
    for target in (other, backup):
        before = target.read_bytes()
        for command in (["report", "--format", "json"], ["export", "--format", "csv"]):
            error = cli(*command, "--output", target, code=1).stderr
            assert "is a SQLite database (a register or a backup of one)" in error
        assert target.read_bytes() == before
