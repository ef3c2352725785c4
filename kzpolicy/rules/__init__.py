"""Rule kinds: one vectorised function per kind of clause.

Each ``assess(item, ctx)`` returns a :class:`~kzpolicy.rules.common.RuleOutput`
holding award lines, near-misses, undetermined cases and excluded events. A rule
reads every amount, rate, threshold and cap from ``item.parameters``; none is
written here.
"""
from . import event_award, investment, ladder, listing, milestone, ranked, rd_subsidy, working_day_fee

RULES = {
    "event_award": event_award.assess,
    "ladder_award": ladder.assess,
    "revenue_milestone": milestone.assess,
    "investment_subsidy": investment.assess,
    "rd_subsidy": rd_subsidy.assess,
    "listing_share": listing.assess,
    "working_day_fee": working_day_fee.assess,
    "ranked_award": ranked.assess,
}
#: kinds that are not computed per firm (documentation or fiscal envelopes)
NOT_ASSESSED = {"budget_line", "reference", "referral"}
