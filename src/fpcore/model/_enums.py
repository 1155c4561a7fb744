"""The closed vocabularies of the domain model."""

from __future__ import annotations

import enum


class Sex(enum.StrEnum):
    """Sex as recorded in the resident ID and the household register."""

    MALE = "male"
    FEMALE = "female"


class Hukou(enum.StrEnum):
    """Household registration type (户口性质): agricultural (rural) or non-agricultural."""

    RURAL = "rural"
    URBAN = "urban"


class MaritalStatus(enum.StrEnum):
    """The parents' marital status: a married couple, or a single parent."""

    MARRIED = "married"
    WIDOWED = "widowed"
    DIVORCED = "divorced"


class MarriageEnd(enum.StrEnum):
    """How a marriage ended: divorce (离婚), or the death of a spouse (丧偶)."""

    DIVORCE = "divorce"
    DEATH = "death"


class ChildLink(enum.StrEnum):
    """How a child belongs to the household: born to it, or lawfully adopted (合法收养)."""

    BIRTH = "birth"
    ADOPTION = "adoption"


class CertificateKind(enum.StrEnum):
    """Certificates a household may hold.

    - ``HONOUR_CERTIFICATE``: 独生子女父母光荣证, the only-child parents' honour certificate.
    - ``BIRTH_PERMIT``: 生育证, permission for a (further) birth.
    - ``SERVICE_HANDBOOK``: 生育服务手册, the birth service handbook.
    """

    HONOUR_CERTIFICATE = "honour_certificate"
    BIRTH_PERMIT = "birth_permit"
    SERVICE_HANDBOOK = "service_handbook"
