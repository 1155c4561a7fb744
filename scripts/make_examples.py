"""Write the example documents that depend on the policies (run after a policy change).

``examples/applications.json`` holds two special-assistance applications on public
notice; each carries the decisions its checks made, stamped with the county policy's
content hash, and loading re-derives them. So when a rule or parameter of the catalogue
changes, the file must be written again: ``python scripts/make_examples.py``.
"""

from __future__ import annotations

from pathlib import Path

import pendulum

from fpcore.workflows import Application, sample_applicant
from fpcore.workflows._json import dumps_applications

ROOT = Path(__file__).resolve().parents[1]


def applications() -> list[Application]:
    """The sample applicant's mother and father, through every stage to the notice."""
    made = []
    for application_id, beneficiary in (("TF-2008-001", "mother"), ("TF-2008-002", "father")):
        app = Application.submit(
            application_id=application_id,
            household=sample_applicant(),
            benefit="special_assistance",
            beneficiary=beneficiary,
            on=pendulum.Date(2008, 3, 3),
        )
        for day in (5, 10, 14, 20):
            app = app.approve(pendulum.Date(2008, 3, day))
        made.append(app.post_notice(pendulum.Date(2008, 3, 21)))
    return made


if __name__ == "__main__":
    target = ROOT / "examples" / "applications.json"
    target.write_text(dumps_applications(applications()) + "\n", encoding="utf-8")
    print(f"wrote {target}")
