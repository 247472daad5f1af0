"""The forecast model: fit, predict and explain.

One ridge regression (on standardised features) per lead time in features.LEAD_TIMES: how
much "already 40% sold" says depends on whether the screening is two weeks or three hours away, and a
separate linear model per lead time captures that while staying linear. A forecast between two lead times
blends the two neighbouring models (linearly in log time), so it stays a sum of per-feature terms.

Being linear makes the reasons exact: a prediction is the average screening's occupancy at that lead time
plus, for each feature, coefficient × (value − training mean). Those terms, grouped the way a theatre
manager thinks (features.FEATURE_GROUPS) and worded from the row's context, are the reasons; the three
largest are shown. A prediction is clipped to [0, 1] and never below the share already sold.

With fewer than MIN_FINISHED finished screenings the model is not trusted: each screening gets the naive
forecast (its show's average so far, else the overall average) and its reasons say so.

Fitting uses scikit-learn (StandardScaler, then Ridge); the fitted models are kept as plain numbers, so
predicting and explaining need neither. scikit-learn is imported inside fit() only, by the Celery worker
(and the CLI, benches and demo loader): web workers never load it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..i18n import force_locale
from . import wording
from .features import FEATURE_GROUPS, FEATURES, FeatureRow, History, finished_count, training_rows

MIN_FINISHED = 30  # finished screenings needed before the model is trusted over the naive forecast
MIN_ROWS_PER_LEAD = 20  # a lead time with fewer training rows borrows its neighbours' models
RIDGE_ALPHA = 1.0
TOP_REASONS = 3


@dataclass
class LeadModel:
    """A fitted ridge regression for one lead time, kept as plain numbers (predicting needs no numpy)."""

    lead_hours: float
    intercept: float  # the training rows' mean occupancy: the "average screening"
    means: list[float]
    weights: list[float]  # per raw feature: coefficient / scale
    rows: int

    def contributions(self, vector: list[float]) -> dict[str, float]:
        terms = {name: w * (x - m) for name, w, x, m in zip(FEATURES, self.weights, vector, self.means, strict=True)}
        return {group: sum(terms[name] for name in names) for group, names in FEATURE_GROUPS.items()}


@dataclass
class Forecast:
    screening_id: int
    occupancy: float
    reasons: list[dict]


@dataclass
class Forecaster:
    kind: str  # "ridge" or "naive"
    finished: int
    models: list[LeadModel] = field(default_factory=list)  # by lead time, shortest first
    training_samples: int = 0
    importances: list[dict] = field(default_factory=list)

    @property
    def description(self) -> str:
        if self.kind == "naive":
            return f"naive: show's average so far ({self.finished} finished screenings, {MIN_FINISHED} needed to train)"
        leads = ", ".join(_lead_label(m.lead_hours) for m in self.models)
        return f"ridge regression per lead time ({leads}; alpha {RIDGE_ALPHA:g}), {len(FEATURES)} features"

    def predict(self, row: FeatureRow) -> Forecast:
        sold_share = row.values["sold_share"]
        if self.kind == "naive":
            value = _clip(max(row.naive, sold_share))
            reasons = [_reason(wording.coded("too_little_history", finished=self.finished, needed=MIN_FINISHED), 0.0)]
            if sold_share > row.naive:
                reasons.append(
                    _reason(wording.coded("sold", share=round(sold_share, 4)), _points(sold_share - row.naive))
                )
            return Forecast(row.screening_id, value, reasons)
        intercept, contributions = self._blend(row)
        raw = intercept + sum(contributions.values())
        value = _clip(max(raw, sold_share))
        ranked = sorted(contributions.items(), key=lambda item: -abs(item[1]))[:TOP_REASONS]
        reasons = [_reason(wording.reason(group, row.context), _points(effect)) for group, effect in ranked]
        return Forecast(row.screening_id, value, reasons)

    def _blend(self, row: FeatureRow) -> tuple[float, dict[str, float]]:
        """The lead-time models around the row's lead time, blended linearly in log time."""
        lead = max(row.lead_hours, 0.1)
        models = self.models
        if lead <= models[0].lead_hours or len(models) == 1:
            pairs = [(models[0], 1.0)]
        elif lead >= models[-1].lead_hours:
            pairs = [(models[-1], 1.0)]
        else:
            upper = next(i for i, m in enumerate(models) if m.lead_hours >= lead)
            low, high = models[upper - 1], models[upper]
            share = (math.log(lead) - math.log(low.lead_hours)) / (math.log(high.lead_hours) - math.log(low.lead_hours))
            pairs = [(low, 1 - share), (high, share)]
        vector = row.vector()
        intercept = sum(m.intercept * w for m, w in pairs)
        blended: dict[str, float] = defaultdict(float)
        for model, weight in pairs:
            for group, value in model.contributions(vector).items():
                blended[group] += value * weight
        return intercept, dict(blended)


def fit(rows: list[FeatureRow], finished: int) -> Forecaster:
    """Train on snapshot rows of finished screenings (features.training_rows)."""
    if finished < MIN_FINISHED or not rows:
        return Forecaster("naive", finished, training_samples=len(rows))
    import numpy as np
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    by_lead: dict[int, list[FeatureRow]] = defaultdict(list)
    for row in rows:
        by_lead[round(row.lead_hours)].append(row)
    leads = sorted(by_lead)
    # A lead time with too few rows trains on its nearest neighbours' rows as well.
    models = []
    for lead in leads:
        chosen = list(by_lead[lead])
        for other in sorted(leads, key=lambda other: abs(math.log(other + 1) - math.log(lead + 1))):
            if len(chosen) >= MIN_ROWS_PER_LEAD:
                break
            if other != lead:
                chosen += by_lead[other]
        X = np.array([r.vector() for r in chosen], dtype=float)
        y = np.array([r.target for r in chosen], dtype=float)
        scaler = StandardScaler().fit(X)  # a constant column (no Fridays yet) keeps scale 1 and gets no weight
        ridge = Ridge(alpha=RIDGE_ALPHA).fit(scaler.transform(X), y)
        # On centred features the intercept is the mean target, so a forecast is that plus Σ weight × deviation.
        models.append(
            LeadModel(
                lead_hours=float(max(lead, 0.1)),
                intercept=float(ridge.intercept_),
                means=[float(v) for v in scaler.mean_],
                weights=[float(v) for v in ridge.coef_ / scaler.scale_],
                rows=len(chosen),
            )
        )
    forecaster = Forecaster("ridge", finished, models, training_samples=len(rows))
    forecaster.importances = _importances(forecaster, rows)
    return forecaster


def _importances(forecaster: Forecaster, rows: list[FeatureRow]) -> list[dict]:
    """How far each kind of reason moves forecasts on average (mean |effect|), as shares of the total."""
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        for group, value in forecaster._blend(row)[1].items():
            totals[group] += abs(value)
    overall = sum(totals.values()) or 1.0
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    with force_locale("en"):  # the stored label is the English one; answers re-word it (wording.py)
        return [
            {"code": group, "label": wording.driver_text(group), "share": round(value / overall, 3)}
            for group, value in ranked
        ]


def reason_label(group: str, context: dict) -> str:
    """A reason in a theatre manager's English words, from what the row knew (wording.py words it in any language)."""
    coded = wording.reason(group, context)
    with force_locale("en"):
        return wording.reason_text(coded["code"], coded["params"])


def _reason(coded: dict, effect: float) -> dict:
    """A stored reason: its code and params, the English label older clients read, and its effect in points."""
    with force_locale("en"):
        label = wording.reason_text(coded["code"], coded["params"])
    return {**coded, "label": label, "effect": effect}


def evaluate(history: History, split_at: datetime, end: datetime) -> dict:
    """Train on screenings that started before `split_at`; score the snapshots (at every lead time) of
    those that start in [split_at, end). Features of a test snapshot see only what was known at it.

    Returns the mean absolute errors (occupancy 0..1), overall and per lead time, of the model, of the
    naive baseline (the show's average final occupancy so far, else the overall average) and of a
    stronger naive baseline that also knows the seats already sold (never below them); and the
    fitted forecaster."""
    forecaster = fit(training_rows(history, finished_before=split_at), finished_count(history, split_at))
    starts = {s.id: s.starts_at for s in history.screenings}
    test = [row for row in training_rows(history, finished_before=end) if starts[row.screening_id] >= split_at]
    per_lead: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for row in test:
        forecast = forecaster.predict(row)
        per_lead[round(row.lead_hours)].append(
            (
                abs(forecast.occupancy - row.target),
                abs(row.naive - row.target),
                abs(_clip(max(row.naive, row.values["sold_share"])) - row.target),
            )
        )
    errors = [pair for pairs in per_lead.values() for pair in pairs]
    if not errors:
        return {
            "samples": 0,
            "screenings": 0,
            "mae": None,
            "baseline_mae": None,
            "floored_baseline_mae": None,
            "per_lead": [],
            "forecaster": forecaster,
        }

    def mae(pairs, index):
        return sum(p[index] for p in pairs) / len(pairs)

    return {
        "samples": len(errors),
        "screenings": len({row.screening_id for row in test}),
        "mae": mae(errors, 0),
        "baseline_mae": mae(errors, 1),
        "floored_baseline_mae": mae(errors, 2),
        "per_lead": [
            {
                "lead": _lead_label(lead),
                "samples": len(per_lead[lead]),
                "mae": mae(per_lead[lead], 0),
                "baseline_mae": mae(per_lead[lead], 1),
                "floored_baseline_mae": mae(per_lead[lead], 2),
            }
            for lead in sorted(per_lead, reverse=True)
        ],
        "forecaster": forecaster,
    }


def _lead_label(hours: float) -> str:
    return f"{hours / 24:g} d" if hours >= 24 else f"{hours:g} h"


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _points(share: float) -> float:
    return round(share * 100, 1)
