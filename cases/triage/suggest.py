"""The suggestion classifier in the application: one per process, built from the current plan and
the newest learned model; suggestions at intake; retraining from confirmed links as an outbox job."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from typing import Any

from flask import current_app
from sqlalchemy import func

from cases.domain.catalogue_parser import parse_notice
from cases.domain.search_words import index_words
from cases.extensions import db
from cases.jobs import job
from cases.models import Case, ClassifierModel, ConfirmedLink, OutboxItem, RectificationPlan
from cases.outbox import add_job
from cases.process_cache import RowCache
from classifier.bundled import bundled_gates
from classifier.engine import Classification, Classifier
from classifier.naive_bayes import NaiveBayes

RETRAIN_JOB = "retrain_classifier"
_LOCK = threading.Lock()
# (plan id, model id) → classifier; building one parses the notice and loads jieba (≈1 s).
_CACHE: dict[tuple[int, int | None], Classifier] = {}


def _base_classifier(plan_id: int) -> Classifier:
    key = (plan_id, None)
    if key not in _CACHE:
        source = db.session.scalar(
            db.select(RectificationPlan.source_text).where(RectificationPlan.id == plan_id)
        )
        _CACHE[key] = Classifier.from_notice(parse_notice(source or ""), gates=bundled_gates())
    return _CACHE[key]


def model_to_json(model: NaiveBayes) -> dict[str, Any]:
    """The learned counts as JSON."""
    return {
        "classes": list(model.classes),
        "class_counts": model.class_counts,
        "feature_counts": {c: dict(counts) for c, counts in model.feature_counts.items()},
        "size": model.size,
    }


def model_from_json(data: dict[str, Any]) -> NaiveBayes:
    """The learned counts back from JSON."""
    feature_counts = {c: Counter(counts) for c, counts in data["feature_counts"].items()}
    return NaiveBayes(
        classes=tuple(data["classes"]),
        class_counts=dict(data["class_counts"]),
        feature_counts=feature_counts,
        totals={c: sum(v.values()) for c, v in feature_counts.items()},
        vocabulary=frozenset(f for counts in feature_counts.values() for f in counts),
        size=int(data["size"]),
    )


def _newest_key() -> tuple[int, int | None] | None:
    newest_model = (
        db.select(func.max(ClassifierModel.id))
        .where(ClassifierModel.plan_id == RectificationPlan.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        db.select(RectificationPlan.id, newest_model)
        .order_by(RectificationPlan.imported_at.desc(), RectificationPlan.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


# Which plan and model are the newest: asked at every intake, changed by an import or a retraining.
_NEWEST = RowCache("classifier_key", 10.0, (RectificationPlan, ClassifierModel))


def current_classifier() -> Classifier | None:
    """The classifier of the current plan with its newest learned model (None without a catalogue)."""
    # The ids are cached for a few seconds; the catalogue tree and the model load only on a change.
    key = _NEWEST.get(_newest_key)
    if key is None:
        return None
    plan_id, model_id = key
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            base = _base_classifier(plan_id)
            if model_id is None:
                cached = base
            else:
                model = db.session.get(ClassifierModel, model_id)
                assert model is not None
                cached = base.with_model(model_from_json(model.model))
            if len(_CACHE) > 4:  # old models are never asked for again
                _CACHE.clear()
                _CACHE[(plan_id, None)] = base
            _CACHE[key] = cached
            gc.freeze()  # the classifier's tokenizer lives as long as the process: not worth collecting
    return cached


def classify_case(case: Case) -> Classification | None:
    """The classifier's verdict on a case's subject and text."""
    classifier = current_classifier()
    if classifier is None:
        return None
    return classifier.classify(case.body or "", case.subject or "")


def screen_case(case: Case) -> Classification | None:
    """At intake: the classifier's verdict (kind, problems, accusation and out-of-scope hints)."""
    try:
        return classify_case(case)
    except Exception:  # noqa: BLE001 - a suggestion is a help: intake must never fail for it
        current_app.logger.exception("classifier failed on a new %s case", case.channel)
        return None


def refresh_search_text(case: Case) -> None:
    """Recompute the words full-text search finds a case by (reference, subject, texts).

    Never the sender's name or address: those are searched in their own columns, and only by
    the roles that may see contact details (cases.triage.inbox).
    """
    texts = [case.reference, case.subject, case.body]
    texts += [m.body_text for m in case.messages if m.direction != "note" and m.body_text != case.body]
    case.search_text = index_words(*texts)


def ask_for_retraining() -> None:
    """Queue a retraining job unless one is already waiting (it reads every link when it runs)."""
    waiting = db.session.scalar(
        db.select(OutboxItem.id).where(OutboxItem.job == RETRAIN_JOB, OutboxItem.state == "pending").limit(1)
    )
    if waiting is None:
        add_job(RETRAIN_JOB)


@job(RETRAIN_JOB)
def retrain_classifier() -> str:
    """Train the learned part from every confirmed link and store it as the newest model."""
    plan = db.session.scalar(
        db.select(RectificationPlan)
        .order_by(RectificationPlan.imported_at.desc(), RectificationPlan.id.desc())
        .limit(1)
    )
    if plan is None:
        return "no catalogue"
    pairs = [
        (text, code)
        for text, code in db.session.execute(
            db.select(ConfirmedLink.text, ConfirmedLink.problem_code).order_by(ConfirmedLink.id)
        )
    ]
    base = _base_classifier(plan.id)
    trained = base.train(pairs)
    if trained.naive_bayes is None:
        return "nothing to learn"
    db.session.add(
        ClassifierModel(
            plan_id=plan.id, examples=trained.naive_bayes.size, model=model_to_json(trained.naive_bayes)
        )
    )
    return f"trained on {trained.naive_bayes.size} links"
