"""Lint rule receiver-shared-url (generator/lint/receiver_shared_url.py)."""

from .helpers import VALID, at, check_text, of_rule, only, spec

ROUTING = VALID + spec("""\
    routing:
      default_receiver: oncall
      receivers:
        - {name: oncall, type: slack, url_file: /etc/alertmanager/secrets/oncall-url, channel: '#oncall'}
        - {name: tickets, type: slack, url_file: /etc/alertmanager/secrets/tickets-url, channel: '#tickets'}
        - {name: leads, type: discord, url_file: /etc/alertmanager/secrets/leads-url}
      routes:
        - {severity: page, receivers: [oncall, leads]}
        - {severity: ticket, receivers: [tickets]}
    """)


def test_two_receivers_reading_one_url_file():
    finding = only(check_text(ROUTING.replace("tickets-url", "oncall-url")), "receiver-shared-url")
    assert finding.text() == (
        "spec.yaml:14:46: routing.receivers[1].url_file: receivers oncall and tickets read the same url_file "
        "/etc/alertmanager/secrets/oncall-url; Slack incoming webhooks ignore `channel`, so both post to one "
        "channel: give each receiver its own webhook URL file"
    )


def test_every_later_receiver_is_reported_against_the_first():
    findings = of_rule(
        check_text(ROUTING.replace("tickets-url", "oncall-url").replace("leads-url", "oncall-url")),
        "receiver-shared-url",
    )
    assert [(at(f), f.message.split(" read ")[0]) for f in findings] == [
        ("spec.yaml:14:46", "receivers oncall and tickets"),
        ("spec.yaml:15:46", "receivers oncall and leads"),
    ]


def test_one_url_file_per_receiver_passes():
    assert check_text(ROUTING) == []
