"""Lint configuration a team commits: ``archetype.toml`` or ``[tool.archetype]`` in ``pyproject.toml``.

Found from the JD file's folder upwards; the nearest folder that has either file wins (in one folder,
``archetype.toml`` before ``pyproject.toml``, and a ``pyproject.toml`` without ``[tool.archetype]``
is passed over)::

    # archetype.toml (or the same keys under [tool.archetype] in pyproject.toml)
    fail_on = "warning"                 # error (default), warning or info
    allow_mix = ["ml_engineer", "research_engineer"]
    pay_bands = "hiring/pay_bands.csv"  # relative to this file; replaces the shipped table
    disable = ["adjacent-skill"]
    [rules]                             # re-level a rule, or turn it "off"
    title-mismatch = "warning"

A JD file silences rules for itself with a line such as ``# archetype: disable=title-mismatch``
(any comment style; several ids separated by commas).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

SEVERITIES = ("error", "warning", "info")
LEVELS = (*SEVERITIES, "off")
KEYS = ("fail_on", "allow_mix", "pay_bands", "disable", "rules")
_DIRECTIVE = re.compile(r"archetype:[ \t]*disable[ \t]*=[ \t]*([A-Za-z0-9_, \t-]+)")


def _rule_ids() -> tuple[str, ...]:
    from .lint import RULES

    return tuple(RULES)


@dataclass
class LintConfig:
    rules: dict[str, str] = field(default_factory=dict)  # rule id -> error, warning, info or off
    allow_mix: tuple[str, ...] = ()
    pay_bands: str | None = None
    fail_on: str = "error"
    source: str | None = None  # the file it was read from

    def levels(self) -> dict[str, str]:
        return dict(self.rules)


def check_rule(rule: str, where: str) -> str:
    rule = rule.strip()
    ids = _rule_ids()
    if rule not in ids:
        raise InputError(f"{where}: unknown rule {rule!r}; the rules are {', '.join(ids)}")
    return rule


def check_fail_on(value: Any, where: str = "fail_on") -> str:
    if value not in SEVERITIES:
        raise InputError(f"{where}: {value!r} is not a severity; expected error, warning or info")
    return value


def parse_config(table: dict[str, Any], source: str, base: Path | None = None) -> LintConfig:
    """A :class:`LintConfig` from a parsed TOML table; anything unknown is an InputError naming it."""
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise InputError(f"{source}: unknown key(s) {', '.join(unknown)}; expected {', '.join(KEYS)}")
    cfg = LintConfig(source=source)
    if "fail_on" in table:
        cfg.fail_on = check_fail_on(table["fail_on"], f"{source}: fail_on")
    if "allow_mix" in table:
        value = table["allow_mix"]
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{source}: allow_mix must be a list of archetype ids")
        from .pipeline import parse_allow_mix

        parse_allow_mix(value)  # names an unknown archetype
        cfg.allow_mix = tuple(v.strip() for v in value)
    if "pay_bands" in table:
        value = table["pay_bands"]
        if not isinstance(value, str) or not value:
            raise InputError(f"{source}: pay_bands must be a path to a CSV file")
        path = Path(value)
        if base is not None and not path.is_absolute():
            path = base / path
        cfg.pay_bands = str(path)
    disable = table.get("disable", [])
    if isinstance(disable, str):
        disable = [disable]
    if not isinstance(disable, list):
        raise InputError(f"{source}: disable must be a list of rule ids")
    for rule in disable:
        cfg.rules[check_rule(str(rule), f"{source}: disable")] = "off"
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise InputError(f"{source}: [rules] must be a table of rule id = level")
    for rule, level in rules.items():
        rule = check_rule(rule, f"{source}: [rules]")
        if level not in LEVELS:
            raise InputError(f"{source}: [rules] {rule} = {level!r}; expected error, warning, info or off")
        cfg.rules[rule] = level
    return cfg


def load_config(path: str | Path) -> LintConfig:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such configuration file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not valid TOML ({exc})") from None
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("archetype", {})
    return parse_config(data, str(p), p.parent)


def find_config(start: str | Path) -> LintConfig:
    """The nearest configuration from ``start`` (a file or folder) upwards; defaults when none."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        own = folder / "archetype.toml"
        if own.is_file():
            return load_config(own)
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                data = tomllib.loads(py.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InputError(f"{py}: not valid TOML ({exc})") from None
            if "archetype" in data.get("tool", {}):
                return parse_config(data["tool"]["archetype"], f"{py} [tool.archetype]", folder)
    return LintConfig()


def inline_directives(text: str) -> tuple[set[str], str]:
    """Rules a JD file disables for itself, and the text with those directive lines blanked out
    (same length, so every offset still points into the original)."""
    rules: set[str] = set()
    out = text
    for m in _DIRECTIVE.finditer(text):
        for rule in m.group(1).split(","):
            if rule.strip():
                rules.add(check_rule(rule.strip().split()[0], "archetype: disable="))
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        out = out[:ls] + " " * (le - ls) + out[le:]
    return rules, out
