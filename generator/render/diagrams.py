"""Diagrams from shapes and connectors: timeline and roadmap, process chevrons, issue tree.

Everything stays editable: boxes are real shapes with their text in them,
tree connectors are glued to their boxes' connection sites so they follow
when a box is moved.
"""

from __future__ import annotations

from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.util import Inches, Pt

from generator.design import Box
from generator.spec import Point
from generator.render import xml
from generator.render.canvas import INSET_Y, bullets
from generator.render.deck import SlideContext
from generator.render.registry import register
from generator.render.text import Paragraph

_GAP = int(Inches(0.12))


# -- timeline and roadmap ------------------------------------------------------------------
@register("timeline")
def build_timeline(ctx: SlideContext, slide) -> None:
    if slide.lanes:
        _roadmap(ctx, slide)
    else:
        _milestones(ctx, slide)


def _milestones(ctx: SlideContext, slide) -> None:
    """Dates above a line, labels and details below; alternating sides past six."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body
    count = len(slide.milestones)
    alternate = count > 6
    axis_y = body.top + (body.height // 2 if alternate else _axis_offset(ctx, slide, body))
    canvas.line(body.left, axis_y, body.right, axis_y, color=palette.rule, width=2.0,
                name="Timeline Axis")
    step = body.width // count
    width = min(step * (2 if alternate else 1) - _GAP, int(Inches(3.2)))
    dot = int(Inches(0.2))
    for index, milestone in enumerate(slide.milestones):
        center = body.left + step * index + step // 2
        canvas.rect(Box(center - dot // 2, axis_y - dot // 2, dot, dot), fill=palette.accent1,
                    line=palette.lt1, shape_type=MSO_SHAPE.OVAL, name=f"Milestone {index + 1}")
        left = min(max(center - width // 2, body.left), body.right - width)
        above = alternate and index % 2 == 0
        _milestone_text(ctx, milestone, index, Box(left, body.top, width, body.height), axis_y,
                        above)


_DATE_HEIGHT = int(Inches(0.4))
_DATE_GAP = int(Inches(0.18))


def _milestone_paragraphs(milestone) -> list[Paragraph]:
    paragraphs = [Paragraph(milestone.label, bold=True)]
    if milestone.detail:
        paragraphs.append(Paragraph(milestone.detail, size_scale=0.9, space_before_em=0.2))
    return paragraphs


def _axis_offset(ctx: SlideContext, slide, body: Box) -> int:
    """Where the axis goes below the body's top so that dates, axis and texts (one row of
    milestones) sit centred in the body rather than pinned to its top."""
    design = ctx.design
    step = body.width // len(slide.milestones)
    width = min(step - _GAP, int(Inches(3.2)))
    room = body.height - _DATE_HEIGHT - 2 * _DATE_GAP
    heights = [ctx.canvas.fit(Box(0, 0, width, room), _milestone_paragraphs(m),
                              field=f"milestones[{i}]", size=design.type.body,
                              min_size=design.type.label_min).height
               for i, m in enumerate(slide.milestones)]
    group = _DATE_HEIGHT + 2 * _DATE_GAP + max(heights) + 2 * INSET_Y
    return max((body.height - group) // 2, 0) + _DATE_HEIGHT + _DATE_GAP


def _milestone_text(ctx: SlideContext, milestone, index: int, column: Box, axis_y: int,
                    above: bool) -> None:
    design, canvas = ctx.design, ctx.canvas
    date_height, gap = _DATE_HEIGHT, _DATE_GAP
    paragraphs = _milestone_paragraphs(milestone)
    if above:
        text_box = Box(column.left, column.top, column.width, axis_y - gap - date_height
                       - column.top)
        date_box = Box(column.left, axis_y - gap - date_height, column.width, date_height)
        anchor = "b"
    else:
        date_box = Box(column.left, axis_y - gap - date_height, column.width, date_height)
        text_box = Box(column.left, axis_y + gap, column.width, column.bottom - axis_y - gap)
        anchor = "t"
    if above:
        date_box = Box(column.left, axis_y + gap, column.width, date_height)
    canvas.text(date_box, milestone.when, field=f"milestones[{index}].when",
                size=design.type.body, min_size=design.type.label_min, bold=True,
                color=design.palette.accent1, align="ctr", anchor="b" if not above else "t",
                name=f"Milestone {index + 1} Date")
    canvas.text(text_box, paragraphs, field=f"milestones[{index}]", size=design.type.body,
                min_size=design.type.label_min, align="ctr", anchor=anchor,
                name=f"Milestone {index + 1} Text")


def _roadmap(ctx: SlideContext, slide) -> None:
    """Periods across, lanes down; bars span their periods, stacked where they overlap."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body
    name_width = int(Inches(1.9))
    header_height = int(Inches(0.42))
    grid_left = body.left + name_width + _GAP
    column = (body.right - grid_left) // len(slide.periods)
    rows = [_bar_rows(lane, slide.periods) for lane in slide.lanes]
    row_count = max(sum(len(r) for r in rows), 1)
    unit = min((body.height - header_height - _GAP) // row_count, int(Inches(0.9)))
    shift = (body.height - header_height - _GAP - unit * row_count) // 2  # centred, not pinned
    body = Box(body.left, body.top + shift, body.width, body.height - 2 * shift)
    lanes_top = body.top + header_height + _GAP
    for index, period in enumerate(slide.periods):
        box = Box(grid_left + index * column, body.top, column - int(Inches(0.03)), header_height)
        canvas.text(box, period, field=f"periods[{index}]", size=design.type.label,
                    min_size=design.type.label_min, bold=True, fill=palette.dk2, align="ctr",
                    anchor="ctr", name=f"Period {index + 1}")
    top = lanes_top
    for lane_index, (lane, lane_rows) in enumerate(zip(slide.lanes, rows)):
        height = unit * len(lane_rows)
        canvas.text(Box(body.left, top, name_width, height - int(Inches(0.04))), lane.name,
                    field=f"lanes[{lane_index}].name", size=design.type.body,
                    min_size=design.type.label_min, bold=True, anchor="ctr",
                    name=f"Lane {lane_index + 1}")
        color = palette.accents[lane_index % len(palette.accents)]
        for row_index, row in enumerate(lane_rows):
            for bar_index, start, end, bar in row:
                box = Box(grid_left + start * column + int(Inches(0.03)),
                          top + row_index * unit + int(Inches(0.06)),
                          (end - start + 1) * column - int(Inches(0.09)),
                          unit - int(Inches(0.12)))
                canvas.text(box, bar.label, field=f"lanes[{lane_index}].bars[{bar_index}]",
                            size=design.type.body, min_size=design.type.label_min, fill=color,
                            shape_type=MSO_SHAPE.ROUNDED_RECTANGLE, align="ctr", anchor="ctr",
                            name=f"Bar {lane_index + 1}.{bar_index + 1}")
        top += height
        if lane_index < len(slide.lanes) - 1:
            canvas.line(body.left, top, body.right, top, color=palette.rule, width=0.75)


def _bar_rows(lane, periods: list[str]) -> list[list[tuple]]:
    """Bars of a lane packed into rows so that none overlap in time."""
    index = {name: i for i, name in enumerate(periods)}
    rows: list[list[tuple]] = []
    for bar_index, bar in enumerate(lane.bars):
        start, end = index[bar.start], index[bar.end]
        for row in rows:
            if all(end < s or start > e for _, s, e, _b in row):
                row.append((bar_index, start, end, bar))
                break
        else:
            rows.append([(bar_index, start, end, bar)])
    return rows


# -- process -----------------------------------------------------------------------------------
@register("process")
def build_process(ctx: SlideContext, slide) -> None:
    """Chevrons with the step titles inside, their details as bullets beneath.

    The details share one size (growing to the design's largest body size where they
    fit) and one rhythm; a short diagram is centred in the body, not pinned to its top."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body
    count = len(slide.steps)
    notch = int(Inches(0.3))
    width = (body.width + notch * (count - 1)) // count
    height = int(Inches(0.85))
    detail_top = body.top + height + _GAP * 2
    details = {}
    for index, step in enumerate(slide.steps):
        if step.detail:
            back = notch if index else 0  # a chevron's notched back edge
            box = Box(body.left + index * (width - notch) + back, detail_top,
                      width - notch - back, body.bottom - detail_top)
            details[index] = (box, bullets([Point(text=t) for t in step.detail], gap_em=0.3),
                              f"steps[{index}].detail")
    laid = dict(zip(details, canvas.spread(list(details.values()), size=design.type.body_max,
                                           min_size=design.type.label_min))) if details else {}
    detail_height = body.bottom - detail_top
    if all(block.short for block in laid.values()):
        detail_height = max((b.result.height for b in laid.values()), default=0) + 2 * INSET_Y
    shift = (body.bottom - detail_top - detail_height) // 2
    for index, step in enumerate(slide.steps):
        left = body.left + index * (width - notch)
        shape = MSO_SHAPE.PENTAGON if index == 0 else MSO_SHAPE.CHEVRON
        fill = palette.accent1 if index % 2 == 0 else palette.accent2
        box = Box(left, body.top + shift, width, height)
        canvas.text(box, step.title, field=f"steps[{index}].title", size=design.type.body,
                    min_size=design.type.label_min, bold=True, fill=fill, shape_type=shape,
                    align="ctr", anchor="ctr", inset=(int(Inches(0.06)), int(Inches(0.04))),
                    shape_inset=_arrow_text_inset(index, width, height),
                    name=f"Step {index + 1}")
        if index in laid:
            detail_box = details[index][0]
            canvas.text(Box(detail_box.left, detail_top + shift, detail_box.width,
                            detail_height), laid[index].paragraphs,
                        field=f"steps[{index}].detail", size=laid[index].size_pt,
                        name=f"Step {index + 1} Detail")


def _arrow_text_inset(index: int, width: int, height: int) -> tuple[int, int]:
    """What the preset's text rectangle leaves out (DrawingML presetShapeDefinitions, the
    default adjustment): a chevron's point and notch, x1 = half the shorter side, at each
    end; a pentagon's (homePlate) half its point at the right.  Renderers that honour it
    (LibreOffice does) wrap the text inside, so the fit must too."""
    x1 = min(width, height) // 2
    return (x1, x1) if index else (0, x1 // 2)


# -- issue tree --------------------------------------------------------------------------------
def _depth(node) -> int:
    return 1 + max((_depth(child) for child in node.children), default=0)


def _leaves(node) -> int:
    return sum(_leaves(child) for child in node.children) if node.children else 1


@register("issue_tree")
def build_issue_tree(ctx: SlideContext, slide) -> None:
    """Levels in columns from left to right; each box centred on its leaves; elbow connectors."""
    body = ctx.body
    depth = _depth(slide.root)
    gap = int(Inches(0.45))
    column = (body.width - gap * (depth - 1)) // depth
    row = body.height // _leaves(slide.root)
    box_height = min(int(row * 0.8), int(Inches(0.75)))
    _place_node(ctx, slide.root, [], 0, body.top, column, gap, row, box_height, None)


def _place_node(ctx: SlideContext, node, path: list[int], level: int, top: int, column: int,
                gap: int, row: int, box_height: int, parent_shape):
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    span = _leaves(node) * row
    center = top + span // 2
    left = ctx.body.left + level * (column + gap)
    box = Box(left, center - box_height // 2, column, box_height)
    fill, line = ((palette.accent1, None) if level == 0 else (palette.lt2, None)
                  if node.children else (palette.lt1, palette.accent1))
    field = "root" + "".join(f".children[{i}]" for i in path) + ".text"
    shape = canvas.text(box, node.text, field=field, size=design.type.label + 2,
                        min_size=design.type.label_min, bold=level == 0, fill=fill, line=line,
                        align="l", anchor="ctr", name=f"Node {'.'.join(map(str, [0, *path]))}")
    if parent_shape is not None:
        _connect(ctx, parent_shape, shape)
    child_top = top
    for index, child in enumerate(node.children):
        _place_node(ctx, child, [*path, index], level + 1, child_top, column, gap, row,
                    box_height, shape)
        child_top += _leaves(child) * row
    return shape


def _connect(ctx: SlideContext, parent, child) -> None:
    """An elbow connector glued to the parent's right side and the child's left side."""
    connector = ctx.slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, 0, 0, 1, 1)
    connector.begin_connect(parent, 3)  # rectangle sites: 0 top, 1 left, 2 bottom, 3 right
    connector.end_connect(child, 1)
    xml.drop_shape_style(connector)
    connector.line.width = Pt(1.0)
    ctx.canvas.paint(connector.line.color, ctx.design.palette.muted)
    connector.name = f"Link {parent.name} - {child.name}"
