//! The flow picture of a transition matrix: the first classification's tiers (and new
//! customers) on the left, the second's (and lost ones) on the right, a band per cell
//! sized by customers or by amount. Clicking a band (or pressing Enter on it) selects
//! the cell. The geometry is a pure function, so it is tested without a browser.
use crate::domain::tier::{Dest, Matrix, Movement, Origin, movement};
use crate::i18n::*;
use leptos::prelude::*;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 340.0;
const PAD: f64 = 16.0;
const GAP: f64 = 14.0;
const NODE_W: f64 = 18.0;
const LEFT_X: f64 = 120.0;
const RIGHT_X: f64 = WIDTH - 120.0 - NODE_W;

/// A column block: where it starts and how tall it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub y: f64,
    pub h: f64,
    pub value: f64,
}

/// One cell's band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub from: Origin,
    pub to: Dest,
    /// Top of the band at the left node and at the right node.
    pub y_left: f64,
    pub y_right: f64,
    pub h: f64,
}

/// The picture's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub left: [Node; 4],
    pub right: [Node; 4],
    pub bands: Vec<Band>,
}

/// The size of a cell: its customers, or its total when positive.
pub fn cell_value(m: &Matrix, from: Origin, to: Dest, by_amount: bool) -> f64 {
    let c = m.cell(from, to);
    if by_amount {
        c.total.max(0) as f64
    } else {
        c.customers as f64
    }
}

/// Lays out nodes and bands. Both columns add up to the same total (every cell is on
/// both sides), so one scale serves both.
pub fn layout(m: &Matrix, by_amount: bool) -> Layout {
    let v = |f, t| cell_value(m, f, t, by_amount);
    let left_v: [f64; 4] = Origin::ALL.map(|f| Dest::ALL.iter().map(|&t| v(f, t)).sum());
    let right_v: [f64; 4] = Dest::ALL.map(|t| Origin::ALL.iter().map(|&f| v(f, t)).sum());
    let total: f64 = left_v.iter().sum();
    let avail = HEIGHT - 2.0 * PAD - 3.0 * GAP;
    let scale = if total > 0.0 { avail / total } else { 0.0 };
    let column = |vals: [f64; 4]| {
        let mut y = PAD;
        vals.map(|value| {
            let n = Node {
                y,
                h: value * scale,
                value,
            };
            y += n.h + GAP;
            n
        })
    };
    let left = column(left_v);
    let right = column(right_v);
    let mut left_off = left.map(|n| n.y);
    let mut right_off = right.map(|n| n.y);
    let mut bands = Vec::new();
    for (fi, &f) in Origin::ALL.iter().enumerate() {
        for (ti, &t) in Dest::ALL.iter().enumerate() {
            let h = v(f, t) * scale;
            if v(f, t) <= 0.0 {
                continue;
            }
            bands.push(Band {
                from: f,
                to: t,
                y_left: left_off[fi],
                y_right: right_off[ti],
                h,
            });
            left_off[fi] += h;
            right_off[ti] += h;
        }
    }
    Layout { left, right, bands }
}

fn band_path(b: &Band) -> String {
    let x1 = LEFT_X + NODE_W;
    let x2 = RIGHT_X;
    let xm = (x1 + x2) / 2.0;
    // a hair-thin band stays visible and clickable
    let h = b.h.max(1.5);
    format!(
        "M{x1:.1},{:.1} C{xm:.1},{:.1} {xm:.1},{:.1} {x2:.1},{:.1} L{x2:.1},{:.1} C{xm:.1},{:.1} {xm:.1},{:.1} {x1:.1},{:.1} Z",
        b.y_left,
        b.y_left,
        b.y_right,
        b.y_right,
        b.y_right + h,
        b.y_right + h,
        b.y_left + h,
        b.y_left + h,
    )
}

pub fn origin_label(i18n: leptos_i18n::I18nContext<Locale>, o: Origin) -> String {
    match o {
        Origin::New => t_string!(i18n, tiers.new_customers).to_string(),
        o => o.as_str().to_owned(),
    }
}

pub fn dest_label(i18n: leptos_i18n::I18nContext<Locale>, d: Dest) -> String {
    match d {
        Dest::Lost => t_string!(i18n, tiers.lost_customers).to_string(),
        d => d.as_str().to_owned(),
    }
}

fn movement_class(m: Movement) -> &'static str {
    match m {
        Movement::Up => "flow-up",
        Movement::Down => "flow-down",
        Movement::Same => "flow-same",
        Movement::New => "flow-new",
        Movement::Lost => "flow-lost",
    }
}

#[component]
pub fn TierFlow(
    matrix: Matrix,
    by_amount: Signal<bool>,
    selected: Memo<Option<(Origin, Dest)>>,
    select: Callback<(Origin, Dest)>,
    #[prop(into)] left_title: String,
    #[prop(into)] right_title: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let m = StoredValue::new(matrix);
    let geometry = Memo::new(move |_| m.with_value(|m| layout(m, by_amount.get())));
    view! {
        <svg class="flow-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="group"
            aria-label=move || t_string!(i18n, tiers.flow_label).to_string()>
            <text class="flow-title" x=LEFT_X y="11" text-anchor="middle">{left_title}</text>
            <text class="flow-title" x=RIGHT_X + NODE_W y="11" text-anchor="middle">{right_title}</text>
            {move || {
                let g = geometry.get();
                let bands = g.bands.iter().map(|b| {
                    let (f, t) = (b.from, b.to);
                    let c = m.with_value(|m| m.cell(f, t));
                    let label = format!("{} → {}: {}", origin_label(i18n, f), dest_label(i18n, t), c.customers);
                    let class = move || format!(
                        "flow-band {}{}",
                        movement_class(movement(f, t)),
                        if selected.get() == Some((f, t)) { " flow-selected" } else { "" }
                    );
                    view! {
                        <path class=class d=band_path(b) data-from=f.as_str() data-to=t.as_str()
                            role="button" tabindex="0" aria-label=label.clone()
                            on:click=move |_| select.run((f, t))
                            on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); select.run((f, t)); }>
                            <title>{label.clone()}</title>
                        </path>
                    }
                }).collect_view();
                let nodes = |x: f64, anchor_x: f64, anchor: &'static str, nodes: [Node; 4], labels: [String; 4], keys: [&'static str; 4]| {
                    nodes.into_iter().zip(labels).zip(keys).map(|((n, label), key)| view! {
                        <g class=format!("flow-node flow-node-{}", key.to_lowercase())>
                            <rect x=x y=n.y width=NODE_W height=n.h.max(1.0) />
                            <text x=anchor_x y=n.y + n.h / 2.0 + 4.0 text-anchor=anchor>
                                {format!("{label} {}", if by_amount.get_untracked() { String::new() } else { format!("{}", n.value as u64) })}
                            </text>
                        </g>
                    }).collect_view()
                };
                view! {
                    {bands}
                    {nodes(LEFT_X, LEFT_X - 6.0, "end", g.left, Origin::ALL.map(|o| origin_label(i18n, o)), Origin::ALL.map(|o| o.as_str()))}
                    {nodes(RIGHT_X, RIGHT_X + NODE_W + 6.0, "start", g.right, Dest::ALL.map(|d| dest_label(i18n, d)), Dest::ALL.map(|d| d.as_str()))}
                }
            }}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::segmentation::Class;
    use crate::domain::tier::transitions;

    #[test]
    fn bands_fill_their_nodes_exactly_on_both_sides() {
        let first = [
            (1, Class::A, 500),
            (2, Class::A, 300),
            (3, Class::B, 100),
            (4, Class::C, 50),
        ];
        let second = [
            (1, Class::A, 600),
            (2, Class::B, 200),
            (3, Class::A, 400),
            (5, Class::C, 10),
        ];
        let (m, _) = transitions(&first, &second);
        for by_amount in [false, true] {
            let l = layout(&m, by_amount);
            for (i, f) in Origin::ALL.iter().enumerate() {
                let sum: f64 = l.bands.iter().filter(|b| b.from == *f).map(|b| b.h).sum();
                assert!((sum - l.left[i].h).abs() < 1e-9, "{f:?}");
            }
            for (i, t) in Dest::ALL.iter().enumerate() {
                let sum: f64 = l.bands.iter().filter(|b| b.to == *t).map(|b| b.h).sum();
                assert!((sum - l.right[i].h).abs() < 1e-9, "{t:?}");
            }
            let bottom = l.right[3].y + l.right[3].h;
            assert!(bottom <= HEIGHT - PAD + 1e-9);
        }
        // by customers A→A and A→B are equal; by amount A→A is three times A→B
        let l = layout(&m, true);
        let h = |f, t| {
            l.bands
                .iter()
                .find(|b| b.from == f && b.to == t)
                .map(|b| b.h)
                .unwrap_or(0.0)
        };
        assert!((h(Origin::A, Dest::A) - 3.0 * h(Origin::A, Dest::B)).abs() < 1e-9);
        let l = layout(&m, false);
        let h = |f, t| {
            l.bands
                .iter()
                .find(|b| b.from == f && b.to == t)
                .map(|b| b.h)
                .unwrap_or(0.0)
        };
        assert!((h(Origin::A, Dest::A) - h(Origin::A, Dest::B)).abs() < 1e-9);
    }
}
