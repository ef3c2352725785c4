"""Compare Kaizhou with other jurisdictions, computed with the same engine.

Three views, all from policy data (``kzpolicy/policies/<peer>/``, each item with its
own source, quality and ``kaizhou_match``) and the engine:

* :func:`item_table` — item by item: for each Kaizhou item, the matching items
  elsewhere side by side (amount as printed, amount as read, condition, URL, quality);
  :func:`peer_only_items` lists what others have and Kaizhou lacks.
* :func:`firm_matrix` — representative (hypothetical) firms from
  ``kzpolicy/data/representative_firms/``, each assessed with :func:`kzpolicy.assess`
  under every jurisdiction's policy. Every cell says *why* it has the amount it has:
  computed, genuinely 0 (conditions not met), not read (the figure was cut off or
  absent: missing, never 0), no such item in the text read, not computable by the
  engine, or not in force in the comparison year.
* :func:`generosity_index` — per item group, the peer's award for the standard firm
  relative to Kaizhou's (= 100), only over items read in both, with the coverage
  next to every value. Method: :data:`METHOD`.

Nothing here writes amounts: every figure comes from the policies' YAML or the
firms' facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from . import kinds, present
from .engine import assess
from .facts import profile_to_facts
from .money import wan
from .policy import Item, Policy, PolicyError, get_policy, load_yaml

DATA = Path(__file__).parent / "data"
FIRMS_DIR = DATA / "representative_firms"
PEERS_FILE = DATA / "comparison-peers.yaml"
SOURCES_CSV = DATA / "comparison-sources.csv"

#: cell statuses of the firm matrix, with their zh/en labels (display order)
STATUS = {
    "computed": ("已计算", "computed"),
    "not_eligible": ("不符合条件（0）", "conditions not met (0)"),
    "not_read": ("未读取", "not read"),
    "undetermined": ("无法判断", "cannot decide"),
    "not_computable": ("有条款、不可计算", "item exists, not computable"),
    "none": ("所读文本无此项", "no such item in the text read"),
    "not_in_force": ("比较年度未生效", "not in force in the comparison year"),
}
#: statuses that count as "read in both" for the index
READ_STATUSES = ("computed", "not_eligible")

QUALITY = {"official": ("官方", "official"), "repost": ("转载", "repost"), "summary": ("汇总", "summary"),
           "mixed": ("多来源", "mixed")}

METHOD = {
    "zh": (
        "慷慨度指数（每个项目组一个标准假想企业）：指数 = 100 × 该地对标准企业的奖励 ÷ 开州对同一企业的奖励，"
        "只计两地均已读取的项目（开州项目在对方有对应条款且金额已读取、可计算，含“条件不满足”的0）。"
        "覆盖率 = 纳入比较的开州项目金额 ÷ 该企业在开州的全部奖励，与指数并列报告；覆盖率为0时不给指数。"
        "未读取、所读文本无此项、不可计算、未生效的项目一律不计入（不按0计）。"
        "“不高于/最高”按上限计；市级奖补与区县奖补叠加，市级单列，不与区县相加。"
        "参照OECD B指数（标准企业、相对税前收益的补贴）与Upjohn研究所假想企业法（同一企业放在不同地区）。"
    ),
    "en": (
        "Generosity index (one standard hypothetical firm per item group): index = 100 × the peer's award to the "
        "standard firm ÷ Kaizhou's award to the same firm, over items read in both only (a Kaizhou item whose "
        "counterpart exists in the peer's text with its amount read and computable, including a genuine 0 when the "
        "conditions are not met). Coverage = Kaizhou's award over the compared items ÷ the firm's whole Kaizhou "
        "award, reported next to every index value; with zero coverage there is no index. Items not read, absent "
        "from the text read, not computable or not in force are left out (never counted as 0). 'At most' rates "
        "count at their maximum. Municipal awards stack on district awards: the municipal level is shown on its own, "
        "never added to a district. In the spirit of the OECD B-index (a standard firm, subsidy relative to a "
        "benchmark) and the Upjohn Institute's hypothetical-firm method (the same firm placed in different places)."
    ),
}


# --------------------------------------------------------------------------- peers
@dataclass(frozen=True)
class Peer:
    id: str
    group: str
    equivalents: Dict[str, str]

    @property
    def policy(self) -> Policy:
        return get_policy(self.id)


@lru_cache(maxsize=1)
def config() -> dict:
    """The peer registry (``data/comparison-peers.yaml``), checked."""
    cfg = load_yaml(PEERS_FILE)
    allowed = {"baseline", "year", "equivalents", "peers", "groups", "lianqun_unreadable"}
    if set(cfg) - allowed:
        raise PolicyError(f"{PEERS_FILE}: unknown keys {sorted(set(cfg) - allowed)} (allowed: {sorted(allowed)})")
    for i, p in enumerate(cfg["peers"]):
        if set(p) != {"id", "group", "equivalents"}:
            raise PolicyError(f"{PEERS_FILE}: peers[{i}] needs exactly id, group, equivalents (has {sorted(p)})")
        if p["group"] not in cfg["groups"]:
            raise PolicyError(f"{PEERS_FILE}: peers[{i}] group {p['group']!r} is not one of {sorted(cfg['groups'])}")
        if p["equivalents"] is not None and p["equivalents"] not in cfg["equivalents"]:
            raise PolicyError(f"{PEERS_FILE}: peers[{i}] equivalents {p['equivalents']!r} is not defined")
    return cfg


def baseline() -> Policy:
    return get_policy(config()["baseline"])


def peers() -> List[Peer]:
    cfg = config()
    return [Peer(p["id"], p["group"], dict(cfg["equivalents"][p["equivalents"]]["codes"]) if p["equivalents"] else {})
            for p in cfg["peers"]]


def jurisdictions() -> pd.DataFrame:
    """One row per compared policy (Kaizhou first): names, level, group, document, quality, items read/not read."""
    base = baseline()
    rows = []
    for pid, group in [(base.id, "baseline")] + [(p.id, p.group) for p in peers()]:
        pol = get_policy(pid)
        m = pol.meta
        items = list(pol.items())
        rows.append({
            "policy": pid, "jurisdiction_zh": m.jurisdiction.zh, "jurisdiction_en": m.jurisdiction.en, "level": m.level,
            "group": group, "title_zh": m.title.zh, "doc_no": m.doc_no, "issued": m.issued, "url": m.url,
            "quality": m.source_quality, "composite": m.composite, "items": len(items),
            "items_not_read": sum(it.status != "read" for it in items),
            "items_not_computable": sum(it.kind == "reference" for it in items),
            "first_date": min((it.first_date for it in items if it.parameters), default=None),
        })
    return pd.DataFrame(rows)


def short_name(pol: Policy) -> str:
    """Display name: the jurisdiction without its province prefix."""
    zh = pol.meta.jurisdiction.zh
    for prefix in ("重庆市", "四川省", "浙江省", "安徽省"):
        if zh.startswith(prefix) and len(zh) > len(prefix) and not zh.startswith("重庆市（"):
            zh = zh[len(prefix):]
    for city in ("遂宁市", "南充市", "合肥市"):
        zh = zh.replace(city, "")
    return zh


def names() -> Dict[str, str]:
    """policy id -> short zh name (for table columns)."""
    return {pid: short_name(get_policy(pid)) for pid in [baseline().id] + [p.id for p in peers()]}


# --------------------------------------------------------------------------- item descriptions
def _value(item: Item, name: str, date) -> Optional[float]:
    if name not in item.parameters:
        return None
    p = item.param(name)
    try:
        v = p.at(date)
    except ValueError:
        return None
    return v


#: compare columns by the parameter roles the kinds declare (kzpolicy/kinds.py)
_ROLE_COLUMNS = {"amount": "amount_yuan", "rate": "rate", "floor": "floor_yuan", "cap": "cap_yuan"}


def describe_item(item: Item, date) -> Dict[str, object]:
    """Amount, rate, floor and cap of an item on ``date`` as read (None = not read or not set), by parameter role."""
    out = {"amount_yuan": None, "rate": None, "floor_yuan": None, "cap_yuan": None}
    for role, col in _ROLE_COLUMNS.items():
        name = kinds.get(item.kind).role(role)
        if name is not None:
            out[col] = _value(item, name, date)
    return out


def _by_role(item: Item, date) -> Dict[str, object]:
    """Every role's value on ``date`` (for a kind's amount text)."""
    out = describe_item(item, date)
    for name, p in kinds.get(item.kind).params.items():
        out.setdefault(p.role, _value(item, name, date))
    return out


def amount_text_zh(item: Item, date) -> str:
    """A short zh statement of the item's amount from its parameters (Kaizhou's side of the table)."""
    if item.source is not None and item.source.amount_text:
        return item.source.amount_text
    text = kinds.get(item.kind).amount_text_zh  # the kind's own wording (kzpolicy/rules/<kind>.py)
    return text(item, _by_role(item, date)) if text is not None else "—"


# --------------------------------------------------------------------------- (a) item by item
ITEM_COLUMNS = ["kaizhou_item", "article", "kaizhou_label_zh", "kaizhou_label_en", "kaizhou_amount_text", "kaizhou_amount_yuan",
                "policy", "jurisdiction_zh", "group", "peer_item", "peer_label_zh", "amount_text", "amount_yuan", "rate",
                "cap_yuan", "status", "computable", "condition", "excerpt", "url", "quality", "doc_no", "date"]


def _peer_rows(pol: Policy, group: str, items, date) -> list:
    rows = []
    for it in items:
        d = describe_item(it, date)
        s = it.source
        rows.append({
            "policy": pol.id, "jurisdiction_zh": short_name(pol), "group": group, "peer_item": it.id,
            "peer_label_zh": it.label.zh, "amount_text": s.amount_text or amount_text_zh(it, date),
            "amount_yuan": d["amount_yuan"], "rate": d["rate"], "cap_yuan": d["cap_yuan"], "status": it.status,
            "computable": it.kind != "reference", "condition": s.condition, "excerpt": s.excerpt, "url": s.url,
            "quality": s.quality, "doc_no": s.doc_no, "date": s.date,
        })
    return rows


def _as_of(pol: Policy, year: int):
    """The date on which a policy's values are read for the comparison (end of the year, or its first value)."""
    firsts = [it.first_date for it in pol.items() if it.parameters]
    end = pd.Timestamp(f"{year}-12-31").date()
    return max(end, min(firsts)) if firsts else end


def item_table(year: Optional[int] = None) -> pd.DataFrame:
    """For each Kaizhou item, the matching items elsewhere, side by side (one row per pair).

    Kaizhou items without any counterpart are kept with empty peer columns; amounts
    not read are NA (shown as 未读取), never 0.
    """
    year = int(year or config()["year"])
    base = baseline()
    rows = []
    by_match: Dict[str, list] = {}
    for p in peers():
        pol = p.policy
        date = _as_of(pol, year)
        for it in pol.items():
            if it.kaizhou_match and it.kaizhou_match != "none":
                by_match.setdefault(it.kaizhou_match, []).extend(_peer_rows(pol, p.group, [it], date))
    for k in by_match:
        base.item(k)  # a mapping to a Kaizhou item that does not exist is an error, not a silent drop
    for it in base.items():
        if it.kind in ("reference", "referral"):
            continue
        d = describe_item(it, f"{year}-12-31")
        left = {"kaizhou_item": it.id, "article": it.article, "kaizhou_label_zh": it.label.zh, "kaizhou_label_en": it.label.en,
                "kaizhou_amount_text": amount_text_zh(it, f"{year}-12-31"), "kaizhou_amount_yuan": d["amount_yuan"]}
        matches = by_match.get(it.id, [])
        if not matches:
            rows.append(left)
        for m in matches:
            rows.append({**left, **m})
    df = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    for c in ("kaizhou_amount_yuan", "amount_yuan", "cap_yuan"):
        df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64")
    df["rate"] = pd.to_numeric(df["rate"])
    df["article"] = df["article"].astype("int64")
    return df


def peer_only_items(year: Optional[int] = None) -> pd.DataFrame:
    """Items other jurisdictions have and Kaizhou lacks (``kaizhou_match: none``)."""
    year = int(year or config()["year"])
    rows = []
    for p in peers():
        pol = p.policy
        rows += _peer_rows(pol, p.group, [it for it in pol.items() if it.kaizhou_match == "none"], _as_of(pol, year))
    df = pd.DataFrame(rows, columns=ITEM_COLUMNS[6:])
    for c in ("amount_yuan", "cap_yuan"):
        df[c] = pd.array(pd.to_numeric(df[c]), dtype="Int64")
    return df


def item_status_counts() -> pd.DataFrame:
    """Per jurisdiction: items read, cut off, not read, not computable, and source qualities used."""
    rows = []
    for p in peers():
        items = list(p.policy.items())
        rows.append({"policy": p.id, "jurisdiction_zh": short_name(p.policy), "group": p.group, "items": len(items),
                     "read": sum(i.status == "read" for i in items), "cut_off": sum(i.status == "cut_off" for i in items),
                     "not_read": sum(i.status == "not_read" for i in items),
                     "not_computable": sum(i.kind == "reference" for i in items),
                     "mapped_to_kaizhou": sum(i.kaizhou_match not in (None, "none") for i in items),
                     "kaizhou_lacks": sum(i.kaizhou_match == "none" for i in items),
                     "qualities": ", ".join(sorted({i.source.quality for i in items}))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- (b) representative firms
@dataclass(frozen=True)
class Firm:
    id: str
    label_zh: str
    label_en: str
    group: str
    group_zh: str
    group_en: str
    year: int
    kaizhou_items: tuple
    profile: dict


def representative_firms() -> List[Firm]:
    """The standard hypothetical firms, read from ``data/representative_firms/*.yaml`` (checked)."""
    out = []
    need = {"id", "label", "group", "year", "kaizhou_items", "profile"}
    base = baseline()
    for f in sorted(FIRMS_DIR.glob("*.yaml")):
        d = load_yaml(f)
        if set(d) != need:
            raise PolicyError(f"{f}: a representative firm has exactly the keys {sorted(need)} "
                              f"(missing {sorted(need - set(d))}, unknown {sorted(set(d) - need)})")
        if f.stem != d["id"]:
            raise PolicyError(f"{f}: file name must be {d['id']}.yaml")
        for k in d["kaizhou_items"]:
            base.item(k)
        out.append(Firm(d["id"], d["label"]["zh"], d["label"]["en"], d["group"]["id"], d["group"]["zh"], d["group"]["en"],
                        int(d["year"]), tuple(d["kaizhou_items"]), d["profile"]))
    if not out:
        raise PolicyError(f"no representative firms in {FIRMS_DIR}")
    return out


def translate(profile: dict, equivalents: Dict[str, str]) -> dict:
    """The same firm in another jurisdiction: event codes mapped to the equivalent level there."""
    if not equivalents:
        return profile
    events = [{**e, "code": equivalents.get(e["code"], e["code"])} for e in profile.get("events", [])]
    return {**profile, "events": events}


MATRIX_COLUMNS = ["firm", "group", "policy", "jurisdiction_zh", "peer_group", "kaizhou_item", "peer_items", "amount_yuan",
                  "read_part_yuan", "status", "status_zh", "status_en", "note_zh"]


def _not_in_force(pol: Policy, year: int) -> bool:
    firsts = [it.first_date for it in pol.items() if it.parameters]
    return not firsts or min(firsts).year > year


def _cells(firm: Firm, pol: Policy, peer_group: str, equivalents: Dict[str, str], is_base: bool) -> list:
    """Cells for one firm under one policy: one per Kaizhou item of the firm, plus peer-only awards."""
    base = dict(firm=firm.id, group=firm.group, policy=pol.id, jurisdiction_zh=short_name(pol), peer_group=peer_group)
    if _not_in_force(pol, firm.year):
        first = min(it.first_date for it in pol.items() if it.parameters)
        return [{**base, "kaizhou_item": k, "peer_items": "", "amount_yuan": pd.NA, "read_part_yuan": pd.NA,
                 "status": "not_in_force", "note_zh": f"最早数值自{first}起"} for k in firm.kaizhou_items]
    prof = translate(firm.profile, equivalents)
    a = assess(profile_to_facts(prof, name=firm.id), year=firm.year, policy=pol, explain=False)
    codes = {e["code"] for e in prof.get("events", [])}
    has_fin = bool(prof.get("financials"))
    match = (lambda it: it.id) if is_base else (lambda it: it.kaizhou_match)
    led = a.ledger.groupby("item")["amount_yuan"].sum().to_dict()
    und = dict(zip(a.undetermined["item"], a.undetermined["reason_zh"]))
    rows = []
    for k in firm.kaizhou_items:
        items = [it for it in pol.items() if match(it) == k]
        triggered = [it for it in items if set(it.events) & codes or (it.kind == "revenue_milestone" and has_fin)]
        paid = {it.id: int(led[it.id]) for it in triggered if it.id in led}
        unread = [it for it in triggered if it.id in und]
        refs = [it for it in items if it.kind == "reference"]
        read_part = sum(paid.values())
        if not items:
            status, note = "none", "所读文本中没有对应条款（不等于该地没有）"
        elif unread:
            status = "not_read" if any(it.status != "read" for it in unread) else "undetermined"
            note = "；".join(f"{it.label.zh}：{und[it.id]}" for it in unread)
        elif paid:
            # assumptions written into the paid items' parameter notes travel with the figure
            status = "computed"
            note = "；".join(dict.fromkeys(part for it in triggered if it.id in paid
                                           for par in it.parameters.values() if par.note is not None
                                           for part in par.note.zh.split("；")))
        elif triggered:
            status, note = "not_eligible", "有对应条款，但条件未满足"
        elif refs:
            status, note = "not_computable", "；".join(f"{it.label.zh}：{it.source.amount_text}" for it in refs)
        else:
            status, note = "none", "所读文本中的对应条款不适用于此情形：" + "、".join(it.label.zh for it in items)
        amount = read_part if status in READ_STATUSES else pd.NA
        rows.append({**base, "kaizhou_item": k, "peer_items": ", ".join(it.id for it in triggered or items),
                     "amount_yuan": amount, "read_part_yuan": read_part if (paid or status in READ_STATUSES) else pd.NA,
                     "status": status, "note_zh": note})
    if not is_base:
        for it in pol.items():
            if it.kaizhou_match == "none" and it.id in led:
                rows.append({**base, "kaizhou_item": "none", "peer_items": it.id, "amount_yuan": int(led[it.id]),
                             "read_part_yuan": int(led[it.id]), "status": "computed", "note_zh": f"开州无此项：{it.label.zh}"})
    return rows


def firm_matrix(firms: Optional[List[Firm]] = None) -> pd.DataFrame:
    """Every representative firm under Kaizhou and every peer: one row per (firm, jurisdiction, Kaizhou item).

    ``amount_yuan`` is NA unless the whole amount was computed (status computed or
    not_eligible = a genuine 0); ``read_part_yuan`` keeps what was computed of a
    partly read item (e.g. Tongliang's first-year 升规 award when later years are cut off).
    """
    firms = firms or representative_firms()
    base = baseline()
    rows = []
    for f in firms:
        rows += _cells(f, base, "baseline", {}, True)
        for p in peers():
            rows += _cells(f, p.policy, p.group, p.equivalents, False)
    df = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    df["status_zh"] = df["status"].map({k: v[0] for k, v in STATUS.items()})
    df["status_en"] = df["status"].map({k: v[1] for k, v in STATUS.items()})
    for c in ("amount_yuan", "read_part_yuan"):
        df[c] = pd.array(df[c], dtype="Int64")
    return df


def firm_totals(matrix: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Per firm and jurisdiction: computed total, and how many of the firm's items are not read / absent.

    ``complete`` is True only when every Kaizhou item of the firm was read there; the
    total then is the firm's whole award (peer-only awards included).
    """
    m = firm_matrix() if matrix is None else matrix
    g = m.groupby(["firm", "policy"], sort=False)
    out = pd.DataFrame({
        "jurisdiction_zh": g["jurisdiction_zh"].first(),
        "peer_group": g["peer_group"].first(),
        "computed_yuan": g["read_part_yuan"].sum(min_count=0).astype("int64"),
        "items": g["kaizhou_item"].apply(lambda s: int((s != "none").sum())),
        "read": g["status"].apply(lambda s: int(s.isin(READ_STATUSES).sum())),
        "not_read": g["status"].apply(lambda s: int(s.isin(["not_read", "undetermined"]).sum())),
        "absent": g["status"].apply(lambda s: int(s.isin(["none", "not_computable"]).sum())),
        "not_in_force": g["status"].apply(lambda s: bool((s == "not_in_force").any())),
    }).reset_index()
    out["complete"] = (out["read"] == out["items"]) & ~out["not_in_force"]
    out["total_yuan"] = pd.array(np.where(out["complete"], out["computed_yuan"], pd.NA), dtype="Int64")
    return out


def cell_text(amount, status: str, read_part=None) -> str:
    """zh display of one cell: the amount in 万元, or why there is none (never a bare 0 for 'not read')."""
    if status in READ_STATUSES:
        return wan(int(amount)) if status == "computed" else "0（条件未满足）"
    label = STATUS[status][0]
    if status in ("not_read", "undetermined") and read_part is not None and not pd.isna(read_part) and int(read_part) > 0:
        return f"≥{wan(int(read_part))}（部分{label}）"
    return label


def firm_table(matrix: Optional[pd.DataFrame] = None, lang: str = "zh") -> pd.DataFrame:
    """Firms × jurisdictions, each cell a display string (amount, or the reason there is none)."""
    m = firm_matrix() if matrix is None else matrix
    extra = m[m["kaizhou_item"] == "none"]
    if len(extra):  # awards Kaizhou has no item for, one line per firm and jurisdiction
        g = extra.groupby(["firm", "policy"], sort=False)
        extra = g.agg(group=("group", "first"), jurisdiction_zh=("jurisdiction_zh", "first"), peer_group=("peer_group", "first"),
                      peer_items=("peer_items", ", ".join), amount_yuan=("amount_yuan", "sum"),
                      read_part_yuan=("read_part_yuan", "sum")).reset_index()
        extra = extra.assign(kaizhou_item="（开州无此项）" if lang == "zh" else "(none in Kaizhou)", status="computed")
    firm_rank = {f: i for i, f in enumerate(dict.fromkeys(m["firm"]))}
    m = pd.concat([m[m["kaizhou_item"] != "none"], extra], ignore_index=True)
    m = m.sort_values("firm", key=lambda s: s.map(firm_rank), kind="stable")
    txt = [cell_text(a, s, r) if lang == "zh" else _cell_en(a, s, r)
           for a, s, r in zip(m["amount_yuan"], m["status"], m["read_part_yuan"])]
    t = m.assign(cell=txt)
    nm = names()
    t["jurisdiction"] = t["policy"].map(nm)
    order = list(dict.fromkeys(t["policy"]))
    piv = t.pivot(index=["firm", "kaizhou_item"], columns="policy", values="cell")[order]
    piv = piv.loc[list(dict.fromkeys(zip(t["firm"], t["kaizhou_item"])))]
    piv = piv.fillna("—")  # a firm × item row that a jurisdiction has no line for (only peer-only rows)
    piv.columns = [nm[c] for c in order]
    return piv


def _cell_en(amount, status, read_part) -> str:
    if status in READ_STATUSES:
        return f"{int(amount):,}" if status == "computed" else "0 (conditions not met)"
    label = STATUS[status][1]
    if status in ("not_read", "undetermined") and read_part is not None and not pd.isna(read_part) and int(read_part) > 0:
        return f"≥{int(read_part):,} (partly {label})"
    return label


# --------------------------------------------------------------------------- (c) generosity index
def generosity_index(matrix: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Per item group (one standard firm each) and peer: index (Kaizhou = 100) with its coverage.

    Only Kaizhou items read in both count (peer status computed or not_eligible);
    coverage is the share of the firm's Kaizhou award over those items, and the count
    of items compared out of the firm's items. No coverage, no index (NA).
    A final group ``all`` pools every firm's compared items.
    """
    m = firm_matrix() if matrix is None else matrix
    m = m[m["kaizhou_item"] != "none"]
    base_id = baseline().id
    kz = m[m["policy"] == base_id][["firm", "kaizhou_item", "amount_yuan"]].rename(columns={"amount_yuan": "kaizhou_yuan"})
    pe = m[m["policy"] != base_id].merge(kz, on=["firm", "kaizhou_item"], how="left", validate="many_to_one")
    pe["compared"] = pe["status"].isin(READ_STATUSES)
    pe["peer_c"] = pe["amount_yuan"].where(pe["compared"], 0).fillna(0).astype("int64")
    pe["kz_c"] = pe["kaizhou_yuan"].where(pe["compared"], 0).fillna(0).astype("int64")
    pe["kz_all"] = pe["kaizhou_yuan"].fillna(0).astype("int64")
    groups = {f.id: (f.group, f.group_zh) for f in representative_firms()}
    pe["item_group"] = pe["firm"].map({k: v[0] for k, v in groups.items()})
    pe["item_group_zh"] = pe["firm"].map({k: v[1] for k, v in groups.items()})

    def agg(df, keys):
        g = df.groupby(keys, sort=False)
        r = pd.DataFrame({"jurisdiction_zh": g["jurisdiction_zh"].first(), "peer_group": g["peer_group"].first(),
                          "peer_yuan": g["peer_c"].sum(), "kaizhou_yuan": g["kz_c"].sum(), "kaizhou_all_yuan": g["kz_all"].sum(),
                          "items_compared": g["compared"].sum().astype("int64"), "items": g["compared"].size()}).reset_index()
        return r

    per = agg(pe, ["item_group", "item_group_zh", "policy"])
    allg = agg(pe.assign(item_group="all", item_group_zh="全部项目组"), ["item_group", "item_group_zh", "policy"])
    out = pd.concat([per, allg], ignore_index=True)
    out["coverage"] = np.where(out["kaizhou_all_yuan"] > 0, out["kaizhou_yuan"] / out["kaizhou_all_yuan"].where(out["kaizhou_all_yuan"] > 0, 1), 0.0)
    ok = (out["items_compared"] > 0) & (out["kaizhou_yuan"] > 0)
    out["index"] = pd.array(np.where(ok, 100 * out["peer_yuan"] / out["kaizhou_yuan"].where(ok, 1), np.nan), dtype="Float64")
    out["index"] = out["index"].round(0)
    return out[["item_group", "item_group_zh", "policy", "jurisdiction_zh", "peer_group", "index", "coverage",
                "items_compared", "items", "peer_yuan", "kaizhou_yuan", "kaizhou_all_yuan"]]


def index_table(index: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Item groups × jurisdictions, each cell 'index（覆盖 x/y）' or '—（未覆盖）'."""
    ix = generosity_index() if index is None else index
    cell = [f"{int(i)}（覆盖{c:.0%}，{n}/{t}项）" if not pd.isna(i) else f"—（覆盖{n}/{t}项）"
            for i, c, n, t in zip(ix["index"], ix["coverage"], ix["items_compared"], ix["items"])]
    t = ix.assign(cell=cell)
    order = list(dict.fromkeys(t["policy"]))
    nm = names()
    piv = t.pivot(index=["item_group", "item_group_zh"], columns="policy", values="cell")[order]
    rows = list(dict.fromkeys(zip(t["item_group"], t["item_group_zh"])))
    piv = piv.loc[rows]
    piv.columns = [nm[c] for c in order]
    return piv


# --------------------------------------------------------------------------- sources
def sources() -> pd.DataFrame:
    """Every source used by a compared item: URL, quality, document, date, and the items resting on it."""
    rows = []
    for p in peers():
        for it in p.policy.items():
            s = it.source
            rows.append({"policy": p.id, "jurisdiction_zh": short_name(p.policy), "url": s.url, "quality": s.quality,
                         "doc_title": s.doc_title, "doc_no": s.doc_no, "date": s.date, "item": it.id})
    df = pd.DataFrame(rows)
    g = df.groupby(["policy", "jurisdiction_zh", "url", "quality"], sort=False, dropna=False)
    out = g.agg(doc_title=("doc_title", "first"), doc_no=("doc_no", "first"), date=("date", "first"),
                items=("item", lambda s: ", ".join(s))).reset_index()
    return out


def research_sources() -> pd.DataFrame:
    """The research table the peer policies were encoded from (``data/comparison-sources.csv``)."""
    return pd.read_csv(SOURCES_CSV, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- display tables (bilingual headers)
READ_LABEL = {"read": "已读取 read", "cut_off": "截断，未读取 cut off, not read", "not_read": "未读取 not read"}


def source_cell(quality, url) -> str:
    if quality is None or pd.isna(quality):
        return "—"
    return f"{QUALITY[quality][0]} {QUALITY[quality][1]}: {url}"


def article_view(article: int, table: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """One Kaizhou article's items beside their counterparts elsewhere, for a guide page."""
    t = item_table() if table is None else table
    t = t[t["article"] == int(article)]
    none = "—（所读文本无对应条款 none in the texts read）"
    has = t["peer_item"].notna()
    amount = [(wan(int(a)) if not pd.isna(a) else ("未读取 not read" if s != "read" else
                                                  txt if comp else "不可计算（基数不同）not computable")) if h else none
              for a, s, txt, comp, h in zip(t["amount_yuan"], t["status"], t["amount_text"], t["computable"], has)]
    return pd.DataFrame({
        "开州项目 Kaizhou item": t["kaizhou_label_zh"].to_numpy(),
        "开州标准 Kaizhou": t["kaizhou_amount_text"].to_numpy(),
        "地区 Jurisdiction": t["jurisdiction_zh"].fillna("—").to_numpy(),
        "对方条款 Item there": t["peer_label_zh"].fillna("—").to_numpy(),
        "原文金额 As printed": t["amount_text"].fillna("—").to_numpy(),
        "读取金额 As read": amount,
        "读取状态 Status": [READ_LABEL[s] if h else "—" for s, h in zip(t["status"].fillna("read"), has)],
        "条件 Condition": t["condition"].fillna("—").to_numpy(),
        "来源 Source": [source_cell(q, u) for q, u in zip(t["quality"], t["url"])],
    })


def peer_view(policy_id: str) -> pd.DataFrame:
    """Every item of one compared policy: what it matches in Kaizhou, the figure as printed and as read."""
    pol = get_policy(policy_id)
    base = baseline()
    rows = []
    date = _as_of(pol, config()["year"])
    for it in pol.items():
        d = describe_item(it, date)
        k = it.kaizhou_match
        rows.append({
            "条款 Item": it.label.zh,
            "原文摘录 Excerpt": it.source.excerpt,
            "原文金额 As printed": it.source.amount_text or "—",
            "读取金额 As read": (wan(int(d["amount_yuan"])) if d["amount_yuan"] is not None
                                 else ("未读取 not read" if it.status != "read" else
                                       ("不可计算 not computable" if it.kind == "reference" else amount_text_zh(it, date)))),
            "读取状态 Status": READ_LABEL[it.status],
            "对应开州 Kaizhou item": "开州无此项 none in Kaizhou" if k == "none" else f"{base.item(k).label.zh}（第{base.item(k).article}条）",
            "来源 Source": source_cell(it.source.quality, it.source.url),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- tables for readers (kzpolicy.present)
#: the short words a comparison cell uses (the legend explains each)
CELL_WORDS = {"not_eligible": "0（不符合条件）", "not_read": present.NOT_READ, "undetermined": "无法判断",
              "not_computable": present.NOT_COMPUTABLE, "none": present.NO_ITEM, "not_in_force": "未生效"}
CELL_LEGEND = {
    present.NOT_READ: present.LEGEND[present.NOT_READ][0],
    present.NO_ITEM: present.LEGEND[present.NO_ITEM][0],
    present.NOT_COMPUTABLE: present.LEGEND[present.NOT_COMPUTABLE][0],
    "无法判断": "有对应条款，但所给资料不足以判断。",
    "未生效": "该地政策在比较年度尚未发布或生效。",
    "0（不符合条件）": "有对应条款，但这家企业不符合条件：真正的0。",
    "≥X（部分未读取）": "已读取的部分为X，其余未读取。",
}


def reader_cell(amount, status: str, read_part=None) -> str:
    """A comparison cell in the short words of :data:`CELL_WORDS` (the amount in 万元 when computed)."""
    if status == "computed":
        return wan(int(amount))
    word = CELL_WORDS[status]
    if status in ("not_read", "undetermined") and read_part is not None and not pd.isna(read_part) and int(read_part) > 0:
        return f"≥{wan(int(read_part))}（部分{word}）"
    return word


def matrix_tables(matrix: Optional[pd.DataFrame] = None, policies: Optional[List[str]] = None) -> List[tuple]:
    """One small table per representative firm: jurisdictions as rows, the firm's items (in words) as columns.

    Returns ``[(firm, Table)]``. Jurisdictions whose texts have none of the firm's items are
    named in one line under the table instead of filling rows with 无此项.
    """
    m = firm_matrix() if matrix is None else matrix
    if policies is not None:
        m = m[m["policy"].isin(policies)]
    base = baseline()
    nm = names()
    out = []
    for f in representative_firms():
        sub = m[m["firm"] == f.id]
        if not len(sub):
            continue
        order = list(dict.fromkeys(sub["policy"]))
        cells = {(p, k): reader_cell(a, s, r) for p, k, a, s, r in
                 zip(sub["policy"], sub["kaizhou_item"], sub["amount_yuan"], sub["status"], sub["read_part_yuan"])}
        extra = sub[sub["kaizhou_item"] == "none"].groupby("policy")["amount_yuan"].sum()
        rows, absent = [], []
        for p in order:
            vals = [cells.get((p, k), present.MISSING) for k in f.kaizhou_items]
            if all(v == present.NO_ITEM for v in vals) and p not in extra.index:
                absent.append(nm[p])
                continue
            row = {"j": nm[p] + ("（基准）" if p == base.id else "")}
            row.update({k: v for k, v in zip(f.kaizhou_items, vals)})
            row["extra"] = wan(int(extra[p])) if p in extra.index else ""
            rows.append(row)
        df = pd.DataFrame(rows)
        cols = [present.Col("j", "地区", "Jurisdiction")]
        cols += [present.Col(k, base.item(k).label.zh, "") for k in f.kaizhou_items]
        if len(extra):
            cols.append(present.Col("extra", "开州无此项的奖励", "Awards Kaizhou has no item for", missing=""))
        legend = {"所读文本无此项的地区": "、".join(absent)} if absent else {}
        out.append((f, present.table(df, cols, lang="zh", wide=len(cols) > 4, legend=legend)))
    return out


def cell_legend(lang: str = "zh") -> present.Table:
    """What the words in the comparison cells mean (the legend of every comparison table)."""
    df = pd.DataFrame({"w": list(CELL_LEGEND), "m": list(CELL_LEGEND.values())})
    return present.table(df, [present.Col("w", "单元格", "Cell"), present.Col("m", "含义", "Meaning")], lang=lang, wide=False)


def index_view(index: Optional[pd.DataFrame] = None, include_municipal: bool = True) -> present.Table:
    """The generosity index where it can be computed: 项目组, 地区, 指数（开州＝100）, 覆盖率, 比较项数."""
    ix = generosity_index() if index is None else index
    ix = ix[ix["index"].notna()]
    if not include_municipal:
        ix = ix[ix["peer_group"] != "municipal"]
    nm = names()
    df = pd.DataFrame({"g": ix["item_group_zh"].to_numpy(), "j": ix["policy"].map(nm).to_numpy(),
                       "i": ix["index"].astype("Int64").to_numpy(), "c": ix["coverage"].to_numpy(),
                       "n": [f"{a}/{b}" for a, b in zip(ix["items_compared"], ix["items"])]})
    return present.table(df, [present.Col("g", "项目组", "Item group"), present.Col("j", "地区", "Jurisdiction"),
                              present.Col("i", "指数（开州＝100）", "Index (Kaizhou = 100)", "int"),
                              present.Col("c", "覆盖率", "Coverage", "pct", digits=0),
                              present.Col("n", "比较项数", "Items compared")], lang="zh-en", wide=False)


def not_comparable(index: Optional[pd.DataFrame] = None) -> Dict[str, List[str]]:
    """Per item group, the jurisdictions with no index (nothing read in both)."""
    ix = generosity_index() if index is None else index
    nm = names()
    return {g: [nm[p] for p in sub["policy"]] for g, sub in ix[ix["index"].isna()].groupby("item_group_zh", sort=False)}


def _status_words(t: pd.DataFrame) -> list:
    return [READ_LABEL[s].split(" ")[0] if h else present.MISSING for s, h in zip(t["status"].fillna("read"), t["peer_item"].notna())]


def article_table(article: int, table: Optional[pd.DataFrame] = None) -> present.Table:
    """One Kaizhou article beside its counterparts, for a reader: 开州项目, 地区, 对方条款, 原文金额, 读取金额, 条件, 来源."""
    v = article_view(article, table)
    t = item_table() if table is None else table
    t = t[t["article"] == int(article)]
    has = t["peer_item"].notna().to_numpy()
    df = pd.DataFrame({
        "k": [f"{a}（开州：{b}）" for a, b in zip(v["开州项目 Kaizhou item"], v["开州标准 Kaizhou"])],
        "j": [j if h else present.NO_ITEM for j, h in zip(v["地区 Jurisdiction"], has)],
        "p": v["对方条款 Item there"].to_numpy(), "printed": v["原文金额 As printed"].to_numpy(),
        "read": [x.split(" ")[0] if not x.startswith("—") else present.MISSING for x in v["读取金额 As read"]],
        "cond": v["条件 Condition"].to_numpy(),
        "q": [" ".join(QUALITY[q]) if isinstance(q, str) else present.MISSING for q in t["quality"]],
        "url": t["url"].to_numpy(),
    })
    return present.table(df, [
        present.Col("k", "开州项目", "Kaizhou item"), present.Col("j", "地区", "Jurisdiction"),
        present.Col("p", "对方条款", "Item there"), present.Col("printed", "原文金额", "As printed"),
        present.Col("read", "读取金额", "As read"), present.Col("cond", "条件", "Condition"),
        present.Col("url", "来源", "Source", "link")], lang="zh-en", wide=True, legend=present.legend())


def peer_table(policy_id: str) -> present.Table:
    """Every item of one compared policy for a reader: 条款, 原文摘录, 读取金额, 对应开州, 来源."""
    v = peer_view(policy_id)
    pol = get_policy(policy_id)
    items = list(pol.items())
    df = pd.DataFrame({
        "i": v["条款 Item"].to_numpy(), "x": v["原文摘录 Excerpt"].to_numpy(),
        "read": [r.split(" ")[0] for r in v["读取金额 As read"]],
        "k": ["开州无此项" if it.kaizhou_match in (None, "none") else present.item_name(it.kaizhou_match, baseline())
              for it in items],
        "url": [it.source.url for it in items],
    })
    return present.table(df, [present.Col("i", "条款", "Item"), present.Col("x", "原文摘录", "Excerpt"),
                              present.Col("read", "读取金额", "As read"), present.Col("k", "对应开州", "Kaizhou item"),
                              present.Col("url", "来源", "Source", "link")], lang="zh-en", wide=False,
                         legend=present.legend())
