"""The client's own material: source files read into passages that keep their place.

intake (limits and refusals) -> readers (text and tables per format) -> passages
(split with file and page/sheet) -> select (what goes to the model) -> numbers
(every number checked against the sources) and cells (charts built from cells).
`pack` holds the result for a deck and stores it beside the deck's row.
"""
