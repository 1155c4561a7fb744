"""Shared builders for the workflow tests."""

from __future__ import annotations

import pendulum

from fpcore.workflows import Application, sample_applicant

D = pendulum.Date


def submitted(**changes: object) -> Application:
    """The sample special-assistance application, submitted on 2008-03-03."""
    options: dict[str, object] = {
        "application_id": "TF-2008-001",
        "household": sample_applicant(),
        "benefit": "special_assistance",
        "on": D(2008, 3, 3),
    }
    options.update(changes)
    return Application.submit(**options)  # type: ignore[arg-type]


def approved_by_city(app: Application | None = None) -> Application:
    """Through village, township, county and city (3, 5, 10, 14 and 20 March 2008)."""
    app = app or submitted()
    for day in (5, 10, 14, 20):
        app = app.approve(D(2008, 3, day))
    return app


def on_notice(app: Application | None = None) -> Application:
    """Approved by the city, the notice posted on 2008-03-21 (7 days: to 03-27)."""
    return approved_by_city(app).post_notice(D(2008, 3, 21))


def granted() -> Application:
    """Granted on 2008-03-28, the day after a 7-day notice."""
    return on_notice().grant(D(2008, 3, 28))
