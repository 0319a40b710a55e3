from classifier.segment import MAX_SEGMENT_WORDS, clean, segment_text


def spans_match(text):
    for seg in segment_text(text):
        assert clean(text[seg.start : seg.end]) == seg.text, (seg, text[seg.start : seg.end])


def test_sentences_bullets_and_headings():
    text = (
        "## What you'll do\n- Train ranking models. Deploy them.\n* Monitor drift\n\nRequirements:\n1. Python"
    )
    segs = segment_text(text)
    assert [s.text for s in segs] == [
        "What you'll do",
        "Train ranking models.",
        "Deploy them.",
        "Monitor drift",
        "Requirements:",
        "Python",
    ]
    assert [s.heading for s in segs] == [True, False, False, False, True, False]
    spans_match(text)


def test_html_remnants_are_cleaned_and_offsets_point_into_the_raw_input():
    text = "<p><strong>About us</strong></p><ul><li>Serve LLMs with vLLM &amp; TensorRT-LLM</li><li>Tune NCCL</li></ul>"
    segs = segment_text(text)
    assert [s.text for s in segs] == ["About us", "Serve LLMs with vLLM & TensorRT-LLM", "Tune NCCL"]
    assert segs[0].heading
    assert text[segs[1].start : segs[1].end] == "Serve LLMs with vLLM &amp; TensorRT-LLM"
    spans_match(text)


def test_inline_bullets_and_crlf():
    text = "Skills:\r\nPyTorch • JAX • Kubernetes\r\nLed a team of 4."
    assert [s.text for s in segment_text(text)] == [
        "Skills:",
        "PyTorch",
        "JAX",
        "Kubernetes",
        "Led a team of 4.",
    ]
    spans_match(text)


def test_long_sentences_are_chunked_not_truncated():
    words = [f"word{i}" for i in range(MAX_SEGMENT_WORDS * 2 + 5)]
    text = " ".join(words)
    segs = segment_text(text)
    assert len(segs) == 3
    assert " ".join(s.text for s in segs) == text  # every word is read
    spans_match(text)


def test_no_letters_no_segment():
    assert segment_text("---\n***\n12345\n") == []


def test_hard_wrapped_lines_are_rejoined_but_lists_are_not():
    text = (
        "We offer 24 days of paid time\noff, parental leave and a\nlearning budget.\n"
        "- Train models\n- Deploy them\nRequirements:\nPython"
    )
    assert [s.text for s in segment_text(text)] == [
        "We offer 24 days of paid time off, parental leave and a learning budget.",
        "Train models",
        "Deploy them",
        "Requirements:",
        "Python",
    ]
    spans_match(text)


def test_repeats_and_headings_are_skipped():
    from classifier.segment import skip_mask

    segs = segment_text(
        "Benefits\nWe are an equal opportunity employer.\nTrain models.\nWe are an equal opportunity employer."
    )
    assert skip_mask(segs) == [True, False, False, True]


def test_a_short_first_line_is_the_title_not_a_role_sentence():
    segs = segment_text("Machine Learning Engineer - Personalisation\nOwn our ranking models.")
    assert segs[0].heading and not segs[1].heading
    assert not segment_text("Own our ranking models end to end.\nMore text")[0].heading
