"""The certificate desk (证件办理): service handbook, birth permit, honour certificate.

Certificates are issued free of charge and at once when the documents are complete
and the household is entitled on the day under the law then in force (the county
report: 证件办理零收费、即时办结). The list of documents each certificate needs is
local practice that no source consulted fixes [UNCERTAIN]; it is data
(:data:`REQUIRED_DOCUMENTS`) and can be replaced per call.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs
import pendulum

from fpcore.errors import InvalidInput
from fpcore.model import Certificate, CertificateKind, Household, MaritalStatus
from fpcore.money import ZERO, Money
from fpcore.periods import Month
from fpcore.policies import get
from fpcore.policies.birth_policy import law_in_force
from fpcore.policies.only_child_reward import CUTOFF_BASIS, ONE_CHILD_FOR_LIFE
from fpcore.rules import Citation, Policy
from fpcore.rules._compile import Ctx, compile_expr


class Document(enum.StrEnum):
    """Documents an applicant hands in at the desk.

    - ``RESIDENT_ID_CARDS``: 夫妻双方居民身份证.
    - ``HOUSEHOLD_REGISTER``: 户口簿.
    - ``MARRIAGE_CERTIFICATE``: 结婚证.
    - ``BIRTH_MEDICAL_CERTIFICATE``: 子女出生医学证明.
    - ``DISABILITY_CERTIFICATE``: 子女残疾人证 (a permit on the ground of a disabled child).
    - ``APPLICATION_FORM``: 申请审批表.
    - ``PHOTO``: 夫妻近期合影.
    """

    RESIDENT_ID_CARDS = "resident_id_cards"
    HOUSEHOLD_REGISTER = "household_register"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    BIRTH_MEDICAL_CERTIFICATE = "birth_medical_certificate"
    DISABILITY_CERTIFICATE = "disability_certificate"
    APPLICATION_FORM = "application_form"
    PHOTO = "photo"


REQUIRED_DOCUMENTS: Mapping[CertificateKind, tuple[Document, ...]] = {
    CertificateKind.SERVICE_HANDBOOK: (
        Document.RESIDENT_ID_CARDS,
        Document.HOUSEHOLD_REGISTER,
        Document.MARRIAGE_CERTIFICATE,
    ),
    CertificateKind.BIRTH_PERMIT: (
        Document.RESIDENT_ID_CARDS,
        Document.HOUSEHOLD_REGISTER,
        Document.MARRIAGE_CERTIFICATE,
        Document.APPLICATION_FORM,
    ),
    CertificateKind.HONOUR_CERTIFICATE: (
        Document.RESIDENT_ID_CARDS,
        Document.HOUSEHOLD_REGISTER,
        Document.BIRTH_MEDICAL_CERTIFICATE,
        Document.PHOTO,
    ),
}
"""Documents each certificate needs (local practice, [UNCERTAIN]); a birth permit on
the ground of a disabled first child also needs the child's disability certificate."""

ZERO_FEE = Citation(
    document="《计生委作风建设的计划》 (county work plan; county name withheld)",
    article="生育服务手册、生育证、独生子女父母光荣证零收费, 即时办结",
)
DISABLED_FIRST_CHILD = Citation(
    document="《计生委作风建设的计划》 (county work plan; county name withheld); "
    "山东省人口与计划生育条例 (text not read, [UNCERTAIN])",
    article="第一个子女为非遗传性残疾、不能成长为正常劳动力的, 经批准可再生育一个子女 "
    "(the report: 90 such families, 100% archived)",
)

_PREFIX = {
    CertificateKind.SERVICE_HANDBOOK: "SC",
    CertificateKind.BIRTH_PERMIT: "SY",
    CertificateKind.HONOUR_CERTIFICATE: "DZ",
}


@attrs.frozen(kw_only=True)
class Refusal:
    """Why the household is not entitled: a stable code, the reason and its legal basis."""

    code: str
    reason: str
    citation: Citation

    def __str__(self) -> str:
        return f"{self.code}: {self.reason} ({self.citation})"


@attrs.frozen(kw_only=True)
class CertificateOutcome:
    """What the desk did: the certificate issued, or what is missing and why not.

    ``fee`` is always zero. ``household`` is the household with the new certificate
    added when one was issued (unchanged otherwise).
    """

    kind: CertificateKind
    on: pendulum.Date
    fee: Money
    certificate: Certificate | None
    household: Household
    missing_documents: tuple[Document, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    grounds: str = ""

    @property
    def issued(self) -> bool:
        """Whether the certificate was issued."""
        return self.certificate is not None

    def to_text(self) -> str:
        """The outcome in a few lines."""
        head = f"{self.kind.value} on {self.on}, fee {self.fee}: "
        if self.certificate is not None:
            lines = [head + f"issued {self.certificate.number}"]
            if self.grounds:
                lines.append(f"  grounds: {self.grounds}")
            return "\n".join(lines)
        lines = [head + "not issued"]
        if self.missing_documents:
            lines.append(
                "  missing documents: " + ", ".join(d.value for d in self.missing_documents)
            )
        lines.extend(f"  {refusal}" for refusal in self.refusals)
        return "\n".join(lines)


def one_child_for_life(household: Household, on: pendulum.Date, policy: Policy) -> bool:
    """Whether the household has had one child for life as of the month of ``on``: the
    only-child reward's own fact (:data:`fpcore.policies.only_child_reward.ONE_CHILD_FOR_LIFE`),
    evaluated by the rule engine, so the desk and the reward never disagree.

    Example:
        >>> from fpcore.model import sample_household
        >>> from fpcore.policies import get
        >>> one_child_for_life(sample_household(), pendulum.Date(2008, 5, 6), get("county"))
        True
    """
    check = compile_expr(ONE_CHILD_FOR_LIFE, "household", policy.settings_in_force())
    return bool(check(Ctx(Month.of(on), {}, household, household, {}, {})))


def _handbook(household: Household, on: pendulum.Date) -> tuple[list[Refusal], str]:
    law = law_in_force(on)
    living = sum(1 for _ in household.children_on(on))
    if living < law.children_allowed:
        return [], f"birth {living + 1} of at most {law.children_allowed} under {law.id}"
    reason = (
        f"the couple has {living} living child(ren) and {law.id} allows "
        f"{law.children_allowed}; a further birth needs a birth permit"
    )
    return [Refusal(code="CHILDREN_ALLOWED", reason=reason, citation=law.citation)], ""


def _permit(
    household: Household, on: pendulum.Date, documents: set[Document]
) -> tuple[list[Refusal], str, tuple[Document, ...]]:
    law = law_in_force(on)
    living = list(household.children_on(on))
    if not living:
        reason = "no child yet: a first birth is registered with the service handbook"
        return [Refusal(code="FIRST_BIRTH", reason=reason, citation=law.citation)], "", ()
    if len(living) + 1 <= law.children_allowed:
        return [], f"birth {len(living) + 1} of at most {law.children_allowed} under {law.id}", ()
    disabled = len(living) == 1 and living[0].disability_on(on) is not None
    if disabled:
        extra = (
            ()
            if Document.DISABILITY_CERTIFICATE in documents
            else (Document.DISABILITY_CERTIFICATE,)
        )
        return [], "second birth: the first child is disabled", extra
    reason = (
        f"the couple has {len(living)} living child(ren) and {law.id} allows {law.children_allowed}"
    )
    return [Refusal(code="CHILDREN_ALLOWED", reason=reason, citation=law.citation)], "", ()


def _honour(household: Household, on: pendulum.Date, policy: Policy) -> tuple[list[Refusal], str]:
    entry = policy.parameters["only_child_reward.certificate_cutoff"].entry_at(on)
    cutoff = entry.value
    assert isinstance(cutoff, pendulum.Date)
    refusals: list[Refusal] = []
    held = next(
        (
            c
            for c in household.certificates
            if c.kind is CertificateKind.HONOUR_CERTIFICATE and c.in_force_on(on)
        ),
        None,
    )
    if held is not None:
        refusals.append(
            Refusal(
                code="ALREADY_HELD",
                reason=f"the couple already holds honour certificate {held.number}",
                citation=entry.citation,
            )
        )
    living = list(household.children_on(on))
    if not one_child_for_life(household, on, policy):
        ever = sum(1 for c in household.children if c.adopted_on <= on)
        refusals.append(
            Refusal(
                code="ONE_CHILD",
                reason=f"the couple has had {ever} children; the certificate is for parents "
                "of one child for life (twins are two children, and a child born after the "
                "only child's death is a second one)",
                citation=entry.citation,
            )
        )
    elif len(living) != 1:
        refusals.append(
            Refusal(
                code="ONE_CHILD",
                reason=f"the couple has no living child on {on}; the certificate is for "
                "parents of a living only child",
                citation=entry.citation,
            )
        )
    elif policy.settings_in_force().get(CUTOFF_BASIS.name) == "certificate_issue" and on >= cutoff:
        refusals.append(
            Refusal(
                code="ISSUED_AFTER_CUTOFF",
                reason=f"no honour certificate is issued on or after {cutoff} under this "
                f"policy's reading ({CUTOFF_BASIS.name} = certificate_issue)",
                citation=entry.citation,
            )
        )
    elif living[0].birth_date >= cutoff:
        refusals.append(
            Refusal(
                code="CHILD_BORN_AFTER_CUTOFF",
                reason=f"the child was born on {living[0].birth_date}, on or after {cutoff}: "
                "no new honour certificate after the one-child period",
                citation=entry.citation,
            )
        )
    return refusals, "only child born before the end of the one-child period"


def apply_for_certificate(
    household: Household,
    kind: CertificateKind,
    on: pendulum.Date,
    documents: Iterable[Document | str],
    *,
    policy: Policy | str = "county",
    number: str | None = None,
    required: Mapping[CertificateKind, tuple[Document, ...]] = REQUIRED_DOCUMENTS,
) -> CertificateOutcome:
    """Apply at the desk for a service handbook (生育服务手册), a birth permit (生育证)
    or an only-child parents' honour certificate (独生子女父母光荣证).

    The fee is always 0. The certificate is issued at once when every required
    document is present and the household is entitled on ``on`` under the law then
    in force: handbook and permit by the number of children the law allows
    (:func:`fpcore.policies.birth_policy.law_in_force`; under the 2001 law a second
    birth is permitted when the only child's disability certificate is in force on the
    day), the honour certificate for parents of one living child, had for life, born
    before ``only_child_reward.certificate_cutoff`` (2016-01-01). "One child for life"
    is the only-child reward's own fact (:func:`one_child_for_life`): twins at one
    delivery are two children, so their parents get no honour certificate, and a child
    born after the only child's death is a second child; where the policy reads the
    cut-off against the issue date (setting ``only_child_certificate_cutoff_basis``),
    none is issued from the cut-off on. Handbook and permit need the couple married on
    the day. Otherwise the outcome lists the missing documents and the reasons,
    each citing its rule.

    Raises:
        InvalidInput: ``on`` is before the national law (2002-09-01), or a document
            name is unknown.

    Example:
        >>> from fpcore.model import sample_household
        >>> h = attrs.evolve(sample_household(), certificates=())
        >>> out = apply_for_certificate(h, CertificateKind.HONOUR_CERTIFICATE,
        ...     pendulum.Date(2008, 5, 6), ["resident_id_cards", "household_register"])
        >>> out.issued, out.fee, [d.value for d in out.missing_documents]
        (False, Money('0.00'), ['birth_medical_certificate', 'photo'])
        >>> out = apply_for_certificate(h, CertificateKind.HONOUR_CERTIFICATE,
        ...     pendulum.Date(2008, 5, 6), list(Document))
        >>> out.issued, out.certificate.number, out.household.honour_certificate is not None
        (True, 'DZ-HN-0001-20080506', True)
    """
    given: set[Document] = set()
    unknown: list[str] = []
    for item in documents:
        try:
            given.add(Document(item))
        except ValueError:
            unknown.append(str(item))
    if unknown:
        known = ", ".join(d.value for d in Document)
        raise InvalidInput(f"unknown document(s) {unknown} (expected: {known})", path="documents")
    chosen = policy if isinstance(policy, Policy) else get(policy)
    refusals: list[Refusal] = []
    extra: tuple[Document, ...] = ()
    law = law_in_force(on)
    if kind is not CertificateKind.HONOUR_CERTIFICATE and (
        household.marital_status_on(on) is not MaritalStatus.MARRIED
    ):
        refusals.append(
            Refusal(
                code="MARRIED_COUPLE", reason="only for a married couple", citation=law.citation
            )
        )
    if kind is CertificateKind.SERVICE_HANDBOOK:
        found, grounds = _handbook(household, on)
    elif kind is CertificateKind.BIRTH_PERMIT:
        found, grounds, extra = _permit(household, on, given)
        if extra:
            grounds += f" ({DISABLED_FIRST_CHILD})"
    else:
        found, grounds = _honour(household, on, chosen)
    refusals.extend(found)
    missing = tuple(d for d in required.get(kind, ()) if d not in given) + extra
    certificate = None
    changed = household
    if not missing and not refusals:
        certificate = Certificate(
            kind=kind,
            number=number or f"{_PREFIX[kind]}-{household.household_id}-{on.format('YYYYMMDD')}",
            issued=on,
        )
        changed = attrs.evolve(household, certificates=(*household.certificates, certificate))
    return CertificateOutcome(
        kind=kind,
        on=on,
        fee=ZERO,
        certificate=certificate,
        household=changed,
        missing_documents=missing,
        refusals=tuple(refusals),
        grounds=grounds if certificate is not None else "",
    )
