"""Folder runs: every format and encoding, bad files, resuming, runs killed mid-way, settings recorded and
compared, hostile file-system entries, a full disk, a second run at once, temporary files and permissions."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from jobs.batch import MANIFEST, TEMP_MARK, Run, plan
from summarize import Summarizer
from translate import Translator
from translate import testing as factory
from translate.batch.__main__ import main
from translate.files import LOCK_NAME
from translate.formats.signing import read_signature

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS


def make_docx(paragraphs: list[str], cell: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        run.bold = True
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_tree(root: Path) -> dict[str, str]:
    """Write a tree with every format, encoding and kind of bad file; return the expected status per file."""
    files = {
        "news/a.txt": (f"{P[0][0]} {P[1][0]}\n\n{P[2][0]}").encode(),
        "news/b.txt": P[2][0].encode("utf-8-sig"),
        "news/c.txt": P[3][0].encode("utf-16"),
        "news/d.txt": P[4][0].encode("cp1256"),
        "news/deep/e.md": f"# {P[5][0]}\n\n- {P[6][0]}\n\n```\nقال الوزير\n```\n".encode(),
        "f.html": (f'<html dir="rtl"><body><h1>{P[7][0]}</h1><p class="x">{P[8][0]} <b>{P[0][0]}</b></p>'
                   '<p>ارتفعت أسعار النفط بنسبة <b>3.5</b> في <a href="/oil">المئة</a> يوم الاثنين.</p>'
                   '<script>var s = "قال";</script></body></html>').encode(),
        "g.docx": make_docx([P[1][0]], P[3][0]),
        "h.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in (
            {"id": 1, "text": P[2][0]}, {"id": 2, "text": P[5][0], "extra": "x"})).encode(),
        "article.txt": factory.ARTICLE_AR.encode(),
        "bad/empty.txt": b"",
        "bad/binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20,
        "bad/corrupt.docx": b"PK\x03\x04 this is not a zip",
        "bad/english.txt": b"The minister arrived in Cairo.",
        "bad/broken.jsonl": b'{"text": "\xd9\x82\xd8\xa7\xd9\x84"}\n{not json\n',
        "bad/big.txt": ("قال الوزير " * 4000).encode(),
        "notes.xlsx": b"PK\x03\x04",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    status = {name: "done" for name in files}
    status.update({name: "failed" for name in files if name.startswith("bad/")})
    status["notes.xlsx"] = "skipped"
    return status


def manifest(out: Path) -> dict[str, dict]:
    lines = (out / MANIFEST).read_text("utf-8").split("\n")[:-1]
    records = [json.loads(line) for line in lines]
    assert len({r["input"] for r in records}) == len(records), "one line per input after a run"
    return {r["input"]: r for r in records}


def make_run(tmp_path, memorised_marian, memorised_mt5, **options) -> Run:
    translator = Translator(str(memorised_marian), beams=1)
    summarizer = Summarizer(str(memorised_mt5))
    return Run(tmp_path / "in", tmp_path / "out", translator, summarizer, max_bytes=60_000,
               log=io.StringIO(), **options)


def test_a_mixed_tree_is_translated_and_every_file_accounted_for(tmp_path, memorised_marian, memorised_mt5) -> None:
    expected = build_tree(tmp_path / "in")
    run = make_run(tmp_path, memorised_marian, memorised_mt5)
    result = run.execute()
    assert result.status == 1
    out = tmp_path / "out"
    records = manifest(out)
    assert {name: r["status"] for name, r in records.items()} == expected
    assert [r.to_json() for r in result.records] == manifest_lines(out)  # the run returns what it recorded
    assert all(r["reason"] for r in records.values() if r["status"] != "done")
    reasons = {name: r["reason"] for name, r in records.items()}
    assert "empty" in reasons["bad/empty.txt"]
    assert "not a text file" in reasons["bad/binary.txt"]
    assert "not a valid .docx" in reasons["bad/corrupt.docx"]
    assert "no Arabic text" in reasons["bad/english.txt"]
    assert "line 2 is not valid JSON" in reasons["bad/broken.jsonl"]
    assert "larger than" in reasons["bad/big.txt"]
    assert "unsupported file type '.xlsx'" in reasons["notes.xlsx"]

    assert (out / "news/a.en.txt").read_text("utf-8") == f"{P[0][1]} {P[1][1]}\n\n{P[2][1]}\n"
    for name, pair in (("b", P[2]), ("c", P[3]), ("d", P[4])):
        assert (out / f"news/{name}.en.txt").read_text("utf-8") == pair[1] + "\n"
    assert (out / "news/deep/e.en.md").read_text("utf-8") == f"# {P[5][1]}\n\n- {P[6][1]}\n\n```\nقال الوزير\n```\n"
    html = (out / "f.en.html").read_text("utf-8")
    assert f"<h1>{P[7][1]}</h1>" in html and f'<p class="x">{P[8][1]} <b>{P[0][1]}</b></p>' in html
    assert f"<p>{P[2][1]}</p>" in html  # a sentence cut by inline tags, translated whole, its number kept
    assert "cut by inline markup" in records["f.html"]["notes"][0]
    assert 'var s = "قال";' in html and 'dir="ltr"' in html and 'lang="en"' in html
    document = docx.Document(out / "g.en.docx")
    assert document.paragraphs[0].text == P[1][1] and document.paragraphs[0].runs[0].bold
    assert document.tables[0].rows[0].cells[0].text == P[3][1]
    assert document.core_properties.last_modified_by == document.core_properties.author == "Khabar"
    assert read_signature((out / "g.en.docx").read_bytes()) == records["g.docx"]["signature"]
    lines = [json.loads(line) for line in (out / "h.en.jsonl").read_text("utf-8").splitlines()]
    assert lines == [{"id": 1, "text": P[2][1]}, {"id": 2, "text": P[5][1], "extra": "x"}]

    summary = json.loads((out / "article.summary.json").read_text("utf-8"))
    assert (summary["english"], summary["arabic"], summary["flags"]) == (factory.SUMMARY_EN, factory.SUMMARY_AR, [])
    assert summary["input"] == "article.txt"
    short = json.loads((out / "news/b.summary.json").read_text("utf-8"))
    assert "too short to summarise" in short["error"]
    assert len(json.loads((out / "h.summary.json").read_text("utf-8"))["articles"]) == 2
    assert records["article.txt"]["outputs"] == ["article.en.txt", "article.review.json", "article.summary.json"]
    assert records["article.txt"]["segments"] == len(P)
    review = json.loads((out / "article.review.json").read_text("utf-8"))
    assert [s["target"] for s in review["sentences"]] == [e for _, e in P]
    assert all(set(s) >= {"source", "score", "confidence", "flags", "details"} for s in review["sentences"])
    assert review["signature"] == records["article.txt"]["signature"]
    assert not list(out.rglob(f"*{TEMP_MARK}"))


def test_a_rerun_does_no_model_work_and_a_changed_file_is_redone_alone(tmp_path, memorised_marian,
                                                                       memorised_mt5) -> None:
    build_tree(tmp_path / "in")
    assert make_run(tmp_path, memorised_marian, memorised_mt5).execute().status == 1
    out = tmp_path / "out"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name not in (MANIFEST, LOCK_NAME)}

    rerun = make_run(tmp_path, memorised_marian, memorised_mt5)
    rerun.translator.translate_batch = lambda texts: pytest.fail(f"model work on a re-run: {texts}")
    assert rerun.execute().status == 1
    assert rerun.totals["unchanged"] == 9
    assert {p: p.stat().st_mtime_ns for p in before} == before

    (tmp_path / "in/news/b.txt").write_text(P[6][0], encoding="utf-8")
    changed = make_run(tmp_path, memorised_marian, memorised_mt5)
    seen = []
    original = changed.translator.translate_batch
    changed.translator.translate_batch = lambda texts: seen.append(list(texts)) or original(texts)
    assert changed.execute().status == 1
    assert seen == [[P[6][0]]]
    assert (out / "news/b.en.txt").read_text("utf-8") == P[6][1] + "\n"
    assert all(p.stat().st_mtime_ns == t for p, t in before.items() if "news/b." not in str(p))
    assert manifest(out)["news/b.txt"]["status"] == "done"

    forced = make_run(tmp_path, memorised_marian, memorised_mt5, force=True)
    assert forced.execute().status == 1
    assert forced.totals["unchanged"] == 0 and forced.totals["done"] == 9


def test_two_hundred_files_with_ten_bad(tmp_path, memorised_marian, memorised_mt5) -> None:
    source = tmp_path / "in"
    for i in range(190):
        folder = source / f"part{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        text = factory.ARTICLE_AR if i % 19 == 0 else P[i % len(P)][0]
        (folder / f"story{i:03}.txt").write_text(text, encoding="utf-8")
    for i in range(10):
        (source / f"bad{i}.txt").write_bytes(b"" if i % 2 else b"\x00\x01binary\x02")
    run = make_run(tmp_path, memorised_marian, memorised_mt5)
    assert run.execute().status == 1
    records = manifest(tmp_path / "out")
    assert len(records) == 200
    assert sum(r["status"] == "done" for r in records.values()) == 190
    assert len(list((tmp_path / "out").rglob("*.en.txt"))) == 190
    assert len(list((tmp_path / "out").rglob("*.summary.json"))) == 190
    again = make_run(tmp_path, memorised_marian, memorised_mt5)
    again.translator.translate_batch = lambda texts: pytest.fail("model work on a re-run")
    again.summarizer.summarize = lambda **kw: pytest.fail("model work on a re-run")
    assert again.execute().status == 1
    assert again.totals["unchanged"] == 190


def run_cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "translate.batch", *args], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def manifest_lines(out: Path) -> list[str]:
    """The complete lines of the manifest (a line is complete once its newline is written)."""
    return (out / MANIFEST).read_bytes().decode("utf-8").split("\n")[:-1] if (out / MANIFEST).exists() else []


def kill_when(process: subprocess.Popen, out: Path, lines: int) -> int:
    """SIGKILL ``process`` once the manifest has ``lines`` complete lines; returns how many it had."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(manifest_lines(out)) < lines and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return len(manifest_lines(out))


def test_two_hundred_files_killed_twice_then_rerun_with_a_new_glossary(tmp_path, memorised_marian) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    expected = {}
    for i in range(200):
        name = f"part{i % 4}/s{i:03}.txt"
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(f"{P[i % 10][0]} {P[(i + 3) % 10][0]}", encoding="utf-8")
        expected[name] = f"{P[i % 10][1]} {P[(i + 3) % 10][1]}\n"
    glossary = tmp_path / "house.tsv"
    glossary.write_text("الاتحاد الأفريقي\tAfrican Union\n", encoding="utf-8")  # a term none of the files has
    common = [str(source), str(out), "--model", str(memorised_marian), "--no-summary", "--group-size", "4",
              "--beams", "1"]
    first = kill_when(run_cli(*common), out, 30)
    second = kill_when(run_cli(*common), out, first + 40)
    assert 30 <= first < second < 200, "both kills must land mid-run"
    done_before = {json.loads(line)["input"] for line in manifest_lines(out)}
    assert len(done_before) == second, "the resumed run redid nothing the first run had recorded"

    final = run_cli(*common, "--glossary", str(glossary))
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    records = manifest(out)
    assert len(manifest_lines(out)) == len(records) == 200
    assert all(r["status"] == "done" for r in records.values())
    glossaries = {r["signature"]["translation"]["glossary"] for r in records.values()}
    assert len(glossaries) == 1 and None not in glossaries
    assert {name for name, r in records.items() if r["reason"] == "settings changed"} == done_before
    assert all(r["reason"] is None for name, r in records.items() if name not in done_before)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted([MANIFEST, LOCK_NAME] + [n.replace(".txt", suffix) for n in expected
                                                    for suffix in (".en.txt", ".review.json")])
    for name, english in expected.items():
        assert (out / name.replace(".txt", ".en.txt")).read_text("utf-8") == english
    assert "done 200 (unchanged 0)" in err.decode()


def test_usage_errors_and_output_inside_input(tmp_path, memorised_marian, capsys) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    for args in ([str(source), str(source)], [str(tmp_path / "missing"), str(tmp_path / "o")],
                 [str(source), str(tmp_path / "o"), "--jobs", "0"]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 2
    inside = source / "translated"
    common = ["--model", str(memorised_marian), "--beams", "1", "--no-summary"]
    assert main([str(source), str(inside), *common]) == 0
    assert main([str(source), str(inside), *common]) == 0  # its own outputs are not read as inputs
    assert set(manifest(inside)) == {"a.txt"}
    assert (inside / "a.en.txt").read_text("utf-8") == P[0][1] + "\n"
    assert "unchanged 1" in capsys.readouterr().err


def test_inputs_sharing_a_name_never_share_an_output(tmp_path, memorised_marian) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "story.txt").write_text(P[0][0], encoding="utf-8")
    (source / "story.md").write_text(f"# {P[1][0]}\n", encoding="utf-8")
    (source / "story.en.txt").write_text(P[2][0], encoding="utf-8")
    run = Run(source, tmp_path / "out", Translator(str(memorised_marian), beams=1), None, log=io.StringIO())
    assert run.execute().status == 0
    records = manifest(tmp_path / "out")
    outputs = [o for r in records.values() for o in r["outputs"]]
    assert len(outputs) == len(set(outputs)) == 6
    assert (tmp_path / "out/story.en.md").read_text("utf-8") == f"# {P[1][1]}\n"
    assert (tmp_path / "out/story.en.en.txt").read_text("utf-8") == P[2][1] + "\n"
    summaries = sorted(Path(job.summary).name for job in plan(source, (tmp_path / "out").resolve()))
    assert summaries == ["story.en.summary.json", "story.md.summary.json", "story.txt.summary.json"]


# --- settings: the signature in every output, compared on re-runs ------------------------------------

BASE = {"model": "memorised_marian", "beams": 1, "engine": "transformers", "glossary": False,
        "summary": "memorised_mt5", "sentences": 3}
CHANGES = [  # (first run, second run, the reason the second run gives, or None when it skips)
    ({}, {}, None),
    ({}, {"beams": 2}, "settings changed"),
    ({}, {"model": "random_marian"}, "settings changed"),
    ({}, {"engine": "ctranslate2"}, "settings changed"),
    ({}, {"glossary": True}, "settings changed"),
    ({}, {"summary": "random_mt5"}, "settings changed"),
    ({}, {"sentences": 2}, "settings changed"),
    ({"summary": None}, {}, "settings changed"),
    ({}, {"summary": None}, "settings changed"),
]
CHANGE_IDS = ["same settings", "beams", "model", "engine", "glossary", "summary model", "summary sentences",
              "no-summary dropped", "no-summary added"]


def build_models(request, tmp_path: Path, **changes) -> tuple[Translator, Summarizer | None]:
    from summarize.summarizer import Generation

    chosen = {**BASE, **changes}
    glossary = None
    if chosen["glossary"]:
        glossary = tmp_path / "house.tsv"
        glossary.write_text("الاتحاد الأفريقي\tAfrican Union\n", encoding="utf-8")
    translator = Translator(str(request.getfixturevalue(chosen["model"])), beams=chosen["beams"],
                            engine=chosen["engine"], compute_type="float32", glossary=glossary)
    summarizer = None
    if chosen["summary"]:
        summarizer = Summarizer(str(request.getfixturevalue(chosen["summary"])),
                                generation=Generation(max_sentences=chosen["sentences"]))
    return translator, summarizer


@pytest.mark.parametrize(("first", "second", "reason"), CHANGES, ids=CHANGE_IDS)
def test_a_changed_setting_redoes_every_file_and_says_why(tmp_path, request, first, second, reason) -> None:
    from translate.config import signature

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "article.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    (source / "short.txt").write_text(P[0][0], encoding="utf-8")
    assert Run(source, out, *build_models(request, tmp_path, **first), log=io.StringIO()).execute().status == 0

    translator, summarizer = build_models(request, tmp_path, **second)
    texts: list[str] = []
    original = translator.translate_batch
    translator.translate_batch = lambda batch: texts.extend(batch) or original(batch)
    result = Run(source, out, translator, summarizer, log=io.StringIO()).execute()
    assert result.status == 0
    made_by = json.loads(json.dumps(signature(translator, summarizer)))
    records = manifest(out)
    assert [r["signature"] for r in records.values()] == [made_by, made_by]
    assert [r["reason"] for r in records.values()] == [reason, reason]
    assert result.totals["unchanged"] == (2 if reason is None else 0)
    assert bool(texts) == (reason is not None)
    for name in ("article", "short"):
        summary = out / f"{name}.summary.json"
        assert summary.exists() == (summarizer is not None)  # a summary the new settings do not make is removed
        if summarizer is not None:
            assert json.loads(summary.read_text("utf-8"))["signature"] == made_by
            assert records[f"{name}.txt"]["outputs"] == [f"{name}.en.txt", f"{name}.review.json",
                                                         f"{name}.summary.json"]
        else:
            assert records[f"{name}.txt"]["outputs"] == [f"{name}.en.txt", f"{name}.review.json"]


def test_the_ctranslate2_cache_key_follows_the_model_revision(tmp_path, monkeypatch, memorised_marian) -> None:
    from huggingface_hub import constants

    from translate.engines import _model_fingerprint

    repository = tmp_path / "hub" / "models--org--model"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    keys = []
    for commit in ("a" * 40, "b" * 40):
        snapshot = repository / "snapshots" / commit
        snapshot.mkdir(parents=True)
        (snapshot / "config.json").write_text("{}")
        (repository / "refs").mkdir(exist_ok=True)
        (repository / "refs" / "main").write_text(commit)
        keys.append(_model_fingerprint("org/model"))
    assert [key["revision"] for key in keys] == ["a" * 40, "b" * 40]  # a new snapshot of a hub id converts again
    local = Translator(str(memorised_marian), beams=1).signature()["revision"]
    assert _model_fingerprint(str(memorised_marian))["revision"] == local


# --- names ------------------------------------------------------------------------------------------

def test_a_name_that_is_not_utf8_is_translated_and_recorded_losslessly(tmp_path, memorised_marian,
                                                                       memorised_mt5) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    raw = "الخبر".encode("cp1256")  # an Arabic name saved by an old Windows zip tool
    (source / os.fsdecode(raw + b".txt")).write_text(factory.ARTICLE_AR, encoding="utf-8")
    run = Run(source, out, Translator(str(memorised_marian), beams=1), Summarizer(str(memorised_mt5)),
              log=io.StringIO())
    result = run.execute()
    assert result.status == 0
    assert result.records[0].input == os.fsdecode(raw + b".txt")
    line = (out / MANIFEST).read_bytes().decode("utf-8")  # strict: the manifest is valid UTF-8
    record = json.loads(line)
    assert record["status"] == "done"
    assert (record["input"], record["input_bytes"]) == ("\\xc7\\xe1\\xce\\xc8\\xd1.txt", (raw + b".txt").hex())
    assert record["outputs_bytes"] == [(raw + b".en.txt").hex(), (raw + b".review.json").hex(),
                                       (raw + b".summary.json").hex()]
    translation = Path(os.fsdecode(os.fsencode(out) + b"/" + raw + b".en.txt"))
    assert translation.read_text("utf-8") == factory.ARTICLE_EN + "\n"
    summary = json.loads(Path(os.fsdecode(os.fsencode(out) + b"/" + raw + b".summary.json")).read_bytes())
    assert summary["input_bytes"] == (raw + b".txt").hex() and summary["english"] == factory.SUMMARY_EN
    again = Run(source, out, run.translator, run.summarizer, log=io.StringIO())
    assert again.execute().status == 0
    assert again.totals["unchanged"] == 1  # the name read back from the manifest is the same name


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\r", "\n", "\x0b"],
                         ids=["line separator", "paragraph separator", "next line", "carriage return", "newline",
                              "vertical tab"])
def test_a_name_with_a_line_separator_keeps_one_manifest_line(tmp_path, memorised_marian, separator) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    name = f"a{separator}b.txt"
    (source / name).write_text(P[0][0], encoding="utf-8")
    translator = Translator(str(memorised_marian), beams=1)
    assert Run(source, out, translator, None, log=io.StringIO()).execute().status == 0
    assert len(manifest_lines(out)) == 1
    assert (out / f"a{separator}b.en.txt").read_text("utf-8") == P[0][1] + "\n"
    again = Run(source, out, translator, None, log=io.StringIO())
    assert again.execute().records[0].input == name
    assert again.totals["unchanged"] == 1


# --- what is read: regular files only, links within IN_DIR, never past the limit ------------------------

def _fifo(source: Path, outside: Path) -> str:
    os.mkfifo(source / "pipe.txt")
    return "pipe.txt"


def _socket(source: Path, outside: Path) -> str:
    import socket

    server = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(source)  # a relative address: the full path may be longer than a socket address allows
    try:
        server.bind("socket.txt")
    finally:
        os.chdir(here)
    server.close()
    return "socket.txt"


def _link(target: str | Path, name: str = "link.txt"):
    def make(source: Path, outside: Path) -> str:
        os.symlink(str(target).format(source=source, outside=outside), source / name)
        return name
    return make


def _link_to_fifo(source: Path, outside: Path) -> str:
    (source / "pipes").mkdir()
    os.mkfifo(source / "pipes/p")
    return _link("{source}/pipes/p")(source, outside)


SPECIAL = [  # (make the entry, status, reason fragment)
    (_fifo, "skipped", "not a regular file: a FIFO"),
    (_socket, "skipped", "not a regular file: a socket"),
    (_link("/dev/zero"), "skipped", "a link that leads outside IN_DIR"),
    (_link("{outside}/story.txt"), "skipped", "a link that leads outside IN_DIR"),
    (_link("../outside/story.txt"), "skipped", "a link that leads outside IN_DIR"),
    (_link("{source}/missing.txt"), "skipped", "a broken link"),
    (_link("{source}/news", name="linked"), "skipped", "a link to a folder"),
    (_link_to_fifo, "skipped", "not a regular file: a FIFO"),
    (_link("{source}/link.txt"), "skipped", "not a regular file: a link"),
    (_link("news/a.txt"), "done", None),
]
SPECIAL_IDS = ["fifo", "socket", "link to /dev/zero", "link outside", "relative link outside", "broken link",
               "link to a folder", "link to a fifo", "link to itself", "link to a file inside"]


@pytest.mark.parametrize(("make", "status", "reason"), SPECIAL, ids=SPECIAL_IDS)
def test_only_regular_files_inside_in_dir_are_read(tmp_path, memorised_marian, make, status, reason) -> None:
    source, outside, out = tmp_path / "in", tmp_path / "outside", tmp_path / "out"
    (source / "news").mkdir(parents=True)
    outside.mkdir()
    (source / "news/a.txt").write_text(P[0][0], encoding="utf-8")
    (outside / "story.txt").write_text(P[1][0], encoding="utf-8")
    name = make(source, outside)
    run = Run(source, out, Translator(str(memorised_marian), beams=1), None, log=io.StringIO())
    run.execute()
    records = manifest(out)
    assert {"news/a.txt", name} <= set(records)
    assert not any(n.startswith("linked/") for n in records)  # a linked folder is recorded, not entered
    assert records["news/a.txt"]["status"] == "done"
    assert records[name]["status"] == status
    if reason is None:
        assert (out / name.replace(".txt", ".en.txt")).read_text("utf-8") == P[0][1] + "\n"
    else:
        assert reason in records[name]["reason"]
        assert not (out / name.replace(".txt", ".en.txt")).exists()


def test_a_link_into_out_dir_is_not_read(tmp_path, memorised_marian) -> None:
    source = tmp_path / "in"
    out = source / "translated"
    source.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    translator = Translator(str(memorised_marian), beams=1)
    assert Run(source, out, translator, None, log=io.StringIO()).execute().status == 0
    os.symlink(out / "a.en.txt", source / "b.txt")
    Run(source, out, translator, None, log=io.StringIO()).execute()
    assert "a link that leads into OUT_DIR" in manifest(out)["b.txt"]["reason"]


READS = [  # (path, the root it was found under, byte limit, error status or None, reason fragment)
    ("/proc/self/status", "/proc", 100, "failed", "larger than the 100-byte limit"),  # claims 0 bytes
    ("/dev/zero", "/dev", 100, "skipped", "a character device"),
    ("exact", None, 1000, None, None),
    ("one over", None, 999, "failed", "larger than the 999-byte limit"),
    ("sparse", None, 1000, "failed", "larger than the 1,000-byte limit"),
]


@pytest.mark.parametrize(("path", "root", "limit", "status", "reason"), READS,
                         ids=["proc file claiming 0 bytes", "device", "exactly the limit", "one byte over",
                              "sparse 1 GB"])
def test_reading_stops_at_the_limit_whatever_the_file_claims(tmp_path, monkeypatch, path, root, limit, status,
                                                             reason) -> None:
    from translate import files

    if root is None:
        root, path = str(tmp_path), str(tmp_path / path)
        with open(path, "wb") as out:
            if path.endswith("sparse"):
                out.truncate(1 << 30)
            else:
                out.write(b"x" * 1000)
    read: list[int] = []
    real = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: read.append(n) or real(fd, n))
    if status is None:
        assert files.read_input(Path(path), root=Path(root), max_bytes=limit) == b"x" * 1000
        return
    with pytest.raises(files.InputProblem) as problem:
        files.read_input(Path(path), root=Path(root), max_bytes=limit)
    assert (problem.value.status, reason in problem.value.reason) == (status, True)
    assert sum(read) <= limit + 1


# --- where outputs go: never through links, with the user's umask ---------------------------------------

def test_outputs_are_never_written_through_links_in_out_dir(tmp_path, memorised_marian) -> None:
    source, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    for folder in (source / "sub", out, elsewhere):
        folder.mkdir(parents=True)
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    (source / "sub/b.txt").write_text(P[1][0], encoding="utf-8")
    (elsewhere / "victim.txt").write_text("keep me", encoding="utf-8")
    os.symlink(elsewhere / "victim.txt", out / "a.en.txt")  # a link where an output goes
    os.symlink(elsewhere, out / "sub")  # a linked folder where outputs go
    result = Run(source, out, Translator(str(memorised_marian), beams=1), None, log=io.StringIO()).execute()
    assert result.status == 1
    assert (elsewhere / "victim.txt").read_text("utf-8") == "keep me"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim.txt"]
    assert not (out / "a.en.txt").is_symlink()  # the link itself was replaced
    assert (out / "a.en.txt").read_text("utf-8") == P[0][1] + "\n"
    records = manifest(out)
    assert records["a.txt"]["status"] == "done"
    assert records["sub/b.txt"]["status"] == "failed"
    assert "OUT_DIR/sub is a link" in records["sub/b.txt"]["reason"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
                         ids=["022", "077", "002"])
def test_outputs_get_the_users_umask(tmp_path, memorised_marian, memorised_mt5, umask, mode) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "article.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    previous = os.umask(umask)
    try:
        run = Run(source, tmp_path / "out", Translator(str(memorised_marian), beams=1),
                  Summarizer(str(memorised_mt5)), log=io.StringIO())
        assert run.execute().status == 0
    finally:
        os.umask(previous)
    written = ["article.en.txt", "article.review.json", "article.summary.json", MANIFEST]
    assert [(tmp_path / "out" / name).stat().st_mode & 0o777 for name in written] == [mode] * 4


def test_only_this_projects_stale_temporary_files_are_removed(tmp_path, memorised_marian) -> None:
    out = tmp_path / "out"
    source = out / "in"  # OUT_DIR is IN_DIR's parent
    (source / "drafts").mkdir(parents=True)
    (out / "old").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "linked")
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    dead = subprocess.Popen(["true"])
    dead.wait()
    files = {
        out / f".a.en.txt.{dead.pid}.0123456789ab.khabar-tmp": False,  # a stopped run's: removed
        out / "old" / f".b.en.txt.{dead.pid}.ba9876543210.khabar-tmp": False,
        out / f".c.en.txt.{os.getpid()}.0123456789ab.khabar-tmp": True,  # a live process's: kept
        out / "notes.khabar-tmp": True,  # not a name this project makes: kept
        source / "drafts" / f".d.txt.{dead.pid}.0123456789ab.khabar-tmp": True,  # under IN_DIR: kept
        tmp_path / "elsewhere" / f".e.txt.{dead.pid}.0123456789ab.khabar-tmp": True,  # behind a link: kept
    }
    for path in files:
        path.write_text("x")
    assert Run(source, out, Translator(str(memorised_marian), beams=1), None, log=io.StringIO()).execute().status == 0
    assert {path: path.exists() for path in files} == files
    assert (out / "a.en.txt").read_text("utf-8") == P[0][1] + "\n"


def test_an_output_never_lands_inside_in_dir(tmp_path, memorised_marian) -> None:
    out = tmp_path / "out"
    source = out / "in"  # OUT_DIR is IN_DIR's parent, and IN_DIR has a folder named like itself
    (source / "in").mkdir(parents=True)
    (source / "in/a.txt").write_text(P[0][0], encoding="utf-8")
    (source / "b.txt").write_text(P[1][0], encoding="utf-8")
    translator = Translator(str(memorised_marian), beams=1)
    assert Run(source, out, translator, None, log=io.StringIO()).execute().status == 1
    records = manifest(out)
    assert records["in/a.txt"]["status"] == "failed" and "inside IN_DIR" in records["in/a.txt"]["reason"]
    assert sorted(p.name for p in source.rglob("*")) == ["a.txt", "b.txt", "in"]
    assert (out / "b.en.txt").read_text("utf-8") == P[1][1] + "\n"


# --- failures that must not lose work ---------------------------------------------------------------------

@pytest.mark.parametrize("error", [RuntimeError("CUDA out of memory"), ValueError("bad shape"), KeyError("logits"),
                                   MemoryError()], ids=["RuntimeError", "ValueError", "KeyError", "MemoryError"])
def test_a_failing_summariser_keeps_the_translation_and_the_run_goes_on(tmp_path, memorised_marian, memorised_mt5,
                                                                        error) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    (source / "b.txt").write_text(f"{P[0][0]} {P[1][0]}", encoding="utf-8")
    (source / "c.txt").write_text(factory.ARTICLE_AR, encoding="utf-8")
    summarizer = Summarizer(str(memorised_mt5))
    original = summarizer.summarize

    def summarize(*, arabic: str, english: str, **options):
        if arabic != factory.ARTICLE_AR:  # b.txt
            raise error
        return original(arabic=arabic, english=english, **options)

    summarizer.summarize = summarize
    result = Run(source, out, Translator(str(memorised_marian), beams=1), summarizer, log=io.StringIO()).execute()
    assert result.status == 0
    records = manifest(out)
    assert [r["status"] for r in records.values()] == ["done"] * 3
    expected = f"the summariser failed: {type(error).__name__}: {error}"
    assert records["b.txt"]["summary_error"] == expected
    assert json.loads((out / "b.summary.json").read_text("utf-8"))["error"] == expected
    assert (out / "b.en.txt").read_text("utf-8") == f"{P[0][1]} {P[1][1]}\n"
    for name in ("a", "c"):
        assert records[f"{name}.txt"]["summary_error"] is None
        assert json.loads((out / f"{name}.summary.json").read_text("utf-8"))["english"] == factory.SUMMARY_EN


@pytest.mark.parametrize("where", ["output", "manifest"], ids=["writing an output", "appending to the manifest"])
def test_a_full_disk_stops_with_one_line_and_a_consistent_manifest(tmp_path, memorised_marian, monkeypatch, capsys,
                                                                   where) -> None:
    import errno

    from translate import files

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for i in range(6):
        (source / f"s{i}.txt").write_text(P[i][0], encoding="utf-8")
    real = files._write_all
    appends = []

    def write_all(handle: int, data: bytes) -> None:
        path = os.readlink(f"/proc/self/fd/{handle}")
        if where == "manifest" and path.endswith(MANIFEST):
            appends.append(path)
            if len(appends) == 4:
                real(handle, data[: len(data) // 2])  # half a line reaches the disk
                raise OSError(errno.ENOSPC, "No space left on device")
        if where == "output" and "/.s3.en.txt." in path:
            real(handle, data[:3])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(handle, data)

    monkeypatch.setattr(files, "_write_all", write_all)
    common = [str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary",
              "--group-size", "1"]
    assert main(common) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the disk is full while writing ") and err.count("\n") == 1
    assert ("s3.en.txt" if where == "output" else MANIFEST) in err
    records = [json.loads(line) for line in manifest_lines(out)]  # every line is a whole record
    assert (out / MANIFEST).read_bytes().endswith(b"\n")
    assert [r["input"] for r in records] == ["s0.txt", "s1.txt", "s2.txt"]
    for i in range(3):
        assert (out / f"s{i}.en.txt").read_text("utf-8") == P[i][1] + "\n"
    assert not list(out.rglob(f"*{TEMP_MARK}"))

    monkeypatch.setattr(files, "_write_all", real)  # space was freed
    assert main(common) == 0
    assert [r["status"] for r in manifest(out).values()] == ["done"] * 6


def hold_lock(out: Path) -> subprocess.Popen:
    """Another process that holds OUT_DIR's lock until its standard input closes (``communicate("")``)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from translate.files import FolderLock; "
         "lock = FolderLock(Path(sys.argv[1])).acquire(); print('locked', flush=True); sys.stdin.read()", str(out)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_second_run_on_the_same_out_dir_exits_2(tmp_path, memorised_marian, capsys) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    out.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    holder = hold_lock(out)
    try:
        common = [str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--no-summary"]
        assert main(common) == 2
        assert capsys.readouterr().err == f"error: OUT_DIR is in use by another run (pid {holder.pid}): {out}\n"
        assert not (out / MANIFEST).exists()
    finally:
        holder.communicate("")
    assert main(common) == 0
    assert (out / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    assert manifest(out)["a.txt"]["status"] == "done"


def refuse_model_loads(monkeypatch) -> None:
    """From now on any model load fails the test (the translator's and the summariser's)."""
    import summarize.summarizer
    import translate.translator

    def refuse(name: str, *args, **kwargs):
        raise AssertionError(f"a model was loaded: {name}")

    monkeypatch.setattr(translate.translator, "load_model", refuse)
    monkeypatch.setattr(summarize.summarizer, "load_model", refuse)


@pytest.fixture
def no_model_loads(monkeypatch) -> None:
    refuse_model_loads(monkeypatch)


def test_a_rerun_with_nothing_to_do_loads_no_model(tmp_path, memorised_marian, memorised_mt5, monkeypatch,
                                                   capsys) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    (source / "notes.xlsx").write_bytes(b"PK\x03\x04")
    common = [str(source), str(out), "--model", str(memorised_marian), "--beams", "1", "--summary-model",
              str(memorised_mt5)]
    assert main(common) == 0
    first = manifest(out)
    capsys.readouterr()
    refuse_model_loads(monkeypatch)
    assert main(common) == 0
    assert "done 1 (unchanged 1), failed 0, skipped 1; 0 sentences translated" in capsys.readouterr().err
    assert manifest(out) == first
    with pytest.raises(AssertionError, match="a model was loaded"):  # another setting needs the models
        main([*common, "--sentences", "2"])


def test_a_busy_out_dir_is_reported_before_any_model_loads(tmp_path, memorised_marian, no_model_loads,
                                                           capsys) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    out.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    holder = hold_lock(out)
    try:
        assert main([str(source), str(out), "--model", str(memorised_marian), "--no-summary"]) == 2
    finally:
        holder.communicate("")
    assert capsys.readouterr().err == f"error: OUT_DIR is in use by another run (pid {holder.pid}): {out}\n"


def test_an_out_dir_that_cannot_be_made_is_reported_before_any_model_loads(tmp_path, memorised_marian,
                                                                          no_model_loads, capsys) -> None:
    source, blocker = tmp_path / "in", tmp_path / "a-file"
    source.mkdir()
    (source / "a.txt").write_text(P[0][0], encoding="utf-8")
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "out"
    assert main([str(source), str(out), "--model", str(memorised_marian), "--no-summary"]) == 2
    assert capsys.readouterr().err == f"error: cannot create OUT_DIR {out}: Not a directory\n"


# --- the seam for other backends ----------------------------------------------------------------------

def test_a_worker_writes_outputs_and_returns_records_without_the_manifest(tmp_path, memorised_marian) -> None:
    from jobs.batch import Worker

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for i in range(3):
        (source / f"s{i}.txt").write_text(P[i][0], encoding="utf-8")
    (source / "empty.txt").write_text("", encoding="utf-8")
    out.mkdir()
    worker = Worker(Translator(str(memorised_marian), beams=1), None, source, out, group_units=2)
    records = worker.process(plan(source, out))
    assert [(r.input, r.status, r.outputs) for r in records] == [
        ("empty.txt", "failed", []), *((f"s{i}.txt", "done", [f"s{i}.en.txt", f"s{i}.review.json"])
                                       for i in range(3))]
    assert records[1].signature == worker.made_by
    assert sorted(p.name for p in out.iterdir()) == sorted(f"s{i}.{kind}" for i in range(3)
                                                           for kind in ("en.txt", "review.json"))


def test_the_driver_gives_the_backend_only_the_files_to_translate(tmp_path, memorised_marian) -> None:
    from jobs.batch import LocalBackend

    class Watching(LocalBackend):
        def __init__(self) -> None:
            self.jobs: list[str] = []

        def run(self, worker, jobs):
            return super().run(worker, (self.jobs.append(job.relative) or job for job in jobs))

    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for i in range(3):
        (source / f"s{i}.txt").write_text(P[i][0], encoding="utf-8")
    (source / "notes.xlsx").write_bytes(b"PK\x03\x04")
    translator = Translator(str(memorised_marian), beams=1)
    first = Watching()
    assert Run(source, out, translator, None, log=io.StringIO(), backend=first).execute().status == 0
    assert first.jobs == ["s0.txt", "s1.txt", "s2.txt"]
    (source / "s1.txt").write_text(P[5][0], encoding="utf-8")
    second = Watching()
    result = Run(source, out, translator, None, log=io.StringIO(), backend=second).execute()
    assert second.jobs == ["s1.txt"]
    assert [(r.input, r.reason) for r in result.records] == [
        ("notes.xlsx", "unsupported file type '.xlsx'"), ("s0.txt", None), ("s1.txt", "the file changed"),
        ("s2.txt", None)]


def test_reader_notes_reach_the_manifest_and_the_review_file(tmp_path, memorised_marian) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "feed.jsonl").write_text(f'{{"text": "{P[0][0]}", "score": NaN}}\n', encoding="utf-8")
    run = Run(source, tmp_path / "out", Translator(str(memorised_marian), beams=1), None, log=io.StringIO())
    assert run.execute().status == 0
    record = manifest(tmp_path / "out")["feed.jsonl"]
    assert record["status"] == "done" and record["notes"] and "null" in record["notes"][0]
    review = json.loads((tmp_path / "out/feed.review.json").read_text("utf-8"))
    assert review["notes"] == record["notes"]
    assert [s["target"] for s in review["sentences"]] == [P[0][1]]
    assert json.loads((tmp_path / "out/feed.en.jsonl").read_text("utf-8")) == {"text": P[0][1], "score": None}


def test_paragraphs_kept_as_written_are_listed_in_the_review_file_and_the_report(tmp_path, memorised_marian) -> None:
    source = tmp_path / "in"
    source.mkdir()
    quote = "We will not negotiate under threat, and we will never accept these terms, the minister said."
    (source / "article.txt").write_text(f"{P[0][0]}\n\n{quote}", encoding="utf-8")
    log = io.StringIO()
    translator = Translator(str(memorised_marian), beams=1)
    assert Run(source, tmp_path / "out", translator, None, log=log).execute().status == 0
    review = json.loads((tmp_path / "out/article.review.json").read_text("utf-8"))
    assert review["kept"] == [{"sentence": 2, "text": 0, "paragraph": 2, "why": "English paragraph, kept as written"}]
    assert manifest(tmp_path / "out")["article.txt"]["flags"] == {"not_arabic": 1}
    assert "(1 sentences not Arabic, kept as written)" in log.getvalue()
