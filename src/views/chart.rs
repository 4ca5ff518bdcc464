//! Charts drawn on the server as inline SVG (no JavaScript, no chart
//! library in the browser): a bar chart and a line chart of plain series,
//! each with a title and description for assistive technology, axis titles,
//! a legend and its data table (beside it, or named when the page already
//! shows the same figures in a table). [`Chart`] is the geometry the
//! partial `templates/partials/_chart.html` draws; coordinates are in the
//! SVG's viewBox, which scales to the width it is given (375 px phones
//! included), and colours come from classes in the stylesheet, since the
//! CSP forbids inline style.

use crate::domain::analytics::format;

/// The viewBox: narrow, so that text keeps a readable size on a phone.
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 240.0;
const PLOT_LEFT: f64 = 58.0;
const PLOT_RIGHT: f64 = 392.0;
const PLOT_TOP: f64 = 12.0;
const PLOT_BOTTOM: f64 = 184.0;
/// At most this many x labels, however short.
const MAX_X_LABELS: usize = 8;
/// The width of a character of a tick label (12 units high), and the gap
/// kept between two labels, in viewBox units: labels that would overlap
/// are thinned out.
const CHAR_WIDTH: f64 = 7.0;
const LABEL_GAP: f64 = 10.0;
/// Series colours (`chart-s0` …) the stylesheet defines.
const PALETTE: usize = 4;

/// How the figures of a chart read (axis ticks, tooltips, data table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueFormat {
    Count,
    Hours,
    /// A rate between 0 and 1, read as a percentage.
    Rate,
}

impl ValueFormat {
    fn cell(self, value: Option<f64>) -> String {
        match (self, value) {
            (_, None) => "—".to_owned(),
            (ValueFormat::Count, Some(v)) => format!("{v:.0}"),
            (ValueFormat::Hours, v) => format!("{} h", format::hours(v)),
            (ValueFormat::Rate, v) => format::percent(v),
        }
    }

    fn tick(self, value: f64, step: f64) -> String {
        let places = if step >= 1.0 || self == ValueFormat::Count {
            0
        } else {
            // Enough places that neighbouring ticks differ.
            (-step.log10().floor()) as usize
        };
        match self {
            ValueFormat::Rate => format!("{:.0} %", value * 100.0),
            _ => format!("{value:.places$}"),
        }
    }
}

/// One named line or set of bars; `None` is "no figure" (drawn as a gap).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Where the chart's figures are written out as a table.
#[derive(Debug, Clone)]
pub enum DataTable {
    /// Below the chart (the partial draws it).
    Inline,
    /// In the page's table with this id and caption, which holds the same
    /// figures (the chart's description says so).
    Elsewhere { id: String, caption: String },
}

/// What a page asks to draw.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Unique on the page: the prefix of the chart's element ids.
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// One per position along the x axis.
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub format: ValueFormat,
    pub table: DataTable,
}

/// A label on an axis, at its coordinate.
#[derive(Debug, Clone)]
pub struct Tick {
    pub at: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub class: String,
    /// The tooltip: "2026-W05 · Created: 12".
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Dot {
    pub x: String,
    pub y: String,
    pub title: String,
}

/// One series of a line chart: its unbroken runs and its points.
#[derive(Debug, Clone)]
pub struct Line {
    pub class: String,
    /// `points` attributes of the polylines (a gap starts a new one).
    pub runs: Vec<String>,
    pub dots: Vec<Dot>,
}

#[derive(Debug, Clone)]
pub struct LegendItem {
    pub class: String,
    pub name: String,
}

/// The chart as the partial draws it.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// A sentence for screen readers: what is plotted, over what, its range.
    pub description: String,
    pub view_box: String,
    pub plot_left: String,
    pub plot_right: String,
    pub plot_top: String,
    pub plot_bottom: String,
    pub x_label: String,
    pub x_label_at: (String, String),
    pub y_label: String,
    /// (x, y) of the rotated y-axis title.
    pub y_label_at: (String, String),
    pub x_tick_y: String,
    pub y_tick_x: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
    pub legend: Vec<LegendItem>,
    /// Present when the table is drawn below the chart.
    pub table: Option<ChartTable>,
    /// Present when the figures are in the page's own table: (id, caption).
    pub table_elsewhere: Option<(String, String)>,
    /// No positions at all: the partial says so instead of drawing axes.
    pub empty: bool,
}

/// The data table below a chart.
#[derive(Debug, Clone)]
pub struct ChartTable {
    pub caption: String,
    pub x_label: String,
    pub headers: Vec<String>,
    /// (x label, one cell per series).
    pub rows: Vec<(String, Vec<String>)>,
}

/// Coordinates with one decimal: enough at any width, short markup.
fn n(value: f64) -> String {
    let written = format!("{value:.1}");
    written
        .strip_suffix(".0")
        .map(str::to_owned)
        .unwrap_or(written)
}

/// A tick step of 1, 2 or 5 × 10ⁿ giving about four steps up to `max`.
fn nice_step(max: f64, whole: bool) -> f64 {
    let raw = max / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        r if r <= 1.0 => 1.0,
        r if r <= 2.0 => 2.0,
        r if r <= 5.0 => 5.0,
        _ => 10.0,
    } * magnitude;
    if whole { step.max(1.0) } else { step }
}

/// The y scale: its top value and tick step.
fn scale(spec: &ChartSpec) -> (f64, f64) {
    let max = spec
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let max = if max > 0.0 {
        max
    } else if spec.format == ValueFormat::Rate {
        1.0
    } else {
        4.0
    };
    let step = nice_step(max, spec.format == ValueFormat::Count);
    ((max / step).ceil() * step, step)
}

fn y_of(value: f64, top: f64) -> f64 {
    let v = value.clamp(0.0, top);
    PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * v / top
}

/// The centre of position `i` of `count` along the x axis.
fn slot_centre(i: usize, count: usize) -> f64 {
    let slot = (PLOT_RIGHT - PLOT_LEFT) / count as f64;
    PLOT_LEFT + slot * (i as f64 + 0.5)
}

fn frame(spec: &ChartSpec, kind: &str) -> Chart {
    let (top, step) = scale(spec);
    let count = spec.labels.len();
    let y_ticks = (0..)
        .map(|k| k as f64 * step)
        .take_while(|v| *v <= top + step / 2.0)
        .map(|v| Tick {
            at: n(y_of(v, top)),
            label: spec.format.tick(v, step),
        })
        .collect();
    let longest = spec
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let room = ((PLOT_RIGHT - PLOT_LEFT) / (longest as f64 * CHAR_WIDTH + LABEL_GAP)).floor();
    let fits = (room as usize).clamp(1, MAX_X_LABELS);
    let every = count.div_ceil(fits).max(1);
    let x_ticks = spec
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| Tick {
            at: n(slot_centre(i, count)),
            label: label.clone(),
        })
        .collect();
    let names: Vec<&str> = spec.series.iter().map(|s| s.name.as_str()).collect();
    let description = match (spec.labels.first(), spec.labels.last()) {
        (Some(first), Some(last)) => format!(
            "{kind} of {} by {}, {} positions from {first} to {last}; the axis runs from 0 to {}.",
            names.join(" and "),
            spec.x_label.to_lowercase(),
            count,
            spec.format.tick(top, step),
        ),
        _ => format!("{kind} with no figures."),
    };
    let (table, table_elsewhere) = match &spec.table {
        DataTable::Inline => (
            Some(ChartTable {
                caption: format!("{} (figures)", spec.title),
                x_label: spec.x_label.clone(),
                headers: names.iter().map(|s| s.to_string()).collect(),
                rows: spec
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let cells = spec
                            .series
                            .iter()
                            .map(|s| spec.format.cell(s.values.get(i).copied().flatten()))
                            .collect();
                        (label.clone(), cells)
                    })
                    .collect(),
            }),
            None,
        ),
        DataTable::Elsewhere { id, caption } => (None, Some((id.clone(), caption.clone()))),
    };
    let description = match &table_elsewhere {
        Some((_, caption)) => format!("{description} The figures are in the table “{caption}”."),
        None => format!("{description} The figures are in the table below the chart."),
    };
    Chart {
        id: spec.id.clone(),
        title: spec.title.clone(),
        description,
        view_box: format!("0 0 {} {}", n(WIDTH), n(HEIGHT)),
        plot_left: n(PLOT_LEFT),
        plot_right: n(PLOT_RIGHT),
        plot_top: n(PLOT_TOP),
        plot_bottom: n(PLOT_BOTTOM),
        x_label: spec.x_label.clone(),
        x_label_at: (n((PLOT_LEFT + PLOT_RIGHT) / 2.0), n(HEIGHT - 8.0)),
        y_label: spec.y_label.clone(),
        y_label_at: (n(14.0), n((PLOT_TOP + PLOT_BOTTOM) / 2.0)),
        x_tick_y: n(PLOT_BOTTOM + 18.0),
        y_tick_x: n(PLOT_LEFT - 6.0),
        x_ticks,
        y_ticks,
        bars: Vec::new(),
        lines: Vec::new(),
        legend: spec
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| LegendItem {
                class: format!("chart-s{}", i % PALETTE),
                name: s.name.clone(),
            })
            .collect(),
        table,
        table_elsewhere,
        empty: count == 0,
    }
}

fn tooltip(spec: &ChartSpec, i: usize, series: &Series, value: Option<f64>) -> String {
    format!(
        "{} · {}: {}",
        spec.labels.get(i).map(String::as_str).unwrap_or_default(),
        series.name,
        spec.format.cell(value)
    )
}

/// Grouped bars: one group per label, one bar per series.
pub fn bar_chart(spec: &ChartSpec) -> Chart {
    let mut chart = frame(spec, "Bar chart");
    let (top, _) = scale(spec);
    let count = spec.labels.len();
    if count == 0 || spec.series.is_empty() {
        return chart;
    }
    let slot = (PLOT_RIGHT - PLOT_LEFT) / count as f64;
    let group = slot * 0.7;
    let width = group / spec.series.len() as f64;
    for i in 0..count {
        let left = slot_centre(i, count) - group / 2.0;
        for (k, series) in spec.series.iter().enumerate() {
            let value = series.values.get(i).copied().flatten();
            let y = y_of(value.unwrap_or(0.0), top);
            chart.bars.push(Bar {
                x: n(left + width * k as f64),
                y: n(y),
                width: n(width),
                height: n(PLOT_BOTTOM - y),
                class: format!("chart-s{}", k % PALETTE),
                title: tooltip(spec, i, series, value),
            });
        }
    }
    chart
}

/// One line per series across the labels; a missing figure breaks it.
pub fn line_chart(spec: &ChartSpec) -> Chart {
    let mut chart = frame(spec, "Line chart");
    let (top, _) = scale(spec);
    let count = spec.labels.len();
    for (k, series) in spec.series.iter().enumerate() {
        let mut runs = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let mut dots = Vec::new();
        for i in 0..count {
            match series.values.get(i).copied().flatten() {
                Some(v) => {
                    let (x, y) = (n(slot_centre(i, count)), n(y_of(v, top)));
                    run.push(format!("{x},{y}"));
                    dots.push(Dot {
                        x,
                        y,
                        title: tooltip(spec, i, series, Some(v)),
                    });
                }
                None if !run.is_empty() => runs.push(std::mem::take(&mut run).join(" ")),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run.join(" "));
        }
        chart.lines.push(Line {
            class: format!("chart-s{}", k % PALETTE),
            runs,
            dots,
        });
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(values: Vec<Vec<Option<f64>>>, format: ValueFormat) -> ChartSpec {
        let count = values.first().map(Vec::len).unwrap_or(0);
        ChartSpec {
            id: "c".into(),
            title: "Issues per week".into(),
            x_label: "Week".into(),
            y_label: "Issues".into(),
            labels: (0..count).map(|i| format!("W{i:02}")).collect(),
            series: values
                .into_iter()
                .enumerate()
                .map(|(k, values)| Series {
                    name: format!("S{k}"),
                    values,
                })
                .collect(),
            format,
            table: DataTable::Inline,
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(nice_step(42.0, true), 20.0);
        assert_eq!(nice_step(3.0, true), 1.0);
        assert_eq!(nice_step(0.8, false), 0.2);
        assert_eq!(nice_step(1234.0, true), 500.0);
        let chart = bar_chart(&spec(vec![vec![Some(3.0), Some(42.0)]], ValueFormat::Count));
        let labels: Vec<_> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "20", "40", "60"]);
        let chart = line_chart(&spec(vec![vec![Some(0.25), Some(0.5)]], ValueFormat::Rate));
        assert_eq!(chart.y_ticks.last().map(|t| t.label.as_str()), Some("60 %"));
    }

    #[test]
    fn bars_stand_on_the_axis_and_the_tallest_reaches_its_value() {
        let chart = bar_chart(&spec(
            vec![vec![Some(0.0), Some(40.0)], vec![Some(20.0), None]],
            ValueFormat::Count,
        ));
        assert_eq!(chart.bars.len(), 4);
        for bar in &chart.bars {
            let bottom: f64 = bar.y.parse::<f64>().unwrap() + bar.height.parse::<f64>().unwrap();
            assert!((bottom - PLOT_BOTTOM).abs() < 0.11, "{bar:?}");
        }
        // 40 is the top of the scale: the bar reaches the plot's top.
        assert_eq!(chart.bars[2].y, n(PLOT_TOP));
        assert_eq!(chart.bars[2].title, "W01 · S0: 40");
        assert_eq!(chart.bars[3].title, "W01 · S1: —");
        let table = chart.table.unwrap();
        assert_eq!(table.headers, ["S0", "S1"]);
        assert_eq!(
            table.rows[1],
            ("W01".to_owned(), vec!["40".into(), "—".into()])
        );
    }

    #[test]
    fn a_gap_breaks_the_line() {
        let chart = line_chart(&spec(
            vec![vec![Some(1.0), Some(2.0), None, Some(3.0)]],
            ValueFormat::Hours,
        ));
        assert_eq!(chart.lines[0].runs.len(), 2);
        assert_eq!(chart.lines[0].dots.len(), 3);
        assert_eq!(chart.lines[0].dots[2].title, "W03 · S0: 3.00 h");
        assert!(chart.description.contains("from W00 to W03"));
    }

    #[test]
    fn many_labels_are_thinned_and_nothing_is_drawn_for_no_data() {
        let chart = line_chart(&spec(vec![vec![Some(1.0); 105]], ValueFormat::Count));
        assert!(chart.x_ticks.len() <= MAX_X_LABELS);
        assert_eq!(chart.x_ticks[0].label, "W00");
        // Labels as long as an ISO week's never overlap.
        let mut weeks = spec(vec![vec![Some(1.0); 6]], ValueFormat::Count);
        weeks.labels = (44..50).map(|w| format!("2026-W{w}")).collect();
        let chart = line_chart(&weeks);
        let at: Vec<f64> = chart
            .x_ticks
            .iter()
            .map(|t| t.at.parse().unwrap())
            .collect();
        assert!(at.len() >= 2);
        for pair in at.windows(2) {
            assert!(pair[1] - pair[0] >= 8.0 * CHAR_WIDTH, "{at:?}");
        }
        let empty = bar_chart(&spec(vec![vec![]], ValueFormat::Count));
        assert!(empty.empty && empty.bars.is_empty());
        let zeros = bar_chart(&spec(vec![vec![Some(0.0)]], ValueFormat::Count));
        assert!(zeros.y_ticks.len() >= 2);
    }

    #[test]
    fn a_table_elsewhere_is_named_in_the_description() {
        let mut s = spec(vec![vec![Some(1.0)]], ValueFormat::Count);
        s.table = DataTable::Elsewhere {
            id: "weekly".into(),
            caption: "Weekly figures".into(),
        };
        let chart = bar_chart(&s);
        assert!(chart.table.is_none());
        assert!(chart.description.contains("“Weekly figures”"));
    }

    #[derive(askama::Template)]
    #[template(
        source = "{% import \"partials/_chart.html\" as chart %}{% call chart::chart(c) %}{% endcall %}",
        ext = "html"
    )]
    struct Drawn {
        c: Chart,
    }

    #[test]
    fn the_partial_draws_title_axes_marks_and_table() {
        use askama::Template;
        let mut s = spec(
            vec![vec![Some(1.0), Some(2.0)], vec![Some(0.5), None]],
            ValueFormat::Count,
        );
        s.series[0].name = "Created <new>".into();
        let html = Drawn { c: bar_chart(&s) }.render().unwrap();
        assert!(html.contains("<svg class=\"chart-svg\" viewBox=\"0 0 400 240\" role=\"img\""));
        assert!(html.contains("<title id=\"c-title\">Issues per week</title>"));
        assert!(html.contains(">Week</text>") && html.contains(">Issues</text>"));
        assert_eq!(html.matches("<rect ").count(), 4);
        assert!(html.contains("Created &#60;new&#62;") || html.contains("Created &lt;new&gt;"));
        assert!(html.contains("<caption>Issues per week (figures)</caption>"));
        assert!(!html.contains("style="));
        let lines = Drawn { c: line_chart(&s) }.render().unwrap();
        assert_eq!(lines.matches("<polyline ").count(), 2);
        let empty = Drawn {
            c: line_chart(&spec(vec![vec![]], ValueFormat::Count)),
        }
        .render()
        .unwrap();
        assert!(!empty.contains("<svg") && empty.contains("No figures"));
    }
}
