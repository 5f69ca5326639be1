"""The batch job on Ray Data (``--backend ray``): the same outputs and manifest as the local backend, a worker
killed mid-run, re-runs, bad files, a pool that cannot be placed, and Ctrl-C. One local Ray instance (2 CPUs)
serves the module; drivers in subprocesses connect to it with ``--address``."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import ray

from jobs.batch import MANIFEST, TEMP_MARK
from translate import testing as factory
from translate.batch.__main__ import main
from translate.files import LOCK_NAME

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS
GOOD = 40

BAD = [  # (name, content, status, reason fragment): recorded by the driver or by a worker, as locally
    ("bad/empty.txt", b"", "failed", "the file is empty"),
    ("bad/binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "failed", "not a text file"),
    ("bad/english.txt", b"The minister arrived in Cairo.", "failed", "no Arabic text found"),
    ("bad/broken.jsonl", '{"text": "قال"}\n{not json\n'.encode(), "failed", "line 2 is not valid JSON"),
    ("bad/corrupt.docx", b"PK\x03\x04 this is not a zip", "failed", "not a valid .docx"),
    ("bad/big.txt", ("قال الوزير " * 4000).encode(), "failed", "larger than the 60,000-byte limit"),
    ("notes.xlsx", b"PK\x03\x04", "skipped", "unsupported file type '.xlsx'"),
]
BAD_IDS = ["empty", "binary", "no Arabic", "broken jsonl", "corrupt docx", "too big", "unsupported type"]


@pytest.fixture(scope="module")
def cluster() -> str:
    """A local Ray instance with 2 CPUs for the whole module; its address for drivers in subprocesses."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=96 * 1024 * 1024, logging_level=logging.ERROR)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def write_articles(source: Path, count: int) -> dict[str, str]:
    """``count`` articles in three folders (one of them the summariser's article); their expected English."""
    expected = {}
    for i in range(count):
        name = f"part{i % 3}/s{i:02}.txt"
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if i == 0:
            text, english = factory.ARTICLE_AR, factory.ARTICLE_EN
        else:
            text, english = f"{P[i % 10][0]} {P[(i + 3) % 10][0]}", f"{P[i % 10][1]} {P[(i + 3) % 10][1]}"
        (source / name).write_text(text, encoding="utf-8")
        expected[name] = english + "\n"
    return expected


def tree(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` but the lock file (it holds the pid of the last run), with its bytes."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def records(out: Path) -> dict[str, dict]:
    lines = (out / MANIFEST).read_text("utf-8").split("\n")[:-1]
    found = [json.loads(line) for line in lines]
    assert len({r["input"] for r in found}) == len(found), "one manifest line per input"
    return {r["input"]: r for r in found}


@pytest.fixture(scope="module")
def folders(cluster, tmp_path_factory, memorised_marian, memorised_mt5) -> dict:
    """40 articles and the bad-file table, translated and summarised once locally and once on 2 Ray actors."""
    base = tmp_path_factory.mktemp("ray-folders")
    source = base / "in"
    expected = write_articles(source, GOOD)
    for name, data, _, _ in BAD:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    common = ["--model", str(memorised_marian), "--beams", "1", "--summary-model", str(memorised_mt5),
              "--max-bytes", "60000", "--group-size", "8"]  # 6 batches of the local worker: work for both actors
    statuses = {"local": main([str(source), str(base / "local"), *common]),
                "ray": main([str(source), str(base / "ray"), *common, "--backend", "ray", "--workers", "2"])}
    return {"source": source, "local": base / "local", "ray": base / "ray", "common": common,
            "expected": expected, "statuses": statuses}


def test_outputs_and_manifest_are_byte_identical_to_the_local_backends(folders) -> None:
    assert folders["statuses"] == {"local": 1, "ray": 1}  # the bad files fail in both
    local, distributed = tree(folders["local"]), tree(folders["ray"])
    assert sorted(distributed) == sorted(local)
    assert [name for name in local if local[name] != distributed[name]] == []  # manifest included
    done = {name: r for name, r in records(folders["ray"]).items() if r["status"] == "done"}
    assert len(done) == GOOD
    for name, english in folders["expected"].items():
        assert (folders["ray"] / name.replace(".txt", ".en.txt")).read_text("utf-8") == english
    summary = json.loads((folders["ray"] / "part0/s00.summary.json").read_text("utf-8"))
    assert (summary["english"], summary["arabic"]) == (factory.SUMMARY_EN, factory.SUMMARY_AR)
    assert not [p for p in folders["ray"].rglob(f"*{TEMP_MARK}")]


@pytest.mark.parametrize(("name", "data", "status", "reason"), BAD, ids=BAD_IDS)
def test_a_bad_file_fails_alone_with_the_local_reason(folders, name, data, status, reason) -> None:
    local, distributed = records(folders["local"])[name], records(folders["ray"])[name]
    assert distributed == local
    assert distributed["status"] == status and reason in distributed["reason"]


def test_a_rerun_skips_everything(folders, capsys) -> None:
    out = folders["ray"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name not in (LOCK_NAME, MANIFEST)}
    manifest = (out / MANIFEST).read_bytes()
    capsys.readouterr()
    assert main([str(folders["source"]), str(out), *folders["common"], "--backend", "ray"]) == 1
    assert f"done {GOOD} (unchanged {GOOD}), failed 6, skipped 1" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in before} == before  # no output written again
    assert (out / MANIFEST).read_bytes() == manifest  # the bad files recorded again, the same way


def test_a_changed_setting_redoes_everything(folders, tmp_path, capsys) -> None:
    source, common = str(folders["source"]), [*folders["common"], "--beams", "2"]
    out, local = tmp_path / "ray", tmp_path / "local"
    shutil.copytree(folders["ray"], out)
    shutil.copytree(folders["local"], local)
    capsys.readouterr()
    assert main([source, str(out), *common, "--backend", "ray"]) == 1
    assert f"done {GOOD} (unchanged 0)" in capsys.readouterr().err
    done = [r for r in records(out).values() if r["status"] == "done"]
    assert len(done) == GOOD
    assert {r["reason"] for r in done} == {"settings changed"}
    assert {r["signature"]["translation"]["decoding"]["beams"] for r in done} == {2}
    assert main([source, str(local), *common]) == 1
    assert tree(out) == tree(local)


def run_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "translate.batch", *args], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def manifest_lines(out: Path) -> int:
    return len((out / MANIFEST).read_bytes().split(b"\n")) - 1 if (out / MANIFEST).exists() else 0


def article_workers() -> list[dict]:
    """The pool's actors in the cluster's actor table (Ray's global state; ``ray.util.state`` needs the
    dashboard, which ``ray[data]`` leaves out)."""
    from ray._private import state

    return [a for a in state.actors().values() if "ArticleWorker" in a["ActorClassName"]]


def test_a_worker_killed_mid_run_is_replaced_and_every_file_is_done_once(cluster, tmp_path, memorised_marian) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    expected = write_articles(source, GOOD)
    process = run_cli(str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary",
                      "--backend", "ray", "--address", cluster, "--workers", "2", "--group-size", "1")
    deadline = time.monotonic() + 180
    while manifest_lines(out) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    mine = ray.get_runtime_context().get_job_id()  # the driver in the subprocess runs another job
    victims = [a for a in article_workers() if a["State"] == "ALIVE" and a["Pid"] and a["JobID"] != mine]
    assert victims, "the pool's actors are alive mid-run"
    os.kill(victims[0]["Pid"], signal.SIGKILL)
    at_kill = manifest_lines(out)
    _, err = process.communicate(timeout=240)
    assert process.returncode == 0, err.decode()
    assert at_kill < GOOD, "the kill landed mid-run"
    assert f"done {GOOD} (unchanged 0), failed 0" in err.decode()  # one record appended per file
    restarted = [a for a in article_workers() if a["ActorID"] == victims[0]["ActorID"]]
    assert restarted and restarted[0]["NumRestarts"] >= 1
    found = records(out)
    assert len(found) == GOOD and {r["status"] for r in found.values()} == {"done"}
    for name, english in expected.items():
        assert (out / name.replace(".txt", ".en.txt")).read_text("utf-8") == english
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted([MANIFEST, LOCK_NAME] + [o for r in found.values() for o in r["outputs"]])  # no temporaries


def test_a_driver_killed_mid_run_resumes_on_the_next_run(cluster, tmp_path, memorised_marian) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    expected = write_articles(source, GOOD)
    common = [str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary", "--backend",
              "ray", "--address", cluster, "--group-size", "1"]
    first = run_cli(*common)
    deadline = time.monotonic() + 180
    while manifest_lines(out) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    first.kill()
    first.wait()
    recorded = {json.loads(line)["input"] for line in (out / MANIFEST).read_text("utf-8").split("\n")[:-1]}
    assert 3 <= len(recorded) < GOOD, "the kill landed mid-run"

    second = run_cli(*common)
    _, err = second.communicate(timeout=240)
    assert second.returncode == 0, err.decode()
    assert f"done {GOOD} (unchanged {len(recorded)}), failed 0" in err.decode()  # nothing recorded is redone
    found = records(out)
    assert len(found) == GOOD and {r["status"] for r in found.values()} == {"done"}
    for name, english in expected.items():
        assert (out / name.replace(".txt", ".en.txt")).read_text("utf-8") == english
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted([MANIFEST, LOCK_NAME] + [o for r in found.values() for o in r["outputs"]])


def test_a_pool_that_cannot_be_placed_exits_2_with_a_clear_message(cluster, tmp_path, memorised_marian) -> None:
    source = tmp_path / "in"
    write_articles(source, 2)
    process = run_cli(str(source), str(tmp_path / "out"), "--model", str(memorised_marian), "--no-summary",
                      "--backend", "ray", "--address", cluster, "--workers", "4", "--cpus-per-worker", "1")
    _, err = process.communicate(timeout=60)  # never a hang
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == (
        "error: cannot schedule 4 workers with 1 CPU each: the Ray cluster has 2 CPUs, room for 2 such workers; "
        "lower --workers or --cpus-per-worker (fractions such as 0.5 are allowed)")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--gpus-per-worker", "1"], "error: --gpus-per-worker 1 asks for GPUs, but the Ray cluster has none"),
    (["--workers", "0"], "error: --workers must be 1 or more"),
], ids=["gpus on a cluster without", "no workers"])
def test_other_settings_that_cannot_work_exit_2(cluster, tmp_path, memorised_marian, capsys, options, message) -> None:
    source = tmp_path / "in"
    write_articles(source, 1)
    assert main([str(source), str(tmp_path / "out"), "--model", str(memorised_marian), "--backend", "ray",
                 *options]) == 2
    assert capsys.readouterr().err.startswith(message)
    assert ray.is_initialized()  # a Ray the caller started is left running


def test_ray_options_need_the_ray_backend(tmp_path, capsys) -> None:
    (tmp_path / "in").mkdir()
    assert main([str(tmp_path / "in"), str(tmp_path / "out"), "--workers", "3", "--address", "auto"]) == 2
    assert capsys.readouterr().err == "error: --address, --workers only apply with --backend ray\n"


def descendants(pid: int) -> dict[int, str]:
    """The processes below ``pid`` (read from /proc) with their command lines."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
        except (ValueError, OSError, IndexError):
            continue
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child in [c for c, p in parents.items() if p == parent]:
            found[child] = command(child)
            frontier.append(child)
    return found


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_ctrl_c_stops_the_run_and_the_ray_it_started(tmp_path, memorised_marian) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    write_articles(source, GOOD)
    process = run_cli(str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary",
                      "--backend", "ray", "--group-size", "1")
    started: dict[int, str] = {}
    deadline = time.monotonic() + 180
    while process.poll() is None and time.monotonic() < deadline:  # until the pool's actors are up
        started.update(descendants(process.pid))
        if any("ArticleWorker" in line for line in started.values()) or manifest_lines(out):
            break
        time.sleep(0.2)
    assert any("raylet" in line for line in started.values()), "the driver started its own Ray"
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C on a terminal: the whole foreground group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == (
        "error: interrupted; the manifest keeps what was done, run again to resume")
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {pid: line for pid, line in started.items() if running(pid)} == {}  # raylet, GCS, workers: all gone
    assert manifest_lines(out) < GOOD


@pytest.mark.parametrize("end", ["killed", "finished"])
def test_a_local_instance_ends_with_its_driver(tmp_path, memorised_marian, end: str) -> None:
    """Ray's processes (the actors hold the models' memory) never outlive the driver that started them, even
    one killed with SIGKILL."""
    source, out = tmp_path / "in", tmp_path / "out"
    write_articles(source, 4 if end == "finished" else GOOD)
    process = run_cli(str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary",
                      "--backend", "ray", "--group-size", "1")
    started: dict[int, str] = {}
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        started.update(descendants(process.pid))
        if end == "killed" and any("ArticleWorker" in line for line in started.values()):
            time.sleep(2)
            started.update(descendants(process.pid))
            break
        time.sleep(0.2)
    assert any("ArticleWorker" in line for line in started.values()), "the pool's actors started"
    if end == "killed":
        process.kill()
    _, err = process.communicate(timeout=240)
    assert process.returncode == (-signal.SIGKILL if end == "killed" else 0), err.decode()
    ended = time.monotonic()
    while any(running(pid) for pid in started) and time.monotonic() - ended < 120:
        time.sleep(0.2)
    left = {pid: line for pid, line in started.items() if running(pid)}
    assert left == {} and time.monotonic() - ended < 15, (
        f"Ray's processes outlived the driver by {time.monotonic() - ended:.0f} s: {left}")


def test_an_address_where_nothing_listens_stops_at_once_in_one_line(tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free again once closed: nothing listens there
    (tmp_path / "in").mkdir()
    process = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--backend", "ray", "--address",
                      f"127.0.0.1:{port}")
    _, err = process.communicate(timeout=120)  # Ray alone would retry for ever
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        f"error: cannot reach the Ray cluster at 127.0.0.1:{port}: Connection refused (KHABAR_RAY_CONNECT_TIMEOUT "
        "sets how long to wait)"]


def test_a_listener_that_never_answers_is_given_up_after_the_timeout() -> None:
    from jobs.backends.ray import reachable
    from jobs.backends.settings import BackendSetting

    with socket.socket() as silent:  # never accepts: once its backlog is full, connections hang
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        host, port = silent.getsockname()
        started = time.monotonic()
        with pytest.raises(BackendSetting, match=rf"^cannot reach the Ray cluster at {host}:{port}: nothing "
                                                 r"answered within 0\.5 s"):
            for _ in range(8):  # each connection that gets through fills the backlog
                reachable(f"{host}:{port}", 0.5)
        assert time.monotonic() - started < 30


def test_a_local_instance_that_cannot_start_stops_in_one_line(tmp_path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    process = subprocess.Popen([sys.executable, "-m", "translate.batch", str(tmp_path / "in"), str(tmp_path / "out"),
                                "--backend", "ray"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "RAY_TMPDIR": str(tmp_path / "a-file" / "ray")})
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "error: cannot start a local Ray instance: Not a directory; Ray's temporary folder (RAY_TMPDIR, default "
        "/tmp/ray) must be a folder this user can write"]


def test_workers_that_would_not_make_what_the_driver_planned_stop_the_run(cluster, tmp_path, memorised_marian) -> None:
    from jobs.backends.ray import RayBackend
    from jobs.batch import Run
    from translate import Translator
    from translate.config import RunConfig
    from translate.errors import TranslateError

    source, out = tmp_path / "in", tmp_path / "out"
    write_articles(source, 2)
    workers = RunConfig(model=str(memorised_marian), beams=2, summary=False)  # the driver decodes with 1 beam
    with RayBackend(workers, workers=1) as backend:
        run = Run(source, out, Translator(str(memorised_marian), beams=1), None, log=io.StringIO(), backend=backend)
        with pytest.raises(TranslateError) as error:
            run.execute()
    assert "would not make what the driver planned" in str(error.value)
    assert "translation.decoding.beams 2 here, 1 on the driver" in str(error.value)
    assert not list(out.rglob("*.en.txt"))


NODES = [  # (each node's CPUs and GPUs, workers, CPUs and GPUs per worker, the error or None)
    ([(2, 0)], 2, 0.5, 0, None),
    ([(2, 0)], 2, 1, 0, None),
    ([(2, 0)], 4, 1, 0, "cannot schedule 4 workers with 1 CPU each: the Ray cluster has 2 CPUs, room for 2"),
    ([(1, 0), (1, 0)], 1, 1.5, 0, "cannot schedule 1 workers with 1.5 CPU each: the Ray cluster has 2 CPUs, "
                                  "room for 0"),
    ([(8, 1), (8, 1)], 4, 1, 0.5, None),
    ([(8, 1), (8, 0)], 4, 1, 0.5, "cannot schedule 4 workers with 1 CPU and 0.5 GPU each: the Ray cluster has "
                                  "16 CPUs and 1 GPUs, room for 2"),
    ([(16, 0)], 1, 1, 1, "--gpus-per-worker 1 asks for GPUs, but the Ray cluster has none"),
    ([(4, 0)], 3, 0, 0, None),
]


@pytest.mark.parametrize(("nodes", "workers", "cpus", "gpus", "error"), NODES,
                         ids=["fractions fit", "whole CPUs fit", "too many workers", "no node big enough",
                              "half GPUs on two nodes", "GPUs on one node only", "GPUs asked, none there",
                              "no CPUs asked"])
def test_a_pool_is_placed_node_by_node(nodes, workers, cpus, gpus, error) -> None:
    from jobs.backends import BackendSetting
    from jobs.backends.ray import check_fits

    listed = [{"Alive": True, "Resources": {"CPU": float(c), **({"GPU": float(g)} if g else {})}} for c, g in nodes]
    listed.append({"Alive": False, "Resources": {"CPU": 64.0, "GPU": 8.0}})  # a node that is gone counts for nothing
    if error is None:
        check_fits(listed, workers, cpus, gpus)
        return
    with pytest.raises(BackendSetting) as raised:
        check_fits(listed, workers, cpus, gpus)
    assert str(raised.value).startswith(error)


def test_actors_on_a_cold_cache_convert_each_model_into_one_folder_and_match_a_local_run(
        tmp_path, memorised_marian, memorised_mt5) -> None:
    source, out, local = tmp_path / "in", tmp_path / "out", tmp_path / "local"
    write_articles(source, 8)
    common = ["--model", str(memorised_marian), "--beams", "1", "--summary-model", str(memorised_mt5),
              "--engine", "ctranslate2", "--group-size", "2"]
    env = {**os.environ, "KHABAR_CACHE_DIR": str(tmp_path / "cold")}  # nothing converted yet, for this Ray
    process = subprocess.run([sys.executable, "-m", "translate.batch", str(source), str(out), *common,
                              "--backend", "ray"], cwd=ROOT, env=env, capture_output=True, timeout=240)
    assert process.returncode == 0, process.stderr.decode()
    found = records(out)
    assert {r["status"] for r in found.values()} == {"done"}
    assert [r["summary_error"] for r in found.values() if r["input"] == "part0/s00.txt"] == [None]
    converted = [path.name.rsplit("-", 2)[:2] for path in (tmp_path / "cold" / "ctranslate2").iterdir()]
    # one folder per model and compute type: int8 as asked, and float32 where this CPU's int8 failed the canary
    assert sorted(map(tuple, converted)) == sorted(set(map(tuple, converted)))
    assert {("marian-memorised", "int8"), ("mt5-memorised", "int8")} <= set(map(tuple, converted))
    assert {quantization for _, quantization in converted} <= {"int8", "float32"}
    assert main([str(source), str(local), *common]) == 0
    assert tree(out) == tree(local)
