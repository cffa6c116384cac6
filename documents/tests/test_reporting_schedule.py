"""Reporting schedules: the notice's phrase becomes a cycle and a due day."""

import pytest

from documents.extract.deadlines import find_reporting_schedule, parse_reporting_schedule


@pytest.mark.parametrize(
    "text, expected",
    [
        ("每季度末月20日前报送", ("quarterly", 20)),
        ("请于每季度末月20日前将进展情况报送区政府督查室", ("quarterly", 20)),
        ("每月25日前报送", ("monthly", 25)),
        ("每个月5号前上报", ("monthly", 5)),
        ("每月底前报送", ("monthly", None)),
        ("每季度末报送", ("quarterly", None)),
        ("每半年报送一次", ("half_yearly", None)),
        ("每年12月10日前报送", ("yearly", 10)),
        ("每周五前报送", ("weekly", None)),
        ("每半月报送", ("biweekly", None)),
        ("按要求报送", ("", None)),
        ("", ("", None)),
        ("每月40日前报送", ("monthly", None)),
    ],
)
def test_parse(text, expected):
    assert parse_reporting_schedule(text) == expected


def test_the_phrase_found_in_a_notice_parses():
    phrase = find_reporting_schedule("各单位要高度重视，每季度末月20日前报送工作进展。")
    assert parse_reporting_schedule(phrase) == ("quarterly", 20)
