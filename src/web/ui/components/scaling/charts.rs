//! The Scaling view's charts, drawn with plotters on a canvas from numbers the worker computed.
//! Drawing is the only main-thread work here, and it is cheap (a few hundred shapes).
//!
//! **Sharp on high-DPI screens.** plotters-canvas draws in canvas pixels and ignores
//! `devicePixelRatio`, so [`Chart`] sizes the canvas's backing store in device pixels (its CSS
//! size times the ratio) and the drawing functions scale fonts, margins and strokes by it.

use std::error::Error;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::web::lab::LabPoint;
use crate::web::lab::LabSummary;
use crate::web::ui::hooks::use_window_event;
use crate::workload_estimate::{ScalingReport, TimelineView};

type DrawResult = Result<(), Box<dyn Error>>;

const GIL_COLOR: RGBColor = RGBColor(217, 119, 6);
const FREE_COLOR: RGBColor = RGBColor(37, 99, 235);
const FIT_COLOR: RGBColor = RGBColor(124, 58, 237);
const MARK_COLOR: RGBColor = RGBColor(220, 38, 38);
const RECOMMENDED_COLOR: RGBColor = RGBColor(22, 163, 74);
const GRID_COLOR: RGBColor = RGBColor(226, 232, 240);
const TEXT_COLOR: RGBColor = RGBColor(51, 65, 85);

/// The colour of one timeline activity (see `SegmentView::activity`).
pub fn activity_color(activity: &str) -> RGBColor {
    match activity {
        "running" => RGBColor(22, 163, 74),
        "gil" => RGBColor(220, 38, 38),
        "core" => RGBColor(148, 163, 184),
        "lock" => RGBColor(147, 51, 234),
        _ => RGBColor(56, 189, 248),
    }
}

/// What a [`Chart`] draws.
#[derive(Clone, PartialEq)]
pub enum ChartData {
    Throughput(std::rc::Rc<ScalingReport>),
    Timeline(std::rc::Rc<ScalingReport>),
    Lab(Vec<LabPoint>, Option<std::rc::Rc<LabSummary>>),
}

impl ChartData {
    /// A hash of the numbers drawn (FNV-1a), shown as `data-hash` so tests see the chart change.
    pub fn hash(&self) -> String {
        let mut numbers: Vec<f64> = Vec::new();
        match self {
            Self::Throughput(report) => {
                for point in &report.points {
                    numbers.extend([f64::from(point.threads), point.gil, point.free_threaded]);
                }
                if let Ok(fit) = &report.fit {
                    numbers.extend([fit.sigma, fit.kappa, fit.lambda]);
                }
            }
            Self::Timeline(report) => {
                for timeline in &report.timelines {
                    numbers.push(timeline.window_us);
                    for segment in timeline.lanes.iter().flatten() {
                        numbers.extend([segment.start_us, segment.end_us]);
                    }
                }
            }
            Self::Lab(points, _) => {
                for point in points {
                    numbers.extend([f64::from(point.threads), point.throughput]);
                }
            }
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in numbers
            .iter()
            .flat_map(|number| number.to_bits().to_le_bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct ChartProps {
    pub data: ChartData,
    pub testid: AttrValue,
    pub label: AttrValue,
}

/// A canvas that draws its data after each render, and again when the window resizes (its
/// width follows the page's), in device pixels.
#[function_component]
pub fn Chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let drawn = use_mut_ref(|| props.data.clone());
    {
        let canvas = canvas.clone();
        let drawn = drawn.clone();
        use_effect_with(props.data.clone(), move |data| {
            *drawn.borrow_mut() = data.clone();
            redraw(&canvas, data);
        });
    }
    {
        let canvas = canvas.clone();
        use_window_event("resize", move || redraw(&canvas, &drawn.borrow()));
    }
    html! {
        <canvas
            ref={canvas}
            class="scaling-chart"
            role="img"
            aria-label={props.label.clone()}
            data-testid={props.testid.clone()}
            data-hash={props.data.hash()}
        />
    }
}

fn redraw(canvas: &NodeRef, data: &ChartData) {
    if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
        && let Err(error) = draw(&canvas, data)
    {
        web_sys::console::error_1(&format!("chart: {error}").into());
    }
}

fn draw(canvas: &HtmlCanvasElement, data: &ChartData) -> DrawResult {
    let dpr = web_sys::window()
        .map(|window| window.device_pixel_ratio())
        .filter(|ratio| ratio.is_finite() && *ratio > 0.0)
        .unwrap_or(1.0);
    let css_width = match canvas.client_width() {
        0 => 640,
        width => width,
    };
    let css_height = match canvas.client_height() {
        0 => 300,
        height => height,
    };
    canvas.set_width((f64::from(css_width) * dpr).round() as u32);
    canvas.set_height((f64::from(css_height) * dpr).round() as u32);
    let backend =
        CanvasBackend::with_canvas_object(canvas.clone()).ok_or("the canvas has no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let scale = Scale(dpr);
    match data {
        ChartData::Throughput(report) => throughput(&root, report, scale)?,
        ChartData::Timeline(report) => {
            let parts = root.split_evenly((report.timelines.len().max(1), 1));
            for (area, timeline) in parts.iter().zip(&report.timelines) {
                self::timeline(area, timeline, scale)?;
            }
        }
        ChartData::Lab(points, summary) => lab(&root, points, summary.as_deref(), scale)?,
    }
    root.present()?;
    Ok(())
}

/// CSS pixels to canvas pixels.
#[derive(Clone, Copy)]
struct Scale(f64);

impl Scale {
    fn px(self, css: f64) -> u32 {
        (css * self.0).round().max(1.0) as u32
    }

    fn font(self, css: f64) -> TextStyle<'static> {
        TextStyle::from(("sans-serif", css * self.0).into_font()).color(&TEXT_COLOR)
    }

    fn line(self, color: RGBColor, css_width: f64) -> ShapeStyle {
        ShapeStyle {
            color: color.to_rgba(),
            filled: false,
            stroke_width: self.px(css_width),
        }
    }
}

type Area = DrawingArea<CanvasBackend, plotters::coord::Shift>;

fn throughput(root: &Area, report: &ScalingReport, scale: Scale) -> DrawResult {
    let top = report.points.len().max(2) as f64;
    let highest = report
        .points
        .iter()
        .map(|point| point.gil.max(point.free_threaded))
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .margin(scale.px(12.0))
        .x_label_area_size(scale.px(34.0))
        .y_label_area_size(scale.px(64.0))
        .build_cartesian_2d(1.0..top, 0.0..highest * 1.1)?;
    chart
        .configure_mesh()
        .light_line_style(GRID_COLOR)
        .bold_line_style(GRID_COLOR)
        .axis_style(scale.line(TEXT_COLOR, 1.0))
        .label_style(scale.font(11.0))
        .axis_desc_style(scale.font(12.0))
        .x_desc("threads")
        .y_desc("items / s")
        .y_label_formatter(&|value| short_number(*value))
        .x_label_formatter(&|value| format!("{value:.0}"))
        .draw()?;

    let chosen = f64::from(report.params.threads);
    if chosen <= top {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(chosen, 0.0), (chosen, highest * 1.1)],
            scale.line(RGBColor(148, 163, 184), 1.0),
        )))?;
    }
    if let Ok(fit) = &report.fit {
        let steps = 200;
        let curve: Vec<(f64, f64)> = (0..=steps)
            .map(|step| {
                let threads = 1.0 + (top - 1.0) * f64::from(step) / f64::from(steps);
                let denominator =
                    1.0 + fit.sigma * (threads - 1.0) + fit.kappa * threads * (threads - 1.0);
                (threads, fit.lambda * threads / denominator)
            })
            .collect();
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                curve,
                scale.px(6.0),
                scale.px(4.0),
                scale.line(FIT_COLOR, 1.5),
            )))?
            .label("USL fit (free-threaded)")
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + scale.px(18.0) as i32, y)],
                    scale.line(FIT_COLOR, 1.5),
                )
            });
        let marks = [
            (fit.cliff_threads, MARK_COLOR, "cliff"),
            (
                Some(fit.recommended_threads),
                RECOMMENDED_COLOR,
                "recommended",
            ),
        ];
        for (index, (threads, color, name)) in marks.into_iter().enumerate() {
            let Some(threads) = threads.map(f64::from).filter(|threads| *threads <= top) else {
                continue;
            };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(threads, 0.0), (threads, highest * 1.1)],
                scale.line(color, 1.5),
            )))?;
            let y = highest * (1.05 - 0.08 * index as f64);
            chart.draw_series(std::iter::once(Text::new(
                format!(" {name}: {threads:.0}"),
                (threads, y),
                scale.font(11.0).color(&color),
            )))?;
        }
    }
    let series = [
        ("GIL build", GIL_COLOR, true),
        (report.params.build.as_str(), FREE_COLOR, false),
    ];
    for (name, color, gil) in series {
        let points: Vec<(f64, f64)> = report
            .points
            .iter()
            .map(|point| {
                let value = if gil { point.gil } else { point.free_threaded };
                (f64::from(point.threads), value)
            })
            .collect();
        chart
            .draw_series(std::iter::once(PathElement::new(
                points.clone(),
                scale.line(color, 2.0),
            )))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + scale.px(18.0) as i32, y)],
                    scale.line(color, 2.0),
                )
            });
        chart.draw_series(
            points
                .into_iter()
                .map(|point| Circle::new(point, scale.px(2.5), color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin(scale.px(8.0))
        // The swatch is 18 CSS pixels long; plotters' default area is 30 canvas pixels.
        .legend_area_size(scale.px(26.0))
        .label_font(scale.font(11.0))
        .background_style(WHITE.mix(0.85))
        .border_style(GRID_COLOR)
        .draw()?;
    Ok(())
}

fn timeline(area: &Area, timeline: &TimelineView, scale: Scale) -> DrawResult {
    let lanes = timeline.lanes.len().max(1) as f64;
    let window_ms = (timeline.window_us / 1_000.0).max(1e-3);
    let title = format!(
        "{} — {} threads, {} {} hand-offs in the whole run",
        if timeline.interpreter == "gil" {
            "GIL build"
        } else {
            "free-threaded"
        },
        timeline.threads,
        timeline.handoffs,
        if timeline.interpreter == "gil" {
            "GIL"
        } else {
            "core"
        }
    );
    let mut chart = ChartBuilder::on(area)
        .margin(scale.px(8.0))
        .caption(title, scale.font(12.0))
        .x_label_area_size(scale.px(26.0))
        .y_label_area_size(scale.px(64.0))
        .build_cartesian_2d(0.0..window_ms, -0.5..lanes - 0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID_COLOR)
        .bold_line_style(GRID_COLOR)
        .axis_style(scale.line(TEXT_COLOR, 1.0))
        .label_style(scale.font(10.0))
        .x_label_formatter(&|value| format!("{value:.1} ms"))
        .y_labels(timeline.lanes.len().clamp(1, 16))
        // Lane k is centred on y = k; label only the centres.
        .y_label_formatter(&|value| {
            if (value - value.round()).abs() < 1e-6 {
                format!("thread {:.0}", value.round() + 1.0)
            } else {
                String::new()
            }
        })
        .draw()?;
    for (lane, segments) in timeline.lanes.iter().enumerate() {
        let y0 = lane as f64 - 0.38;
        let y1 = lane as f64 + 0.38;
        chart.draw_series(segments.iter().map(|segment| {
            Rectangle::new(
                [
                    (segment.start_us / 1_000.0, y0),
                    (segment.end_us / 1_000.0, y1),
                ],
                activity_color(&segment.activity).filled(),
            )
        }))?;
    }
    Ok(())
}

fn lab(root: &Area, points: &[LabPoint], summary: Option<&LabSummary>, scale: Scale) -> DrawResult {
    let top = points
        .iter()
        .map(|point| point.threads)
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let highest = points
        .iter()
        .map(|point| point.throughput)
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .margin(scale.px(12.0))
        .x_label_area_size(scale.px(34.0))
        .y_label_area_size(scale.px(56.0))
        .build_cartesian_2d(0.5..top + 0.5, 0.0..highest * 1.2)?;
    chart
        .configure_mesh()
        .light_line_style(GRID_COLOR)
        .bold_line_style(GRID_COLOR)
        .axis_style(scale.line(TEXT_COLOR, 1.0))
        .label_style(scale.font(11.0))
        .axis_desc_style(scale.font(12.0))
        .x_desc("threads (chunks on the worker's pool)")
        .y_desc("M iterations / s")
        .x_labels(top as usize)
        .x_label_formatter(&|value| format!("{value:.0}"))
        .draw()?;
    if let Some(Ok(fit)) = summary.map(|summary| &summary.fit) {
        let curve: Vec<(f64, f64)> = (0..=100)
            .map(|step| {
                let threads = 1.0 + (top - 1.0) * f64::from(step) / 100.0;
                let denominator =
                    1.0 + fit.sigma * (threads - 1.0) + fit.kappa * threads * (threads - 1.0);
                (threads, fit.lambda * threads / denominator)
            })
            .collect();
        chart.draw_series(std::iter::once(PathElement::new(
            curve,
            scale.line(FIT_COLOR, 1.5),
        )))?;
    }
    if let Some(summary) = summary {
        let means: Vec<(f64, f64)> = summary
            .means
            .iter()
            .map(|mean| (f64::from(mean.threads), mean.throughput))
            .collect();
        chart.draw_series(std::iter::once(PathElement::new(
            means,
            scale.line(FREE_COLOR, 1.5),
        )))?;
    }
    chart.draw_series(points.iter().map(|point| {
        Circle::new(
            (f64::from(point.threads), point.throughput),
            scale.px(3.5),
            FREE_COLOR.mix(0.6).filled(),
        )
    }))?;
    Ok(())
}

/// `950`, `12.3k`, `4.5M`.
fn short_number(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}
