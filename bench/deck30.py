"""A 30-slide deck mixing every slide kind and chart type (the renderer benchmark's input).

Used by bench/render_speed.py and bench/generate_vs_pandoc.py; printable as JSON:
    .venv/bin/python bench/deck30.py > /tmp/deck30.json
"""

from __future__ import annotations

import json

_YEARS = ["2022", "2023", "2024", "2025", "2026"]


def _chart(kind: str, title: str, **chart) -> dict:
    return {"kind": "chart", "title": title, "source": "Company reports; team analysis",
            "chart": {"type": kind, **chart}}


def _category_chart(kind: str, title: str, series: int = 2) -> dict:
    data = [{"name": name, "values": [10 + 3 * i + 5 * s for i in range(5)]}
            for s, name in enumerate(["Domestic", "Export", "Services"][:series])]
    return _chart(kind, title, categories=_YEARS, series=data, unit="bn JPY")


def slides() -> list[dict]:
    """The 30 slides, every kind at least once."""
    return [
        {"kind": "cover", "title": "Entering the domestic EV market", "subtitle": "Board discussion",
         "author": "Strategy team", "date": "November 2026"},
        {"kind": "agenda", "title": "Agenda", "items": ["Market", "Competition", "Options",
                                                         "Recommendation"], "current": 1},
        {"kind": "executive_summary", "title": "A partnership entry creates the most value",
         "points": [{"text": "The market grows 25% a year to JPY 3.2tn by 2030",
                     "sub": ["Policy support and cheaper batteries drive it"]},
                    "Our battery control technology differentiates in the mid-price segment",
                    "Partnering shortens payback by two years versus going alone"]},
        {"kind": "section", "title": "Market", "number": "01"},
        _category_chart("column", "Demand quadruples by 2030", 1),
        _category_chart("bar", "Exports lead the growth"),
        _category_chart("stacked_column", "Services become a third of revenue", 3),
        _category_chart("stacked_bar", "Every region grows", 3),
        _category_chart("stacked100_column", "The mix shifts to services", 3),
        _category_chart("stacked100_bar", "Exports hold their share", 2),
        _category_chart("line", "Prices fall steadily", 2),
        _chart("pie", "Three makers hold 70% of the market", categories=["A", "B", "C", "Others"],
               series=[{"name": "Share", "values": [35, 20, 15, 30]}]),
        _chart("doughnut", "Mid-price is the largest segment", categories=["Low", "Mid", "High"],
               series=[{"name": "Units", "values": [25, 50, 25]}]),
        _chart("waterfall", "Margin improves by 6 points", categories=[
            "2025", "Price", "Volume", "Cost", "Mix", "2026"],
            series=[{"name": "Margin", "values": [12, -2, 3, 4, 1, 18]}], totals=[0, 5]),
        _chart("scatter", "Range drives price", points=[
            {"x": 200 + 40 * i, "y": 300 + 35 * i + (i % 3) * 20, "label": f"M{i}"}
            for i in range(12)]),
        _chart("bubble", "Large makers grow slower", points=[
            {"x": 5 + 3 * i, "y": 20 - i, "size": 10 + 5 * i, "label": f"Maker {i}"}
            for i in range(6)]),
        {"kind": "section", "title": "Competition", "number": "02"},
        {"kind": "growth_share", "title": "Two businesses are stars, one is a dog",
         "items": [{"name": "EV", "market_growth": 25, "relative_share": 1.8, "revenue": 120},
                   {"name": "Hybrid", "market_growth": 4, "relative_share": 2.2, "revenue": 300},
                   {"name": "Charging", "market_growth": 30, "relative_share": 0.4, "revenue": 40},
                   {"name": "Parts", "market_growth": 2, "relative_share": 0.5, "revenue": 60}]},
        {"kind": "matrix", "title": "Partner B is the best fit", "x_axis": {
            "label": "Capability fit", "low": "Low", "high": "High"},
         "y_axis": {"label": "Strategic fit", "low": "Low", "high": "High"},
         "quadrants": [{"title": "Explore", "text": "Fit on strategy only"},
                       {"title": "Partner", "text": "Fit on both"},
                       {"title": "Avoid", "text": "Fit on neither"},
                       {"title": "Buy capability", "text": "Fit on capability only"}],
         "items": [{"label": "A", "x": 0.3, "y": 0.7}, {"label": "B", "x": 0.8, "y": 0.8}],
         "highlight": 2},
        {"kind": "table", "title": "Partner B leads on four of five criteria",
         "columns": ["Criterion", "Partner A", "Partner B", "Status"],
         "rows": [["Technology", {"harvey": 2}, {"harvey": 4}, {"rag": "green", "text": "On track"}],
                  ["Cost", {"harvey": 3}, {"harvey": 3}, {"rag": "amber", "text": "Watch"}],
                  ["Channel", {"harvey": 1}, {"harvey": 4}, {"rag": "green", "text": "On track"}],
                  ["Culture", {"harvey": 2}, {"harvey": 3}, {"rag": "red", "text": "Risk"}]]},
        {"kind": "two_column", "title": "Partnering beats going alone on NPV and payback",
         "left": {"heading": "Go alone", "points": ["NPV JPY 12bn", "Payback 7 years"]},
         "right": {"heading": "Partner", "points": ["NPV JPY 21bn", "Payback 5 years"]}},
        {"kind": "kpi", "title": "The plan beats every target", "metrics": [
            {"value": "JPY 3.2tn", "label": "Market 2030", "delta": "+25%/yr", "trend": "up",
             "good": True},
            {"value": "JPY 21bn", "label": "NPV"}, {"value": "5 yrs", "label": "Payback"}]},
        {"kind": "message", "title": "We should enter through a partnership in 2027",
         "points": ["Fastest route to scale", {"text": "Lowest capital at risk",
                                                 "sub": ["JPY 40bn less than going alone"]},
                    "Keeps the option to buy out the partner later"],
         "callout": "Decide on the shortlist this quarter"},
        {"kind": "process", "title": "Four steps take us to launch in 18 months", "steps": [
            {"title": "Select", "detail": ["Shortlist partners"]},
            {"title": "Negotiate", "detail": ["Term sheet"]},
            {"title": "Build", "detail": ["Joint team"]},
            {"title": "Launch", "detail": ["First model"]}]},
        {"kind": "timeline", "title": "Launch comes in the second half of 2028", "milestones": [
            {"when": "Q1 2027", "label": "Partner chosen"},
            {"when": "Q3 2027", "label": "JV signed"},
            {"when": "Q2 2028", "label": "Pilot line"},
            {"when": "Q4 2028", "label": "Launch"}]},
        {"kind": "timeline", "title": "Three workstreams run in parallel",
         "periods": ["2027 H1", "2027 H2", "2028 H1", "2028 H2"],
         "lanes": [{"name": "Product", "bars": [{"label": "Design", "start": "2027 H1",
                                                 "end": "2027 H2"}]},
                   {"name": "Plant", "bars": [{"label": "Build", "start": "2027 H2",
                                               "end": "2028 H2"}]}]},
        {"kind": "issue_tree", "title": "Profit depends on volume, price and cost", "root": {
            "text": "Grow EV profit", "children": [
                {"text": "Raise volume", "children": [{"text": "New channels"},
                                                      {"text": "Fleet sales"}]},
                {"text": "Hold price", "children": [{"text": "Brand"}, {"text": "Range"}]},
                {"text": "Cut cost", "children": [{"text": "Battery"}, {"text": "Plant"}]}]}},
        {"kind": "quote", "title": "Customers value range above price",
         "quote": "Past 400 km, the price gap stops mattering.", "attribution": "Dealer owner"},
        {"kind": "next_steps", "title": "Three decisions are needed this quarter", "actions": [
            {"action": "Approve partner shortlist", "owner": "CEO", "due": "2026-12-15"},
            {"action": "Fund due diligence", "owner": "CFO", "due": "2027-01-10"},
            {"action": "Name the JV lead", "owner": "COO", "due": "2027-01-31"}]},
        {"kind": "appendix"},
    ]


def deck() -> dict:
    return {"title": "Entering the domestic EV market", "language": "en", "slides": slides()}


if __name__ == "__main__":
    print(json.dumps(deck(), ensure_ascii=False, indent=1))
