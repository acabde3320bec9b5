"""PromQL series selectors: parse, render, match, and synthesise label values for generated tests."""

import re
import subprocess
import sys

import pytest

from generator.selector import Matcher, Selector, SelectorError, parse_selector
from generator.synth import SynthesisError, regex_example, series_labels

# --- parsing and rendering ------------------------------------------------------------------------


def test_parse_bare_metric():
    assert parse_selector("http_requests_total") == Selector("http_requests_total", ())


def test_parse_metric_with_colons_and_underscores():
    assert parse_selector("job:http_requests:rate5m").metric == "job:http_requests:rate5m"


def test_parse_empty_braces_is_a_bare_metric():
    assert parse_selector("up{}") == Selector("up", ())


@pytest.mark.parametrize("op", ["=", "!=", "=~", "!~"])
def test_parse_each_operator(op):
    selector = parse_selector(f'http_requests_total{{code{op}"5.."}}')
    assert selector.matchers == (Matcher("code", op, "5.."),)


def test_parse_all_four_operators_keeps_order():
    selector = parse_selector('x{a=~"5..", b!~"4.*", c!="2", d="v"}')
    assert selector.matchers == (
        Matcher("a", "=~", "5.."),
        Matcher("b", "!~", "4.*"),
        Matcher("c", "!=", "2"),
        Matcher("d", "=", "v"),
    )


def test_parse_tolerates_whitespace_and_trailing_comma():
    assert parse_selector(' x { a = "1" , } ') == Selector("x", (Matcher("a", "=", "1"),))


@pytest.mark.parametrize("text", ['x{a="v"}', "x{a='v'}", "x{a=`v`}"])
def test_parse_all_three_quote_styles(text):
    assert parse_selector(text).matchers == (Matcher("a", "=", "v"),)


def test_parse_double_quote_escapes():
    selector = parse_selector(r'x{a="q\"uo\\te\n\t"}')
    assert selector.matchers[0].value == 'q"uo\\te\n\t'


def test_parse_single_quote_escape():
    assert parse_selector(r"x{a='it\'s'}").matchers[0].value == "it's"


def test_parse_other_quote_inside_quotes_needs_no_escape():
    assert parse_selector("""x{a="it's", b='say "hi"'}""").matchers == (
        Matcher("a", "=", "it's"),
        Matcher("b", "=", 'say "hi"'),
    )


def test_parse_backquote_is_raw():
    assert parse_selector(r"x{a=~`\d+\.\d+`}").matchers[0].value == r"\d+\.\d+"


def test_render_bare_metric_has_no_braces():
    assert parse_selector("up").render() == "up"
    assert parse_selector("up{}").render() == "up"


def test_render_canonical_form():
    assert parse_selector(" x{ a='1',b =~ `5..` } ").render() == 'x{a="1", b=~"5.."}'


def test_render_escapes_backslash_quote_and_newline():
    selector = Selector("x", (Matcher("a", "=", 'q"\\\n'),))
    assert selector.render() == r'x{a="q\"\\\n"}'


def test_render_suffix_and_extra_matchers():
    selector = parse_selector('http_request_duration_seconds{job="api"}')
    rendered = selector.render("_bucket", (Matcher("le", "=~", "0.25"),))
    assert rendered == 'http_request_duration_seconds_bucket{job="api", le=~"0.25"}'


@pytest.mark.parametrize(
    "text",
    [
        "up",
        'http_requests_total{job="checkout", code=~"5.."}',
        'x{a!="b", c!~"d|e"}',
        r'x{a="q\"uo\\te\nx"}',
        "x{a='single \\' quote'}",
        r"x{a=~`\d+`}",
        'x{a="é ü"}',
    ],
)
def test_render_then_parse_round_trips(text):
    selector = parse_selector(text)
    assert parse_selector(selector.render()) == selector


def test_render_is_a_fixed_point():
    once = parse_selector(r"x{a=`\d`, b='it\'s'}").render()
    assert parse_selector(once).render() == once


def test_label_equalities_only_exact_matchers():
    selector = parse_selector('x{job="api", code=~"5..", env!="dev"}')
    assert selector.label_equalities() == {"job": "api"}


# --- errors with offsets --------------------------------------------------------------------------


def _error(text: str) -> SelectorError:
    with pytest.raises(SelectorError) as caught:
        parse_selector(text)
    return caught.value


def test_error_missing_metric_name():
    error = _error('{job="api"}')
    assert error.offset == 0
    assert "metric name" in str(error)


def test_error_empty_text():
    error = _error("")
    assert error.offset == 0
    assert "metric name" in str(error)


def test_error_unclosed_brace():
    error = _error('x{a="1"')
    assert error.offset == 7
    assert "'}'" in str(error)


def test_error_unclosed_brace_after_comma():
    error = _error('x{a="1",')
    assert error.offset == 8
    assert "label name or '}'" in str(error)


@pytest.mark.parametrize("text, offset", [('x{a<"1"}', 3), ('x{a "1"}', 4), ("x{a}", 3)])
def test_error_bad_operator(text, offset):
    error = _error(text)
    assert error.offset == offset
    assert "expected one of = != =~ !~ after label a" in str(error)


def test_error_double_equals_is_not_an_operator():
    error = _error('x{a=="1"}')
    assert error.offset == 4
    assert "quoted label value" in str(error)


def test_error_unquoted_value():
    error = _error("x{a=1}")
    assert error.offset == 4
    assert "quoted label value" in str(error)


@pytest.mark.parametrize("op", ["=~", "!~"])
def test_error_invalid_regex_points_at_the_matcher(op):
    error = _error(f'x{{job="a", code{op}"(5.."}}')
    assert error.offset == len('x{job="a", ')
    assert "invalid regular expression '(5..'" in str(error)


@pytest.mark.parametrize(
    "pattern, reason",
    [("(?!2)..", "invalid perl operator: (?!"), (r"(a)\1", r"invalid escape sequence: \1"), (r"a\Z", r"\Z")],
)
def test_error_regex_python_accepts_but_prometheus_re2_refuses(pattern, reason):
    error = _error(f"x{{code=~`{pattern}`}}")  # backquotes: PromQL takes the text as written
    assert error.offset == 2
    assert reason in str(error)
    assert "Prometheus regexes are RE2" in str(error)


@pytest.mark.parametrize("pattern", [r"\pN..", r"a\z", "[[:digit:]]{3}"])
def test_regex_re2_accepts_but_python_refuses_or_reads_otherwise_parses(pattern):
    assert parse_selector(f"x{{code=~`{pattern}`}}").matchers[0].value == pattern


def test_regex_matcher_uses_re2_semantics():
    assert Matcher("code", "=~", "[[:digit:]]{3}").matches("500")  # Python's re reads a nested set here
    assert Matcher("code", "=~", r"\pN..").matches("503")  # Python's re refuses \p
    assert not Matcher("code", "!~", r"\pN..").matches("503")


def test_regex_example_is_checked_with_re2():
    assert regex_example("a(?!b)") is None  # Python parses it; Prometheus refuses it
    example = regex_example("[[:digit:]]{3}")
    assert example is None or re.fullmatch("[0-9]{3}", example)


def test_invalid_regex_text_is_fine_for_equality_matchers():
    assert parse_selector('x{a="(5.."}').matchers[0].value == "(5.."


@pytest.mark.parametrize(
    "text, offset",
    [
        ("rate(x[5m])", 4),
        ("x[5m]", 1),
        ('x{a="1"} offset 5m', 9),
        ('x{a="1"} y', 9),
        ("sum(x)", 3),
        ("x > 0", 2),
    ],
)
def test_error_trailing_junk_is_not_a_selector(text, offset):
    error = _error(text)
    assert error.offset == offset
    assert "not an expression" in str(error)


def test_error_missing_comma_between_matchers():
    error = _error('x{a="1" b="2"}')
    assert error.offset == 8
    assert "expected ',' or '}'" in str(error)


def test_error_unterminated_value_points_at_its_quote():
    error = _error('x{a="never closed}')
    assert error.offset == 4
    assert "unterminated" in str(error)


def test_error_unknown_escape():
    error = _error(r'x{a="\q"}')
    assert error.offset == 5
    assert r"unknown escape sequence \q" in str(error)


def test_error_label_name_cannot_start_with_digit():
    error = _error('x{1a="1"}')
    assert error.offset == 2
    assert "label name" in str(error)


def test_selector_error_is_a_value_error():
    assert issubclass(SelectorError, ValueError)


# --- Matcher.matches -------------------------------------------------------------------------------


def test_equal_matcher():
    assert Matcher("a", "=", "x").matches("x")
    assert not Matcher("a", "=", "x").matches("xx")


def test_not_equal_matcher():
    assert Matcher("a", "!=", "x").matches("y")
    assert not Matcher("a", "!=", "x").matches("x")


def test_regex_matcher_is_fully_anchored():
    matcher = Matcher("code", "=~", "5..")
    assert matcher.matches("500")
    assert not matcher.matches("5000")
    assert not matcher.matches("x500")


def test_regex_alternation_is_anchored_as_a_whole():
    matcher = Matcher("a", "=~", "a|b")
    assert matcher.matches("a") and matcher.matches("b")
    assert not matcher.matches("ab")


def test_negative_regex_matcher_is_fully_anchored():
    matcher = Matcher("code", "!~", "5..")
    assert not matcher.matches("503")
    assert matcher.matches("5030")
    assert matcher.matches("200")


def test_selector_matches_needs_metric_and_all_matchers():
    selector = parse_selector('http{job="c", code=~"5.."}')
    assert selector.matches("http", {"job": "c", "code": "500"})
    assert not selector.matches("http", {"job": "c", "code": "200"})
    assert not selector.matches("other", {"job": "c", "code": "500"})


def test_selector_missing_label_is_empty_string():
    # PromQL: a missing label equals ""; so code!="429" selects series without a code label.
    assert parse_selector('x{code!="429"}').matches("x", {})
    assert not parse_selector('x{code="429"}').matches("x", {})
    assert parse_selector('x{code=~"|5.."}').matches("x", {})


# --- synthesis: regex_example and series_labels ------------------------------------------------------


@pytest.mark.parametrize(
    "pattern", ["5..", "4[0-9]{2}", "a|b", "(GET|POST)", r"\d+", ".+", "x*", "api-.*", "(?:foo)bar", "[a-z]{3,5}"]
)
def test_regex_example_fully_matches(pattern):
    example = regex_example(pattern)
    assert example is not None
    assert re.fullmatch(pattern, example)


def test_regex_example_prefers_short_readable_strings():
    assert regex_example("5..") == "5xx"
    assert regex_example("(GET|POST)") == "GET"


@pytest.mark.parametrize("pattern", ["[^a]", "(", "a(?=b)"])
def test_regex_example_none_when_it_cannot_build_one(pattern):
    assert regex_example(pattern) is None


def test_series_labels_for_errors_within_total():
    errors = parse_selector('http_requests_total{job="checkout", code=~"5.."}')
    total = parse_selector('http_requests_total{job="checkout", code!="429"}')
    labels = series_labels((errors, total))
    assert labels["job"] == "checkout"
    assert re.fullmatch("5..", labels["code"]) and labels["code"] != "429"
    assert errors.matches("http_requests_total", labels) and total.matches("http_requests_total", labels)


def test_series_labels_good_series_dodges_the_errors_selector():
    total = parse_selector('http_requests_total{job="checkout", code!="429"}')
    errors = parse_selector('http_requests_total{job="checkout", code=~"5.."}')
    labels = series_labels((total,), (errors,))
    assert total.matches("http_requests_total", labels)
    assert not errors.matches("http_requests_total", labels)


def test_series_labels_regex_and_negation_on_same_label():
    selector = parse_selector('x{code=~"4..", code!="429"}')
    labels = series_labels((selector,))
    assert re.fullmatch("4..", labels["code"]) and labels["code"] != "429"


def test_series_labels_keeps_fixed_labels():
    selector = parse_selector('x{job="a"}')
    assert series_labels((selector,), fixed={"le": "0.25"}) == {"job": "a", "le": "0.25"}


def test_series_labels_impossible_raises_synthesis_error():
    with pytest.raises(SynthesisError, match=r'x\{code="1"\} but not x'):
        series_labels((parse_selector('x{code="1"}'),), (parse_selector("x"),))


def test_series_labels_contradictory_matchers_raise():
    with pytest.raises(SynthesisError):
        series_labels((parse_selector('x{a="1", a="2"}'),))


def test_rendered_selectors_are_valid_promql_for_promtool():
    from generator import promtool

    promtool.executable()  # missing: PromtoolMissing with the install hint, never a skip
    texts = ['x{a="q\\"uo\\\\te\\nx"}', "x{a='it\\'s'}", r"x{a=~`\d+\.\d+`}", 'x{a="é", b!~"4..|5.."}']
    rendered = [parse_selector(text).render() for text in texts]
    assert promtool.check_expressions(rendered) == {}


def test_synth_imports_the_regex_parser_without_deprecation_warnings():
    # Only the deprecated sre_parse/sre_constants names have type stubs; at run time synth must use re._parser.
    command = [sys.executable, "-W", "error::DeprecationWarning", "-c", "import generator.synth"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
