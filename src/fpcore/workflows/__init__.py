"""Procedures with states and audit trails (工作流程).

- :class:`Application`: an assistance application (扶助申请) moving through personal
  application -> village committee (村委会审核) -> township investigation (乡镇调查)
  -> county bureau review (县局审核) -> city approval (市审批) -> public notice (公示)
  -> granted; each step returns a new immutable value with one more audit event.
- :func:`public_notice`: the notice of approved applications, names and IDs masked.
- :func:`decision_notice_html`: the notice of a decision to a household (核定通知书),
  printable HTML in Chinese, names and IDs masked.
- :func:`apply_for_certificate`: the certificate desk (生育服务手册, 生育证,
  独生子女父母光荣证), always free of charge.
- :func:`payment_register`: cash payment registers (现金发放花名册) by township and
  village, arrears (补发) and payer shares.
- :class:`DepositLedger`: planned-birth deposits (计划生育保证金) and their refunds.
- :func:`evaluate_staff`: democratic evaluation of staff (民主评议) on six items.

Example:
    >>> import pendulum
    >>> from fpcore.workflows import Application, sample_applicant
    >>> app = Application.submit(
    ...     application_id="TF-2008-001", household=sample_applicant(),
    ...     benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
    >>> app.eligible_at_submission, app.stage.value
    (True, 'village_review')
"""

from fpcore.workflows._application import Application, assess_eligibility
from fpcore.workflows._certificates import (
    REQUIRED_DOCUMENTS,
    CertificateOutcome,
    Document,
    Refusal,
    apply_for_certificate,
)
from fpcore.workflows._csv import csv_cell, csv_text
from fpcore.workflows._decision_notice import decision_notice_html
from fpcore.workflows._deposits import DepositEntry, DepositLedger, RefundCheck
from fpcore.workflows._evaluation import (
    DEFAULT_POINTS,
    Ballot,
    Criterion,
    Evaluation,
    Grade,
    PoorVoteChange,
    Staff,
    StaffResult,
    compare_poor_votes,
    evaluate_staff,
)
from fpcore.workflows._json import (
    SIGNATURE_ALGORITHM,
    application_from_json,
    application_to_json,
    dumps_applications,
    loads_applications,
    workflow_converter,
)
from fpcore.workflows._notice import (
    BENEFIT_LABELS,
    DEFAULT_CONTACT,
    NoticeEntry,
    PublicNotice,
    benefit_label,
    public_notice,
)
from fpcore.workflows._registers import (
    BackPay,
    Copy,
    LineKind,
    PayerShare,
    PaymentRegister,
    RegisterLine,
    WithheldLine,
    payment_register,
)
from fpcore.workflows._samples import sample_applicant
from fpcore.workflows._steps import (
    DEFAULT_NOTICE_DAYS,
    MIN_NOTICE_DAYS,
    REVIEW_STAGES,
    Action,
    AuditEvent,
    Role,
    Stage,
    State,
    Status,
    entitled_amount,
)

__all__ = [
    "BENEFIT_LABELS",
    "DEFAULT_CONTACT",
    "DEFAULT_NOTICE_DAYS",
    "DEFAULT_POINTS",
    "MIN_NOTICE_DAYS",
    "REQUIRED_DOCUMENTS",
    "REVIEW_STAGES",
    "SIGNATURE_ALGORITHM",
    "Action",
    "Application",
    "AuditEvent",
    "BackPay",
    "Ballot",
    "CertificateOutcome",
    "Copy",
    "Criterion",
    "DepositEntry",
    "DepositLedger",
    "Document",
    "Evaluation",
    "Grade",
    "LineKind",
    "NoticeEntry",
    "PayerShare",
    "PaymentRegister",
    "PoorVoteChange",
    "PublicNotice",
    "RefundCheck",
    "Refusal",
    "RegisterLine",
    "Role",
    "Staff",
    "StaffResult",
    "Stage",
    "State",
    "Status",
    "WithheldLine",
    "application_from_json",
    "application_to_json",
    "apply_for_certificate",
    "assess_eligibility",
    "benefit_label",
    "compare_poor_votes",
    "csv_cell",
    "csv_text",
    "decision_notice_html",
    "dumps_applications",
    "entitled_amount",
    "evaluate_staff",
    "loads_applications",
    "payment_register",
    "public_notice",
    "sample_applicant",
    "workflow_converter",
]
