"""开州府办发〔2023〕27号 articles 1, 3 and 5 as an OpenFisca country package (a benchmark peer).

The package is laid out as OpenFisca's country template lays one out: ``entities.py``
(one entity, a firm), ``parameters/`` (dated YAML, one file per value, with its
citation) and ``variables/`` (inputs, and numpy formulas per award). It encodes the
items of articles 1, 3 and 5 (``get_policy().select(articles=[1, 3, 5])`` in kzpolicy)
under kzpolicy's default readings, so that both run the same input to the same
totals (``benchmarks/bench_peer.py`` checks that they are equal).

What it does not do, and kzpolicy does: money is OpenFisca's float32 (exact below
2**24 yuan; the benchmark checks the totals agree); a firm has one equipment
investment per year; no near-misses, no "cannot decide" (a firm whose revenue history
has a gap, or whose legal-person status is not given, simply gets nothing), no
explanations, no input validation.

    from peer_openfisca import KaizhouArticles135, simulation_from_tables
    sim = simulation_from_tables(KaizhouArticles135(), firms, events, financials, 2023)
    sim.calculate("kaizhou_awards", 2023).sum()
"""
from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .entities import entities
from .situation import AWARD_VARIABLES, simulation_from_tables

HERE = Path(__file__).parent


class KaizhouArticles135(TaxBenefitSystem):
    """Articles 1, 3 and 5 of 开州府办发〔2023〕27号."""

    def __init__(self):
        super().__init__(entities)
        self.add_variables_from_directory(str(HERE / "variables"))
        self.load_parameters(str(HERE / "parameters"))


__all__ = ["KaizhouArticles135", "simulation_from_tables", "AWARD_VARIABLES"]
