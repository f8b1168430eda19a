"""PostgreSQL with many writers: nothing lost, the chain stays linear, every illegal race refused with a sentence."""

import os
import random

import pytest
from conftest import spawn_workers, worker_results

pytestmark = pytest.mark.postgresql_only

WORKERS, PER_WORKER, SEEDED = 8, 250, 40


def _mixed_job(worker: int, rng: random.Random) -> list[list[str]]:
    """Adds of its own plus lifecycle commands on the shared entries 1..SEEDED, many of which will race."""
    job = []
    for i in range(PER_WORKER):
        entry = str(rng.randint(1, SEEDED))
        job.append(rng.choice([
            ["add", "P03", "--title", f"纠纷 {worker}-{i}", "--unit", f"村{worker}"],
            ["note", entry, f"worker {worker} step {i}"],
            ["assign", entry, "--leader", f"领导{worker}", "--plan", f"方案 {worker}-{i}"],
            ["mitigate", entry, "--measures", f"措施 {worker}-{i}"],
            ["close", entry, "--verified-by", f"核查{worker}", "--resolution", f"解决 {worker}-{i}"],
            ["reopen", entry, "--reason", f"复发 {worker}-{i}"],
        ]))
    return [["--as-of", "2026-07-01", *argv] for argv in job]


def test_eight_writers_mixed_commands(cli, register, backend):
    assert backend == "postgresql"
    for n in range(SEEDED):
        cli.add(title=f"共享 {n}")
    rng = random.Random(8 * 250)
    jobs = [_mixed_job(w, rng) for w in range(WORKERS)]
    env = {**os.environ, "RISKREG_BUSY_TIMEOUT": "60"}
    results = [r for process in spawn_workers(env, jobs) for r in worker_results(process)]
    codes = [code for code, _, _ in results]
    assert set(codes) <= {0, 1}, {c for c in codes if c not in (0, 1)}
    refusals = [err for code, _, err in results if code == 1]
    odd = [err for err in refusals if not (err.startswith("错误：条目 ") and err.count("\n") == 1)]  # Chinese first
    assert not odd, odd[:5]
    assert not [err for err in refusals if "正忙" in err]  # "The register … is busy"
    added = [int(out) for (code, out, _), argv in zip(results, (a for job in jobs for a in job))
             if code == 0 and argv[2] == "add"]
    assert len(set(added)) == len(added)
    entries = cli.json("list", "--format", "json")
    assert len(entries) == SEEDED + len(added)
    events = sum(len(cli.json("show", e["id"], "--format", "json")["history"]) for e in entries)
    assert events == SEEDED + codes.count(0)  # one event per successful command, none for a refusal
    assert "全部检查通过" in cli("check").stdout
