"""A scripted storyline and deck for a brief with a PDF report and an XLSX data pack."""

from __future__ import annotations

BRIEF = ("Topic: should we enter the domestic EV market? Audience: the board. "
         "Objective: decide on a partnership. Length: 12 slides. Language: en")


def _slide(kind, title, content="", sources=(), data=None):
    return {"kind": kind, "title": title, "content": content, "sources": list(sources),
            "data": data}


STORYLINE = {
    "title": "Entering the domestic EV market", "subtitle": "Board discussion", "language": "en",
    "situation": "The market reached JPY 1,200bn in 2024",
    "complication": "Growth of 18% a year outpaces our capacity",
    "resolution": "Partner with a fleet specialist",
    "slides": [
        _slide("cover", "Entering the domestic EV market"),
        _slide("executive_summary", "A partnership captures the growth at the least risk",
               "market, segments, regions", ["P1", "P2"]),
        _slide("message", "The market reached JPY 1,200bn and grows 18% a year",
               "size and growth", ["P1"]),
        _slide("chart", "Kanto leads revenue growth across regions", "revenue by region",
               ["T1"], {"table": "T1", "range": "A1:D4", "chart": "column",
                        "series_in": "rows"}),
        _slide("chart", "Three makers hold most of the market", "shares", ["T2"],
               {"table": "T2", "range": "A1:B4", "chart": "pie", "series_in": "columns"}),
        _slide("message", "Passenger cars dominate with 74% of sales", "segments", ["P2"]),
        _slide("table", "Revenue grew in every region", "table", ["T1"],
               {"table": "T1", "range": "A1:D4", "chart": "table", "series_in": "columns"}),
        _slide("kpi", "Charging points and battery costs favour entry now", "", ["P1", "P3"]),
        _slide("two_column", "Partnering beats building alone", "options"),
        _slide("message", "Fleet buyers are the natural first segment", "", ["P2"]),
        _slide("quote", "Dealers see demand outrunning supply", "", ["P3"]),
        _slide("next_steps", "Three decisions are needed this quarter", "actions"),
    ],
}


def _content(kind, title, **fields):
    return {"kind": kind, "title": title, **fields}


DECK = {
    "title": "Entering the domestic EV market", "language": "en", "slides": [
        _content("cover", "Entering the domestic EV market", subtitle="Board discussion"),
        _content("executive_summary", "A partnership captures the growth at the least risk",
                 points=[{"text": "The market reached JPY 1,200bn in 2024", "sub": []},
                         {"text": "It grows 18% a year", "sub": []}], source="P1, P2"),
        _content("message", "The market reached JPY 1,200bn and grows 18% a year",
                 points=[{"text": "Growth of 18% a year since 2020", "sub": []},
                         {"text": "Imports hold 37% of the market", "sub": []}], source="P1"),
        # the model's own numbers are wrong on purpose: the cells must replace them
        _content("chart", "Kanto leads revenue growth across regions", source="T1",
                 chart={"type": "column", "categories": ["2022", "2023"],
                        "series": [{"name": "Kanto", "values": [999, 1000]}]}),
        _content("chart", "Three makers hold most of the market", source="T2",
                 chart={"type": "pie", "categories": ["A", "B", "C"],
                        "series": [{"name": "Share", "values": [50, 30, 20]}]}),
        _content("message", "Passenger cars dominate with 74% of sales",
                 points=[{"text": "Passenger cars: 74% of EV sales", "sub": []}], source="P2"),
        _content("table", "Revenue grew in every region", columns=["Region", "2024"],
                 rows=[["Kanto", "600"]], source="T1"),
        _content("kpi", "Charging points and battery costs favour entry now",
                 metrics=[{"value": "32,000", "label": "Charging points"},
                          {"value": "USD 115", "label": "per kWh battery"}]),
        _content("two_column", "Partnering beats building alone",
                 left={"heading": "Partner", "points": [{"text": "Fast entry", "sub": []}]},
                 right={"heading": "Build", "points": [{"text": "Full control", "sub": []}]}),
        _content("message", "Fleet buyers are the natural first segment",
                 points=[{"text": "Fleet revenue rose from 240 to 310", "sub": []}]),
        _content("quote", "Dealers see demand outrunning supply",
                 quote="Waiting lists run to 14 weeks", attribution="Dealer survey"),
        _content("next_steps", "Three decisions are needed this quarter",
                 actions=[{"action": "Approve the partner shortlist", "owner": "CEO",
                           "due": "December"}]),
    ]}
