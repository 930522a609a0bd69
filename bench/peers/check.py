"""Checks that a peer scores the sample submission as Assay does, before anything is timed.

Posts Examples/submissions/swift-basics.json to the peer's submit route, waits for its report
(GET /reports/{id}), and compares it with Assay's report on the same submission (--assay-report, a
JSON file from Assay's admin API) field by field, timestamps and ids aside. Without --assay-report
it compares with the figures Assay gives for the sample: 10 of 11 points, 90.9%, passed.
Exits 1 on any difference, printing it. Standard library only.

    python check.py --url http://127.0.0.1:PORT [--assay-report report.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "Examples" / "submissions" / "swift-basics.json"
COMPARED = [
    "assessment_id", "assessment_title", "candidate", "total_points", "max_points", "percent",
    "passing_percent", "passed", "questions", "skills", "strengths", "improvements", "summary", "scorer",
]
SAMPLE_FIGURES = {"total_points": 10, "max_points": 11, "percent": 90.9, "passed": True}


def peer_report(url: str) -> dict:
    request = urllib.request.Request(
        f"{url}/api/candidate/assessment/swift-basics/submit",
        data=SAMPLE.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.load(urllib.request.urlopen(request, timeout=10))
    expected = {"success": True, "message": "Assessment submitted successfully"}
    if any(answer.get(k) != v for k, v in expected.items()) or "submission_id" not in answer:
        sys.exit(f"check: {url} answered {answer}, not the plan's JSON")
    for _ in range(100):
        try:
            return json.load(urllib.request.urlopen(f"{url}/reports/{answer['submission_id']}", timeout=10))
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            time.sleep(0.1)
    sys.exit(f"check: {url} built no report in 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--assay-report")
    arguments = parser.parse_args()
    report = peer_report(arguments.url)
    if arguments.assay_report:
        expected = json.loads(Path(arguments.assay_report).read_text())
        fields = COMPARED
    else:
        expected, fields = SAMPLE_FIGURES, list(SAMPLE_FIGURES)
    differences = [f"  {f}: peer {report.get(f)!r}, Assay {expected.get(f)!r}" for f in fields if report.get(f) != expected.get(f)]
    if differences:
        sys.exit(f"check: {arguments.url}'s report differs from Assay's:\n" + "\n".join(differences))
    against = "Assay's report" if arguments.assay_report else "Assay's figures for the sample"
    print(
        f"check: {arguments.url} scored the sample {report['total_points']:g} of {report['max_points']:g} "
        f"({report['percent']}%), the same as {against}"
    )


if __name__ == "__main__":
    main()
