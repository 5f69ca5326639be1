"""The house-style glossary: loading, finding terms in Arabic, correcting and verifying the English,
correcting Arabic summaries, and every front end that takes ``--glossary``."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import built

from summarize import Summarizer
from translate import TranslateError, Translator
from translate import testing as factory
from translate.__main__ import main
from translate.config import RunConfig
from translate.glossary import GLOSSARY, Glossary, fold

ROOT = Path(__file__).resolve().parents[1]

# Sentence pairs whose memorised English uses spellings other than the house style.
PAIRS: tuple[tuple[str, str], ...] = (
    ("التقى كيم جونغ أون بوتين في فلاديفوستوك.", "Kim Jong-un met Putin in Vladivostok."),
    ("وقال كيم جونج أون إن المحادثات كانت جيدة.", "He said the talks were good."),  # the name is dropped
    ("وصف متحدث باسم الأمم المتحدة زيارة كيم يونغ أون بأنها مهمة.",
     "A U.N. spokesman called Kim Jong-Un's visit important."),
    ("هطلت أمطار غزيرة على المدينة.", "Heavy rain fell on the city."),
)
HOUSE_STYLE = [
    "# Arabic\tEnglish\tEnglish variants\tArabic house form\tnote",
    "كيم جونغ أون|كيم جونج أون|كيم يونغ أون\tKim Jong Un\tKim Jong-un|Kim Jong-Un|Kim Jung Un\tكيم جونغ أون\tAP",
    "بوتين|بوتن\tPutin\tPoutine\tبوتين\tAP",
    "",
    "فلاديفوستوك\tVladivostok",
    "الأمم المتحدة\tUnited Nations\tU.N.|UN\t\tthe organisation's own English name",
]


@pytest.fixture(scope="module")
def names_marian(models_dir) -> Path:
    """A tiny Marian ar→en model that translates :data:`PAIRS` exactly (in their own spellings)."""
    key = hashlib.sha256(repr(PAIRS).encode("utf-8")).hexdigest()[:8]
    return built(models_dir / f"marian-names-{key}", lambda folder: factory.memorise(
        factory.build_marian(folder, source_texts=[a for a, _ in PAIRS] + list(factory.ARABIC_EXTRA),
                             target_texts=[e for _, e in PAIRS] + list(factory.ENGLISH_EXTRA)), PAIRS))


@pytest.fixture()
def house_style(tmp_path) -> Path:
    path = tmp_path / "house.tsv"
    path.write_text("\n".join(HOUSE_STYLE) + "\n", encoding="utf-8")
    return path


ARTICLE = f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]} {PAIRS[3][0]}"


# --- translating with a glossary -----------------------------------------------------------------

def test_without_a_glossary_the_model_writes_its_own_spellings(names_marian) -> None:
    result = Translator(str(names_marian), beams=1).translate(ARTICLE)
    assert result.text == f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]} {PAIRS[3][1]}"
    assert all(GLOSSARY not in s.flags for s in result.segments)


def test_the_glossary_corrects_names_and_keeps_possessives(names_marian, house_style) -> None:
    result = Translator(str(names_marian), beams=1, glossary=house_style).translate(ARTICLE)
    assert result.text == ("Kim Jong Un met Putin in Vladivostok. He said the talks were good.\n\nA United Nations "
                           "spokesman called Kim Jong Un's visit important. Heavy rain fell on the city.")
    assert [s.flags for s in result.segments] == [(), (GLOSSARY,), (), ()]


def test_a_dropped_name_raises_the_glossary_flag_with_the_missing_house_form(names_marian, house_style) -> None:
    result = Translator(str(names_marian), beams=1, glossary=house_style).translate(PAIRS[1][0])
    (segment,) = result.segments
    assert segment.target == "He said the talks were good."
    assert segment.flags == (GLOSSARY,)
    assert segment.details == {GLOSSARY: "Kim Jong Un missing"}


def test_a_glossary_can_be_given_as_an_object_or_swapped_for_one_request(names_marian, house_style) -> None:
    plain = Translator(str(names_marian), beams=1)
    first = plain.translate(PAIRS[0][0])
    styled = plain.with_glossary(Glossary.load(house_style))
    calls = []
    original = styled.engine.generate
    styled.engine.generate = lambda *args: calls.append(args) or original(*args)
    assert styled.translate(PAIRS[0][0]).text == "Kim Jong Un met Putin in Vladivostok."
    assert calls == []  # the same cache: the glossary works on the translation, not the model
    assert first.text == PAIRS[0][1] and plain.glossary is None


def test_the_signature_names_the_glossary(names_marian, house_style, tmp_path) -> None:
    assert Translator(str(names_marian)).signature()["glossary"] is None
    digest = Translator(str(names_marian), glossary=house_style).signature()["glossary"]
    assert digest.startswith("sha256:")
    reordered = tmp_path / "reordered.tsv"
    reordered.write_text("\n".join(reversed(HOUSE_STYLE)).replace("\tAP", "\tReuters"), encoding="utf-8")
    assert Glossary.load(reordered).digest == digest  # order and notes do not change the output
    changed = tmp_path / "changed.tsv"
    changed.write_text("\n".join(HOUSE_STYLE).replace("Kim Jong Un\t", "Kim Jong-un\t"), encoding="utf-8")
    assert Translator(str(names_marian), glossary=changed).signature()["glossary"] != digest


def test_run_configuration_carries_the_glossary(names_marian, house_style, monkeypatch) -> None:
    monkeypatch.setenv("KHABAR_GLOSSARY", str(house_style))
    translator = Translator.from_config(RunConfig.resolved(model=str(names_marian), beams=1))
    assert translator.glossary == Glossary.load(house_style)
    assert translator.translate(PAIRS[0][0]).text == "Kim Jong Un met Putin in Vladivostok."


def test_a_bad_glossary_fails_before_any_model_is_looked_at(tmp_path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("بوتين\tPutin\nبوتين\tPoutine\n", encoding="utf-8")
    with pytest.raises(TranslateError, match=r"bad\.tsv, line 2"):
        Translator("./no/such/model", glossary=bad)


# --- the command line ----------------------------------------------------------------------------

def test_the_command_line_applies_the_glossary(names_marian, house_style, tmp_path, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(PAIRS[2][0], encoding="utf-8")
    assert main([str(article), "--model", str(names_marian), "--beams", "1", "--glossary", str(house_style)]) == 0
    assert capsys.readouterr().out == "A United Nations spokesman called Kim Jong Un's visit important.\n"


def test_the_command_line_reports_a_bad_glossary_in_one_line(names_marian, tmp_path, capsys) -> None:
    article = tmp_path / "article.txt"
    article.write_text(PAIRS[0][0], encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("# house style\nبوتين\tPutin\n\tKim Jong Un\n", encoding="utf-8")
    assert main([str(article), "--model", str(names_marian), "--glossary", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: Glossary bad.tsv, line 3: empty Arabic term.\n"


# --- finding terms in Arabic ---------------------------------------------------------------------

GLOSSARY_ROWS = [
    ["بوتين", "Putin"],
    ["الأمم المتحدة", "United Nations", "U.N."],
    ["كيم جونغ أون|كيم جونج أون", "Kim Jong Un"],
    ["حزب الله", "Hezbollah", "Hizbollah|Hizballah"],
    ["الكرملين|كرملين", "Kremlin"],
    ["ألمانيا", "Germany"],
]
CLITICS = [
    ("بوتين", "Putin"),
    ("وبوتين", "Putin"),
    ("فبوتين", "Putin"),
    ("لبوتين", "Putin"),
    ("ولبوتين", "Putin"),
    ("وبالأمم المتحدة", "United Nations"),
    ("بالأمم المتحدة", "United Nations"),
    ("للأمم المتحدة", "United Nations"),
    ("وللأمم المتحدة", "United Nations"),
    ("كالأمم المتحدة", "United Nations"),
    ("الأمم\nالمتحدة", "United Nations"),
    ("الامم المتحده", "United Nations"),
    ("الأُمَمُ المُتَّحِدَةُ", "United Nations"),
    ("الأمـــم المتحدة", "United Nations"),
    ("«بوتين»،", "Putin"),
    ("كيم جونج أون", "Kim Jong Un"),
    ("وحزب الله", "Hezbollah"),
    ("فبالكرملين", "Kremlin"),
    ("لألمانيا", "Germany"),
    ("وبألمانيا", "Germany"),
    ("البوتيني", None),
    ("بوتينية", None),
    ("بوتينيون", None),
    ("أمم متحدة", None),
    ("الأمم", None),
    ("كيم جونغ", None),
    ("حزب اللهو", None),
    ("مبوتين", None),
]


@pytest.mark.parametrize(("text", "english"), CLITICS, ids=[
    "bare", "wa", "fa", "li", "wa+li", "wa+bi+al", "bi+al", "li+al", "wa+li+al", "ka+al", "newline between words",
    "no hamza, ha for ta marbuta", "diacritics", "tatweel", "quotes and comma", "variant spelling", "wa two words",
    "fa+bi+al", "li before alif-lam of the name", "wa+bi before alif-lam of the name",
    "inside albutini", "inside butiniya", "inside butiniyun", "no article", "first word only",
    "first two words only", "longer last word", "not a particle",
])
def test_terms_are_found_with_particles_and_never_inside_longer_words(text: str, english: str | None) -> None:
    found = Glossary.from_rows(GLOSSARY_ROWS).find(f"قال {text} أمس")
    assert [entry.english for entry in found] == ([english] if english else [])


def test_terms_are_listed_once_in_order_of_appearance() -> None:
    glossary = Glossary.from_rows(GLOSSARY_ROWS)
    found = glossary.find("قال الكرملين إن بوتين وكيم جونغ أون وبوتين بحثا دور الأمم المتحدة.")
    assert [entry.english for entry in found] == ["Kremlin", "Putin", "Kim Jong Un", "United Nations"]


def test_folding_ta_marbuta_is_a_setting() -> None:
    assert fold("المتحدة") == "المتحده" and fold("المتحدة", ta_marbuta=False) == "المتحدة"
    assert Glossary.from_rows(GLOSSARY_ROWS).find("الامم المتحده")
    assert not Glossary.from_rows(GLOSSARY_ROWS, fold_ta_marbuta=False).find("الامم المتحده")
    assert Glossary.from_rows(GLOSSARY_ROWS, fold_ta_marbuta=False).find("الإمم المتحدة")


def test_three_hundred_terms_compile_to_one_pattern_and_all_match() -> None:
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
    size = len(letters)
    rows = [[f"{letters[i % size]}{letters[i // size]}ا{letters[i % 13]}س {letters[i % 7]}ر", f"Term{i}"]
            for i in range(300)]
    glossary = Glossary.from_rows(rows)
    text = " ".join(row[0] for row in rows[::7])
    assert [entry.english for entry in glossary.find(text)] == [row[1] for row in rows[::7]]


# --- correcting and verifying English --------------------------------------------------------------

ENGLISH = [
    ("Kim Jong-un met Putin.", "Kim Jong Un met Putin.", None),
    ("Kim Jong-un's envoy met Putin.", "Kim Jong Un's envoy met Putin.", None),
    ("Kim Jong-Un’s envoy met Putin.", "Kim Jong Un’s envoy met Putin.", None),
    ("KIM JONG-UN MEETS PUTIN", "KIM JONG UN MEETS PUTIN", None),
    ("Kim  Jung\nUn met Putin.", "Kim Jong Un met Putin.", None),
    ("Kim Jong Un met Poutine.", "Kim Jong Un met Putin.", None),
    ("Poutine's aide met Kim Jong Un.", "Putin's aide met Kim Jong Un.", None),
    ("Kim Jong Un ate poutineries with Putin.", "Kim Jong Un ate poutineries with Putin.", None),
    ("The leaders met.", "The leaders met.", "Kim Jong Un missing; Putin missing"),
    ("Kim Jong Un met Putinists.", "Kim Jong Un met Putinists.", "Putin missing"),
]


@pytest.mark.parametrize(("english", "corrected", "missing"), ENGLISH, ids=[
    "variant", "possessive", "curly possessive", "headline capitals", "any whitespace", "second term",
    "possessive of a variant", "never inside a word", "both missing", "house form inside a longer word",
])
def test_variants_are_corrected_and_house_forms_verified(english: str, corrected: str, missing: str | None) -> None:
    glossary = Glossary.from_rows([
        ["كيم جونغ أون", "Kim Jong Un", "Kim Jong-un|Kim Jong-Un|Kim Jung Un"],
        ["بوتين", "Putin", "Poutine"],
    ])
    assert glossary.apply("التقى كيم جونغ أون بوتين.", english) == (corrected, missing)


def test_only_terms_of_the_sentence_are_corrected_and_acronyms_keep_their_case() -> None:
    glossary = Glossary.from_rows([["الأمم المتحدة", "United Nations", "U.N.|UN"], ["بوتين", "Putin", "Poutine"]])
    assert glossary.apply("قال متحدث باسم الأمم المتحدة", "A U.N. spokesman and a UN aide said un mot about Poutine") \
        == ("A United Nations spokesman and a United Nations aide said un mot about Poutine", None)
    assert glossary.apply("هطلت أمطار غزيرة.", "A U.N. report.") == ("A U.N. report.", None)


def test_a_house_form_at_the_start_of_a_sentence_is_capitalised() -> None:
    glossary = Glossary.from_rows([["القاعدة", "al-Qaeda", "Al Qaeda|al-Qaida"]])
    assert glossary.apply("قال تنظيم القاعدة", "Al Qaeda said that al-Qaida fighters left.") \
        == ("Al-Qaeda said that al-Qaeda fighters left.", None)


# --- correcting Arabic -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "fixed"), [
    ("التقى بوتن نظيره", "التقى بوتين نظيره"),
    ("وبوتن ولبوتن", "وبوتين ولبوتين"),
    ("للامم المتحده وبالأمم المتحدة", "للأمم المتحدة وبالأمم المتحدة"),
    ("زار كرملين وقصر الكرملين ولكرملين", "زار الكرملين وقصر الكرملين وللكرملين"),
    ("كيم جونج أون وكيم يونغ أون", "كيم جونغ أون وكيم جونغ أون"),
    ("البوتني وبوتنية", "البوتني وبوتنية"),
    ("بُوتِن قال", "بوتين قال"),
], ids=["variant", "particles", "li+al becomes lil", "article added", "two-word term", "longer words untouched",
        "diacritics"])
def test_arabic_variants_become_the_arabic_house_form(text: str, fixed: str) -> None:
    glossary = Glossary.from_rows([
        ["بوتين|بوتن", "Putin", "", "بوتين"],
        ["الأمم المتحدة", "United Nations", "", "الأمم المتحدة"],
        ["الكرملين|كرملين", "Kremlin", "", "الكرملين"],
        ["كيم جونغ أون|كيم جونج أون|كيم يونغ أون", "Kim Jong Un", "", "كيم جونغ أون"],
        ["حزب الله", "Hezbollah"],  # no Arabic house form: never changed
    ])
    assert glossary.fix_arabic(text) == fixed
    assert glossary.fix_arabic("قال حزب الله") == "قال حزب الله"


# --- summaries -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "flags"), [
    ([["وزارة الصحة", "Ministry of Health", "health ministry", "وزارة الصحة العامة"]], ()),
    ([["وزارة الصحة", "Ministry of Health", "health ministry", "وزارة الصحة العامة"], ["النفط", "crude"]],
     ("english:glossary",)),
], ids=["corrected", "a term the Arabic summary names is missing in English"])
def test_summaries_follow_the_house_style(memorised_mt5, rows, flags) -> None:
    summarizer = Summarizer(str(memorised_mt5), glossary=Glossary.from_rows(rows))
    summary = summarizer.summarize(arabic=factory.ARTICLE_AR, english=factory.ARTICLE_EN)
    assert summary.english == factory.SUMMARY_EN.replace("The health ministry", "The Ministry of Health")
    assert summary.arabic == factory.SUMMARY_AR.replace("وزارة الصحة", "وزارة الصحة العامة")
    assert summary.flags == flags
    assert summarizer.signature()["glossary"] == Glossary.from_rows(rows).digest


def test_the_summariser_takes_the_glossary_of_the_run_configuration(memorised_mt5, house_style) -> None:
    config = RunConfig.resolved(summary_model=str(memorised_mt5), glossary=str(house_style))
    assert Summarizer.from_config(config).glossary == Glossary.load(house_style)
    assert Summarizer.from_config(config.replace(glossary=None)).glossary is None


# --- the file ----------------------------------------------------------------------------------------

BAD_FILES = [
    ("bad.tsv", "بوتين\tPutin\nكيم جونغ أون\n".encode(), r"bad\.tsv, line 2: expected 2 to 5 columns .* found 1"),
    ("bad.tsv", "بوتين\tPutin\ta\tبوتين\tnote\textra\n".encode(), r"line 1: expected 2 to 5 columns .* found 6"),
    ("bad.tsv", b"# terms\n\tPutin\n", r"bad\.tsv, line 2: empty Arabic term"),
    ("bad.tsv", "بوتين|\tPutin\n".encode(), r"line 1: empty Arabic term"),
    ("bad.tsv", "بوتين\t \n".encode(), r"line 1: empty English house form for 'بوتين'"),
    ("bad.tsv", "بوتين\tPutin\n\nبوتين\tPoutine\n".encode(),
     r"line 3: the Arabic term 'بوتين' has the English form 'Poutine' here but 'Putin' in Glossary bad\.tsv, line 1\."),
    ("bad.tsv", "الأمم المتحدة\tUnited Nations\nالامم  المتحده\tUN\n".encode(),
     r"line 2: the Arabic term 'الامم المتحده' has the English form 'UN' here but 'United Nations'"),
    ("bad.tsv", "بوتين\tPutin\n".encode() + b"\xff\xfe\tKim\n", r"bad\.tsv, line 2: the bytes are not valid UTF-8"),
    ("bad.tsv", "Putin\tبوتين\n".encode(), r"line 1: the Arabic term 'Putin' has no Arabic letters"),
    ("bad.tsv", b"# nothing yet\n", r"bad\.tsv holds no entries"),
    ("bad.csv", "بوتين,Putin\nبوتين;Putin\n".encode(), r"bad\.csv, line 2: expected 2 to 5 columns .* commas"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[
    "too few columns", "too many columns", "empty term", "empty variant", "empty English", "two English forms",
    "two English forms after folding", "undecodable bytes", "columns swapped", "no entries", "csv columns",
])
def test_each_bad_glossary_gets_its_own_error(tmp_path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TranslateError, match=message):
        Glossary.load(path)


def test_missing_folder_and_oversized_glossary_files(tmp_path, monkeypatch) -> None:
    with pytest.raises(TranslateError, match="There is no glossary file"):
        Glossary.load(tmp_path / "none.tsv")
    with pytest.raises(TranslateError, match="is a folder"):
        Glossary.load(tmp_path)
    path = tmp_path / "big.tsv"
    path.write_text("بوتين\tPutin\n" * 10, encoding="utf-8")
    monkeypatch.setattr("translate.glossary.FILE_MAX_BYTES", 100)
    with pytest.raises(TranslateError, match=r"The glossary file '.*big\.tsv' is larger than the 100-byte limit\."):
        Glossary.load(path)
    fifo = tmp_path / "pipe.tsv"
    os.mkfifo(fifo)  # never opened: reading it would block
    with pytest.raises(TranslateError, match="is not a regular file"):
        Glossary.load(fifo)


def test_csv_header_bom_and_trailing_cells_are_read(tmp_path) -> None:
    path = tmp_path / "house.csv"
    path.write_bytes("\ufeffarabic,english,english variants,arabic house form,note\n"
                     '"كيم جونغ أون|كيم جونج أون","Kim Jong Un",Kim Jong-un|Kim Jong-Un,,"AP Stylebook, 2024"\n'
                     "بوتين,Putin,,,,,\n".encode())
    glossary = Glossary.load(path)
    assert glossary.rows() == [["كيم جونغ أون|كيم جونج أون", "Kim Jong Un", "Kim Jong-un|Kim Jong-Un", "",
                                "AP Stylebook, 2024"],
                               ["بوتين", "Putin", "", "", ""]]


def test_a_table_and_a_file_combine_and_conflicts_name_both_places(house_style) -> None:
    table = Glossary.from_rows([["كييف", "Kyiv", "Kiev"], ["", "", None], ["بوتين", "Putin", "Poutin", float("nan")]])
    combined = Glossary.load(house_style).merge(table)
    assert len(combined) == 5
    assert combined.apply("زار بوتين كييف", "Poutin visited Kiev") == ("Putin visited Kyiv", None)
    clash = Glossary.from_rows([["", ""], ["فلاديفوستوك", "Vladivostock"]])
    with pytest.raises(TranslateError, match=r"^Glossary table, row 2: .*'Vladivostock' here but 'Vladivostok' "
                                             r"in Glossary house\.tsv, line 5\.$"):
        Glossary.load(house_style).merge(clash)
    assert Glossary.from_rows([]).find("بوتين") == []


def test_the_starter_glossary_loads_and_every_entry_gives_its_source() -> None:
    glossary = Glossary.load(ROOT / "examples" / "glossary.tsv")
    assert 35 <= len(glossary) <= 60
    assert all(entry.note for entry in glossary.entries)
    assert [e.english for e in glossary.find("التقى بوتين الأمين العام للأمم المتحدة في القاهرة")] == [
        "Putin", "United Nations", "Cairo"]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", glossary.digest)


# --- large and hostile glossaries ---------------------------------------------------------------------

def oracle_matches(glossary: Glossary, folded: str) -> list[tuple[int, int, str, str]]:
    """The terms in ``folded`` as one regular expression finds them (the rule the matcher follows):
    after no letter or digit, the first particles that let a term follow, the longest term, then no
    letter or digit. Fine for a few terms, too slow to build for many."""
    from translate.glossary import _has_article, _key

    with_article, others = set(), set()
    for entry in glossary.entries:
        for spelling in entry.arabic:
            key = _key(spelling, glossary.fold_ta_marbuta)
            (with_article if _has_article(spelling) else others).add(key[2:] if _has_article(spelling) else key)

    def alternatives(keys: set[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, key.split(" "))) for key in sorted(keys, key=len, reverse=True))

    branches = []
    if with_article:
        branches.append(f"(?P<p1>[وف]?(?:[بك]?ال|لل))(?P<t1>{alternatives(with_article)})")
    if others:
        branches.append(f"(?P<p2>[وف]?(?:[بك]?ال|لل|[بكل])?)(?P<t2>{alternatives(others)})")
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)")
    found = []
    for match in pattern.finditer(folded):
        prefix, term = (match["p1"], "ال" + match["t1"]) if match["t1"] is not None else (match["p2"], match["t2"])
        found.append((match.start(), match.end(), prefix, glossary._by_key[re.sub(r"\s+", " ", term)].english))
    return found


def random_texts(glossary_rows: list[list[str]], count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    terms = [spelling for row in glossary_rows for spelling in row[0].split("|")]
    particles = ["", "", "و", "ف", "ب", "ك", "ل", "ال", "لل", "وال", "بال", "فبال", "ولل", "م"]
    fillers = ["قال", "في", "و", "ال", "الأمم", "حزب", "كيم جونغ", "أمس", "،", ".", "«", "»", "(", ")", "3", "x"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            word = rng.choice(terms) if rng.random() < 0.5 else rng.choice(fillers)
            ending = rng.choice(["", "", "ي", "ة", "ون", "ـ"]) if rng.random() < 0.3 else ""
            word = rng.choice(particles) + word + ending
            parts.append(word + rng.choice([" ", " ", "  ", "\n", "، ", "", "\t"]))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed-1", "seed-2", "seed-3"])
def test_the_matcher_finds_what_one_regular_expression_finds(seed: int) -> None:
    rows = [*GLOSSARY_ROWS, ["البيت الأبيض", "White House"], ["بيت", "house"], ["كيم", "Kim"],
            ["جونغ أون", "Jong Un"], ["(داعش)", "ISIS"], ["الله", "God"], ["ولي العهد", "crown prince"]]
    glossary = Glossary.from_rows(rows)
    for text in random_texts(rows, 400, seed):
        folded = fold(text)
        mine = [(start, end, prefix, entry.english) for start, end, prefix, entry in glossary._matches(folded)]
        assert mine == oracle_matches(glossary, folded), text


@pytest.mark.parametrize("letters", [500, 100_000], ids=["500 letters", "100,000 letters"])
def test_a_very_long_term_is_found_like_any_other(letters: int) -> None:
    term = "ب" * letters
    glossary = Glossary.from_rows([[term, "B"], ["ب" * (letters - 1) + " ت", "BT"]])
    assert [e.english for e in glossary.find(f"قال و{term} أمس")] == ["B"]
    assert [e.english for e in glossary.find(f"قال {term}ي أمس")] == []  # inside a longer word
    assert [e.english for e in glossary.find(f"قال {term[1:]} ت أمس")] == ["BT"]
    assert glossary.fix_arabic(f"قال {term}.") == f"قال {term}."


def test_a_csv_field_over_the_csv_modules_limit_is_an_error_naming_its_line(tmp_path) -> None:
    import csv

    path = tmp_path / "long.csv"
    path.write_text("بوتين,Putin\n" + "كيم," + "K" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    with pytest.raises(TranslateError, match=r"^Glossary long\.csv, line 2: a field is longer than 131,072 "
                                             r"characters\.$"):
        Glossary.load(path)


def big_glossary(entries: int) -> bytes:
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    rows = []
    for i in range(entries):
        word = "".join(letters[(i // 28 ** k) % 28] for k in range(4))
        rows.append(f"مصطلح {word} طويل\tTerm {i}\tVariant {i}|Other {i}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_an_uploaded_glossary_over_the_entry_limit_is_refused_before_it_is_built() -> None:
    import tracemalloc

    from translate.config import GLOSSARY_UPLOAD_MAX_ENTRIES

    data = big_glossary(191_000)  # the size of a 9.9 MB newsroom export
    tracemalloc.start()
    try:
        with pytest.raises(TranslateError, match=r"^Glossary big\.tsv holds more than 10,000 entries: the limit "):
            Glossary.parse(data, name="big.tsv", max_entries=GLOSSARY_UPLOAD_MAX_ENTRIES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"refusing a {len(data) / 1e6:.1f} MB glossary held at most {peak / 1e6:.1f} MB")
    assert peak < 8 * len(data), f"{peak / 1e6:.0f} MB held to refuse a {len(data) / 1e6:.0f} MB file"
    within = Glossary.parse(big_glossary(GLOSSARY_UPLOAD_MAX_ENTRIES), name="ok.tsv",
                            max_entries=GLOSSARY_UPLOAD_MAX_ENTRIES)
    assert len(within) == GLOSSARY_UPLOAD_MAX_ENTRIES
    term = big_glossary(29).decode("utf-8").splitlines()[28].split("\t")[0]
    assert [e.english for e in within.find(f"قال {term} أمس")] == ["Term 28"]
    over = big_glossary(GLOSSARY_UPLOAD_MAX_ENTRIES + 1)
    assert len(Glossary.parse(over, name="server.tsv")) == GLOSSARY_UPLOAD_MAX_ENTRIES + 1  # the server's own: any


def test_a_glossary_leaves_nothing_behind_once_dropped(tmp_path) -> None:
    import gc
    import tracemalloc

    path = tmp_path / "house.tsv"
    path.write_bytes(big_glossary(3_000))
    tracemalloc.start()
    try:
        glossary = Glossary.load(path)
        assert [e.english for e in glossary.find("قال مصطلح ابتث طويل")] == []
        del glossary
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < peak / 50, f"{held / 1e6:.2f} MB still held of {peak / 1e6:.2f} MB"  # no compiled pattern kept
