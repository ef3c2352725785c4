"""Input variables: what a firm declares (one value per firm, or per firm and year)."""
from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from peer_openfisca.entities import Firm
from peer_openfisca.enums import Industry


class industry(Variable):
    value_type = Enum
    possible_values = Industry
    default_value = Industry.other
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "行业 / industry"


class established(Variable):
    value_type = date
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "成立日期 / date of establishment"


class independent_legal_person(Variable):
    value_type = bool
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "独立法人 / independent legal person"


class revenue(Variable):
    value_type = float
    default_value = np.nan  # not declared (a declared 0 is a value)
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "主营业务收入（元） / main-business revenue in yuan"


# first date of each one-off recognition (default 1970-01-01: never)
class above_scale_entry_date(Variable):
    value_type = date
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "首次升规入库日期 / date the firm first entered the above-scale register"


class smart_factory_municipal_date(Variable):
    value_type = date
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "首次认定市级智能工厂日期 / date first recognised as a municipal smart factory"


class digital_workshop_municipal_date(Variable):
    value_type = date
    entity = Firm
    definition_period = DateUnit.ETERNITY
    label = "首次认定市级数字化车间日期 / date first recognised as a municipal digital workshop"


# the year's new equipment investment (one per firm and year in this encoding)
class equipment_investment(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "新增设备投资额（元） / new equipment investment in yuan"


class equipment_investment_progress(Variable):
    value_type = float
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "投资进度 / investment progress (0–1)"


class equipment_investment_date(Variable):
    value_type = date
    entity = Firm
    definition_period = DateUnit.YEAR
    label = "设备投资日期 / date of the equipment investment"
