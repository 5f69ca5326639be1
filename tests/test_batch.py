"""Folder runs: every format and encoding, bad files, resuming, and a run killed mid-way."""

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
import factory
import pytest

from summarize import Summarizer
from translate import Translator
from translate.batch import MANIFEST, TEMP_MARK, Run, main, plan
from translate.files import LOCK_NAME

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
        "notes.pdf": b"%PDF-1.4",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    status = {name: "done" for name in files}
    status.update({name: "failed" for name in files if name.startswith("bad/")})
    status["notes.pdf"] = "skipped"
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
    assert run.execute().status == 1
    out = tmp_path / "out"
    records = manifest(out)
    assert {name: r["status"] for name, r in records.items()} == expected
    assert all(r["reason"] for r in records.values() if r["status"] != "done")
    reasons = {name: r["reason"] for name, r in records.items()}
    assert "empty" in reasons["bad/empty.txt"]
    assert "not a text file" in reasons["bad/binary.txt"]
    assert "not a valid .docx" in reasons["bad/corrupt.docx"]
    assert "no Arabic text" in reasons["bad/english.txt"]
    assert "line 2 is not valid JSON" in reasons["bad/broken.jsonl"]
    assert "larger than" in reasons["bad/big.txt"]
    assert "unsupported file type '.pdf'" in reasons["notes.pdf"]

    assert (out / "news/a.en.txt").read_text("utf-8") == f"{P[0][1]} {P[1][1]}\n\n{P[2][1]}\n"
    for name, pair in (("b", P[2]), ("c", P[3]), ("d", P[4])):
        assert (out / f"news/{name}.en.txt").read_text("utf-8") == pair[1] + "\n"
    assert (out / "news/deep/e.en.md").read_text("utf-8") == f"# {P[5][1]}\n\n- {P[6][1]}\n\n```\nقال الوزير\n```\n"
    html = (out / "f.en.html").read_text("utf-8")
    assert f"<h1>{P[7][1]}</h1>" in html and f'<p class="x">{P[8][1]} <b>{P[0][1]}</b></p>' in html
    assert 'var s = "قال";' in html and 'dir="ltr"' in html and 'lang="en"' in html
    document = docx.Document(out / "g.en.docx")
    assert document.paragraphs[0].text == P[1][1] and document.paragraphs[0].runs[0].bold
    assert document.tables[0].rows[0].cells[0].text == P[3][1]
    lines = [json.loads(line) for line in (out / "h.en.jsonl").read_text("utf-8").splitlines()]
    assert lines == [{"id": 1, "text": P[2][1]}, {"id": 2, "text": P[5][1], "extra": "x"}]

    summary = json.loads((out / "article.summary.json").read_text("utf-8"))
    assert (summary["english"], summary["arabic"], summary["flags"]) == (factory.SUMMARY_EN, factory.SUMMARY_AR, [])
    assert summary["input"] == "article.txt"
    short = json.loads((out / "news/b.summary.json").read_text("utf-8"))
    assert "too short to summarise" in short["error"]
    assert len(json.loads((out / "h.summary.json").read_text("utf-8"))["articles"]) == 2
    assert records["article.txt"]["outputs"] == ["article.en.txt", "article.summary.json"]
    assert records["article.txt"]["segments"] == len(P)
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
    assert files == sorted([MANIFEST, LOCK_NAME] + [n.replace(".txt", ".en.txt") for n in expected])
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
    assert len(outputs) == len(set(outputs)) == 3
    assert (tmp_path / "out/story.en.md").read_text("utf-8") == f"# {P[1][1]}\n"
    assert (tmp_path / "out/story.en.en.txt").read_text("utf-8") == P[2][1] + "\n"
    summaries = sorted(Path(job.summary).name for job in plan(source, (tmp_path / "out").resolve()))
    assert summaries == ["story.en.summary.json", "story.md.summary.json", "story.txt.summary.json"]
