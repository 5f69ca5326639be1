"""The translation memory in use: an editor's English reused by the library, the command line, the batch job,
the HTTP API and the web app; the model's English kept as a persistent cache; and a memory that is off,
broken at start or failing mid-run."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import support

from translate import testing as factory
from translate.__main__ import main as cli
from translate.batch.__main__ import main as batch
from translate.config import RunConfig, memory_url
from translate.errors import TranslateError
from translate.glossary import Glossary
from translate.recall import MemoryUse, open_run_memory
from translate.translator import Translator

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS
EDITED = "The foreign minister said talks would resume in Cairo next week."  # an editor's English of P[0]


@pytest.fixture
def memory(tmp_path) -> Iterator[MemoryUse]:
    """A fresh SQLite memory, as the front ends open it."""
    use = open_run_memory(RunConfig.resolved(memory=f"sqlite:///{tmp_path / 'memory.sqlite3'}"))
    yield use
    use.close()


def translator_with(model: Path, memory: MemoryUse | None, **options) -> Translator:
    return Translator(str(model), memory=memory, **({"beams": 1} | options))


def edit(translator: Translator, source: str, english: str, editor: str | None = "alice") -> None:
    """What the web app does when an editor changes a sentence."""
    translator.memory.save_edit(source, english, editor=editor, signature=translator.memory_signature(),
                                terms=translator.terms(source))


class Failing:
    """A memory whose database has gone away: every call fails as the real one does."""

    def __init__(self) -> None:
        self.calls = 0

    def _fail(self, *args, **kwargs):
        self.calls += 1
        raise TranslateError("translation memory sqlite:///gone.sqlite3: unable to open database file")

    exact = exact_many = fuzzy = save_edit = save_machine = revert = _fail

    def close(self) -> None:
        pass


# --- the library -----------------------------------------------------------------------------------

def test_an_edit_is_used_by_the_next_article_marked_with_who_and_when(memorised_marian, memory) -> None:
    translator = translator_with(memorised_marian, memory)
    edit(translator, P[0][0], EDITED)
    translation = translator.translate(f"{P[1][0]} {P[0][0]}\n\n{P[3][0]}")
    first, remembered, last = translation.segments
    assert [first.target, remembered.target, last.target] == [P[1][1], EDITED, P[3][1]]
    assert first.memory is None and last.memory is None
    assert remembered.memory["origin"] == "edited" and remembered.memory["editor"] == "alice"
    assert remembered.memory["when"].startswith("20")
    assert translation.text == f"{P[1][1]} {EDITED}\n\n{P[3][1]}"


def test_an_edit_from_the_memory_is_checked_again_as_any_edit(memorised_marian, memory) -> None:
    translator = translator_with(memorised_marian, memory)
    edit(translator, P[2][0], "Oil prices rose on Monday.")  # the editor dropped 3.5
    (segment,) = translator.translate(P[2][0]).segments
    assert segment.target == "Oil prices rose on Monday." and segment.memory["origin"] == "edited"
    assert "numbers" in segment.flags and "3.5" in segment.details["numbers"]


def test_the_models_english_is_a_persistent_cache_across_translators(memorised_marian, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    writing = open_run_memory(RunConfig.resolved(memory=url, memory_machine=True))
    first = translator_with(memorised_marian, writing).translate(P[4][0])
    writing.close()
    assert first.segments[0].memory is None
    reading = open_run_memory(RunConfig.resolved(memory=url))
    again = translator_with(memorised_marian, reading).translate(P[4][0])
    assert again.text == P[4][1] and again.segments[0].memory["origin"] == "machine"
    other = translator_with(memorised_marian, reading, beams=2).translate(P[4][0])  # other settings: not reused
    assert other.text == P[4][1] and other.segments[0].memory is None
    reading.close()


def test_a_changed_glossary_term_invalidates_the_entries_of_its_sentences(memorised_marian, memory) -> None:
    cairo = Glossary.from_rows([["القاهرة", "Cairo"]])
    qahira = Glossary.from_rows([["القاهرة", "Al-Qahira", "Cairo"]])  # Cairo now corrected
    with_cairo = translator_with(memorised_marian, memory, glossary=cairo)
    edit(with_cairo, P[0][0], EDITED)
    edit(with_cairo, P[1][0], "He said the government has a new plan for the economy.")  # no term of the glossary
    assert with_cairo.translate(P[0][0]).segments[0].memory is not None
    changed = with_cairo.with_glossary(qahira).translate(f"{P[0][0]} {P[1][0]}")
    stale, untouched = changed.segments
    assert stale.memory is None and stale.target == P[0][1].replace("Cairo", "Al-Qahira")
    assert untouched.memory is not None and untouched.target.startswith("He said the government has")


def test_a_memory_failing_mid_run_leaves_the_translation_whole_with_one_warning(memorised_marian) -> None:
    failing = Failing()
    translator = translator_with(memorised_marian, MemoryUse(failing, name="sqlite:///gone.sqlite3",
                                                             write_machine=True))
    article = "\n\n".join(arabic for arabic, _ in P[:4])
    assert translator.translate(article).text == "\n\n".join(english for _, english in P[:4])
    assert translator.translate(P[5][0]).text == P[5][1]
    assert failing.calls == 1  # then left alone: no waiting on a dead server for every sentence
    assert "sqlite:///gone.sqlite3" in translator.memory_notice and "model alone" in translator.memory_notice


def test_the_memory_is_off_when_asked(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("KHABAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KHABAR_MEMORY")
    assert memory_url() == f"sqlite:///{tmp_path / 'data' / 'memory.sqlite3'}"
    assert open_run_memory(RunConfig.resolved(memory="off")) is None
    monkeypatch.setenv("KHABAR_MEMORY", "OFF")
    assert open_run_memory(RunConfig.resolved()) is None
    with pytest.raises(TranslateError, match="KHABAR_MEMORY takes off, sqlite:///PATH or postgresql://"):
        RunConfig.resolved(memory="mysql://server/khabar")
    with pytest.raises(TranslateError, match=r"postgresql:/khabar:\*\*\*@db"):
        memory_url("postgresql:/khabar:secret@db/tm")  # a typo: refused, the password not shown
    with pytest.raises(TranslateError, match=r"pg://khabar:\*\*\*@db") as refused:
        RunConfig.resolved(memory="pg://khabar:secret@db/tm")
    assert "secret" not in str(refused.value)


# --- the command line ------------------------------------------------------------------------------

def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "translate", *args], capture_output=True, cwd=ROOT,
                          env=os.environ | env, timeout=300)


def test_the_command_line_uses_an_edit_and_says_so_in_json(memorised_marian, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    use = open_run_memory(RunConfig.resolved(memory=url))
    edit(translator_with(memorised_marian, use), P[0][0], EDITED, editor="bob")
    use.close()
    article = tmp_path / "article.txt"
    article.write_text(f"{P[3][0]} {P[0][0]}", encoding="utf-8")
    done = run_cli(str(article), "--json", "--model", str(memorised_marian), "--beams", "1",
                   env={"KHABAR_MEMORY": url})
    assert done.returncode == 0, done.stderr.decode()
    segments = json.loads(done.stdout)["segments"]
    assert [s["target"] for s in segments] == [P[3][1], EDITED]
    assert segments[0]["memory"] is None and segments[1]["memory"]["editor"] == "bob"
    bypassed = run_cli(str(article), "--no-memory", "--model", str(memorised_marian), "--beams", "1",
                       env={"KHABAR_MEMORY": url})
    assert bypassed.stdout.decode() == f"{P[3][1]} {P[0][1]}\n"


def test_no_memory_and_off_create_no_file(memorised_marian, tmp_path, monkeypatch, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(P[3][0], encoding="utf-8")
    monkeypatch.setenv("KHABAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KHABAR_MEMORY", f"sqlite:///{tmp_path / 'asked.sqlite3'}")
    assert cli([str(article), "--no-memory", "--model", str(memorised_marian), "--beams", "1"]) == 0
    monkeypatch.setenv("KHABAR_MEMORY", "off")
    assert cli([str(article), "--model", str(memorised_marian), "--beams", "1"]) == 0
    assert capsys.readouterr().out == f"{P[3][1]}\n{P[3][1]}\n"
    assert not (tmp_path / "asked.sqlite3").exists() and not (tmp_path / "data").exists()
    monkeypatch.delenv("KHABAR_MEMORY")  # the default: a file in the data folder
    assert cli([str(article), "--model", str(memorised_marian), "--beams", "1"]) == 0
    assert (tmp_path / "data" / "memory.sqlite3").is_file()


def test_a_corrupt_memory_file_is_an_error_at_start(memorised_marian, tmp_path, monkeypatch, capsys) -> None:
    corrupt = tmp_path / "memory.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    article = tmp_path / "article.txt"
    article.write_text(P[3][0], encoding="utf-8")
    monkeypatch.setenv("KHABAR_MEMORY", f"sqlite:///{corrupt}")
    assert cli([str(article), "--model", str(memorised_marian), "--beams", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and str(corrupt) in err and "memory" in err
    assert corrupt.read_bytes() == b"this is not a database" * 100  # never replaced by an empty memory
    assert batch([str(tmp_path), str(tmp_path / "out"), "--model", str(memorised_marian), "--no-summary"]) == 2
    assert str(corrupt) in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_the_app_refuses_a_corrupt_memory_before_loading_models(tmp_path, monkeypatch, capsys) -> None:
    import app

    corrupt = tmp_path / "memory.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("KHABAR_MEMORY", f"sqlite:///{corrupt}")
    assert app.main(["--model", str(tmp_path / "no-such-model"), "--no-summary",
                     "--port", str(support.free_port())]) == 2
    assert str(corrupt) in capsys.readouterr().err


# --- the batch job ---------------------------------------------------------------------------------

def test_the_batch_job_reads_edits_and_writes_the_models_english_only_when_asked(memorised_marian, tmp_path,
                                                                                  monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    monkeypatch.setenv("KHABAR_MEMORY", url)
    use = open_run_memory(RunConfig.resolved())
    translator = translator_with(memorised_marian, use)
    edit(translator, P[0][0], EDITED, editor="carol")
    signature = translator.memory_signature()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "story.txt").write_text(f"{P[4][0]} {P[0][0]}", encoding="utf-8")
    options = ["--model", str(memorised_marian), "--beams", "1", "--no-summary"]
    assert batch([str(inputs), str(tmp_path / "out"), *options]) == 0
    assert (tmp_path / "out" / "story.en.txt").read_text(encoding="utf-8") == f"{P[4][1]} {EDITED}\n"
    review = json.loads((tmp_path / "out" / "story.review.json").read_text(encoding="utf-8"))
    assert [s["memory"] and s["memory"]["editor"] for s in review["sentences"]] == [None, "carol"]
    (record,) = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert [(m["sentence"], m["origin"], m["editor"]) for m in record["memory"]] == [(2, "edited", "carol")]
    assert use.exact_many([(P[4][0], {})], signature=signature) == {}  # the model's English not written ...
    assert batch([str(inputs), str(tmp_path / "again"), *options, "--memory-machine"]) == 0
    (entry,) = use.exact_many([(P[4][0], {})], signature=signature).values()  # ... unless asked
    assert (entry.target, entry.origin) == (P[4][1], "machine")
    use.close()


def test_the_batch_job_goes_on_when_the_memory_fails_and_warns_once(memorised_marian, tmp_path, monkeypatch,
                                                                    capsys) -> None:
    import translate.batch.__main__ as batch_main

    monkeypatch.setattr(batch_main, "open_run_memory",
                        lambda config: MemoryUse(Failing(), name="sqlite:///gone.sqlite3"))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number in range(3):
        (inputs / f"{number}.txt").write_text(P[number][0], encoding="utf-8")
    assert batch([str(inputs), str(tmp_path / "out"), "--model", str(memorised_marian), "--beams", "1",
                  "--no-summary", "--group-size", "1"]) == 0
    assert [(tmp_path / "out" / f"{n}.en.txt").read_text(encoding="utf-8") for n in range(3)] == \
        [english + "\n" for _, english in P[:3]]
    assert capsys.readouterr().err.count("warning: The translation memory sqlite:///gone.sqlite3 failed") == 1


# --- the HTTP API and the web app ----------------------------------------------------------------

def test_the_http_api_answers_with_the_edit_and_its_mark(memorised_marian, memory) -> None:
    from web.service import Service

    translator = translator_with(memorised_marian, memory)
    edit(translator, P[0][0], EDITED, editor=None)
    with support.served(Service(translator, None)) as url:
        body = {"q": f"{P[5][0]} {P[0][0]}", "source": "ar", "target": "en", "segments": True}
        answer = httpx.post(f"{url.rstrip('/')}/translate", json=body, timeout=60).json()
    assert answer.get("translatedText") == f"{P[5][1]} {EDITED}", answer
    assert answer["segments"][0]["memory"] is None
    assert answer["segments"][1]["memory"]["origin"] == "edited" and answer["segments"][1]["memory"]["editor"] is None


def test_the_paste_tab_saves_edits_reverts_them_and_suggests_near_matches(memorised_marian, memory) -> None:
    from web import handlers
    from web.service import Service

    service = Service(translator_with(memorised_marian, memory), None)
    try:
        *_, state = list(handlers.run_article(service, f"{P[0][0]} {P[1][0]}", False))[-1]
        rows = [list(row) for row in handlers.review_rows(state.session.machine)]
        rows[0][2] = EDITED
        *_, state = handlers.edit_review(service, state, rows, editor="dana")
        signature = service.translator.memory_signature()
        (entry,) = memory.exact_many([(P[0][0], {})], signature=signature).values()
        assert (entry.target, entry.editor, entry.origin) == (EDITED, "dana", "edited")

        table = list(handlers.run_article(service, f"{P[3][0]}\n\n{P[0][0]}", False))[-1][1]
        assert table["data"][1][2] == EDITED
        assert "Memory: edited by dana on 20" in table["data"][1][4]

        near = P[0][0].replace("الأسبوع المقبل", "الأسبوع القادم")  # one word changed
        *_, near_state = list(handlers.run_article(service, near, False))[-1]
        update = handlers.alternatives(service, near_state, 0)
        suggested = [(label, value) for label, value in update["choices"] if label.startswith("From the memory")]
        assert [value for _, value in suggested] == [EDITED] and "edited by dana" in suggested[0][0]
        assert near_state.session.machine.segments[0].memory is None  # offered, never applied unasked

        rows[0][2] = P[0][1]  # the machine's English put back: the edit is forgotten
        *_, state = handlers.edit_review(service, state, rows, editor="dana")
        assert memory.exact_many([(P[0][0], {})], signature=signature) == {}
        *_, state = handlers.undo(service, state, editor="dana")  # undone: the edit is back
        assert [e.target for e in memory.exact_many([(P[0][0], {})], signature=signature).values()] == [EDITED]

        rows[0][2] = EDITED
        *_, state = handlers.pick_alternative(service, state, rows, 1, "He said the government is drafting a plan.",
                                              editor="eve")
        (picked,) = memory.exact_many([(P[1][0], {})], signature=signature).values()
        assert (picked.target, picked.editor) == ("He said the government is drafting a plan.", "eve")
    finally:
        service.close()


def test_the_page_passes_the_logged_in_user_as_the_editor() -> None:
    from types import SimpleNamespace

    from web.memory_hooks import bound_editing

    def handler(service, state, rows, editor=None):
        return service, state, rows, editor

    call = bound_editing(handler, "service")
    assert [p.name for p in inspect.signature(call).parameters.values()] == ["state", "rows", "request"]
    assert call("state", "rows", SimpleNamespace(username="alice")) == ("service", "state", "rows", "alice")
    assert call("state", "rows", SimpleNamespace(username=None)) == ("service", "state", "rows", None)
