"""Lint rules promql-time-zone, exclusion-names and maintenance-range on budget exclusions
(generator/lint/promql_time_zone.py, exclusion_names.py, maintenance_ranges.py)."""

from generator.findings import ERROR

from .helpers import check_text, of_rule, only, spec

DESK = spec("""\
    apiVersion: slogen/v1
    service: desk
    period: {calendar: month}
    exclusions:
      - name: sunday-maintenance
        weekdays: [sunday]
        days_of_month: ['1:7']
        times: [{start: '02:00', end: '04:00'}]
    slos:
      - name: avail
        objective: 99.9
        exclude: [sunday-maintenance]
        sli:
          ratio:
            errors: requests_total{code=~"5.."}
            total: requests_total
    """)


def test_utc_and_fixed_offsets_pass():
    assert check_text(DESK) == []
    assert check_text(DESK.replace("{calendar: month}", "{calendar: week, timezone: '-03:00'}")) == []


def test_a_zone_with_daylight_saving_is_refused_with_its_offsets():
    finding = only(
        check_text(DESK.replace("{calendar: month}", "{calendar: month, timezone: Europe/Paris}")), "promql-time-zone"
    )
    assert finding.level == ERROR
    assert finding.text().startswith("spec.yaml:3:37: period.timezone: time zone 'Europe/Paris' cannot start")
    assert "(+01:00 / +02:00)" in finding.text()


def test_a_zone_without_daylight_saving_says_which_offset_to_write():
    finding = only(
        check_text(DESK.replace("{calendar: month}", "{calendar: week, timezone: Asia/Kolkata}")), "promql-time-zone"
    )
    assert finding.text().endswith("Asia/Kolkata is +05:30 all year: write +05:30")


def test_a_quarter_off_the_whole_hour_is_refused():
    text = DESK.replace("{calendar: month}", "{calendar: quarter, timezone: '+05:30'}")
    assert "30-minute subquery step" in only(check_text(text), "promql-time-zone").text()


def test_an_exclusion_location_must_be_a_fixed_offset():
    text = DESK.replace(
        "    times: [{start: '02:00', end: '04:00'}]\n",
        "    times: [{start: '02:00', end: '04:00'}]\n    location: America/New_York\n",
    )
    finding = only(check_text(text), "promql-time-zone")
    assert finding.text().startswith("spec.yaml:9:15: exclusions[0].location: budget exclusion 'sunday-maintenance'")


def test_an_unknown_exclusion_name_is_refused_at_its_position():
    finding = only(
        check_text(DESK.replace("exclude: [sunday-maintenance]", "exclude: [sunday-maintenence]")), "exclusion-names"
    )
    assert finding.text() == (
        "spec.yaml:12:15: slos[0].exclude[0]: exclusion 'sunday-maintenence' is not one of service desk's exclusions "
        "(sunday-maintenance); name one of them, or add it under the service's `exclusions`"
    )


def test_exclusion_ranges_are_checked_as_maintenance_windows():
    text = DESK.replace("weekdays: [sunday]", "weekdays: ['saturday:monday']").replace(
        "'02:00', end: '04:00'", "'04:00', end: '02:00'"
    )
    found = of_rule(check_text(text), "maintenance-range")
    assert [f.text().split(": ", 2)[1] for f in found] == ["exclusions[0].weekdays[0]", "exclusions[0].times[0]"]


def test_a_calendar_unit_that_does_not_exist_is_a_schema_error():
    found = of_rule(check_text(DESK.replace("{calendar: month}", "{calendar: fortnight}")), "schema")
    assert found[0].text() == 'spec.yaml:3:20: period.calendar: "fortnight" is not valid (use week, month or quarter)'
