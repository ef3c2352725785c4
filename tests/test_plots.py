"""kzpolicy.plots: Chinese renders with a real CJK font, outputs are deterministic, 万元 and NA are honest."""
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
    assert ax.get_yticklabels()[0].get_text().replace("\n", "") == f"第五条 {policy.article(5).title.zh}"
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
