//! The Pareto chart: bars by customer in rank order (grouped when there are many, never
//! across a class boundary, so the colours are the true classes), the cumulative-share
//! line, and the A and B threshold lines, dragged with a mouse or a finger (or moved
//! with the arrow keys). Dragging only changes the thresholds; the classes come from
//! `Ranking::counts`, the shared classifier, in the browser.
use crate::domain::segmentation::{Class, Counts, Ranking};
use crate::i18n::*;
use leptos::prelude::*;

/// Consecutive ranks `[start, end)` drawn as one bar, all of one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    pub class: Class,
    /// Σ total of the group.
    pub sum: i128,
}

/// Splits the ranking into at most about `max_bars` bars: one per customer when they
/// fit, else each class's ranks into a share of the bars proportional to its size (at
/// least one bar per non-empty class).
pub fn groups(r: &Ranking, counts: Counts, max_bars: usize) -> Vec<Group> {
    let n = r.len();
    let mut out = Vec::new();
    let segments = [
        (0, counts.a, Class::A),
        (counts.a, counts.a + counts.b, Class::B),
        (counts.a + counts.b, n, Class::C),
    ];
    for (start, end, class) in segments {
        let len = end - start;
        if len == 0 {
            continue;
        }
        let bars = if n <= max_bars {
            len
        } else {
            (len * max_bars / n).clamp(1, len)
        };
        for k in 0..bars {
            let s = start + len * k / bars;
            let e = start + len * (k + 1) / bars;
            if e > s {
                out.push(Group {
                    start: s,
                    end: e,
                    class,
                    sum: r.net_before[e] - r.net_before[s],
                });
            }
        }
    }
    out
}

const W: f64 = 1000.0;
const H: f64 = 360.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 936.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 300.0;

fn y_of_bp(bp: u32) -> f64 {
    BOTTOM - (BOTTOM - TOP) * f64::from(bp) / 10_000.0
}

/// Which threshold line is being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    A,
    B,
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::A => "seg-a",
        Class::B => "seg-b",
        Class::C => "seg-c",
    }
}

#[cfg(feature = "hydrate")]
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[cfg(not(feature = "hydrate"))]
pub fn now_ms() -> f64 {
    0.0
}

/// Clamps a dragged threshold: steps of 0.5 %, A within (0, B), B within (A, 100].
fn clamp(line: Line, bp: i64, a: u32, b: u32) -> u32 {
    let stepped = ((bp + 25) / 50 * 50).clamp(50, 10_000);
    let v = u32::try_from(stepped).unwrap_or(8000);
    match line {
        Line::A => v.min(b.saturating_sub(50)).max(50),
        Line::B => v.max(a + 50).min(10_000),
    }
}

#[component]
pub fn ParetoChart(
    ranking: StoredValue<Ranking>,
    counts: Memo<Counts>,
    a_bp: RwSignal<u32>,
    b_bp: RwSignal<u32>,
    /// Milliseconds the last threshold change took to reclassify (for the benchmark).
    recompute_ms: RwSignal<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let bars = Memo::new(move |_| ranking.with_value(|r| groups(r, counts.get(), 160)));
    let n = ranking.with_value(|r| r.len()).max(1) as f64;
    let g = ranking.with_value(|r| r.grand_total);
    // the tallest bar is the first (ranks descend, groups of one class average down)
    let max_mean = Memo::new(move |_| {
        bars.with(|b| {
            b.iter()
                .map(|x| x.sum as f64 / (x.end - x.start) as f64)
                .fold(0.0f64, f64::max)
        })
    });
    let x_of = move |rank: usize| LEFT + (RIGHT - LEFT) * rank as f64 / n;
    let dragging = RwSignal::new(None::<Line>);
    let set = move |line: Line, bp: i64| {
        let started = now_ms();
        let (a, b) = (a_bp.get_untracked(), b_bp.get_untracked());
        let v = clamp(line, bp, a, b);
        match line {
            Line::A => a_bp.set(v),
            Line::B => b_bp.set(v),
        }
        // force the reclassification now, to time it
        let _ = counts.get_untracked();
        let _ = bars.with_untracked(Vec::len);
        recompute_ms.set(now_ms() - started);
    };
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let move_to = move |client_y: i32| {
        #[cfg(feature = "hydrate")]
        if let (Some(line), Some(svg)) = (dragging.get_untracked(), svg_ref.get_untracked()) {
            let rect = svg.get_bounding_client_rect();
            if rect.height() > 0.0 {
                let y = (f64::from(client_y) - rect.top()) * H / rect.height();
                let bp = ((BOTTOM - y) / (BOTTOM - TOP) * 10_000.0).round() as i64;
                set(line, bp);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (client_y, svg_ref);
    };
    let set = Callback::new(move |(line, bp): (Line, i64)| set(line, bp));
    view! {
        <svg class="seg-chart" node_ref=svg_ref viewBox=format!("0 0 {W} {H}") role="img"
            aria-label=move || t_string!(i18n, segmentation.chart_label).to_string()
            on:pointermove=move |ev: leptos::ev::PointerEvent| move_to(ev.client_y())
            on:pointerup=move |_| dragging.set(None)
            on:pointercancel=move |_| dragging.set(None)>
            {axis(i18n, n)}
            <g class="seg-bars">
                {move || {
                    let top = max_mean.get().max(1.0);
                    bars.get().into_iter().map(|b| {
                        let mean = (b.sum as f64 / (b.end - b.start) as f64).max(0.0);
                        let h = (BOTTOM - TOP) * mean / top;
                        let x = x_of(b.start);
                        let w = (x_of(b.end) - x - 0.6).max(0.6);
                        view! { <rect class=class_name(b.class) x=x y=BOTTOM - h width=w height=h /> }
                    }).collect_view()
                }}
            </g>
            {(g > 0).then(|| view! {
                <polyline class="seg-cum" points=move || {
                    let mut pts = vec![format!("{LEFT},{BOTTOM}")];
                    ranking.with_value(|r| {
                        for b in bars.get() {
                            let share = r.cumulative(b.end - 1) as f64 / r.grand_total as f64;
                            pts.push(format!("{:.1},{:.1}", x_of(b.end), BOTTOM - (BOTTOM - TOP) * share));
                        }
                    });
                    pts.join(" ")
                } />
            })}
            <g class="seg-bounds">
                <line x1=move || x_of(counts.get().a) x2=move || x_of(counts.get().a) y1=TOP y2=BOTTOM />
                <line x1=move || x_of(counts.get().a + counts.get().b) x2=move || x_of(counts.get().a + counts.get().b) y1=TOP y2=BOTTOM />
            </g>
            <Handle line=Line::B bp=b_bp dragging=dragging svg_ref=svg_ref set=set />
            <Handle line=Line::A bp=a_bp dragging=dragging svg_ref=svg_ref set=set />
        </svg>
    }
}

/// The axes: grid lines every 25 %, ranks 1 to `n` along the bottom.
fn axis(i18n: leptos_i18n::I18nContext<Locale>, n: f64) -> impl IntoView {
    let ticks = [0u32, 2500, 5000, 7500, 10_000];
    view! {
        <g class="seg-axis">
            {ticks.map(|t| view! {
                <line class="seg-grid" x1=LEFT x2=RIGHT y1=y_of_bp(t) y2=y_of_bp(t) />
                <text x=RIGHT + 6.0 y=y_of_bp(t) + 4.0>{format!("{}%", t / 100)}</text>
            })}
            <line x1=LEFT x2=RIGHT y1=BOTTOM y2=BOTTOM />
            <text x=LEFT y=BOTTOM + 22.0>"1"</text>
            <text x=RIGHT y=BOTTOM + 22.0 text-anchor="end">{format!("{}", n as u64)}</text>
            <text x=(LEFT + RIGHT) / 2.0 y=BOTTOM + 22.0 text-anchor="middle">{move || t_string!(i18n, segmentation.axis_rank).to_string()}</text>
            <text x=LEFT - 8.0 y=TOP - 8.0>{move || t_string!(i18n, segmentation.axis_total).to_string()}</text>
        </g>
    }
}

/// A threshold's line with its handle: dragged by a finger or the mouse (the chart
/// follows the pointer), or moved by the arrow keys in steps of 0.5 % (5 % with the page
/// keys).
#[component]
fn Handle(
    line: Line,
    #[prop(into)] bp: Signal<u32>,
    dragging: RwSignal<Option<Line>>,
    svg_ref: NodeRef<leptos::svg::Svg>,
    set: Callback<(Line, i64)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let step = match ev.key().as_str() {
            "ArrowUp" | "ArrowRight" => 50,
            "ArrowDown" | "ArrowLeft" => -50,
            "PageUp" => 500,
            "PageDown" => -500,
            _ => return,
        };
        ev.prevent_default();
        set.run((line, i64::from(bp.get_untracked()) + step));
    };
    let label = match line {
        Line::A => "A",
        Line::B => "B",
    };
    let aria = move || match line {
        Line::A => t_string!(i18n, segmentation.drag_a).to_string(),
        Line::B => t_string!(i18n, segmentation.drag_b).to_string(),
    };
    view! {
        <g class=format!("seg-threshold seg-threshold-{}", label.to_lowercase())
            class:seg-dragging=move || dragging.get() == Some(line)>
            <line x1=LEFT x2=RIGHT y1=move || y_of_bp(bp.get()) y2=move || y_of_bp(bp.get()) />
            <text x=RIGHT - 4.0 y=move || y_of_bp(bp.get()) - 6.0 text-anchor="end">
                {move || format!("{label} {}%", crate::domain::segmentation::Thresholds::percent_text(bp.get()))}
            </text>
            // a band 48 units tall around the line: a finger's width on a tablet
            <rect class="seg-handle" x=LEFT y=move || y_of_bp(bp.get()) - 24.0 width=RIGHT - LEFT height="48"
                tabindex="0" role="slider" aria-label=aria
                aria-valuemin="0.5" aria-valuemax="100"
                aria-valuenow=move || crate::domain::segmentation::Thresholds::percent_text(bp.get())
                data-line=label
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    ev.prevent_default();
                    dragging.set(Some(line));
                    #[cfg(feature = "hydrate")]
                    if let Some(svg) = svg_ref.get_untracked() {
                        let _ = svg.set_pointer_capture(ev.pointer_id());
                    }
                    #[cfg(not(feature = "hydrate"))]
                    let _ = svg_ref;
                }
                on:keydown=keys />
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::segmentation::Thresholds;

    #[test]
    fn bars_never_straddle_a_class_boundary_and_cover_every_rank() {
        let totals: Vec<i64> = (0..5000).rev().map(|i| i * i + 1).collect();
        let r = Ranking::new(totals);
        for (a, b) in [(8000, 9500), (500, 600), (9900, 10_000)] {
            let counts = r.counts(Thresholds { a_bp: a, b_bp: b });
            let gs = groups(&r, counts, 160);
            assert!(gs.len() <= 163, "{}", gs.len());
            assert_eq!(gs.first().map(|g| g.start), Some(0));
            assert_eq!(gs.last().map(|g| g.end), Some(5000));
            for w in gs.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            for g in &gs {
                assert!(g.start < g.end);
                assert_eq!(Ranking::class_at(counts, g.start), g.class);
                assert_eq!(Ranking::class_at(counts, g.end - 1), g.class);
            }
            assert_eq!(gs.iter().map(|g| g.sum).sum::<i128>(), r.net_before[5000]);
        }
    }

    #[test]
    fn few_customers_get_a_bar_each() {
        let r = Ranking::new(vec![70, 20, 6, 4]);
        let gs = groups(&r, r.counts(Thresholds::DEFAULT), 160);
        assert_eq!(gs.len(), 4);
        assert_eq!(
            gs.iter().map(|g| g.class).collect::<Vec<_>>(),
            [Class::A, Class::A, Class::B, Class::C]
        );
    }

    #[test]
    fn dragged_lines_stay_ordered_in_half_percent_steps() {
        assert_eq!(clamp(Line::A, 8012, 8000, 9500), 8000);
        assert_eq!(clamp(Line::A, 9700, 8000, 9500), 9450);
        assert_eq!(clamp(Line::B, 7000, 8000, 9500), 8050);
        assert_eq!(clamp(Line::B, 12_000, 8000, 9500), 10_000);
        assert_eq!(clamp(Line::A, -300, 8000, 9500), 50);
    }
}
