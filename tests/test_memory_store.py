"""The translation memory's store, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import memory_postgres
import pytest

from translate.errors import TranslateError
from translate.memory import Entry, Memory, memory_key, open_memory
from translate.memory import sqlite as sqlite_backend
from translate.memory import store as memory_store

MINISTER = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة."
MINISTER_EN = "The foreign minister said the talks would resume next week in Cairo."
SIG = "model-a|beam4"
TERMS = {"وزير الخارجية": "Foreign Minister"}


@pytest.fixture(params=["sqlite", "postgresql"])
def memory_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'memory' / 'memory.db'}"
    return memory_postgres.shared_url()


@pytest.fixture
def memory(memory_url: str) -> Iterator[Memory]:
    with open_memory(memory_url) as opened:
        yield opened


@pytest.mark.parametrize(
    ("variant", "same"),
    [
        ("قَالَ وزيرُ الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة.", True),  # diacritics
        ("قـــال وزير  الخارجية إن المحادثات\nستستأنف الأسبوع المقبل في القاهرة.", True),  # tatweel, spaces
        ("\u200fقال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة. ", True),  # RLM
        ("قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في دمشق.", False),
    ],
)
def test_the_key_ignores_marks_that_do_not_change_the_sentence(variant: str, same: bool) -> None:
    assert (memory_key(variant) == memory_key(MINISTER)) is same


def test_machine_entries_match_only_the_same_signature_and_terms(memory: Memory) -> None:
    assert memory.save_machine([(MINISTER, MINISTER_EN, TERMS)], signature=SIG) == 1
    found = memory.exact(MINISTER, signature=SIG, terms=TERMS)
    assert found is not None
    assert (found.target, found.origin, found.editor, found.terms) == (MINISTER_EN, "machine", None, TERMS)
    assert memory.exact(MINISTER, signature="model-b|beam4", terms=TERMS) is None
    assert memory.exact("جملة أخرى تماما.", signature=SIG, terms={}) is None


def test_an_edited_entry_wins_over_the_machine_one_whatever_the_model(memory: Memory) -> None:
    memory.save_machine([(MINISTER, MINISTER_EN, TERMS)], signature=SIG)
    memory.save_edit(MINISTER, "Talks resume in Cairo next week, the Foreign Minister said.",
                     editor="amal", signature=SIG, terms=TERMS)  # fmt: skip
    for signature in (SIG, "another-model"):
        found = memory.exact("قَالَ " + MINISTER[4:], signature=signature, terms=TERMS)
        assert found is not None and found.origin == "edited" and found.editor == "amal"
        assert found.target.startswith("Talks resume") and found.when.endswith("Z")


def test_a_glossary_change_makes_entries_stale_and_deletes_stale_machine_ones(memory: Memory) -> None:
    memory.save_machine([(MINISTER, MINISTER_EN, TERMS)], signature=SIG)
    other = "ارتفعت أسعار النفط اليوم."
    memory.save_machine([(other, "Oil prices rose today.", {})], signature=SIG)
    memory.save_edit(MINISTER, "Edited.", editor="amal", signature=SIG, terms=TERMS)
    changed = {"وزير الخارجية": "Foreign Secretary"}
    assert memory.exact(MINISTER, signature=SIG, terms=changed) is None
    assert memory.stats()["machine"] == 1  # the stale machine entry is gone, the other stays
    assert memory.exact(other, signature=SIG, terms={}) is not None
    assert memory.stats()["edited"] == 1  # an editor's work is kept, only not applied
    assert memory.exact(MINISTER, signature=SIG, terms=TERMS).origin == "edited"


def test_exact_many_answers_a_batch(memory: Memory) -> None:
    sentences = [f"خبر رقم {n} عن الاقتصاد." for n in range(900)]
    memory.save_machine([(s, f"News item {n}.", {}) for n, s in enumerate(sentences)], signature=SIG)
    memory.save_edit(sentences[5], "Edited five.", editor="omar", signature=SIG, terms={})
    asked = [(s, {}) for s in sentences] + [("لم يخزن هذا.", {}), ("خبر رقم ٣ عن الاقتصاد.", {"خبر": "x"})]
    found = memory.exact_many(asked, signature=SIG)
    assert len(found) == 900
    assert found[sentences[5]].target == "Edited five." and found[sentences[7]].target == "News item 7."


def test_fuzzy_offers_similar_edited_entries_only(memory: Memory) -> None:
    memory.save_edit(MINISTER, MINISTER_EN, editor="amal", signature=SIG, terms={})
    near = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع القادم في القاهرة."
    memory.save_machine([(near, "Machine text.", {})], signature=SIG)
    memory.save_edit("ارتفعت أسعار النفط اليوم بعد قرار أوبك.", "Oil rose.", editor="amal", signature=SIG, terms={})
    matches = memory.fuzzy(near)
    assert [(entry.target, entry.origin) for entry, _ in matches] == [(MINISTER_EN, "edited")]
    assert 0.85 <= matches[0][1] < 1
    assert memory.fuzzy(MINISTER) == []  # never the exact key itself
    assert memory.fuzzy("انخفضت أسعار الذهب في الأسواق العالمية.") == []
    assert memory.fuzzy(near, threshold=0.99) == []


def test_the_later_edit_wins_and_both_are_in_the_history(memory: Memory) -> None:
    memory.save_edit(MINISTER, "First.", editor="amal", signature=SIG, terms={}, when="2026-01-01T10:00:00Z")
    memory.save_edit(MINISTER, "Second.", editor="omar", signature=SIG, terms={}, when="2026-01-01T10:00:05Z")
    assert memory.exact(MINISTER, signature=SIG, terms={}).target == "Second."
    history = memory.history(MINISTER)
    assert [(c.action, c.target, c.editor, c.when) for c in history] == [
        ("edit", "First.", "amal", "2026-01-01T10:00:00Z"),
        ("edit", "Second.", "omar", "2026-01-01T10:00:05Z"),
    ]


def test_revert_removes_the_edit_and_keeps_its_history(memory: Memory) -> None:
    memory.save_machine([(MINISTER, MINISTER_EN, {})], signature=SIG)
    memory.save_edit(MINISTER, "Edited.", editor="amal", signature=SIG, terms={})
    assert memory.revert(MINISTER, editor="amal") is True
    assert memory.exact(MINISTER, signature=SIG, terms={}).origin == "machine"
    assert [c.action for c in memory.history(MINISTER)] == ["edit", "revert"]
    assert memory.revert(MINISTER) is False
    near = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع القادم في القاهرة."
    assert memory.fuzzy(near) == []  # no longer offered


def test_prune_removes_old_and_extra_machine_entries_never_edits(memory: Memory) -> None:
    memory.save_machine([("جملة قديمة جدا.", "Old.", {})], signature=SIG, when="2020-01-01T00:00:00Z")
    memory.save_machine([(f"جملة حديثة {n}.", f"New {n}.", {}) for n in range(5)], signature=SIG)
    memory.save_edit("تعديل قديم.", "Old edit.", editor="amal", signature=SIG, terms={}, when="2020-01-01T00:00:00Z")
    assert memory.prune(older_than_days=30) == 1
    assert memory.prune(max_entries=2) == 3
    stats = memory.stats()
    assert (stats["machine"], stats["edited"]) == (2, 1)
    with pytest.raises(TranslateError):
        memory.prune(max_entries=-1)


def test_empty_entries_are_refused(memory: Memory) -> None:
    with pytest.raises(TranslateError, match="needs Arabic"):
        memory.save_edit("  ", "Text.", editor=None, signature=SIG, terms={})
    assert memory.save_machine([("جملة.", " ", {}), ("", "x", {})], signature=SIG) == 0


def _write_entries(url: str, writer: int, count: int) -> None:
    with open_memory(url) as memory:
        for n in range(count):
            source = f"الكاتب {writer} كتب الجملة رقم {n} اليوم."
            if n % 2:
                memory.save_edit(source, f"Writer {writer}, sentence {n}.", editor=f"w{writer}",
                                 signature=SIG, terms={})  # fmt: skip
            else:
                memory.save_machine([(source, f"Writer {writer}, sentence {n}.", {})], signature=SIG)


def test_four_processes_writing_at_once_lose_nothing(memory_url: str) -> None:
    open_memory(memory_url).close()  # created and migrated once, as the app would
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_entries, args=(memory_url, w, 1000)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with open_memory(memory_url) as memory:
        stats = memory.stats()
        assert (stats["edited"], stats["machine"], stats["history"]) == (2000, 2000, 2000)
        found = memory.exact_many(
            [(f"الكاتب {w} كتب الجملة رقم {n} اليوم.", {}) for w in range(4) for n in range(1000)], signature=SIG
        )
        assert len(found) == 4000


def test_a_sqlite_memory_is_private_to_its_owner(tmp_path: Path) -> None:
    open_memory(f"sqlite:///{tmp_path / 'new' / 'm.db'}").close()
    assert (tmp_path / "new" / "m.db").stat().st_mode & 0o777 == 0o600


def test_a_corrupt_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(TranslateError, match=rf"translation memory sqlite:///{path}.*not a database"):
        open_memory(f"sqlite:///{path}")


def test_a_damaged_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    with open_memory(f"sqlite:///{path}") as memory:
        memory.save_machine([(f"جملة {n}.", "x", {}) for n in range(2000)], signature=SIG)
    with open(path, "r+b") as handle:  # overwrite the pages after the header with garbage
        handle.seek(4096)
        handle.write(os.urandom(64 * 1024))
    url = f"sqlite:///{path}"
    with pytest.raises(TranslateError, match="translation memory sqlite:///"), open_memory(url) as memory:
        memory.stats()
        memory.exact_many([(f"جملة {n}.", {}) for n in range(2000)], signature=SIG)


def test_a_locked_sqlite_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(memory_store, "RETRIES", 2)
    path = tmp_path / "m.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE other (x)")
    try:
        with pytest.raises(TranslateError, match=r"translation memory sqlite:///.*locked"):
            open_memory(f"sqlite:///{path}")
    finally:
        holder.close()


def test_an_unreadable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TranslateError, match="Cannot open the translation memory"):
        open_memory(f"sqlite:///{blocker / 'm.db'}")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    open_memory(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE memory_schema SET version = 99")
    connection.close()
    with pytest.raises(TranslateError, match="schema version 99"):
        open_memory(f"sqlite:///{path}")


@pytest.mark.parametrize("url", ["off", "mysql://host/db", "sqlite://host/m.db", "sqlite:///", ""])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(TranslateError):
        open_memory(url)


def test_the_fuzzy_benchmark_finds_what_a_plain_scan_finds() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import memory_fuzzy

    result = memory_fuzzy.measure(2000, 40)
    assert result["entries"] == 2000 and result["lookups"] == 40
    assert result["baseline_matches"] >= 20  # the near-duplicate half of the queries
    assert result["indexed_found"] == result["baseline_matches"]
    assert result["indexed_median_ms"] > 0 and result["scan_median_ms"] > 0


def test_the_word_index_follows_edits_imports_and_reverts(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    near = "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع القادم في القاهرة."
    with open_memory(f"sqlite:///{path}") as memory:
        memory.save_edit(MINISTER, "One.", editor="a", signature=SIG, terms={})
        memory.save_edit(MINISTER, "Two.", editor="b", signature=SIG, terms={})
        when = "2026-01-01T00:00:00Z"
        memory.add_imported([Entry(MINISTER, "Three.", "edited", "c", when, SIG, {}),
                             Entry(MINISTER, "Four.", "edited", "d", when, SIG, {}),
                             Entry("جملة أخرى هنا.", "Other.", "edited", "d", when, SIG, {})])  # fmt: skip
        assert [entry.target for entry, _ in memory.fuzzy(near)] == ["Four."]
        assert [c.target for c in memory.history(MINISTER)] == ["One.", "Two.", "Three.", "Four."]
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT SUM(entries) FROM word_counts").fetchone()[0] == memory.stats()["indexed_words"]
        raw.close()
        memory.revert(MINISTER)
        memory.revert("جملة أخرى هنا.")
        assert memory.fuzzy(near) == [] and memory.stats()["indexed_words"] == 0
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT MAX(entries), MIN(entries) FROM word_counts").fetchone() == (0, 0)
        raw.close()
