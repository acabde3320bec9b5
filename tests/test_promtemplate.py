"""promtemplate.expand: the text Prometheus prints for an alert's label or annotation, or None where slogen cannot
know it exactly (the generated tests then check the alert without it)."""

import pytest

from generator.promtemplate import expand

LABELS = {"region": "eu-west-1", "job": "shop"}


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("plain text, } and }} too", "plain text, } and }} too"),
        ("", ""),
        ('{{ "{{" }} is literal', "{{ is literal"),
        ('{{"}}"}}', "}}"),
        ("region {{ $labels.region }}", "region eu-west-1"),
        ("{{$labels.job}}/{{ .Labels.region }}", "shop/eu-west-1"),
        ("{{ $value | humanize }}", "1.235k"),
        ("{{ .Value|humanize }}", "1.235k"),
        ("{{ $value | humanizePercentage }}", "1.235e+05%"),
        ("{{ $value | humanizeDuration }}", "20m 34s"),
        ("a  {{- $labels.job -}}  b", "ashopb"),
        ("a {{- $labels.job }} b", "ashop b"),
        ("a\n{{ $labels.job -}}\n b", "a\nshopb"),
    ],
)
def test_predictable_texts(text, printed):
    assert expand(text, LABELS, 1234.5678) == printed


@pytest.mark.parametrize(
    "text",
    [
        "{{ $value }}",  # %v of a float: its last digits are float noise
        "{{ $labels.zone }}",  # Go prints <no value>
        "{{ $labels.region | toUpper }}",
        '{{ printf "%.2f" $value }}',
        '{{ with query "up" }}{{ . | first | value }}{{ end }}',
        "{{ if $labels.region }}x{{ end }}",
        "{{ range $labels }}{{ . }}{{ end }}",
        '{{ "a\\nb" }}',  # escapes: not predicted
        "{{-3}}",  # a number, not a trim marker
        "{{ $externalLabels.cluster }}",
        "{{ /* comment */ }}",
        "{{ unclosed",
    ],
)
def test_unpredictable_texts(text):
    assert expand(text, LABELS, 1234.5678) is None


def test_a_value_function_needs_the_value():
    assert expand("{{ $value | humanize }}", LABELS, None) is None
    assert expand("{{ $labels.region }}", LABELS, None) == "eu-west-1"
