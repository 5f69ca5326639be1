"""The evaluation command: sacrebleu's figures exactly, alignment, flag precision, the numbers check,
model ranking, bad inputs, and the HTML report in a real browser with no network."""

from __future__ import annotations

import html
import io
import json
import os
import re
from pathlib import Path

import pytest
import support
from sacrebleu.metrics import BLEU, CHRF, TER

from jobs.evaluate import Unit, flag_precision, numbers_check, reference_units
from translate import testing as factory
from translate.align import Bead, align, sentences
from translate.errors import TranslateError
from translate.evaluate.__main__ import main, models_given, progress_bar

ROOT = Path(__file__).resolve().parents[1]
P = factory.PAIRS
NUMBER_CHANGED = "Oil prices rose by 4.5 percent on Monday."  # reference of P[2]; the output says 3.5
WORDING_CHANGED = "Torrential rain keeps falling on the coastal towns."  # reference of P[5]
REFERENCE_EN = (factory.ARTICLE_EN.replace(P[2][1], NUMBER_CHANGED).replace(P[5][1], WORDING_CHANGED))
SHORT_AR = f"# {P[4][0]}\n\n- {P[8][0]}\n"
SHORT_EN = f"# {P[4][1]}\n\n- {P[8][1]}\n"


def flat(text: str) -> str:
    return " ".join(text.split())


def write_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """Two articles (a .txt of 10 sentences, a .md of 2) and references that differ in two sentences."""
    root = tmp_path_factory.mktemp("corpus")
    sources = write_tree(root / "sources", {"article.txt": factory.ARTICLE_AR, "desk/short.md": SHORT_AR})
    references = write_tree(root / "references", {"article.txt": REFERENCE_EN, "desk/short.md": SHORT_EN})
    return sources, references


@pytest.fixture(scope="module")
def evaluated(corpus, memorised_marian, random_marian, tmp_path_factory):
    """The command run once with both models, writing the JSON figures and the HTML report."""
    out = tmp_path_factory.mktemp("evaluated")
    sources, references = corpus
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdout", stdout)
        patch.setattr("sys.stderr", stderr)
        code = main([str(sources), str(references), "--model", str(memorised_marian), "--model", str(random_marian),
                     "--beams", "1", "--json", str(out / "scores.json"), "--report", str(out / "report.html")])
    figures = json.loads((out / "scores.json").read_text("utf-8"))
    return code, stdout.getvalue(), stderr.getvalue(), figures, out / "report.html"


def model(figures: dict, label: str) -> dict:
    return next(m for m in figures["models"] if m["label"] == label)


def test_scores_are_exactly_sacrebleus_on_the_same_strings(evaluated) -> None:
    code, stdout, stderr, figures, _ = evaluated
    assert code == 0, stderr
    memorised = model(figures, "marian-memorised")
    hypotheses = [flat(factory.ARTICLE_EN), flat(f"{P[4][1]} {P[8][1]}")]
    references = [[flat(REFERENCE_EN), flat(f"{P[4][1]}\n\n{P[8][1]}")]]
    chrf = CHRF(word_order=2)
    assert memorised["bleu"] == BLEU().corpus_score(hypotheses, references).score
    assert memorised["chrf"] == chrf.corpus_score(hypotheses, references).score
    assert memorised["ter"] == TER().corpus_score(hypotheses, references).score
    assert [d["name"] for d in memorised["documents"]] == ["article.txt", "desk/short.md"]
    assert [d["chrf"] for d in memorised["documents"]] == [
        chrf.sentence_score(h, [r]).score for h, r in zip(hypotheses, references[0], strict=True)]
    signatures = {"BLEU": BLEU(), "chrF++": CHRF(word_order=2), "TER": TER()}
    for metric in signatures.values():
        metric.corpus_score(hypotheses, references)
    assert figures["metrics"] == {name: str(metric.get_signature()) for name, metric in signatures.items()}
    for signature in figures["metrics"].values():
        assert signature in stdout
    assert 0 < memorised["bleu"] < 100 and memorised["ter"] > 0


def test_the_two_changed_sentences_are_the_worst_with_sacrebleus_sentence_scores(evaluated) -> None:
    memorised = model(evaluated[3], "marian-memorised")
    chrf = CHRF(word_order=2)
    worst = memorised["worst"]
    assert len(worst) == 12  # every sentence, as there are fewer than 20
    assert {(w["output"], w["reference"]) for w in worst[:2]} == {(P[2][1], NUMBER_CHANGED), (P[5][1], WORDING_CHANGED)}
    number = next(w for w in worst if w["reference"] == NUMBER_CHANGED)
    assert number["source"] == P[2][0]
    assert number["chrf"] == chrf.sentence_score(P[2][1], [NUMBER_CHANGED]).score
    assert all(w["chrf"] == 100.0 for w in worst[2:])
    assert [w["chrf"] for w in worst] == sorted(w["chrf"] for w in worst)


def test_every_sentence_aligns_one_to_one(evaluated) -> None:
    memorised = model(evaluated[3], "marian-memorised")
    assert memorised["alignment"] == {"outputs": 12, "outputs_aligned": 12, "references": 12,
                                      "references_aligned": 12}
    assert [(s["output"], s["reference"]) for s in memorised["segments"]][:3] == [
        (P[0][1], P[0][1]), (P[1][1], P[1][1]), (P[2][1], NUMBER_CHANGED)]
    assert "12/12 out, 12/12 ref" in evaluated[1]


def test_numbers_check_judged_against_the_references(evaluated) -> None:
    numbers = model(evaluated[3], "marian-memorised")["numbers"]
    # The output keeps the source's 3.5, so the check raises nothing; the reference says 4.5.
    assert numbers == {"sentences": 12, "sentences_wrong": 1, "flagged": 0, "flagged_and_wrong": 0,
                       "numbers_missing": 1, "numbers_extra": 1, "precision": None, "recall": 0.0}


def test_two_models_are_ranked_best_first(evaluated) -> None:
    _, stdout, _, figures, _ = evaluated
    assert figures["ranking"] == ["marian-memorised", "marian-random"]
    assert model(figures, "marian-memorised")["chrf"] > model(figures, "marian-random")["chrf"]
    assert "Ranking by chrF++: 1. marian-memorised, 2. marian-random" in stdout
    table = stdout.splitlines()
    assert table.index(next(line for line in table if line.startswith("marian-memorised"))) < table.index(
        next(line for line in table if line.startswith("marian-random")))
    for m in figures["models"]:
        assert m["seconds"] > 0 and m["seconds_per_article"] == m["seconds"] / 2
        assert m["signature"]["decoding"]["beams"] == 1


def test_report_is_one_self_contained_file_with_the_same_figures(evaluated) -> None:
    _, _, _, figures, report = evaluated
    page = report.read_text("utf-8")
    assert "<script" not in page and not re.search(r"\s(?:src|href)=", page)
    assert page.count("<svg ") == 2
    for m in figures["models"]:
        assert f"{m['bleu']:.2f}" in page and f"{m['chrf']:.2f}" in page and f"{m['ter']:.2f}" in page
    assert page.index("<h2>marian-memorised</h2>") < page.index("<h2>marian-random</h2>")
    assert NUMBER_CHANGED in page and P[2][0] in page


def unit(chrf: float, *flags: str) -> Unit:
    return Unit("doc", "مصدر", "output", "reference", tuple(flags), -0.1, chrf)


def test_flag_precision_per_flag() -> None:
    units = [unit(float(score)) for score in range(30, 100, 5)]  # 14 clean sentences
    units += [unit(5.0, "numbers"), unit(10.0, "numbers", "length"), unit(80.0, "numbers"),
              unit(20.0, "glossary"), unit(90.0, "low_confidence"), unit(25.0)]
    table = flag_precision(units)  # 20 sentences: the worst decile is the 2 lowest (5 and 10)
    assert table["numbers"] == {"count": 3, "mean_chrf_flagged": (5 + 10 + 80) / 3,
                                "mean_chrf_unflagged": (1105 - 95) / 17,
                                "in_worst_decile": 2 / 3, "worst_decile_caught": 1.0}
    assert table["length"]["in_worst_decile"] == 1.0 and table["length"]["worst_decile_caught"] == 0.5
    assert table["glossary"]["count"] == 1 and table["glossary"]["in_worst_decile"] == 0.0
    assert table["repetition"] == {"count": 0, "mean_chrf_flagged": None, "mean_chrf_unflagged": 1105 / 20,
                                   "in_worst_decile": None, "worst_decile_caught": 0.0}
    assert table["any"]["count"] == 5
    assert list(table) == ["numbers", "dates", "converted", "untranslated", "length", "repetition", "truncated",
                           "low_confidence", "glossary", "any"]


def test_numbers_check_counts_missing_and_extra_numbers() -> None:
    rows = [("120 new cases", "120 new cases", ()), ("rose 3.5", "rose 4.5", ("numbers",)),
            ("on 3 May", "on 3 May 2024", ()), ("7 dead", "7 dead", ("numbers",))]
    units = [Unit("d", "s", out, ref, flags, 0.0, 50.0) for out, ref, flags in rows]
    assert numbers_check(units) == {"sentences": 4, "sentences_wrong": 2, "flagged": 2, "flagged_and_wrong": 1,
                                    "numbers_missing": 2, "numbers_extra": 1, "precision": 0.5, "recall": 0.5}


@pytest.mark.parametrize(
    ("outputs", "references", "expected"),
    [
        ([40, 60, 30], [42, 57, 31], [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
        ([30, 32, 50], [63, 49], [((0, 1), (0,)), ((2,), (1,))]),
        ([70, 45], [33, 36, 44], [((0,), (0, 1)), ((1,), (2,))]),
        ([40, 40, 40], [40, 300, 40], [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), ())]),
        ([50, 200], [50], [((0,), (0,)), ((1,), ())]),
        ([], [20], [((), (0,))]),
        ([], [], []),
    ],
    ids=["one-to-one", "two-outputs-one-reference", "one-output-two-references", "no-forced-match",
         "extra-output-left-unaligned", "no-output", "nothing"],
)
def test_alignment_by_length(outputs, references, expected) -> None:
    assert align(outputs, references) == [Bead(o, r) for o, r in expected]


def test_reference_sentences_use_the_translators_splitter() -> None:
    assert sentences('Mr. Smith said: "We will stay." Prices rose 3.5 percent.\n\nU.S. officials left.') == [
        'Mr. Smith said: "We will stay."', "Prices rose 3.5 percent.", "U.S. officials left."]


def docx_bytes(paragraphs: list[str], cell: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", f"{P[0][1]}\n\n{P[1][1]}\n", (f"{P[0][1]}\n\n{P[1][1]}\n",)),
        ("a.md", f"# {P[0][1]}\n\n- {P[1][1]}\n\n```\ncode stays out\n```\n> {P[2][1]}",
         (f"{P[0][1]}\n\n{P[1][1]}\n\n{P[2][1]}",)),
        ("a.html", f"<!DOCTYPE html><!-- note --><html><body><h1>{P[0][1]}</h1><p>{P[1][1]}</p>"
                   "<script>var x = 1;</script></body></html>",
         (f"{P[0][1]}\n\n{P[1][1]}",)),
        ("a.docx", docx_bytes([P[0][1], ""], P[1][1]), (f"{P[0][1]}\n\n{P[1][1]}",)),
        ("a.jsonl", json.dumps({"id": 1, "text": P[0][1]}) + "\n" + json.dumps({"text": P[1][1]}) + "\n",
         (P[0][1], P[1][1])),
    ],
    ids=["txt", "markdown-markers-and-code-dropped", "html-text-without-scripts", "docx-paragraphs-and-tables",
         "jsonl-one-per-record"],
)
def test_english_references_are_read_from_every_batch_format(name, data, expected) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    assert reference_units(Path(name), raw) == expected


def test_pairs_file_scores_each_pair(memorised_marian, tmp_path, capsys) -> None:
    pairs = [(P[0][0], P[0][1]), (P[2][0], NUMBER_CHANGED), (P[3][0], P[3][1])]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("\n".join(f"{a}\t{e}" for a, e in pairs) + "\n", encoding="utf-8")
    assert main([str(tsv), "--model", str(memorised_marian), "--beams", "1", "--json",
                 str(tmp_path / "s.json")]) == 0
    figures = json.loads((tmp_path / "s.json").read_text("utf-8"))["models"][0]
    hypotheses, references = [P[0][1], P[2][1], P[3][1]], [[e for _, e in pairs]]
    assert figures["bleu"] == BLEU().corpus_score(hypotheses, references).score
    assert figures["chrf"] == CHRF(word_order=2).corpus_score(hypotheses, references).score
    assert [d["name"] for d in figures["documents"]] == ["pairs.tsv:1", "pairs.tsv:2", "pairs.tsv:3"]
    assert figures["worst"][0]["reference"] == NUMBER_CHANGED
    assert figures["alignment"]["outputs_aligned"] == 3


def test_missing_and_extra_files_are_reported(memorised_marian, tmp_path, capsys) -> None:
    sources = write_tree(tmp_path / "src", {"a.txt": P[0][0], "b.txt": P[1][0], "notes.xlsx": b"PK"})
    references = write_tree(tmp_path / "ref", {"a.txt": P[0][1], "c.txt": P[3][1], "notes.xlsx": b"PK"})
    assert main([str(sources), str(references), "--model", str(memorised_marian), "--beams", "1",
                 "--json", str(tmp_path / "s.json"), "--report", str(tmp_path / "r.html")]) == 0
    stderr = capsys.readouterr().err
    assert f"warning: b.txt: no reference (expected '{references / 'b.txt'}')" in stderr
    assert "warning: c.txt: a reference with no source article" in stderr
    assert "warning: notes.xlsx: skipped, unsupported file type" in stderr
    figures = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert figures["documents"] == 1 and len(figures["problems"]) == 3
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "1 document paired" in page
    assert all(html.escape(problem) in page for problem in figures["problems"])
    assert figures["models"][0]["chrf"] == 100.0


def test_special_files_are_never_opened(memorised_marian, tmp_path, capsys) -> None:

    sources = write_tree(tmp_path / "src", {"a.txt": P[0][0]})
    references = write_tree(tmp_path / "ref", {"a.txt": P[0][1]})
    os.mkfifo(sources / "pipe.txt")
    os.mkfifo(references / "pipe.txt")
    (sources / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert main([str(sources), str(references), "--model", str(memorised_marian), "--beams", "1",
                 "--json", str(tmp_path / "s.json")]) == 0
    stderr = capsys.readouterr().err
    assert "warning: pipe.txt: skipped, a FIFO (named pipe)" in stderr
    assert "warning: reference pipe.txt: skipped, a FIFO (named pipe)" in stderr
    assert "warning: gone.txt: skipped, a broken link" in stderr
    assert json.loads((tmp_path / "s.json").read_text("utf-8"))["documents"] == 1
    os.mkfifo(tmp_path / "pairs.tsv")
    assert main([str(tmp_path / "pairs.tsv"), "--model", str(memorised_marian)]) == 1
    assert capsys.readouterr().err == (f"error: The pairs file '{tmp_path / 'pairs.tsv'}' is not a regular file "
                                       "(a FIFO (named pipe)).\n")


@pytest.mark.parametrize(
    ("files", "arguments", "message"),
    [
        ({"src/a.txt": P[0][0], "ref/": b""}, ["src", "ref"], "The references folder '{tmp}/ref' holds no files."),
        ({"pairs.tsv": f"{P[0][0]}\t{P[0][1]}\n{P[1][0]}\t{P[1][1]}\textra\n"}, ["pairs.tsv"],
         "'pairs.tsv' line 2 has 3 columns; each line needs 2"),
        ({"pairs.tsv": f"{P[0][0]}\t{P[0][1]}\n{P[1][0]}\n"}, ["pairs.tsv"], "'pairs.tsv' line 2 has 1 column;"),
        ({"pairs.tsv": f"{P[0][0]}\t\n"}, ["pairs.tsv"], "'pairs.tsv' line 1 has an empty reference."),
        ({"pairs.jsonl": '{"source": "قال"}\n'}, ["pairs.jsonl"], "needs the text fields 'source' and 'reference'"),
        ({"src/a.txt": P[0][0], "ref/a.txt": "Café déjà vu, façade naïve résumé.".encode("latin-1")},
         ["src", "ref"], "{tmp}/ref/a.txt: 'a.txt' could not be decoded"),
        ({"src/a.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "ref/a.txt": P[0][1]}, ["src", "ref"],
         "{tmp}/src/a.txt: 'a.txt' is not a text file"),
        ({"src/a.jsonl": '{"text": "قال"}\n{"text": "قال"}\n', "ref/a.jsonl": '{"text": "He said"}\n'},
         ["src", "ref"], "a.jsonl: the source holds 2 records but the reference 1."),
        ({"src/a.txt": "The minister arrived.", "ref/a.txt": "The minister arrived."}, ["src", "ref"],
         "No source article could be paired with a reference: a.txt: skipped, no Arabic text in the source"),
        ({"pairs.tsv": f"{P[0][0]}\t{P[0][1]}\n", "ref/a.txt": "x"}, ["pairs.tsv", "ref"],
         "A pairs file holds its own references: give no REFERENCES with it."),
        ({"src/a.txt": P[0][0]}, ["src", "nowhere"], "REFERENCES '{tmp}/nowhere' is not a folder"),
        ({}, ["missing.tsv"], "There is no file or folder"),
        ({"pairs.tsv": f"{P[0][0]}\t{P[0][1]}\n"}, ["pairs.tsv", "--model", "no-such-model"],
         "There is no model folder at '{tmp}/no-such-model'"),
    ],
    ids=["empty-references-folder", "tsv-three-columns", "tsv-one-column", "tsv-empty-cell", "jsonl-no-fields",
         "undecodable-reference", "binary-source", "record-counts-differ", "no-arabic", "pairs-with-references",
         "references-not-a-folder", "nothing-there", "model-cannot-load"],
)
def test_bad_inputs_get_a_clear_error(tmp_path, capsys, files, arguments, message) -> None:
    for name, data in files.items():
        path = tmp_path / name
        if name.endswith("/"):
            path.mkdir(parents=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    assert main([a if a.startswith("--") else str(tmp_path / a) for a in arguments]) == 1
    stderr = capsys.readouterr().err
    assert stderr.startswith("error: ") and stderr.count("\n") == 1
    assert message.format(tmp=tmp_path) in stderr


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["src", "ref", "--engine", "warp"])
    assert exit_info.value.code == 2


def test_model_may_be_given_several_times() -> None:
    assert models_given(["src", "ref", "--model", "fast", "--beams", "1", "--model=default", "--model", "fast"]) == [
        "fast", "default"]
    assert models_given(["src", "ref"]) == []


def test_progress_bar_only_on_a_terminal(monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress_bar(1) is None
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    update = progress_bar(2)
    update(3, 4)
    update(4, 4)
    assert "Translating (2 models)" in terminal.getvalue() and "4/4" in terminal.getvalue()


@pytest.mark.browser
def test_report_opens_offline_in_a_real_browser_with_both_charts(evaluated) -> None:
    from playwright.sync_api import expect

    report = evaluated[4]
    requests: list[str] = []
    with support.browser() as browser:
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.on("request", lambda request: requests.append(request.url))

        def only_the_file(route) -> None:
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                route.abort()

        page.route("**/*", only_the_file)
        page.goto(report.as_uri())
        for chart in ("#chart-chrf svg", "#chart-confidence svg"):
            expect(page.locator(chart)).to_be_visible()
            box = page.locator(chart).bounding_box()
            assert box["width"] > 200 and box["height"] > 100
        expect(page.locator("h1")).to_have_text("Translation quality on your articles")
        expect(page.locator("td[dir=rtl]").first).to_be_visible()
        artifacts = ROOT / "artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "evaluate-report.png"), full_page=True)
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert requests[0] == report.as_uri()  # the listener saw the page itself, and nothing else left the file
    assert (artifacts / "evaluate-report.png").stat().st_size > 10_000


def test_a_reference_docx_bomb_is_refused_unread() -> None:
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (11 * 1024 * 1024))  # 11 MB of zeros: a few KB packed
    with pytest.raises(TranslateError, match="zip bomb and is refused unread"):
        reference_units(Path("bomb.docx"), bomb.getvalue())
