"""Assay's submission checks, rubric scoring and report building, ported to Python for the peers.

The Python peers of issue 11 (plan_dev.py, plan_durable.py) must do the same work per submission as
Assay, or the comparison says nothing. This module is a line-by-line port of Sources/AssayCore:
SubmissionContent.validate (the checks made before a submission is accepted), RubricScorer and
KeywordMatcher (scoring), ReportBuilder and NumberText (the report). It does no I/O and no sleeping:
the work is the same string and number work Assay does, in Python.

The request body is parsed and type-checked by the pydantic models below, as a FastAPI service
does; the checks against the assessment (known questions, known options, lengths, control
characters) follow in `validate`, as in Assay.
"""

from __future__ import annotations

import json
import math
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, StrictFloat, StrictInt, StrictStr

SAMPLE_ASSESSMENT = Path(__file__).resolve().parents[2] / "Examples" / "swift-basics.json"

MAXIMUM_NAME_LENGTH = 200
MAXIMUM_EMAIL_LENGTH = 320
MAXIMUM_TEXT_ANSWER_LENGTH = 20_000
STRENGTH_PERCENT = 80.0
IMPROVEMENT_PERCENT = 50.0
PROMPT_EXCERPT_LENGTH = 60


class Candidate(BaseModel):
    name: StrictStr
    email: StrictStr


class Answer(BaseModel):
    question_id: StrictStr
    answer: Union[StrictStr, list[StrictStr], StrictInt, StrictFloat]


class SubmissionData(BaseModel):
    """The submit route's body, the same JSON Assay takes (Examples/submissions/swift-basics.json)."""

    candidate: Candidate
    answers: list[Answer]


class SubmissionRejected(Exception):
    """A submission that fails the checks against its assessment; answered 400 like Assay's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def load_assessments() -> dict[str, dict[str, Any]]:
    """The sample assessments by id, with a question index for the checks and the scorer."""
    assessment = json.loads(SAMPLE_ASSESSMENT.read_text())
    assessment["by_id"] = {question["id"]: question for question in assessment["questions"]}
    return {assessment["id"]: assessment}


def _round(value: float, places: int) -> float:
    # Half away from zero, as Swift's rounded(toPlaces:).
    scale = 10.0**places
    scaled = value * scale
    rounded = math.floor(scaled + 0.5) if scaled >= 0 else math.ceil(scaled - 0.5)
    return rounded / scale


def _number_text(value: float) -> str:
    if value == _round(value, 0) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _points_text(value: float) -> str:
    return _number_text(_round(value, 2))


def _percent_text(value: float) -> str:
    return "%.1f" % _round(value, 1)


def _first_control(text: str, prose: bool = False) -> str | None:
    for character in text:
        if unicodedata.category(character) == "Cc" and not (prose and character in "\t\n\r"):
            return character
    return None


def _is_blank(answer: Any) -> bool:
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, list):
        return not answer
    return False


def _kind_expectation(kind: str) -> str:
    return {
        "single_choice": "a string (an option id)",
        "multiple_choice": "an array of option ids",
        "numeric": "a number",
    }.get(kind, "a string")


def validate(submission: SubmissionData, assessment: dict[str, Any]) -> None:
    """Raises SubmissionRejected when the submission does not fit its assessment, as Assay does."""
    name = submission.candidate.name.strip()
    if not name:
        raise SubmissionRejected("invalid_candidate", "the candidate's name is empty")
    if len(name) > MAXIMUM_NAME_LENGTH:
        raise SubmissionRejected("invalid_candidate", "the candidate's name is too long")
    if _first_control(name):
        raise SubmissionRejected("invalid_candidate", "the candidate's name holds a control character")
    email = submission.candidate.email.strip()
    parts = email.split("@")
    if len(parts) != 2 or not parts[0] or not parts[1] or any(c.isspace() for c in email) or _first_control(email):
        raise SubmissionRejected("invalid_candidate", f"the candidate's email {email!r} is not an address")
    if len(email) > MAXIMUM_EMAIL_LENGTH:
        raise SubmissionRejected("invalid_candidate", "the candidate's email is too long")
    answered: set[str] = set()
    for answer in submission.answers:
        question = assessment["by_id"].get(answer.question_id)
        if question is None:
            raise SubmissionRejected("unknown_question", f"question {answer.question_id!r} is not in the assessment")
        if answer.question_id in answered:
            raise SubmissionRejected("duplicate_answer", f"question {answer.question_id!r} is answered more than once")
        answered.add(answer.question_id)
        _validate_answer(answer.answer, question)


def _validate_answer(value: Any, question: dict[str, Any]) -> None:
    kind = question["kind"]
    option_ids = {option["id"] for option in question.get("options", [])}
    if kind == "single_choice" and isinstance(value, str):
        chosen = [value]
    elif kind == "multiple_choice" and isinstance(value, list):
        if len(set(value)) != len(value):
            raise SubmissionRejected("duplicate_answer", f"an option of question {question['id']!r} is picked twice")
        chosen = value
    elif kind == "numeric" and isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise SubmissionRejected("wrong_answer_type", f"question {question['id']!r} expects a number")
        return
    elif kind in ("short_text", "free_text") and isinstance(value, str):
        if len(value) > MAXIMUM_TEXT_ANSWER_LENGTH:
            raise SubmissionRejected("answer_too_long", f"the answer to question {question['id']!r} is too long")
        if _first_control(value, prose=True):
            raise SubmissionRejected("invalid_answer", f"the answer to {question['id']!r} holds a control character")
        return
    else:
        raise SubmissionRejected(
            "wrong_answer_type", f"question {question['id']!r} ({kind}) expects {_kind_expectation(kind)}"
        )
    for option_id in chosen:
        if option_id not in option_ids:
            raise SubmissionRejected("unknown_option", f"option {option_id!r} is not an option of {question['id']!r}")


# Scoring: RubricScorer.swift and KeywordMatcher.swift.


def _normalize(text: str) -> list[str]:
    result: list[str] = []
    pending_space = False
    for character in text.lower():
        if character.isspace():
            pending_space = True
        else:
            if pending_space and result:
                result.append(" ")
            pending_space = False
            result.append(character)
    return result


def _is_word_character(character: str) -> bool:
    return character.isalpha() or character.isnumeric() or character == "_"


def _contains_keyword(characters: list[str], keyword: str) -> bool:
    needle = _normalize(keyword)
    if not needle or len(needle) > len(characters):
        return False
    for start in range(len(characters) - len(needle) + 1):
        end = start + len(needle)
        if characters[start:end] != needle:
            continue
        word_before = start > 0 and _is_word_character(characters[start - 1])
        word_after = end < len(characters) and _is_word_character(characters[end])
        if not word_before and not word_after:
            return True
    return False


def _earned(question: dict[str, Any], answer: Any) -> tuple[float, str]:
    if answer is None or _is_blank(answer):
        return 0.0, "Not answered."
    kind, points = question["kind"], float(question["points"])
    if kind == "single_choice" and isinstance(answer, str):
        if answer == question["correct"]:
            return points, "Correct."
        return 0.0, f"Incorrect: chose {answer}; the correct option is {question['correct']}."
    if kind == "multiple_choice" and isinstance(answer, list):
        correct = set(question["correct"])
        if not correct:
            return 0.0, "Not scored: the question has no correct options."
        chosen = set(answer)
        right, wrong = len(chosen & correct), len(chosen - correct)
        earned = points * max(0, right - wrong) / len(correct)
        if right == len(correct) and wrong == 0:
            return earned, "Correct."
        right_part = f"{right} of {len(correct)} correct options chosen"
        return earned, f"{right_part}." if wrong == 0 else f"{right_part}, {wrong} wrong."
    if kind == "numeric" and isinstance(answer, (int, float)) and not isinstance(answer, bool):
        expected, tolerance = float(question["answer"]), float(question.get("tolerance", 0))
        slack = 1e-9 * max(1.0, abs(expected))
        if abs(answer - expected) <= tolerance + slack:
            return points, "Correct."
        if tolerance == 0:
            return 0.0, f"Incorrect: {_number_text(answer)} is not {_number_text(expected)}."
        return 0.0, (
            f"Incorrect: {_number_text(answer)} is not within {_number_text(tolerance)} of {_number_text(expected)}."
        )
    if kind == "short_text" and isinstance(answer, str):
        accepted = question["accepted"]
        if any(a.strip().lower() == answer.strip().lower() for a in accepted):
            return points, "Correct."
        return 0.0, f'Incorrect: expected "{accepted[0].strip() if accepted else ""}".'
    if kind == "free_text" and isinstance(answer, str):
        characters = _normalize(answer)
        earned, met, missed = 0.0, [], []
        for criterion in question["rubric"]:
            keyword = next((k for k in criterion["keywords"] if _contains_keyword(characters, k)), None)
            if keyword is not None:
                earned += float(criterion["points"])
                met.append(f"{criterion['id']} (uses {keyword.strip()})")
            else:
                missed.append(criterion["id"])
        sentences = [f"Met: {', '.join(met)}." if met else None, f"Missed: {', '.join(missed)}." if missed else None]
        return earned, " ".join(s for s in sentences if s)
    return 0.0, f"Not scored: a {kind} question expects {_kind_expectation(kind)}."


def score(content: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    """The evaluation of a submission (its JSON form as stored): one score per question, totals."""
    answers = {a["question_id"]: a["answer"] for a in reversed(content["answers"])}
    questions = []
    for question in assessment["questions"]:
        points, feedback = _earned(question, answers.get(question["id"]))
        questions.append(
            {
                "question_id": question["id"],
                "points": _round(min(max(points, 0.0), float(question["points"])), 2),
                "max_points": _round(float(question["points"]), 2),
                "feedback": feedback,
            }
        )
    return {
        "assessment_id": assessment["id"],
        "scorer": "rubric",
        "questions": questions,
        "total_points": _round(sum(q["points"] for q in questions), 2),
        "max_points": _round(sum(q["max_points"] for q in questions), 2),
        "evaluated_at": _now(),
    }


# The report: ReportBuilder.swift and NumberText.swift.


def _percentage(points: float, max_points: float) -> float:
    return _round(points / max_points * 100, 1) if max_points > 0 else 0.0


def _describe_skill(skill: dict[str, Any]) -> str:
    return (
        f"{_points_text(skill['points'])} of {_points_text(skill['max_points'])} points "
        f"({_percent_text(skill['percent'])}%)"
    )


def _describe_question(question: dict[str, Any]) -> str:
    first_line = question["prompt"].strip().split("\n", 1)[0]
    if not first_line:
        return question["question_id"]
    if len(first_line) > PROMPT_EXCERPT_LENGTH:
        first_line = first_line[: PROMPT_EXCERPT_LENGTH - 1].strip() + "…"
    return f"{question['question_id']} (“{first_line}”)"


def build_report(
    submission_id: str, content: dict[str, Any], evaluation: dict[str, Any], assessment: dict[str, Any]
) -> dict[str, Any]:
    """The report on a scored submission, in the JSON shape Assay stores."""
    percent = _percentage(evaluation["total_points"], evaluation["max_points"])
    passed = percent >= assessment["passing_percent"]
    questions = [
        {
            "question_id": s["question_id"],
            "prompt": assessment["by_id"].get(s["question_id"], {}).get("prompt", ""),
            "points": s["points"],
            "max_points": s["max_points"],
            "feedback": s["feedback"],
        }
        for s in evaluation["questions"]
    ]
    totals: dict[str, list[float]] = {}
    for s in evaluation["questions"]:
        for skill in set(assessment["by_id"].get(s["question_id"], {}).get("skills", [])):
            total = totals.setdefault(skill, [0.0, 0.0])
            total[0] += s["points"]
            total[1] += s["max_points"]
    skills = [
        {"skill": k, "points": _round(p, 2), "max_points": _round(m, 2), "percent": _percentage(p, m)}
        for k, (p, m) in sorted(totals.items())
    ]
    if skills:
        strengths = [f"Strong in {s['skill']}: {_describe_skill(s)}." for s in skills if s["percent"] >= STRENGTH_PERCENT]
    else:
        strengths = [
            f"Full marks on question {_describe_question(q)}."
            for q in questions
            if q["max_points"] > 0 and q["points"] >= q["max_points"]
        ]
    answers = {a["question_id"]: a["answer"] for a in reversed(content["answers"])}
    improvements = [f"Needs work on {s['skill']}: {_describe_skill(s)}." for s in skills if s["percent"] < IMPROVEMENT_PERCENT]
    for q in questions:
        answer = answers.get(q["question_id"])
        if answer is None or _is_blank(answer):
            improvements.append(f"Question {_describe_question(q)} was not answered.")
        elif q["points"] <= 0:
            improvements.append(f"Question {_describe_question(q)} earned no points.")
    candidate = content["candidate"]
    summary = (
        f"{candidate['name'].strip()} scored {_points_text(evaluation['total_points'])} of "
        f"{_points_text(evaluation['max_points'])} points ({_percent_text(percent)}%) on "
        f"{assessment['title'].strip()} and {'passed' if passed else 'did not pass'} "
        f"({_points_text(assessment['passing_percent'])}% needed)."
    )
    if skills:
        strongest = max(skills, key=lambda s: s["percent"])
        weakest = min(skills, key=lambda s: s["percent"])
        if strongest["percent"] > weakest["percent"]:
            summary += (
                f" Strongest in {strongest['skill']} ({_percent_text(strongest['percent'])}%), "
                f"weakest in {weakest['skill']} ({_percent_text(weakest['percent'])}%)."
            )
    return {
        "submission_id": submission_id,
        "assessment_id": assessment["id"],
        "assessment_title": assessment["title"],
        "candidate": {"name": candidate["name"].strip(), "email": candidate["email"].strip()},
        "total_points": evaluation["total_points"],
        "max_points": evaluation["max_points"],
        "percent": percent,
        "passing_percent": assessment["passing_percent"],
        "passed": passed,
        "questions": questions,
        "skills": skills,
        "strengths": strengths,
        "improvements": improvements,
        "summary": summary,
        "scorer": evaluation["scorer"],
        "generated_at": _now(),
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
