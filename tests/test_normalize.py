import pytest

from extractor.reading.normalize import normalize

CASES = [
    ("the efﬁcacy of it", "the efficacy of it"),
    ("a soft\u00adhyphen", "a softhyphen"),
    ("treat-\nment was given", "treatment was given"),
    ("a multi-\nday infusion", "a multi-day infusion"),
    ("it was given\nover days", "it was given over days"),
    ("‘‘quoted” and ‘single’", "\"quoted\" and 'single'"),
    ("first para.\n\nSecond para.", "first para.\n\nSecond para."),
    ("no change at all", "no change at all"),
    ("5\u00a0mg\tgiven\u2009daily", "5 mg given daily"),  # one line, only spaces to change
]


@pytest.mark.parametrize("original,clean", CASES, ids=[c[1][:20] for c in CASES])
def test_clean_text(original, clean):
    assert normalize(original).text == clean


@pytest.mark.parametrize("original,clean", CASES, ids=[c[1][:20] for c in CASES])
def test_every_clean_word_maps_back(original, clean):
    norm = normalize(original)
    for word in norm.text.split():
        start = norm.text.index(word)
        s, e = norm.offsets.to_original(start, start + len(word))
        # the original slice, cleaned again, gives back the word
        assert normalize(original[s:e]).text.strip() == word


def test_offsets_on_seed_point_into_original(seed_text):
    norm = normalize(seed_text)
    i = norm.text.index("efficacy")
    s, e = norm.offsets.to_original(i, i + len("efficacy"))
    assert seed_text[s:e] == "efﬁcacy"
    j = norm.text.index("Alternatively")
    s, e = norm.offsets.to_original(j, j + len("Alternatively"))
    assert seed_text[s:e].replace("-\n\n", "") == "Alternatively"


def test_numbered_heading_keeps_its_line_break():
    text = ("The trial ended early because of slow recruitment in all centres.\n"
            "2. Results\n"
            "Sixty patients were randomised to the two arms of the trial in 2019.\n"
            "They were followed for a year after the last infusion of the drug.\n")
    assert "\n2. Results\nSixty" in normalize(text).text
