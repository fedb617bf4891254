"""YAML is read with libyaml, and its values mean what YAML 1.2 says (as they always have here)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reportkit.errors import ReportkitError
from reportkit.load.yaml_file import parse_yaml

TEXT = """\
country_code: NO
answer: no
consent: yes
switch: on
time: 1:30
born: 1990-05-17
stamp: 2024-01-02T10:00:00Z
flag: true
other: False
count: 017
octal: 0o17
hex: 0x1F
big: 1_000
ratio: 1.5
forever: .inf
nothing: ~
empty:
quoted: "yes"
single: '017'
block: |
  two
  lines
items:
  - one
  - {x: 3}
  -
    nested: [a, b]
1: number key
true: boolean key
<block>: a key like any other
"""


def test_values_mean_what_yaml_1_2_says():
    data = parse_yaml(TEXT, Path("case.yaml")).data
    assert data["country_code"] == "NO" and data["answer"] == "no"
    assert data["consent"] == "yes" and data["switch"] == "on"
    assert data["time"] == "1:30"
    assert data["born"] == "1990-05-17" and data["stamp"] == "2024-01-02T10:00:00Z"
    assert data["flag"] is True and data["other"] is False
    assert data["count"] == 17 and data["octal"] == 15 and data["hex"] == 31 and data["big"] == 1000
    assert data["ratio"] == 1.5 and math.isinf(data["forever"])
    assert data["nothing"] is None and data["empty"] is None
    assert data["quoted"] == "yes" and data["single"] == "017"
    assert data["block"] == "two\nlines\n"
    assert data["items"] == ["one", {"x": 3}, {"nested": ["a", "b"]}]
    assert data["1"] == "number key" and data["True"] == "boolean key"
    assert data["<block>"] == "a key like any other"


def test_every_key_and_item_has_its_line():
    document = parse_yaml(TEXT, Path("case.yaml"), line_offset=1)
    assert document.line_of(("country_code",)) == 2
    assert document.line_of(("block",)) == 21 and document.text_line(("block",)) == 22
    assert document.line_of(("items", 0)) == 25
    assert document.line_of(("items", 1, "x")) == 26
    assert document.line_of(("items", 2, "nested", 1)) == 28
    assert document.block_scalars == frozenset({("block",)})


@pytest.mark.parametrize("text, message, line", [
    ("a: 1\nb: &x [1]\nc: *x\n", "YAML aliases (*name) are not allowed", 3),
    ("a: 1\na: 2\n", 'found duplicate key "a"', 2),
    ("a: !!python/object x\n", "YAML tags (tag:yaml.org,2002:python/object) are not supported", 1),
    ("a: 1\n---\nb: 2\n", "expected a single document", 2),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "the YAML is nested more than 50 levels deep", 1),
    ("a: " + "[" * 2000 + "]" * 2000 + "\n", "the YAML is nested more than 50 levels deep", 1),
    ("a: [1, 2\n", "invalid YAML", 2),
])
def test_hostile_or_broken_yaml_is_refused_at_its_line(text, message, line):
    with pytest.raises(ReportkitError) as raised:
        parse_yaml(text, Path("case.yaml"))
    assert message in str(raised.value)
    assert raised.value.line == line
