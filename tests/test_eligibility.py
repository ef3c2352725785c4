"""Eligibility checks (articles 13, 14, 15): yes, no and unknown, over many firms at once."""
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from kzpolicy import get_policy, validate
from kzpolicy.eligibility import check, check_all

ALL_YES = dict(registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)


def firms(*rows):
    return pd.DataFrame([{"established": "2015-04-01", **r} for r in rows])


def test_art13_all_conditions_met_is_eligible_and_one_failure_is_not():
    f = validate(firms(
        {"firm_id": "A", "industry": "manufacturing", **ALL_YES},
        {"firm_id": "B", "industry": "manufacturing", **{**ALL_YES, "good_credit": False}},
        {"firm_id": "C", "industry": "other", **ALL_YES},
    ))
    r = check(f, "art13.zhugongdai", on="2023-09-01").set_index("firm_id")
    assert r.loc["A", "status"] == "eligible" and bool(r.loc["A", "eligible"]) is True
    assert r.loc["B", "status"] == "not_eligible" and r.loc["B", "failed"] == "信用良好"
    assert r.loc["C", "status"] == "not_eligible" and r.loc["C", "failed"] == "工业企业"
    assert r.loc["C", "failed_en"] == "an industrial firm"


def test_art13_fact_not_given_is_unknown_not_no():
    f = validate(firms({"firm_id": "A", "industry": "mining", **{k: v for k, v in ALL_YES.items() if k != "tax_compliant"}}))
    r = check(f, "art13.zhugongdai", on="2023-09-01").iloc[0]
    assert r["status"] == "unknown" and pd.isna(r["eligible"])
    assert r["missing"] == "诚信纳税" and r["failed"] == ""


def test_art13_a_known_failure_beats_an_unknown():
    f = validate(firms({"firm_id": "A", "industry": "manufacturing", "registered": False}))
    r = check(f, "art13.zhugongdai", on="2023-09-01").iloc[0]
    assert r["status"] == "not_eligible"
    assert "依法注册" in r["failed"] and "信用良好" in r["missing"]


def test_art14_any_mode_one_true_is_enough_and_all_false_is_not():
    f = validate(firms(
        {"firm_id": "P", "industry": "other", "individual_business": True},
        {"firm_id": "Q", "industry": "other", "individual_business": False, "new_agri_operator": False, "shuangbai_private": False},
        {"firm_id": "R", "industry": "other", "individual_business": False},
    ))
    r = check(f, "art14.bridge_loan_scope", on="2023-09-01").set_index("firm_id")
    assert list(r["status"]) == ["eligible", "not_eligible", "unknown"]


def test_art15_event_prefix_counts_only_up_to_the_date():
    f = validate(
        firms({"firm_id": "S", "industry": "manufacturing", "pre_listing_pool": False},
              {"firm_id": "T", "industry": "manufacturing", "pre_listing_pool": False}),
        pd.DataFrame([{"firm_id": "S", "date": "2023-07-01", "code": "srdi.specialized.municipal"}]),
    )
    before = check(f, "art15.one_firm_one_plan", on="2023-06-30").set_index("firm_id")
    on_day = check(f, "art15.one_firm_one_plan", on="2023-07-01").set_index("firm_id")
    assert before.loc["S", "status"] == "not_eligible"
    assert on_day.loc["S", "status"] == "eligible" and on_day.loc["S", "met"] == "专精特新企业"
    assert on_day.loc["T", "status"] == "not_eligible"


def test_event_prefix_does_not_match_a_longer_word():
    # 'srdi' must not match a code that merely begins with the same letters
    f = validate(firms({"firm_id": "U", "industry": "manufacturing", "pre_listing_pool": False}),
                 pd.DataFrame([{"firm_id": "U", "date": "2023-07-01", "code": "sme.innovative.municipal"}]))
    assert check(f, "art15.one_firm_one_plan", on="2023-12-31").iloc[0]["status"] == "not_eligible"


def test_profile_dict_is_accepted():
    prof = {"firm": {"id": "F1", "industry": "manufacturing", "established": "2015-04-01", **ALL_YES}}
    assert check(prof, "art13.zhugongdai", on="2023-06-01").iloc[0]["status"] == "eligible"


def test_bad_inputs_name_what_is_wrong():
    f = validate(firms({"firm_id": "A", "industry": "manufacturing"}))
    with pytest.raises(KeyError, match="art13.zhugongdai"):
        check(f, "art13.nope", on="2023-06-01")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        check(f, "art13.zhugongdai", on="01/06/2023")
    eff = str(get_policy().meta.effective)
    with pytest.raises(ValueError, match=eff):
        check(f, "art13.zhugongdai", on="2023-01-01")


def test_check_all_covers_every_rule_for_every_firm():
    f = validate(firms({"firm_id": "A", "industry": "manufacturing"}, {"firm_id": "B", "industry": "other"}))
    r = check_all(f, on="2023-09-01")
    assert len(r) == 2 * len(get_policy().eligibility_rules())
    assert set(r["rule"]) == {e.id for e in get_policy().eligibility_rules()}


def test_many_firms_at_once_match_one_by_one():
    rows = [{"firm_id": f"F{i}", "industry": ["manufacturing", "other"][i % 2],
             "registered": [True, False, None][i % 3], "tax_compliant": True, "good_credit": None if i % 4 == 0 else True,
             "independent_legal_person": True} for i in range(24)]
    f = validate(firms(*rows))
    together = check(f, "art13.zhugongdai", on="2023-09-01")
    alone = pd.concat([check(validate(firms(r)), "art13.zhugongdai", on="2023-09-01") for r in rows], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)
    assert set(together["status"]) == {"eligible", "not_eligible", "unknown"}


def test_every_condition_in_the_policy_names_a_real_field_or_event():
    """Code health: a misspelt field or event prefix in the YAML must fail here, not read as 'unknown' forever."""
    from kzpolicy.eligibility import BOOL_FIELDS, DERIVED_FIELDS
    from kzpolicy.events import EVENT_CODES

    for rule in get_policy().eligibility_rules():
        for c in rule.conditions:
            if c.field is not None:
                assert c.field in BOOL_FIELDS or c.field in DERIVED_FIELDS, (rule.id, c.field)
            else:
                assert any(code == c.event or code.startswith(c.event + ".") for code in EVENT_CODES), (rule.id, c.event)


def test_a_policy_field_the_input_contract_lacks_is_a_clear_error():
    broken = get_policy().with_parameters({})  # a private copy
    broken.eligibility("art13.zhugongdai").conditions[0].field = "good_creditt"
    f = validate(firms({"firm_id": "A", "industry": "manufacturing"}))
    with pytest.raises(ValueError, match="good_creditt"):
        check(f, "art13.zhugongdai", on="2023-09-01", policy=broken)

_tri = st.sampled_from([True, False, None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["manufacturing", "mining", "utilities", "other"]), _tri, _tri, _tri, _tri),
                min_size=1, max_size=12))
def test_art13_status_follows_the_all_rule_for_any_mix_of_facts(rows):
    """'all' mode: eligible iff every condition is a known yes; not eligible iff some is a known no; else unknown."""
    keys = ["registered", "tax_compliant", "good_credit", "independent_legal_person"]
    df = firms(*[{"firm_id": f"H{i}", "industry": ind, **{k: v for k, v in zip(keys, vals) if v is not None}}
                 for i, (ind, *vals) in enumerate(rows)])
    res = check(validate(df), "art13.zhugongdai", on="2023-09-01")
    for (ind, *vals), status in zip(rows, res["status"]):
        facts = [ind != "other", *vals]
        expected = ("not_eligible" if any(v is False for v in facts)
                    else "eligible" if all(v is True for v in facts) else "unknown")
        assert status == expected
