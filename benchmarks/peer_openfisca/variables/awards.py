"""Formulas: articles 1, 3 and 5 of 开州府办发〔2023〕27号, for a year (numpy, vectorised over firms).

Readings are the kzpolicy defaults: events count from the policy's first dated value
(publication, 2023-05-30); one-off awards once per firm ever; 突破 is strictly above;
article 3 pays the highest threshold crossed for the first time and needs the revenue
history since establishment (a gap: nothing paid); 存量企业 = established before the year
of the investment; 及以上/以上 include the number; amounts rounded once, half up.

Written as tight as numpy formulas in OpenFisca go: article 3 selects its candidates first (eligible,
last year's revenue above the lowest paying threshold: a few per cent of firms) and reads the revenue
history at their rows only, skipping the years no firm declared (the revenue holder's known periods);
the equipment subsidy is rounded at the subsidised rows only.
"""
import numpy as np
from openfisca_core.periods import DateUnit, period as make_period
from openfisca_core.variables import Variable

from peer_openfisca.entities import Firm
from peer_openfisca.enums import Industry


def _in_force_from(firm, path: str) -> np.datetime64:
    """The date from which a dated parameter is in force (its earliest value): events count from then."""
    node = firm.simulation.tax_benefit_system.parameters
    for key in path.split("."):
        node = getattr(node, key)
    return np.datetime64(node.values_list[-1].instant_str, "D")


def _in_year_from(dates, year_period, start) -> np.ndarray:
    d = np.asarray(dates, dtype="datetime64[D]")
    lo = max(np.datetime64(str(year_period.start), "D"), start)
    return (d >= lo) & (d <= np.datetime64(str(year_period.stop), "D"))


def _round_half_up(x) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5)


class art01_above_scale_award(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（一）项 新升规奖励（元） / article 1 award for entering the above-scale register"
    reference = "开州府办发〔2023〕27号 第（一）项"

    def formula(firm, period, parameters):
        amount = parameters(period.stop).art01.above_scale_enter
        ind = firm("industry", period)
        industrial = (ind == Industry.manufacturing) | (ind == Industry.mining) | (ind == Industry.utilities)
        new = _in_year_from(firm("above_scale_entry_date", period), period, _in_force_from(firm, "art01.above_scale_enter"))
        return np.where(new & industrial, amount, 0)


class art03_revenue_milestone_award(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（三）项 营业收入首次突破奖励（元） / article 3 award for revenue first crossing a threshold"
    reference = "开州府办发〔2023〕27号 第（三）项"

    def formula(firm, period, parameters):
        scale = parameters(period.stop).art03.milestones
        year = period.start.year
        last = firm("revenue", period.last_year)
        # candidates first (a few per cent of firms): eligible, and last year's revenue strictly above the lowest
        # threshold that pays; the history is read at their rows only
        paying = min(t for t, a in zip(scale.thresholds, scale.amounts) if a > 0)
        cand = np.flatnonzero((last > paying) & (firm("industry", period) == Industry.manufacturing)
                              & firm("independent_legal_person", period))
        established = firm("established", period)[cand]
        # the history since establishment: highest earlier revenue, and whether every year was declared
        # (a firm established after year y needs no figure for y)
        prev_max = np.full(len(cand), np.nan, dtype=np.float32)
        complete = np.ones(len(cand), dtype=bool)
        first = int(established.min().astype("datetime64[Y]").astype(np.int64)) + 1970 if len(cand) else year - 1
        declared = {p.start.year for p in firm.simulation.get_holder("revenue").get_known_periods()}
        for y in range(first, year - 1):
            if y not in declared:  # no firm has a figure for y: a gap for every candidate established by then
                complete &= established >= np.datetime64(f"{y + 1}-01-01", "D")
                continue
            rev = firm("revenue", make_period(y))[cand]
            np.fmax(prev_max, rev, out=prev_max)
            complete &= (established >= np.datetime64(f"{y + 1}-01-01", "D")) | ~np.isnan(rev)
        now = scale.calc(last[cand], right=True)          # right=True: strictly above (突破)
        before = scale.calc(prev_max, right=True)
        award = np.zeros(len(last), dtype=np.float32)
        award[cand] = np.where(complete & (now > before), now, 0)
        return award


class art05_smart_factory_award(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（五）项 市级智能工厂奖励（元） / article 5 award for a municipal smart factory"
    reference = "开州府办发〔2023〕27号 第（五）项第1句"

    def formula(firm, period, parameters):
        amount = parameters(period.stop).art05.smart_factory_municipal
        new = _in_year_from(firm("smart_factory_municipal_date", period), period, _in_force_from(firm, "art05.smart_factory_municipal"))
        return np.where(new, amount, 0)


class art05_digital_workshop_award(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（五）项 市级数字化车间奖励（元） / article 5 award for a municipal digital workshop"
    reference = "开州府办发〔2023〕27号 第（五）项第1句"

    def formula(firm, period, parameters):
        amount = parameters(period.stop).art05.digital_workshop_municipal
        new = _in_year_from(firm("digital_workshop_municipal_date", period), period, _in_force_from(firm, "art05.digital_workshop_municipal"))
        return np.where(new, amount, 0)


class art05_equipment_subsidy(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（五）项 设备投资补助（元） / article 5 equipment investment subsidy"
    reference = "开州府办发〔2023〕27号 第（五）项第2句"

    def formula(firm, period, parameters):
        p = parameters(period.stop).art05.equipment_subsidy
        amount = firm("equipment_investment", period)
        when = firm("equipment_investment_date", period)
        existing = firm("established", period) < np.datetime64(str(period.start), "D")
        ok = (_in_year_from(when, period, _in_force_from(firm, "art05.equipment_subsidy.floor")) & existing
              & (amount >= p.floor) & (firm("equipment_investment_progress", period) >= p.min_progress))
        award = np.zeros(len(amount), dtype=np.float32)
        award[ok] = _round_half_up(amount[ok].astype(np.float64) * p.rate)  # rounded at the subsidised rows only
        return award


class kaizhou_awards(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "第（一）（三）（五）项奖补合计（元） / awards under articles 1, 3 and 5"

    def formula(firm, period, parameters):
        return (firm("art01_above_scale_award", period) + firm("art03_revenue_milestone_award", period)
                + firm("art05_smart_factory_award", period) + firm("art05_digital_workshop_award", period)
                + firm("art05_equipment_subsidy", period))
