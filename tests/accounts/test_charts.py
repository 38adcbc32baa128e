"""The server-side SVG chart: one budget and one spend bar per area, escaped labels, red over budget."""
from decimal import Decimal

from accounts.charts import OVER_COLOUR, budget_vs_spend_svg
from accounts.selectors import MoneyRow


def test_chart_bars_scale_and_escape():
    rows = [
        MoneyRow(key="1", label="Syntetisk <område> & co", budget=Decimal("1000.00"), expenses=Decimal("500.00")),
        MoneyRow(key="2", label="Syntetisk over budget", budget=Decimal("100.00"), expenses=Decimal("250.00")),
    ]
    svg = str(budget_vs_spend_svg(rows))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<område>" not in svg and "&lt;område&gt; &amp; co" in svg
    assert svg.count('class="bar-budget"') == 2 and svg.count('class="bar-spend"') == 2
    assert 'class="bar-budget" x="250" y="54" width="460"' in svg  # the largest value fills the plot
    assert f'fill="{OVER_COLOUR}"><title>Syntetisk over budget: forbrug 250 kr.' in svg
    assert "1.000 kr." in svg


def test_chart_without_rows_or_amounts():
    assert "Ingen indsatsområder." in str(budget_vs_spend_svg([]))
    svg = str(budget_vs_spend_svg([MoneyRow(key="1", label="Syntetisk tom")]))
    assert 'width="0"' in svg
