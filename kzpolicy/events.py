"""The event vocabulary: what can happen to a firm, and which fields each event needs.

One table, used by validation, the Excel template's drop-down lists, the CLI help
and the guide. Policies refer to these codes; a code-health test checks that every
code a policy uses is defined here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class EventCode:
    code: str
    zh: str
    en: str
    needs: Tuple[str, ...] = ()          # fields that must be given
    allows: Tuple[str, ...] = ()         # optional fields
    notes: str = ""


_AMOUNT = ("amount", "progress")
_E = EventCode
_CODES = [
    _E("above_scale.enter", "新升规入库（规模以上工业企业）", "Entered the above-scale industrial register"),
    _E("ranking.top10.composite", "入选年度“综合十强”", "Selected for the annual composite top ten"),
    _E("ranking.top10.innovation", "入选年度“创新十强”", "Selected for the annual innovation top ten"),
    _E("ranking.top10.growth", "入选年度“成长十强”", "Selected for the annual growth top ten"),
    _E("srdi.little_giant.national", "新认定国家专精特新“小巨人”", "Newly recognised national SRDI little giant"),
    _E("srdi.specialized.municipal", "新认定市级专精特新中小企业", "Newly recognised municipal SRDI SME"),
    _E("sme.innovative.municipal", "新认定市级创新型中小企业", "Newly recognised municipal innovative SME"),
    _E("srdi.little_giant.national.review", "国家“小巨人”到期复核通过", "National little giant passed re-review"),
    _E("srdi.specialized.municipal.review", "市级专精特新到期复核通过", "Municipal SRDI SME passed re-review"),
    _E("smart_factory.municipal", "新认定市级智能工厂", "Newly recognised municipal smart factory"),
    _E("digital_workshop.municipal", "新认定市级数字化车间", "Newly recognised municipal digital workshop"),
    _E("equipment.investment", "存量企业新增设备（含软件）投资", "New equipment (incl. software) investment", needs=_AMOUNT, allows=("project",)),
    _E("digital_pilot.national", "国家级数字化转型试点示范", "National digital-transformation pilot/demonstration"),
    _E("digital_pilot.municipal", "市级数字化转型试点示范", "Municipal digital-transformation pilot/demonstration"),
    _E("digital_event.national", "举办国家级数字化转型促进活动", "Held a national digital-transformation promotion event"),
    _E("digital_event.municipal", "举办市级数字化转型促进活动", "Held a municipal digital-transformation promotion event"),
    _E("lianghua.A", "首次通过两化融合管理体系A级", "Passed 两化融合 assessment at level A"),
    _E("lianghua.AA", "首次通过两化融合管理体系AA级", "Passed 两化融合 assessment at level AA"),
    _E("lianghua.AAA", "首次通过两化融合管理体系AAA级", "Passed 两化融合 assessment at level AAA"),
    _E("lianghua.AAAA", "首次通过两化融合管理体系AAAA级及以上", "Passed 两化融合 assessment at level AAAA or above"),
    _E("green_factory.national", "新认定国家级绿色工厂", "Newly recognised national green factory"),
    _E("green_factory.municipal", "新认定市级绿色工厂", "Newly recognised municipal green factory"),
    _E("green_supply_chain.national", "国家级绿色供应链试点示范", "National green supply chain pilot/demonstration"),
    _E("green_supply_chain.municipal", "市级绿色供应链试点示范", "Municipal green supply chain pilot/demonstration"),
    _E("energy_leader.national", "新认定国家级能效领跑者", "National energy-efficiency leader"),
    _E("energy_leader.municipal", "新认定市级能效领跑者", "Municipal energy-efficiency leader"),
    _E("water_leader.national", "新认定国家级水效领跑者", "National water-efficiency leader"),
    _E("water_leader.municipal", "新认定市级水效领跑者", "Municipal water-efficiency leader"),
    _E("water_saving.national", "新认定国家级节水型企业", "National water-saving firm"),
    _E("water_saving.municipal", "新认定市级节水型企业", "Municipal water-saving firm"),
    _E("water_saving.district", "新认定区级节水型企业", "District water-saving firm"),
    _E("green_equipment.investment", "节能节水、清洁化改造、废物综合利用设备投资", "Energy/water-saving, clean-production or waste-use equipment investment", needs=_AMOUNT, allows=("project",)),
    _E("tech_center.national", "新认定国家企业技术中心", "Newly recognised national enterprise technology centre"),
    _E("tech_center.national.review", "国家企业技术中心复核通过", "National technology centre passed re-review"),
    _E("tech_center.municipal", "新认定市级企业技术中心", "Newly recognised municipal technology centre"),
    _E("tech_center.municipal.review", "市级企业技术中心复核通过", "Municipal technology centre passed re-review"),
    _E("mfg_innovation_center.municipal", "新认定市级制造业创新中心", "Newly recognised municipal manufacturing innovation centre"),
    _E("mfg_innovation_center.municipal.review", "市级制造业创新中心复核通过", "Municipal manufacturing innovation centre passed re-review"),
    _E("industrial_design_center.municipal", "新认定市级工业设计中心", "Newly recognised municipal industrial design centre"),
    _E("industrial_design_center.municipal.review", "市级工业设计中心复核通过", "Municipal industrial design centre passed re-review"),
    _E("sme_rd_center.municipal", "新认定市级中小企业技术研发中心", "Newly recognised municipal SME R&D centre"),
    _E("sme_rd_center.municipal.review", "市级中小企业技术研发中心复核通过", "Municipal SME R&D centre passed re-review"),
    _E("new_product.municipal", "认定市级新产品", "Products recognised as municipal new products", allows=("count",), notes="count = number of products (1 if not given)"),
    _E("standard.local", "主要起草地方标准", "Main drafting unit of a local standard", allows=("count",), notes="count = number of standards (1 if not given)"),
    _E("standard.industry", "主要起草行业标准", "Main drafting unit of an industry standard", allows=("count",), notes="count = number of standards (1 if not given)"),
    _E("standard.national", "主要起草国家标准", "Main drafting unit of a national standard", allows=("count",), notes="count = number of standards (1 if not given)"),
    _E("standard.international", "主要起草国际标准", "Main drafting unit of an international standard", allows=("count",), notes="count = number of standards (1 if not given)"),
    _E("trademark.well_known", "获得驰名商标", "Obtained a well-known trademark"),
    _E("trademark.geographical_indication", "获得地理标志商标", "Obtained a geographical-indication trademark"),
    _E("listing.main", "主板上市", "Listed on a main board", needs=("municipal_reward",)),
    _E("listing.chinext", "创业板上市", "Listed on ChiNext", needs=("municipal_reward",)),
    _E("listing.star", "科创板上市", "Listed on the STAR market", needs=("municipal_reward",)),
    _E("listing.bse", "北交所上市", "Listed on the Beijing Stock Exchange", needs=("municipal_reward",)),
    _E("listing.neeq", "“新三板”挂牌", "Listed on the NEEQ (新三板)"),
    _E("listing.cq_equity", "重庆股份转让中心挂牌", "Listed on the Chongqing equity transfer centre"),
    _E("listing.cq_equity.first_trade", "重庆股份转让中心首笔交易", "First trade on the Chongqing equity transfer centre"),
    _E("bridge_loan", "使用应急转贷资金", "Used the district bridge-loan fund", needs=("principal", "start", "end")),
    # peers' vocabulary (used by compared jurisdictions, not by Kaizhou)
    _E("above_scale.enter.new_build", "新建企业入统（新建升规）", "New-build firm entering the above-scale register"),
    _E("single_champion.national", "国家级制造业单项冠军", "National manufacturing single champion"),
    _E("single_champion.provincial", "省级制造业单项冠军", "Provincial manufacturing single champion"),
    _E("listing.neeq.innovation", "“新三板”创新层挂牌", "NEEQ innovation-layer listing"),
    _E("listing.neeq.select", "“新三板”精选层挂牌", "NEEQ select-layer listing (精选层, before the BSE)"),
    _E("srdi.specialized.provincial", "新认定省级专精特新中小企业", "Newly recognised provincial SRDI SME"),
    _E("future_factory.provincial", "省级未来工厂", "Provincial future factory"),
    _E("smart_factory.provincial", "省级智能工厂", "Provincial smart factory"),
    _E("digital_workshop.provincial", "省级数字化车间", "Provincial digital workshop"),
    _E("smart_factory.city", "市（地级）智能工厂", "Prefecture-city smart factory"),
    _E("digital_workshop.city", "市（地级）数字化车间", "Prefecture-city digital workshop"),
    _E("mfg_innovation_center.national", "国家级制造业创新中心", "National manufacturing innovation centre"),
    _E("mfg_innovation_center.provincial", "省级制造业创新中心", "Provincial manufacturing innovation centre"),
    _E("new_product.provincial", "省级新产品", "Provincial new product", allows=("count",)),
    _E("water_saving.provincial", "省级节水型企业", "Provincial water-saving firm"),
    _E("water_saving.city", "市（地级）节水型企业", "Prefecture-city water-saving firm"),
    _E("tech_center.provincial", "省级企业技术中心", "Provincial enterprise technology centre"),
    _E("tech_center.city", "市（地级）企业技术中心", "Prefecture-city enterprise technology centre"),
]

EVENT_CODES: Dict[str, EventCode] = {e.code: e for e in _CODES}

#: optional per-event fields and what they mean
EVENT_FIELDS = ("amount", "progress", "count", "municipal_reward", "principal", "start", "end", "project")


def describe(code: str) -> EventCode:
    try:
        return EVENT_CODES[code]
    except KeyError:
        raise KeyError(f"unknown event code {code!r}") from None


# --------------------------------------------------------------------------- a clerk's choice text
_CHOICE = re.compile(r"^\s*(.*?)\s*[（(]\s*([A-Za-z0-9_.]+)\s*[)）]\s*$")
_BY_ZH = {e.zh: e.code for e in _CODES}


def choice_text(code: str) -> str:
    """The text the Excel template's drop-down offers for ``code``: Chinese label first, code beside."""
    return f"{EVENT_CODES[code].zh}（{code}）"


def code_from_text(value):
    """The event code a clerk meant: a code as is; the template's ``中文名（code）`` when label and code agree;
    a Chinese label alone. Anything else is returned unchanged, so validation reports it."""
    if not isinstance(value, str) or value in EVENT_CODES:
        return value
    m = _CHOICE.match(value)
    if m and m.group(2) in EVENT_CODES and m.group(1) in ("", EVENT_CODES[m.group(2)].zh):
        return m.group(2)
    return _BY_ZH.get(value.strip(), value)
