"""Post-editing in the review table: edits checked again, the text rebuilt, the files exported,
and the app's review endpoint through a real client."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import built
from gradio_client import Client

from summarize import Summarizer
from translate import testing as factory
from translate.checks import NOT_ARABIC, check, confidence
from translate.errors import TranslateError
from translate.formats.signing import read_signature
from translate.glossary import Glossary
from translate.translator import Segment, Translation, Translator
from web import review

YEAR_AR = "أعلنت الوزارة عن المشروع عام 2020."
YEAR_WRONG = "The ministry announced the project in 2002."
YEAR_RIGHT = "The ministry announced the project in 2020."
P = factory.PAIRS


def segment(source: str, target: str, paragraph: int, score: float = -0.1) -> Segment:
    details = check(source, target, score=score)
    return Segment(source, target, paragraph, score, tuple(details), details)


# Two paragraphs: the second sentence has the wrong year, the last one a low model score.
ARTICLE = f"{P[0][0]} {YEAR_AR}\n\n{P[1][0]} {P[4][0]}"
MACHINE_SEGMENTS = (segment(P[0][0], P[0][1], 0), segment(YEAR_AR, YEAR_WRONG, 0),
                    segment(P[1][0], P[1][1], 1), segment(P[4][0], P[4][1], 1, score=-2.5))
MACHINE = Translation(f"{P[0][1]} {YEAR_WRONG}\n\n{P[1][1]} {P[4][1]}", MACHINE_SEGMENTS)


@pytest.fixture()
def session() -> review.Session:
    return review.Session.start(ARTICLE, MACHINE)


def english(*changes: tuple[int, str]) -> list[str]:
    out = [s.target for s in MACHINE.segments]
    for index, text in changes:
        out[index] = text
    return out


def test_the_machine_flags_are_what_the_tests_below_start_from() -> None:
    assert [s.flags for s in MACHINE.segments] == [(), ("numbers",), (), ("low_confidence",)]


def test_no_edit_gives_the_machine_translation_back(session) -> None:
    assert review.edit(session, english()) == MACHINE


def test_session_reads_paragraph_breaks_from_the_article() -> None:
    assert review.Session.start(ARTICLE, MACHINE).breaks == ("\n\n",)
    assert review.Session.start(ARTICLE.replace("\n\n", "\n"), MACHINE).breaks == ("\n",)


def test_session_refuses_a_translation_of_another_article() -> None:
    with pytest.raises(TranslateError, match="does not match the article"):
        review.Session.start(ARTICLE.replace("\n\n", " "), MACHINE)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ([(1, YEAR_RIGHT)], f"{P[0][1]} {YEAR_RIGHT}\n\n{P[1][1]} {P[4][1]}"),
        ([(2, "He added more.")], f"{P[0][1]} {YEAR_WRONG}\n\nHe added more. {P[4][1]}"),
        ([(0, "  Talks   resume \n next week. "), (3, "A visit.")],
         f"Talks resume next week. {YEAR_WRONG}\n\n{P[1][1]} A visit."),
        ([(2, ""), (3, "")], f"{P[0][1]} {YEAR_WRONG}\n\n"),
    ],
    ids=["first-paragraph", "second-paragraph", "spaces-and-line-breaks-tidied", "paragraph-emptied"],
)
def test_edited_text_keeps_paragraph_breaks(session, changes, text: str) -> None:
    assert review.edit(session, english(*changes)).text == text


@pytest.mark.parametrize(
    ("index", "new", "flags"),
    [
        (1, YEAR_RIGHT, ()),
        (0, P[0][1].replace("next week", "in 3 weeks"), ("numbers",)),
        (0, "The talks.", ("length",)),
        (0, P[0][1] + " القاهرة", ("untranslated",)),
        (3, "The president arrived in the capital for a two-day official visit.", ()),
        (3, "The the the president arrived in the capital on a two-day official visit.", ("repetition",)),
    ],
    ids=["fixed-year-clears-numbers", "new-number-raises-numbers", "too-short-raises-length",
         "arabic-left-raises-untranslated", "edit-drops-low-confidence", "loop-raises-repetition"],
)
def test_edited_sentences_are_checked_again(session, index: int, new: str, flags: tuple) -> None:
    current = review.edit(session, english((index, new)))
    assert current.segments[index].flags == flags
    assert set(current.segments[index].details) == set(flags)
    others = [i for i in range(4) if i != index]
    assert [current.segments[i] for i in others] == [MACHINE.segments[i] for i in others]


def test_an_unchanged_sentence_keeps_the_machine_flags_even_with_extra_spaces(session) -> None:
    current = review.edit(session, english((1, f"  {YEAR_WRONG} "), (3, P[4][1].replace(" ", "  "))))
    assert current == MACHINE
    assert review.edited(MACHINE, current) == []


def test_edit_needs_one_english_sentence_per_row(session) -> None:
    with pytest.raises(TranslateError, match="3 sentences given for an article of 4"):
        review.edit(session, english()[:3])


def test_glossary_verifies_house_forms_in_the_edit_without_rewriting_it(session) -> None:
    glossary = Glossary.from_rows([["وزير الخارجية", "foreign minister", "top diplomat"], ["القاهرة", "Cairo"]])
    current = review.edit(session, english((0, "The top diplomat said talks resume next week in Cairo.")),
                          glossary=glossary)
    assert current.segments[0].target == "The top diplomat said talks resume next week in Cairo."
    assert current.segments[0].flags == ("glossary",)
    assert current.segments[0].details["glossary"] == "foreign minister missing"
    fixed = review.edit(session, english((0, "The foreign minister said talks resume next week in Cairo.")),
                        glossary=glossary)
    assert fixed.segments[0].flags == ()


def test_english_of_reads_the_english_column_only(session) -> None:
    table = review.rows(MACHINE)
    table[1][review.ENGLISH] = YEAR_RIGHT
    table[0][3], table[0][4] = "100", "edited by hand"  # other columns are not the editor's to change
    assert review.english_of(table, MACHINE) == english((1, YEAR_RIGHT))
    assert review.english_of({"headers": list(review.HEADERS), "data": table}, MACHINE) == english((1, YEAR_RIGHT))
    import pandas as pd

    frame = pd.DataFrame(table, columns=list(review.HEADERS))
    assert review.english_of(frame, MACHINE) == english((1, YEAR_RIGHT))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (lambda rows: rows[:3], "has 3 rows but the article has 4 sentences"),
        (lambda rows: [*rows, [5, "جملة", "A sentence.", "", ""]], "has 5 rows but the article has 4"),
        (lambda rows: [rows[1], rows[0], *rows[2:]], "Row 1 of the review table is not sentence 1"),
        (lambda rows: [row[:2] for row in rows], "Row 1 of the review table has no English column"),
        (lambda rows: [], "has 0 rows"),
    ],
    ids=["row-missing", "row-added", "rows-swapped", "no-english-column", "empty"],
)
def test_english_of_refuses_a_table_of_another_article(table, message: str) -> None:
    with pytest.raises(TranslateError, match=message):
        review.english_of(table(review.rows(MACHINE)), MACHINE)


def _edited_table() -> list[list]:
    table = review.rows(MACHINE)
    table[1][review.ENGLISH] = YEAR_RIGHT
    return table


@pytest.mark.parametrize(
    ("change", "expected", "note"),
    [
        (lambda rows: rows, english((1, YEAR_RIGHT)), ""),
        (lambda rows: [*rows[:2], [None, None, None, None, None], *rows[2:]], english((1, YEAR_RIGHT)),
         "The review table keeps one row per sentence: 1 row that is not a sentence of the article left out."),
        (lambda rows: [*rows, ["", "", "Added by hand.", "", ""], ["", "", "", "", ""]], english((1, YEAR_RIGHT)),
         "The review table keeps one row per sentence: 2 rows that are not a sentence of the article left out."),
        (lambda rows: [rows[0], rows[1], rows[3]], english((1, YEAR_RIGHT)),
         "The review table keeps one row per sentence: the machine English of sentence 3 put back."),
        (lambda rows: [rows[1], rows[0], rows[2], rows[3]], english(),
         "The review table keeps one row per sentence: 1 row that is not a sentence of the article left out; "
         "the machine English of sentence 2 put back."),
        (lambda rows: [], english(),
         "The review table keeps one row per sentence: the machine English of sentences 1, 2, 3, 4 put back."),
    ],
    ids=["whole", "row-added-inside", "rows-added-at-the-end", "row-deleted", "rows-swapped", "all-deleted"],
)
def test_match_rows_recovers_from_rows_added_or_deleted_in_the_browser(change, expected, note: str) -> None:
    assert review.match_rows(change(_edited_table()), MACHINE) == (expected, note)


def test_rows_show_confidence_figure_and_flag_details(session) -> None:
    current = review.edit(session, english((2, "He added that the government has 2 plans.")))
    rows = review.rows(current, MACHINE)
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert [row[3] for row in rows] == [confidence(-0.1), confidence(-0.1), review.EDITED, confidence(-2.5)]
    assert rows[0][3] == 90 and rows[3][3] == 8
    assert rows[1][4] == f"numbers: {MACHINE.segments[1].details['numbers']}"
    assert rows[2][4] == f"numbers: {current.segments[2].details['numbers']}"
    assert rows[3][4].startswith("low_confidence: ")
    assert rows[0][4] == ""


def test_flag_text_puts_each_flag_and_its_detail_on_a_line() -> None:
    details = {"numbers": "2020 in the Arabic is missing; 2002 is not in the Arabic", "length": "ratio 0.3"}
    item = Segment("س", "t", 0, -0.1, ("numbers", "length", "truncated"), details)
    assert review.flag_text(item) == ("numbers: 2020 in the Arabic is missing; 2002 is not in the Arabic\n"
                                      "length: ratio 0.3\ntruncated")


def test_table_highlights_flagged_rows_and_tints_edited_ones(session) -> None:
    current = review.edit(session, english((1, YEAR_RIGHT), (2, "He added that the government drafts a new plan.")))
    table = review.table(current, MACHINE)
    assert table["headers"] == list(review.HEADERS)
    assert [row[0] for row in table["metadata"]["styling"]] == [
        "", review.EDITED_STYLE, review.EDITED_STYLE, review.FLAGGED_STYLE]
    assert all(len(row) == len(review.HEADERS) for row in table["metadata"]["styling"])
    assert all(row[review.ARABIC].endswith(review.ARABIC_STYLE) for row in table["metadata"]["styling"])


def test_status_counts_edits_and_says_when_the_summary_is_stale(session) -> None:
    current = review.edit(session, english((1, YEAR_RIGHT)))
    assert review.status(MACHINE, MACHINE) == "4 sentences, 2 to double-check."
    assert review.status(MACHINE, current) == "4 sentences, 1 to double-check. 1 edited."
    stale = review.status(MACHINE, current, {"english": "x", "of": "machine"}, "Summary of the whole article.")
    assert stale.endswith("press Regenerate summaries to update it. Summary of the whole article.")
    assert "Regenerate" not in review.status(MACHINE, current, {"english": "x", "of": review.EDITED})


def test_status_lists_the_paragraphs_kept_as_written_even_after_an_edit() -> None:
    quote = "We will not negotiate under threat."
    kept = Segment(quote, quote, 1, 0.0, (NOT_ARABIC,), {NOT_ARABIC: "English paragraph, kept as written"})
    machine = Translation(f"{P[0][1]}\n\n{quote}", (segment(P[0][0], P[0][1], 0), kept))
    note = "Kept as written, not translated: paragraph 2 (English)."
    assert review.status(machine, machine) == f"2 sentences, 1 to double-check. {note}"
    edited = Translation("", (machine.segments[0], review.recheck(kept, "We shall not negotiate.")))
    assert note in review.status(machine, edited)
    assert review.flag_words(kept) == "• Not Arabic: English paragraph, kept as written"


def test_export_writes_the_edit_and_keeps_machine_and_edited_side_by_side(session, tmp_path: Path) -> None:
    current = review.edit(session, english((1, YEAR_RIGHT)))
    signature = {"khabar": "test", "translation": {"model": "tiny"}, "summary": None}
    summary = {"english": "S.", "arabic": "م.", "of": "machine"}
    files = review.export(tmp_path, MACHINE, current, summary=summary, signature=signature)
    assert [Path(f).name for f in files] == list(review.FILE_NAMES)
    note = "Edited by the editor: sentence 2 (of 4)."
    assert Path(files[0]).read_text("utf-8") == f"{current.text}\n\n{note}\n"
    document = docx.Document(files[1])
    assert [p.text for p in document.paragraphs] == [f"{P[0][1]} {YEAR_RIGHT}", f"{P[1][1]} {P[4][1]}", note,
                                                     "Translated by Khabar test with tiny"]
    assert document.paragraphs[-2].runs[0].font.size.pt == 8  # small print
    assert document.core_properties.author == "Khabar" and read_signature(Path(files[1]).read_bytes()) == signature
    data = json.loads(Path(files[2]).read_text("utf-8"))
    assert data["signature"] == signature and data["summary"] == summary
    assert (data["text"], data["machine_text"], data["edited"]) == (current.text, MACHINE.text, 1)
    assert (data["edited_sentences"], data["edited_note"]) == ([2], note)
    edited = data["segments"][1]
    assert (edited["machine"], edited["edited"], edited["target"]) == (YEAR_WRONG, YEAR_RIGHT, YEAR_RIGHT)
    assert (edited["flags"], edited["details"], edited["machine_flags"]) == ([], {}, ["numbers"])
    assert edited["machine_details"] == MACHINE.segments[1].details
    untouched = data["segments"][3]
    assert "machine" not in untouched and "edited" not in untouched
    assert (untouched["score"], untouched["confidence"], untouched["flags"]) == (-2.5, 8, ["low_confidence"])


@pytest.mark.parametrize(("changes", "note"), [
    ((), "Edited by the editor: none of the 4 sentences."),
    (((0, "Changed."), (3, "Also changed.")), "Edited by the editor: sentences 1, 4 (of 4)."),
], ids=["none", "two"])
def test_every_download_says_which_sentences_were_edited(session, tmp_path: Path, changes, note: str) -> None:
    current = review.edit(session, english(*changes))
    txt, docx_file, json_file = review.export(tmp_path, MACHINE, current)
    data = json.loads(Path(json_file).read_text("utf-8"))
    assert data["edited_note"] == note and data["edited_sentences"] == [i + 1 for i, _ in changes]
    assert data["edited"] == len(changes)
    assert Path(txt).read_text("utf-8").splitlines()[-1] == note
    assert [p.text for p in docx.Document(docx_file).paragraphs][-2:] == [note, "Translated by Khabar"]


# ---- the app's review endpoint, with a tiny model that writes the wrong year ----

YEAR_PAIRS = (P[0], (YEAR_AR, YEAR_WRONG), P[1], P[4], P[6])
YEAR_ARTICLE = f"{P[0][0]} {YEAR_AR}\n\n{P[1][0]} {P[4][0]} {P[6][0]}"
YEAR_ENGLISH = f"{P[0][1]} {YEAR_WRONG}\n\n{P[1][1]} {P[4][1]} {P[6][1]}"


@pytest.fixture(scope="session")
def wrong_year_marian(models_dir) -> Path:
    """A tiny Marian model that translates :data:`YEAR_PAIRS`, writing 2002 for the Arabic's 2020."""
    texts = [a for a, _ in YEAR_PAIRS] + list(factory.ARABIC_EXTRA)
    targets = [e for _, e in YEAR_PAIRS] + list(factory.ENGLISH_EXTRA)
    return built(models_dir / "marian-wrong-year", lambda folder: factory.memorise(
        factory.build_marian(folder, source_texts=texts, target_texts=targets), YEAR_PAIRS))


@pytest.fixture(scope="module")
def year_app(wrong_year_marian, memorised_mt5):
    from web.service import Service
    from web.ui import build_app

    service = Service(Translator(str(wrong_year_marian), beams=1), Summarizer(str(memorised_mt5)))
    service.warm()
    demo = build_app(service, max_queue=4, concurrency=1)
    _, url, _ = demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url, service
    demo.close()
    service.close()


def test_review_endpoint_checks_edited_rows_again_and_returns_the_files(year_app) -> None:
    url, _ = year_app
    client = Client(url, verbose=False)
    text, rows = client.predict(YEAR_ARTICLE, api_name="/translate")
    assert text == YEAR_ENGLISH
    assert [row[4].split(":")[0] for row in rows] == ["", "numbers", "", "", ""]
    rows[1][2] = YEAR_RIGHT
    text, checked, files, status = client.predict(YEAR_ARTICLE, rows, api_name="/review")
    assert text == YEAR_ENGLISH.replace(YEAR_WRONG, YEAR_RIGHT)
    assert [row[4] for row in checked] == [""] * 5
    assert checked[1][3] == review.EDITED
    assert status == "5 sentences, 0 to double-check. 1 edited."
    by_name = {Path(f).name: Path(f) for f in files}
    note = "Edited by the editor: sentence 2 (of 5)."
    assert by_name["translation.txt"].read_text("utf-8") == f"{text}\n\n{note}\n"
    assert [p.text for p in docx.Document(by_name["translation.docx"]).paragraphs][:-1] == [*text.split("\n\n"), note]
    data = json.loads(by_name["translation.json"].read_text("utf-8"))
    assert (data["segments"][1]["machine"], data["segments"][1]["edited"]) == (YEAR_WRONG, YEAR_RIGHT)
    assert data["signature"]["translation"]["model"] == str(year_app[1].translator.model_name)

    rows[1][2] = YEAR_RIGHT.replace("2020", "2021")
    _, checked, _, status = client.predict(YEAR_ARTICLE, rows, api_name="/review")
    assert checked[1][4].startswith("numbers: ")
    assert status == "5 sentences, 1 to double-check. 1 edited."


def test_review_endpoint_refuses_rows_of_another_article(year_app) -> None:
    client = Client(year_app[0], verbose=False)
    _, rows = client.predict(YEAR_ARTICLE, api_name="/translate")
    with pytest.raises(Exception, match="has 4 rows but the article has 5 sentences"):
        client.predict(YEAR_ARTICLE, rows[:4], api_name="/review")
    with pytest.raises(Exception, match="The input is empty"):
        client.predict("", rows, api_name="/review")


def test_flag_words_name_each_flag_in_words_on_its_own_bulleted_line() -> None:
    details = {"numbers": "2020 in the Arabic is missing", "length": "ratio 0.3"}
    item = Segment("س", "t", 0, -0.1, ("numbers", "length", "low_confidence"), details)
    assert review.flag_words(item) == "• Numbers: 2020 in the Arabic is missing\n• Length: ratio 0.3\n• Low confidence"


def test_the_review_table_shows_flags_in_words_and_the_api_rows_keep_their_names(session) -> None:
    data = review.table(MACHINE)["data"]
    assert data[1][4] == f"• Numbers: {MACHINE.segments[1].details['numbers']}\n{review.ALTERNATIVES_LINE}"
    assert data[0][4] == ""  # an unflagged row offers its alternatives on a click only
    assert review.rows(MACHINE)[1][4].startswith("numbers: ")


@pytest.mark.parametrize(
    ("new_article", "expected", "lost"),
    [
        # the same article: every edit kept
        ([P[0][0], YEAR_AR, P[1][0], P[4][0]], [P[0][1], YEAR_RIGHT, "He added more.", P[4][1]], []),
        # a sentence added before the edited ones: each edit follows its Arabic
        ([P[6][0], P[0][0], YEAR_AR, P[1][0], P[4][0]], [P[6][1], P[0][1], YEAR_RIGHT, "He added more.", P[4][1]],
         []),
        # the edited year sentence removed: its edit is reported, the other kept
        ([P[0][0], P[1][0], P[4][0]], [P[0][1], "He added more.", P[4][1]], [f"“{YEAR_AR}” → “{YEAR_RIGHT}”"]),
    ],
    ids=["same-article", "sentence-added", "edited-sentence-removed"],
)
def test_carry_edits_keeps_the_edits_of_sentences_whose_arabic_did_not_change(new_article, expected, lost) -> None:
    edits = english((1, YEAR_RIGHT), (2, "He added   more."))
    targets = {a: e for a, e in [*P, (YEAR_AR, YEAR_WRONG)]}
    machine = Translation("", tuple(segment(a, targets[a], 0) for a in new_article))
    carried, dropped = review.carry_edits(MACHINE, edits, machine)
    assert [review.tidy(t) for t in carried] == expected
    assert dropped == lost


def test_carry_edits_gives_repeated_sentences_their_edits_in_turn() -> None:
    previous = Translation("", (segment(P[0][0], P[0][1], 0), segment(P[0][0], P[0][1], 1)))
    carried, lost = review.carry_edits(previous, ["First.", P[0][1]], previous)
    assert (carried, lost) == (["First.", P[0][1]], [])


def test_edit_review_keeps_each_edit_for_undo_and_retranslate_keeps_edits(year_app) -> None:
    from web import handlers

    _, service = year_app
    *_, state = list(handlers.run_article(service, YEAR_ARTICLE, False))[-1]
    rows = [list(row) for row in handlers.review_rows(state.session.machine)]
    rows[1][2] = YEAR_RIGHT
    text, _, _, status, state = handlers.edit_review(service, state, rows)
    assert YEAR_RIGHT in text and status.endswith("1 edited. Undo can take back 1 edit.")
    rows[0][2] = "First."
    text, _, _, status, state = handlers.edit_review(service, state, rows)
    assert text.startswith("First. " + YEAR_RIGHT) and "2 edited." in status
    _, _, _, status, same = handlers.edit_review(service, state, [*rows, ["", "", "Added.", "", ""]])
    assert same.history == state.history and "1 row that is not a sentence of the article left out" in status

    text, _, _, status, state = handlers.undo(service, state)
    assert text.startswith(f"{YEAR_PAIRS[0][1]} {YEAR_RIGHT}") and status.startswith("5 sentences, 0 to double-check. "
                                                                                      "1 edited. Edit undone.")
    rows[0][2] = YEAR_PAIRS[0][1]
    *_, kept = list(handlers.retranslate(service, YEAR_ARTICLE, False, None, None, state, rows))[-1]
    assert kept.now()[1] == YEAR_RIGHT and "1 edit kept from before." in list(handlers.retranslate(
        service, YEAR_ARTICLE, False, None, None, state, rows))[-1][5]
    *_, status, _ = list(handlers.retranslate(service, YEAR_ARTICLE.replace(f" {YEAR_AR}", ""), False, None, None,
                                              state, rows))[-1]
    assert f"1 edit replaced: the Arabic changed, so it was not kept: “{YEAR_AR}” → “{YEAR_RIGHT}”." in status
    text, *_, state = handlers.undo(service, state)
    assert text == YEAR_ENGLISH
    with pytest.raises(Exception, match="There is no edit to undo"):
        handlers.undo(service, state)


def test_the_paste_tab_says_which_paragraph_it_has_translated(year_app) -> None:
    from web import handlers

    statuses = [update[5] for update in handlers.run_article(year_app[1], YEAR_ARTICLE, False)]
    assert statuses[:2] == ["Translating… paragraph 1 of 2 done.", "Translating… paragraph 2 of 2 done."]
    assert statuses[-1] == "5 sentences, 1 to double-check. No summary: Write a summary was switched off."


def test_the_files_tab_lists_a_file_of_another_type_in_its_status(wrong_year_marian, tmp_path) -> None:
    import support
    from gradio_client import handle_file

    from translate.config import UPLOAD_TYPES
    from web.service import Service

    (tmp_path / "story.txt").write_text(YEAR_ARTICLE, encoding="utf-8")
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04")
    with support.served(Service(Translator(str(wrong_year_marian), beams=1), None)) as url:
        _, status = Client(url, verbose=False).predict(
            [handle_file(str(tmp_path / "story.txt")), handle_file(str(tmp_path / "notes.xlsx"))], False,
            api_name="/translate_files")
    assert status == (f"1 of 2 files translated. Problems: notes.xlsx: not translated: the app reads "
                      f"{', '.join(UPLOAD_TYPES)} files, not '.xlsx'. No summaries: summaries are switched off on "
                      "this server.")


def test_alternatives_offer_the_models_candidates_and_picking_one_makes_it_the_edit(year_app) -> None:
    from web import handlers

    _, service = year_app
    *_, state = list(handlers.run_article(service, YEAR_ARTICLE, False))[-1]
    update = handlers.alternatives(service, state, 1)
    labels, values = zip(*update["choices"], strict=True)
    assert values[0] == YEAR_WRONG and labels[0].startswith(f"{YEAR_WRONG}   [• Numbers: ")
    assert len(set(values)) == len(values) >= 2
    rows = handlers.review_rows(state.session.machine)
    text, table, _, status, state = handlers.pick_alternative(service, state, rows, 1, values[1])
    assert table["data"][1][2] == values[1] and table["data"][1][3] == review.EDITED
    assert values[1] in text and status.endswith("1 edited. Undo can take back 1 edit.")
    with pytest.raises(Exception, match="Select a sentence"):
        handlers.alternatives(service, state, None)


HOUSE_ROWS = [["الوزارة", "department", "ministry", "", ""]]  # the model writes "ministry" for الوزارة


def test_glossary_house_forms_are_marked_in_the_table_and_the_json(year_app) -> None:
    from web import handlers

    _, service = year_app
    text, table, *_, files, _, state = list(handlers.run_article(service, YEAR_ARTICLE, False, None,
                                                                      HOUSE_ROWS))[-1]
    corrected = YEAR_WRONG.replace("ministry", "department")
    assert corrected in text and table["data"][1][2] == corrected
    assert state.session.machine.segments[1].house_forms == {"department": "الوزارة"}
    assert table["data"][1][4].split("\n")[1:] == [f"{review.HOUSE_MARK}House form: department (for Arabic الوزارة)",
                                                   review.ALTERNATIVES_LINE]
    assert table["data"][1][4].startswith(review.FLAG_MARK)  # the year's flag first, the house form after it
    assert all(review.HOUSE_MARK not in row[4] for k, row in enumerate(table["data"]) if k != 1)
    data = json.loads(next(Path(f) for f in files if f.endswith(".json")).read_text("utf-8"))
    assert data["segments"][1]["house_forms"] == {"department": "الوزارة"}
    assert data["segments"][0]["house_forms"] == {}

    rows = handlers.review_rows(state.session.machine)
    rows[1][2] = YEAR_RIGHT  # the editor writes "ministry" again: no house form kept, the glossary flags it
    _, table, files, _, state = handlers.edit_review(service, state, rows)
    assert table["data"][1][4] == f"{review.FLAG_MARK}Glossary: department missing\n{review.ALTERNATIVES_LINE}"
    rows[1][2] = corrected.replace("2002", "2020")
    _, table, files, _, state = handlers.edit_review(service, state, rows)
    assert table["data"][1][4] == f"{review.HOUSE_MARK}House form: department (for Arabic الوزارة)"
    data = json.loads(next(Path(f) for f in files if f.endswith(".json")).read_text("utf-8"))
    assert data["segments"][1]["house_forms"] == {"department": "الوزارة"}


def test_an_edit_keeps_the_house_forms_it_still_holds_when_no_glossary_is_given() -> None:
    machine = replace(segment(YEAR_AR, "The department announced it in 2020.", 0),
                      house_forms={"department": "الوزارة"})
    assert review.recheck(machine, "The Department said so in 2020.").house_forms == {"department": "الوزارة"}
    assert review.recheck(machine, "The ministry said so in 2020.").house_forms == {}


def test_selecting_a_flagged_sentence_offers_its_alternatives_at_once(year_app) -> None:
    from web import handlers

    _, service = year_app
    *_, state = list(handlers.run_article(service, YEAR_ARTICLE, False))[-1]
    update = handlers.offer_alternatives(service, state, 1)  # sentence 2 has the wrong year
    assert update["visible"] and update["choices"][0][1] == YEAR_WRONG
    assert handlers.offer_alternatives(service, state, 0) == {"__type__": "update"}  # not flagged: no change
    assert handlers.offer_alternatives(service, None, 1) == {"__type__": "update"}
    rows = handlers.review_rows(state.session.machine)
    rows[1][2] = YEAR_RIGHT
    *_, state = handlers.edit_review(service, state, rows)
    assert handlers.offer_alternatives(service, state, 1) == {"__type__": "update"}  # the edit cleared its flag


def test_undo_after_translating_again_brings_back_the_edits_as_they_were(year_app) -> None:
    from web import handlers

    _, service = year_app
    *_, state = list(handlers.run_article(service, YEAR_ARTICLE, False))[-1]
    rows = handlers.review_rows(state.session.machine)
    rows[1][2] = YEAR_RIGHT
    *_, state = handlers.edit_review(service, state, rows)
    rows[0][2] = "First."
    *_, state = handlers.edit_review(service, state, rows)
    shorter = YEAR_ARTICLE.replace(f" {YEAR_AR}", "")  # the edited year's sentence taken out of the article
    text, *_, status, again = list(handlers.retranslate(service, shorter, False, None, None, state, rows))[-1]
    assert YEAR_RIGHT not in text and text.startswith("First.\n") and "Undo brings back the edits" in status
    rows_again = handlers.review_rows(again.session.machine, again.session.machine)
    rows_again[-1][2] = "Last."
    *_, again = handlers.edit_review(service, again, rows_again)

    text, table, _, status, undone = handlers.undo(service, again)  # the edit made after translating again
    assert text.startswith("First.\n") and "Last." not in text and undone.before is not None
    text, table, _, status, undone = handlers.undo(service, undone)  # the re-translation itself
    assert text == YEAR_ENGLISH.replace(YEAR_PAIRS[0][1], "First.").replace(YEAR_WRONG, YEAR_RIGHT)
    assert [row[2] for row in table["data"][:2]] == ["First.", YEAR_RIGHT] and len(table["data"]) == 5
    assert status.startswith("5 sentences, ") and "2 edited. Translation undone:" in status
    assert undone.session.article == state.session.article and undone.history == state.history
    assert handlers.article_of(undone, shorter)[0] == state.session.article  # the Arabic box follows
    assert handlers.article_of(undone, YEAR_ARTICLE)[0] == {"__type__": "update"}
    text, *_, undone = handlers.undo(service, undone)  # then the edits before it, one by one
    assert text == YEAR_ENGLISH.replace(YEAR_WRONG, YEAR_RIGHT)
