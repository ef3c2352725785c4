"""kzpolicy.plots: Chinese renders with a real CJK font, outputs are deterministic, 万元 and NA are honest."""
import re
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from kzpolicy import plots  # noqa: E402
from kzpolicy.money import wan  # noqa: E402
from kzpolicy.policy import get_policy  # noqa: E402

CHINESE = "开州区专精特新小巨人奖励（万元）"


def _glyph_warnings(record):
    return [str(w.message) for w in record if "missing from" in str(w.message) or "Glyph" in str(w.message)]


def test_default_font_really_misses_chinese_glyphs():
    """The control: without setup_cjk matplotlib warns, so the next test can fail."""
    code = (
        "import warnings, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
        "matplotlib.rcParams['font.sans-serif'] = ['DejaVu Sans']\n"
        "with warnings.catch_warnings(record=True) as rec:\n"
        "    warnings.simplefilter('always')\n"
        f"    fig, ax = plt.subplots(); ax.set_title({CHINESE!r}); fig.canvas.draw()\n"
        "print(sum('Glyph' in str(w.message) for w in rec))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) > 0


def test_chinese_labels_render_without_missing_glyph_warnings():
    plots.setup_cjk()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        policy = get_policy()
        a5 = policy.param("art05.smart_factory_municipal.amount").at("2023-06-01")
        a1 = policy.param("art01.above_scale_enter.amount").at("2023-06-01")
        ax = plots.bar_by_article(pd.Series({1: a1, 5: a5}), title=CHINESE)
        ax.figure.canvas.draw()
        plt.close(ax.figure)
    assert _glyph_warnings(rec) == []


def test_cjk_font_is_the_one_matplotlib_picks():
    plots.setup_cjk()
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found.endswith(plots.CJK_FILE)
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_saved_svg_is_identical_between_runs_and_has_no_date(tmp_path):
    plots.setup_cjk()
    amount = get_policy().param("art05.smart_factory_municipal.amount").at("2023-06-01")

    def draw(path):
        ax = plots.bar_by_article(pd.Series({5: amount}), title=CHINESE)
        plots.save(ax.figure, path)
        plt.close(ax.figure)
        return path.read_bytes()

    first, second = draw(tmp_path / "a.svg"), draw(tmp_path / "b.svg")
    assert first == second
    assert b"<dc:date>" not in first


def test_bar_by_article_shows_wan_from_the_policy_and_labels_the_article():
    policy = get_policy()
    amount = policy.param("art05.smart_factory_municipal.amount").at("2023-06-01")
    ledger = pd.DataFrame({"article": [5, 5], "amount_yuan": [amount, amount]})
    ax = plots.bar_by_article(ledger)
    bar = ax.patches[0]
    assert bar.get_width() == pytest.approx(2 * amount / 10_000)
    texts = [t.get_text() for t in ax.texts]
    assert wan(2 * amount) in texts
    assert ax.get_yticklabels()[0].get_text().replace("\n", "") == policy.article(5).heading_zh
    plt.close(ax.figure)


def test_missing_amount_stays_missing_not_zero():
    amount = get_policy().param("art05.smart_factory_municipal.amount").at("2023-06-01")
    s = pd.Series({3: pd.NA, 5: amount}, dtype="Int64")
    ax = plots.bar_by_article(s)
    assert plots.NA_LABEL in [t.get_text() for t in ax.texts]
    assert "0万元" not in [t.get_text() for t in ax.texts]
    plt.close(ax.figure)
    ledger = pd.DataFrame({"article": [3, 5], "amount_yuan": pd.array([pd.NA, amount], dtype="Int64")})
    totals = plots.amounts_by_article(ledger)
    assert totals.isna().loc[3] and totals.loc[5] == amount


def test_bar_by_group_names_a_missing_column():
    with pytest.raises(KeyError, match="township"):
        plots.bar_by_group(pd.DataFrame({"amount_yuan": [1]}), "township")


# --------------------------------------------------------------------------- legible at any width
def _overlaps(fig, texts):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in texts if t.get_text().strip() and t.get_visible()]
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def _check_legible(fig):
    assert fig.get_size_inches()[0] <= 8.0
    assert fig._suptitle is None  # panel titles only: a suptitle overlaps them
    for ax in fig.axes:
        for t in ax.get_yticklabels() + ax.get_xticklabels() + ax.texts + [ax.title, ax.xaxis.label, ax.yaxis.label]:
            if t.get_text().strip():
                assert t.get_fontsize() >= 10, t.get_text()
        assert not _overlaps(fig, ax.get_yticklabels()), "y tick labels overlap"
        assert not _overlaps(fig, ax.get_xticklabels()), "x tick labels overlap"
    titles = [ax.title for ax in fig.axes]
    assert not _overlaps(fig, titles)


def _ledger(n, by="township"):
    return pd.DataFrame({by: [f"乡镇{i:02d}（合成名称很长的一个乡镇街道）" for i in range(n)],
                         "amount_yuan": [123456789 - i * 1234567 for i in range(n)]})


def test_township_bars_are_horizontal_wrapped_and_never_overlap():
    ax = plots.bar_by_group(_ledger(15), "township", top=15, estimate=True, title="前15个乡镇（含假设参数）Top 15 townships")
    _check_legible(ax.figure)
    assert len(ax.get_yticklabels()) == 15 and all("\n" in t.get_text() for t in ax.get_yticklabels())
    # estimates are rounded to whole 万元 on the bars
    assert all(re.fullmatch(r"[\d,]+万元", t.get_text()) for t in ax.texts)
    plt.close(ax.figure)


def test_article_bars_estimates_rounded_labels_fit():
    ledger = pd.DataFrame({"article": list(range(1, 13)), "amount_yuan": [23246598 + i for i in range(12)]})
    ax = plots.bar_by_article(ledger, estimate=True, title="各项企业奖补（含假设参数）Firm awards (uses assumptions)")
    _check_legible(ax.figure)
    assert all("." not in t.get_text() for t in ax.texts)
    plt.close(ax.figure)


def test_size_bands_have_panel_titles_and_no_suptitle():
    bands = pd.DataFrame({"size_band": ["large", "medium", "small", "micro"], "firms": [7, 153, 949, 1125],
                          "recipients": [7, 124, 382, 91], "amount_yuan": [29596842, 38692519, 24884050, 2722886]})
    fig = plots.size_bands(bands, title="按规模（含假设参数）")
    _check_legible(fig)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["大型", "中型", "小型", "微型"]
    plt.close(fig)


def test_signed_bars_name_scenarios_in_words_and_fit():
    from kzpolicy import present
    from kzpolicy.simulate import Scenario
    labels = [present.scenario_label(Scenario.load(f"scenarios/{f}.yaml"))
              for f in ("art01_upgrade_300k", "art05_rate_8pct", "art05_cap_200wan")]
    assert all("art0" not in s and "_" not in s for s in labels)
    ax = plots.signed_bars(labels + ["一个很长很长的解释问题，要换好几行才能写完，看看它会不会碰到数值标签或者别的文字 → 另一种读法"],
                           [3500000, 18074950, -19917077, -16492753], title="情景与基准之差 Scenario minus baseline",
                           xlabel="万元")
    _check_legible(ax.figure)
    assert not _overlaps(ax.figure, ax.texts), "a bar's name runs into a value label"
    assert {t.get_text().replace("\n", "") for t in ax.texts} >= set(labels)
    plt.close(ax.figure)
