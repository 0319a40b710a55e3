"""How often each lint rule fires on the real labelled postings (``../shared/real_dev/jds.jsonl``).

    python -m benchmarks.lint_real [--real DIR] [--pay]    # --pay: one line per pay reading, for a hand check

Prints counts only (and, with ``--pay``, ids and the figures read), never a posting's text.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from classifier import Classifier
from classifier.lint import RULES, lint

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "real_dev"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", default=str(DEFAULT))
    ap.add_argument("--pay", action="store_true")
    args = ap.parse_args(argv)
    rows = [json.loads(x) for x in (Path(args.real) / "jds.jsonl").read_text().splitlines() if x.strip()]
    clf = Classifier.load()
    fired: Counter[str] = Counter()
    by_label: dict[str, Counter[str]] = {}
    failed = 0
    stated = 0
    agree = Counter()
    mixed_agree = Counter()
    oos_agree = Counter()
    missed_mix: Counter[str] = Counter()
    for row in rows:
        report = lint(clf, row["text"])  # the title comes from the posting's first line, as a file would
        rules = {f.rule for f in report.findings}
        fired.update(rules)
        by_label.setdefault(row["label"], Counter()).update(rules)
        failed += not report.passed
        mism = "title-mismatch" in rules
        agree[(bool(row["title_mismatch"]), mism)] += 1
        mixed_agree[(row["mixed_with"] is not None, "mixed-archetypes" in rules)] += 1
        oos_agree[(row["label"] == "out_of_scope", "out-of-scope" in rules)] += 1
        if row["mixed_with"] and "mixed-archetypes" not in rules:
            adjacent = {f.data.get("archetype") for f in report.findings if f.rule == "adjacent-skill"}
            missed_mix["named by adjacent-skill" if row["mixed_with"] in adjacent else "not named"] += 1
        if report.pay["stated"]:
            stated += 1
            if args.pay:
                pay_rules = [f.rule for f in report.findings if f.rule.startswith("pay-")]
                band = report.pay["band"]["described"] if report.pay["band"] else report.pay["note"]
                print(
                    f"{row['id']} label={row['label']} verdict={report.verdict} "
                    f"seniority={report.pay['seniority']} region={report.pay['region']}\n"
                    f"   read: {[r['read_as'] for r in report.pay['stated']]}\n"
                    f"   ignored: {[r['read_as'] for r in report.pay.get('ignored', [])]}\n"
                    f"   band: {band}\n   fired: {pay_rules}"
                )
    n = len(rows)
    print(f"\n{n} postings; {failed} fail at the default threshold (error); {stated} state pay\n")
    print("| rule | severity | fires on | share |")
    print("|---|---|---|---|")
    for rule in RULES.values():
        print(f"| `{rule.id}` | {rule.severity} | {fired[rule.id]} | {fired[rule.id] / n:.0%} |")
    print(
        "\ntitle-mismatch vs the labelled title_mismatch (label, fired): "
        + ", ".join(f"{k}: {v}" for k, v in sorted(agree.items()))
    )
    print(
        "mixed-archetypes vs a labelled second archetype: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(mixed_agree.items()))
    )
    print(f"labelled mixes not flagged as mixed, their second archetype: {dict(missed_mix)}")
    print(
        "out-of-scope vs the out_of_scope label: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(oos_agree.items()))
    )
    print("\nper label:")
    for label, c in sorted(by_label.items()):
        print(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))


if __name__ == "__main__":
    main()
