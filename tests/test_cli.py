"""``python -m translate`` as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_translator import shuffled_article

from translate import testing as factory
from translate.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], input=stdin, capture_output=True,
                          cwd=ROOT, env=os.environ.copy(), timeout=300)


def test_prints_the_translation_of_a_file(memorised_marian, tmp_path) -> None:
    article, english, _ = shuffled_article(21)
    path = tmp_path / "article.txt"
    path.write_text(article, encoding="utf-8")
    done = run_cli(str(path), "--model", str(memorised_marian), "--beams", "1")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == english + "\n"


def test_reads_standard_input_and_prints_json(memorised_marian) -> None:
    article, english, paragraph_of = shuffled_article(22)
    done = run_cli("-", "--json", "--model", str(memorised_marian), "--beams", "1", stdin=article.encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode()
    document = json.loads(done.stdout)
    assert document["text"] == english
    segments = document["segments"]
    assert len(segments) == len(factory.PAIRS)
    assert [s["paragraph"] for s in segments] == paragraph_of
    assert " ".join(s["source"] for s in segments).split() == article.split()
    keys = {"source", "target", "paragraph", "score", "flags", "details", "house_forms", "memory"}
    assert all(set(s) == keys for s in segments)
    assert document["signature"]["translation"]["revision"].startswith("sha256:")


def test_paragraphs_kept_as_written_are_listed_in_the_json_and_on_stderr(memorised_marian) -> None:
    (arabic, english), (arabic2, english2) = factory.PAIRS[:2]
    quote = "We will not negotiate under threat, the minister said."
    done = run_cli("-", "--json", "--model", str(memorised_marian), "--beams", "1",
                   stdin=f"{arabic}\n\n{quote}\n\n{arabic2}".encode())
    assert done.returncode == 0, done.stderr.decode()
    document = json.loads(done.stdout)
    assert document["text"] == f"{english}\n\n{quote}\n\n{english2}"
    assert document["kept"] == {"2": "English"}
    assert [s["flags"] for s in document["segments"]] == [[], ["not_arabic"], []]
    assert "note: Kept as written, not translated: paragraph 2 (English)." in done.stderr.decode()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1256"])
def test_reads_common_encodings(memorised_marian, tmp_path, capsys, encoding: str) -> None:
    arabic, english = factory.PAIRS[1]
    path = tmp_path / "article.txt"
    path.write_bytes(arabic.encode(encoding))
    assert main([str(path), "--model", str(memorised_marian), "--beams", "1"]) == 0
    assert capsys.readouterr().out == english + "\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The input is empty"),
        (b"   \n\n ", "The input is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
        (b"The minister arrived in Cairo.", "does not look like Arabic"),
        (bytes(range(128, 256)) * 4, "could not be decoded|does not look like Arabic"),
    ],
)
def test_bad_input_is_a_one_line_error(memorised_marian, tmp_path, capsys, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main([str(path), "--model", str(memorised_marian)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert re.search(message, err)


def test_missing_file_and_unknown_model(memorised_marian, tmp_path, capsys) -> None:
    assert main([str(tmp_path / "nope.txt"), "--model", str(memorised_marian)]) == 1
    assert "There is no file" in capsys.readouterr().err
    path = tmp_path / "a.txt"
    path.write_text(factory.PAIRS[0][0], encoding="utf-8")
    done = run_cli(str(path), "--model", "Helsinki-NLP/opus-mt-xx-yy")
    assert done.returncode == 1
    assert "Could not load the model 'Helsinki-NLP/opus-mt-xx-yy'" in done.stderr.decode()
    assert "--model or KHABAR_MODEL (e.g. --model ./models/opus-mt-xx-yy)" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()


@pytest.mark.parametrize(
    ("model", "message"),
    [("org/no-such-summariser", "Could not load the model 'org/no-such-summariser' from the Hugging Face hub"),
     ("./no-such-folder", "There is no model folder at './no-such-folder'")],
    ids=["hub-id-offline", "missing-folder"],
)
def test_a_summary_model_that_fails_names_summary_model(memorised_marian, tmp_path, capsys, model: str,
                                                        message: str) -> None:
    from summarize.__main__ import main as summarize

    path = tmp_path / "a.txt"
    path.write_text(" ".join(arabic for arabic, _ in factory.PAIRS), encoding="utf-8")
    assert summarize([str(path), "--model", str(memorised_marian), "--beams", "1", "--summary-model", model]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert "--summary-model or KHABAR_SUMMARY_MODEL" in err
    assert "--model " not in err.replace("--summary-model", "")


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["a.txt", "--engine", "warp"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(("flag", "kept"), [((), False), (("--keep-diacritics",), True)],
                         ids=["stripped-by-default", "kept-with-flag"])
def test_keep_diacritics_reaches_the_segments(memorised_marian, flag: tuple[str, ...], kept: bool) -> None:
    plain = factory.PAIRS[0][0]
    marked = plain.replace("قال", "قَالَ").replace("الخارجية", "الخَارِجِيَّةِ")
    done = run_cli("-", "--json", "--model", str(memorised_marian), "--beams", "1", *flag,
                   stdin=marked.encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode()
    sources = [segment["source"] for segment in json.loads(done.stdout)["segments"]]
    assert sources == [marked if kept else plain]
    assert json.loads(done.stdout)["signature"]["translation"]["keep_diacritics"] is kept


def test_a_fifo_given_as_input_is_refused_without_blocking(tmp_path, capsys) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    assert main([str(fifo)]) == 1
    assert "is not a regular file" in capsys.readouterr().err


def test_the_version_in_every_output_is_the_projects() -> None:
    from translate.config import VERSION

    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text("utf-8")
    assert re.findall(r'^version = "(.+)"$', pyproject, re.MULTILINE) == [VERSION]


# Run through a small parent that reports its children's peak memory: a child forked from pytest
# itself would count pytest's own memory in its peak.
MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def peak_memory_of(module: str, data: bytes) -> tuple[int, str, int]:
    """Run ``python -m MODULE -`` with ``data`` piped to its standard input; its exit code, its error
    output and its peak resident memory in bytes."""
    import threading

    process = subprocess.Popen([sys.executable, "-c", MEASURED, sys.executable, "-m", module, "-"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                               env=os.environ.copy())

    def feed() -> None:
        try:
            for start in range(0, len(data), 1 << 20):
                process.stdin.write(data[start:start + (1 << 20)])
            process.stdin.close()
        except (BrokenPipeError, ValueError):  # the command stopped reading: what it should do
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    error = process.stderr.read()
    process.wait(timeout=300)
    writer.join(30)
    *said, peak = error.decode().strip().splitlines()
    return process.returncode, "\n".join(said), int(peak) * 1024


@pytest.mark.parametrize("module", ["translate", "summarize"])
def test_standard_input_is_read_with_the_file_limit_and_bounded_memory(module: str) -> None:
    from translate.config import FILE_MAX_BYTES

    code, error, baseline = peak_memory_of(module, b"x")
    assert (code, error.strip()) == (1, "error: The input does not look like Arabic text: this tool translates "
                                        "Arabic into English.")
    code, error, peak = peak_memory_of(module, b"\0" * (64 * 2**20))  # 64 MB of zeros down a pipe
    assert (code, error.strip()) == (1, f"error: Standard input is larger than the {FILE_MAX_BYTES:,}-byte limit.")
    assert peak - baseline < 4 * FILE_MAX_BYTES, f"{(peak - baseline) / 2**20:.0f} MB more than for one byte"


def test_the_batch_and_evaluation_help_say_each_thing_once() -> None:
    from translate.batch.__main__ import build_parser as batch_parser
    from translate.evaluate.__main__ import build_parser as evaluate_parser

    batch = " ".join(batch_parser().format_help().split())
    assert batch.count("--threads THREADS") == 2 and "CPU threads" in batch  # usage line and its one entry
    assert "--jobs" not in batch  # its old name is still accepted, not listed
    evaluate = " ".join(evaluate_parser().format_help().split())
    assert "give it several times to compare models" in evaluate
    assert "the other options apply to each" in evaluate and "others options" not in evaluate
