from assistant.verify.quotes import locate

TEXT = 'The U.S. military said it moved 150 fighters.\nCooper said: “We are closely coordinating.”'


def test_exact_quote_gives_its_offsets() -> None:
    quote = "The U.S. military said it moved 150 fighters."
    start, end = locate(TEXT, quote) or (0, 0)
    assert TEXT[start:end] == quote


def test_typography_changes_are_tolerated_but_offsets_point_at_the_original() -> None:
    span = locate(TEXT, "The U. S. military said it moved 150 fighters")
    assert span is not None
    assert TEXT[span[0] : span[1]] == "The U.S. military said it moved 150 fighters"
    span = locate(TEXT, 'Cooper said: "We are closely coordinating."')
    assert span is not None
    assert TEXT[span[0] : span[1]] == "Cooper said: “We are closely coordinating.”"


def test_a_quote_the_source_does_not_contain_is_not_found() -> None:
    assert locate(TEXT, "The U.S. military said it moved 7,000 fighters.") is None
    assert locate(TEXT, "moved") is None  # too short to count as a quote
    assert locate(TEXT, "") is None


def test_dropped_inner_quote_marks_still_match_the_source() -> None:
    text = 'The army moved 150 detained "ISIS" fighters to Iraq.'
    span = locate(text, "The army moved 150 detained ISIS fighters to Iraq.")
    assert span == (0, len(text))
