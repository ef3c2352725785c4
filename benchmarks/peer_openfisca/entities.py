"""The one entity of this peer package: a firm (企业), OpenFisca's person-like entity."""
from openfisca_core.entities import build_entity

Firm = build_entity(
    key="firm",
    plural="firms",
    label="企业 / Firm",
    doc="An enterprise assessed under 开州府办发〔2023〕27号 (one row per firm).",
    is_person=True,
)

entities = [Firm]
