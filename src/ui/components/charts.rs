//! Four small charts of the engine's metrics over virtual time (`Registry::metrics`): storage
//! billed and stored beside the tier's included amount and limit, the request rate per minute
//! beside the registry's limits, replication lag per replica, and the oracle's counts. Drawn as
//! SVG from the series the engine keeps; nothing here decides anything. The panel reads the
//! series from the live registry itself, at most once every `REDRAW_MS` of real time however
//! fast the clock runs: a change in between is drawn once that time has passed.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::Millis;
use crate::engine::metrics::{MetricsView, Sample};
use crate::i18n::Lang;
use crate::ui::format::{exact_bytes_in, exact_ms_in, grouped_in, human_bytes_in, short_duration_in};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::Shared;

/// Real milliseconds between two readings of the series (a few redraws a second at most).
pub const REDRAW_MS: f64 = 300.0;

/// The drawing, in SVG user units (the SVG scales to the panel's width).
const W: i64 = 400;
const H: i64 = 210;
const LEFT: i64 = 80;
const RIGHT: i64 = 12;
const TOP: i64 = 12;
const BOTTOM: i64 = 40;
/// Colours (style.css `.series-N`) before they repeat.
const SERIES: usize = 8;
/// A line (the tier's included amount, a limit) is drawn when it is at most this many times
/// the highest value of the series; further up it would flatten the series, so the legend says
/// it is off the scale instead.
const GUIDE_SCALE_MAX: u64 = 4;

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub registry: Option<Shared>,
    /// The registry generation, the page's state version and the virtual time: when one of
    /// them changes the series is read again (throttled).
    pub generation: u64,
    pub version: u64,
    pub now: Millis,
}

/// The last reading of the series, and when it was taken (real time).
#[derive(Default)]
struct Reading {
    key: Option<(u64, u64, u64)>,
    taken_at: f64,
    view: Option<Rc<MetricsView>>,
    /// Bumped by every reading: the drawing is rebuilt only then.
    epoch: u64,
    /// A redraw is already scheduled.
    timer: bool,
}

/// The series as of the last reading, re-read when `key` changed and `REDRAW_MS` has passed
/// since the last reading (sooner when the registry was replaced); otherwise a timer asks again
/// when that time is up, so the last change is always drawn.
#[hook]
fn use_metrics(registry: Option<Shared>, key: (u64, u64, u64)) -> (Option<Rc<MetricsView>>, u64) {
    let reading = use_mut_ref(Reading::default);
    let redraw = use_force_update();
    let mut r = reading.borrow_mut();
    if r.key != Some(key) {
        let now = js_sys::Date::now();
        let replaced = r.key.map(|k| k.0) != Some(key.0);
        let read = (replaced || now - r.taken_at >= REDRAW_MS)
            .then(|| registry.as_ref().and_then(|s| s.0.try_borrow().ok().map(|reg| reg.metrics())));
        match read {
            Some(Some(view)) => {
                r.view = Some(Rc::new(view));
                r.key = Some(key);
                r.taken_at = now;
                r.epoch += 1;
            }
            Some(None) if registry.is_none() => {
                r.view = None;
                r.key = Some(key);
                r.epoch += 1;
            }
            // Too soon, or the registry is in use: ask again later.
            _ if !r.timer => {
                r.timer = true;
                let wait = (REDRAW_MS - (now - r.taken_at)).clamp(16.0, REDRAW_MS) as i32;
                let (reading, redraw) = (reading.clone(), redraw.clone());
                let later = wasm_bindgen::closure::Closure::once_into_js(move || {
                    if let Ok(mut r) = reading.try_borrow_mut() {
                        r.timer = false;
                    }
                    redraw.force_update();
                });
                let set = web_sys::window().map(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), wait)
                });
                if !matches!(set, Some(Ok(_))) {
                    r.timer = false;
                }
            }
            _ => {}
        }
    }
    (r.view.clone(), r.epoch)
}

/// "Over time": the four charts.
#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let lang = use_lang();
    let (view, epoch) = use_metrics(props.registry.clone(), (props.generation, props.version, props.now.0));
    // Drawn again for a new reading, or in another language.
    let drawn = use_memo((epoch, lang), move |(_, lang)| draw(*lang, view.as_deref()));
    (*drawn).clone()
}

fn draw(lang: Lang, view: Option<&MetricsView>) -> Html {
    let hint = match view {
        Some(v) => tf(
            lang,
            "charts.hint",
            &[
                &grouped_in(lang, v.samples.len() as u64),
                &short_duration_in(lang, Millis(v.every_ms)),
                &grouped_in(lang, crate::engine::metrics::SAMPLES_MAX as u64),
            ],
        ),
        None => t(lang, "charts.no_registry").to_string(),
    };
    let charts: Vec<Chart> = match view {
        Some(v) => {
            vec![storage_chart(lang, v), rate_chart(lang, v), lag_chart(lang, v), oracle_chart(lang, v)]
        }
        None => vec![],
    };
    html! {
        <section id="charts" class="panel charts-panel" aria-labelledby="charts-title"
            data-samples={view.map_or(0, |v| v.samples.len()).to_string()}>
            <div class="panel-head">
                <h2 id="charts-title">{ t(lang, "charts.title") }</h2>
                <p class="hint">{ hint }</p>
            </div>
            <div class="charts">
                { for charts.iter().map(|c| render(lang, c)) }
            </div>
        </section>
    }
}

/// How a chart's values read.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Bytes,
    PerMinute,
    Lag,
    Count,
}

impl Unit {
    fn label(self, lang: Lang, v: u64) -> String {
        match self {
            Unit::Bytes => human_bytes_in(lang, v),
            Unit::PerMinute => format!("{}/min", grouped_in(lang, v)),
            Unit::Lag => short_duration_in(lang, Millis(v)),
            Unit::Count => grouped_in(lang, v),
        }
    }

    /// Round tops for the axis: steps in powers of 1,024 for bytes, whole clock units for lag,
    /// powers of 10 otherwise.
    fn nice_top(self, max: u64) -> u64 {
        let max = max.max(1);
        if self == Unit::Lag {
            return LAG_TOPS_MS.iter().copied().find(|t| *t >= max).unwrap_or(max);
        }
        let (mantissas, base): (&[u64], u64) = match self {
            Unit::Bytes => (&[1, 2, 5, 10, 20, 50, 100, 200, 500], 1024),
            _ => (&[1, 2, 5], 10),
        };
        let mut unit: u64 = 1;
        loop {
            for m in mantissas {
                let top = m.saturating_mul(unit);
                if top >= max {
                    return top;
                }
            }
            match unit.checked_mul(base) {
                Some(u) => unit = u,
                None => return u64::MAX,
            }
        }
    }
}

/// Tops of the lag axis (its middle tick is half): milliseconds to 30 days.
#[rustfmt::skip]
const LAG_TOPS_MS: [u64; 26] = [
    10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000,
    600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000,
    864_000_000, 2_592_000_000,
];

/// One line of a chart: its name (`id` in English, for `data-series`; `name` in the page's
/// language) and its (virtual time, value) points.
struct Series {
    id: String,
    name: String,
    points: Vec<(u64, u64)>,
}

impl Series {
    /// A series named by catalogue key `key`, its English text as its id.
    fn keyed(lang: Lang, key: &'static str, points: Vec<(u64, u64)>) -> Self {
        Self { id: t(Lang::En, key).to_string(), name: t(lang, key).to_string(), points }
    }
}

/// A horizontal line beside the series (the tier's included storage, a limit): its name in
/// English (`data-guide`) and in the page's language.
struct Guide {
    id: &'static str,
    name: &'static str,
    value: u64,
}

impl Guide {
    fn keyed(lang: Lang, key: &'static str, value: u64) -> Self {
        Self { id: t(Lang::En, key), name: t(lang, key), value }
    }
}

struct Chart {
    id: &'static str,
    title: &'static str,
    unit: Unit,
    series: Vec<Series>,
    guides: Vec<Guide>,
    /// The latest values in words: the SVG's title and aria-label.
    summary: String,
    /// Why there is nothing to draw yet.
    empty: Option<&'static str>,
}

fn column(samples: &[Sample], f: impl Fn(&Sample) -> u64) -> Vec<(u64, u64)> {
    samples.iter().map(|s| (s.at_ms.0, f(s))).collect()
}

fn span_words(samples: &[Sample]) -> (Millis, Millis) {
    let first = samples.first().map_or(Millis(0), |s| s.at_ms);
    let last = samples.last().map_or(Millis(0), |s| s.at_ms);
    (first, last)
}

/// Whether a guide line fits the scale of the series (see `GUIDE_SCALE_MAX`).
fn in_scale(value: u64, data_max: u64) -> bool {
    data_max > 0 && value <= data_max.saturating_mul(GUIDE_SCALE_MAX)
}

fn guide_words(lang: Lang, name: &str, value: Option<u64>, unit: Unit, data_max: u64) -> String {
    match value {
        None => tf(lang, "charts.guide_none", &[name]),
        Some(v) if in_scale(v, data_max) => format!("{name} {}", unit.label(lang, v)),
        Some(v) => tf(lang, "charts.guide_off", &[name, &unit.label(lang, v)]),
    }
}

fn storage_chart(lang: Lang, v: &MetricsView) -> Chart {
    let s = &v.samples;
    let (first, last) = span_words(s);
    let latest = s.last();
    let billed = latest.map_or(0, |x| x.billed_bytes);
    let stored = latest.map_or(0, |x| x.stored_bytes);
    let data_max = s.iter().map(|x| x.billed_bytes.max(x.stored_bytes)).max().unwrap_or(0);
    let summary = tf(
        lang,
        "charts.storage_summary",
        &[
            &first.to_string(),
            &last.to_string(),
            &exact_bytes_in(lang, billed),
            &human_bytes_in(lang, billed),
            &exact_bytes_in(lang, stored),
            &human_bytes_in(lang, stored),
            &guide_words(
                lang,
                t(lang, "charts.tier_includes"),
                Some(v.included_bytes),
                Unit::Bytes,
                data_max,
            ),
            &guide_words(
                lang,
                t(lang, "charts.storage_limit_is"),
                Some(v.limit_bytes),
                Unit::Bytes,
                data_max,
            ),
        ],
    );
    Chart {
        id: "chart-storage",
        title: t(lang, "charts.storage_title"),
        unit: Unit::Bytes,
        series: vec![
            Series::keyed(lang, "charts.billed", column(s, |x| x.billed_bytes)),
            Series::keyed(lang, "charts.stored", column(s, |x| x.stored_bytes)),
        ],
        guides: vec![
            Guide::keyed(lang, "charts.included", v.included_bytes),
            Guide::keyed(lang, "charts.limit", v.limit_bytes),
        ],
        summary,
        empty: (s.len() < 2).then(|| t(lang, "charts.no_samples")),
    }
}

/// Requests admitted per minute between each sample and the one before it, at the later one.
fn rate(samples: &[Sample], f: impl Fn(&Sample) -> u64) -> Vec<(u64, u64)> {
    samples
        .windows(2)
        .filter_map(|w| {
            let dt = w[1].at_ms.0.checked_sub(w[0].at_ms.0).filter(|d| *d > 0)?;
            let n = f(&w[1]).saturating_sub(f(&w[0]));
            let per_minute = (u128::from(n) * 60_000 / u128::from(dt)).min(u128::from(u64::MAX)) as u64;
            Some((w[1].at_ms.0, per_minute))
        })
        .collect()
}

fn rate_chart(lang: Lang, v: &MetricsView) -> Chart {
    let s = &v.samples;
    let reads = rate(s, |x| x.reads);
    let writes = rate(s, |x| x.writes);
    let (_, last) = span_words(s);
    let data_max = reads.iter().chain(&writes).map(|p| p.1).max().unwrap_or(0);
    let latest = |p: &[(u64, u64)]| p.last().map_or(0, |x| x.1);
    let summary = tf(
        lang,
        "charts.rate_summary",
        &[
            &last.to_string(),
            &grouped_in(lang, latest(&reads)),
            &grouped_in(lang, latest(&writes)),
            &guide_words(
                lang,
                t(lang, "charts.read_limit_is"),
                v.reads_per_minute_limit,
                Unit::PerMinute,
                data_max,
            ),
            &guide_words(
                lang,
                t(lang, "charts.write_limit_is"),
                v.writes_per_minute_limit,
                Unit::PerMinute,
                data_max,
            ),
        ],
    );
    let mut guides = vec![];
    if let Some(value) = v.reads_per_minute_limit {
        guides.push(Guide::keyed(lang, "charts.read_limit", value));
    }
    if let Some(value) = v.writes_per_minute_limit {
        guides.push(Guide::keyed(lang, "charts.write_limit", value));
    }
    let empty = (reads.len() < 2).then(|| t(lang, "charts.no_samples"));
    Chart {
        id: "chart-rate",
        title: t(lang, "charts.rate_title"),
        unit: Unit::PerMinute,
        series: vec![
            Series::keyed(lang, "charts.reads", reads),
            Series::keyed(lang, "charts.writes", writes),
        ],
        guides,
        summary,
        empty,
    }
}

fn lag_chart(lang: Lang, v: &MetricsView) -> Chart {
    let s = &v.samples;
    let (_, last) = span_words(s);
    let latest = s.last();
    let series: Vec<Series> = v
        .regions
        .iter()
        .enumerate()
        .map(|(i, region)| {
            let (id, name) = if i == 0 {
                (tf(Lang::En, "charts.home", &[region]), tf(lang, "charts.home", &[region]))
            } else {
                ((*region).to_string(), (*region).to_string())
            };
            Series { id, name, points: column(s, |x| x.lag_ms.get(i).copied().unwrap_or(0)) }
        })
        .collect();
    let each: Vec<String> = v
        .regions
        .iter()
        .enumerate()
        .map(|(i, region)| {
            let lag = latest.and_then(|x| x.lag_ms.get(i).copied()).unwrap_or(0);
            format!("{region} {}", exact_ms_in(lang, lag))
        })
        .collect();
    let summary = if v.regions.len() < 2 {
        tf(lang, "charts.lag_none", &[&last.to_string()])
    } else {
        tf(lang, "charts.lag_summary", &[&last.to_string(), &each.join(", ")])
    };
    let empty = if v.regions.len() < 2 {
        Some(t(lang, "charts.no_replica"))
    } else {
        (s.len() < 2).then(|| t(lang, "charts.no_samples"))
    };
    Chart {
        id: "chart-lag",
        title: t(lang, "charts.lag_title"),
        unit: Unit::Lag,
        series,
        guides: vec![],
        summary,
        empty,
    }
}

fn oracle_chart(lang: Lang, v: &MetricsView) -> Chart {
    let s = &v.samples;
    let (_, last) = span_words(s);
    let l = s.last();
    let n = |f: fn(&Sample) -> u64| l.map_or(0, f);
    let summary = tf(
        lang,
        "charts.oracle_summary",
        &[
            &last.to_string(),
            &grouped_in(lang, n(|x| x.pushes_ok)),
            &grouped_in(lang, n(|x| x.pushes_failed)),
            &grouped_in(lang, n(|x| x.pulls_ok)),
            &grouped_in(lang, n(|x| x.pulls_failed)),
            &grouped_in(lang, n(|x| x.stale_pulls)),
        ],
    );
    let series = vec![
        Series::keyed(lang, "charts.pushes_ok", column(s, |x| x.pushes_ok)),
        Series::keyed(lang, "charts.pushes_failed", column(s, |x| x.pushes_failed)),
        Series::keyed(lang, "charts.pulls_ok", column(s, |x| x.pulls_ok)),
        Series::keyed(lang, "charts.pulls_failed", column(s, |x| x.pulls_failed)),
        Series::keyed(lang, "charts.stale_pulls", column(s, |x| x.stale_pulls)),
    ];
    Chart {
        id: "chart-oracle",
        title: t(lang, "charts.oracle_title"),
        unit: Unit::Count,
        series,
        guides: vec![],
        summary,
        empty: (s.len() < 2).then(|| t(lang, "charts.no_samples")),
    }
}

/// Where a value sits in the plot, in SVG user units.
struct Scale {
    t0: u64,
    span: u64,
    top: u64,
}

impl Scale {
    fn x(&self, t: u64) -> i64 {
        let w = (W - LEFT - RIGHT) as f64;
        LEFT + (t.saturating_sub(self.t0) as f64 / self.span as f64 * w) as i64
    }

    fn y(&self, v: u64) -> i64 {
        let h = (H - TOP - BOTTOM) as f64;
        TOP + h as i64 - (v.min(self.top) as f64 / self.top as f64 * h) as i64
    }
}

fn render(lang: Lang, c: &Chart) -> Html {
    let head = html! { <figcaption><h3>{ c.title }</h3></figcaption> };
    let Some(scale) = c.empty.is_none().then(|| scale_of(c)).flatten() else {
        return html! {
            <figure id={c.id} class="chart" data-empty="true">
                { head }
                <p class="empty chart-empty">{ c.empty.unwrap_or_else(|| t(lang, "charts.no_samples")) }</p>
            </figure>
        };
    };
    let data_max = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).max().unwrap_or(0);
    let title_id = format!("{}-title", c.id);
    let (left, right, bottom) = (LEFT, W - RIGHT, H - BOTTOM);
    let ticks = [0, scale.top / 2, scale.top];
    let times = [scale.t0, scale.t0 + scale.span / 2, scale.t0 + scale.span];
    let anchors = ["start", "middle", "end"];
    let lines = c.series.iter().enumerate().map(|(i, s)| {
        let points: Vec<String> =
            s.points.iter().map(|&(t, v)| format!("{},{}", scale.x(t), scale.y(v))).collect();
        html! {
            <polyline class={format!("series series-{}", i % SERIES)} data-series={s.id.clone()}
                data-points={s.points.len().to_string()} points={points.join(" ")} />
        }
    });
    let guides = c.guides.iter().filter(|g| in_scale(g.value, data_max)).enumerate().map(|(i, g)| {
        let y = scale.y(g.value);
        html! {
            <g class={format!("guide guide-{i}")} data-guide={g.id}>
                <line x1={left.to_string()} x2={right.to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text x={(right - 4).to_string()} y={(y - 5).to_string()} text-anchor="end">
                    { format!("{} {}", g.name, c.unit.label(lang, g.value)) }
                </text>
            </g>
        }
    });
    let legend = c.series.iter().enumerate().map(|(i, s)| {
        let latest = s.points.last().map_or(0, |p| p.1);
        html! {
            <li>
                <span class={format!("swatch series-{}", i % SERIES)} aria-hidden="true"></span>
                { format!("{} ({})", s.name, c.unit.label(lang, latest)) }
            </li>
        }
    });
    let guide_legend = c.guides.iter().map(|g| {
        let drawn = in_scale(g.value, data_max);
        let words = format!("{} {}", g.name, c.unit.label(lang, g.value));
        let words = if drawn { words } else { tf(lang, "charts.off_scale", &[&words]) };
        html! {
            <li class={classes!("guide-key", (!drawn).then_some("off-scale"))}>
                <span class="swatch dashed" aria-hidden="true"></span>{ words }
            </li>
        }
    });
    html! {
        <figure id={c.id} class="chart" data-empty="false">
            { head }
            <svg class="chart-svg" viewBox={format!("0 0 {W} {H}")} role="img" aria-labelledby={title_id.clone()}
                aria-label={c.summary.clone()} data-top={scale.top.to_string()}>
                <title id={title_id}>{ c.summary.clone() }</title>
                { for ticks.iter().map(|&v| {
                    let y = scale.y(v).to_string();
                    html! {
                        <g class="tick">
                            <line class="grid" x1={left.to_string()} x2={right.to_string()} y1={y.clone()} y2={y.clone()} />
                            <text x={(left - 6).to_string()} y={(scale.y(v) + 5).to_string()} text-anchor="end">
                                { c.unit.label(lang, v) }
                            </text>
                        </g>
                    }
                }) }
                <line class="axis" x1={left.to_string()} x2={left.to_string()} y1={TOP.to_string()} y2={bottom.to_string()} />
                <line class="axis" x1={left.to_string()} x2={right.to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
                { for times.iter().zip(anchors).map(|(&t, anchor)| html! {
                    <text class="time" x={scale.x(t).to_string()} y={(bottom + 17).to_string()} text-anchor={anchor}>
                        { Millis(t).to_string() }
                    </text>
                }) }
                <text class="axis-title" x={((left + right) / 2).to_string()} y={(H - 4).to_string()} text-anchor="middle">
                    { t(lang, "charts.axis_time") }
                </text>
                { for guides }
                { for lines }
            </svg>
            <ul class="legend">{ for legend }{ for guide_legend }</ul>
        </figure>
    }
}

/// The plot's scale: the series' time span, and a round top that holds the series and the
/// guides within `GUIDE_SCALE_MAX` of them. None when nothing spans any time.
fn scale_of(c: &Chart) -> Option<Scale> {
    let times = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (t0, t1) = times.fold((u64::MAX, 0), |(lo, hi), t| (lo.min(t), hi.max(t)));
    if t0 >= t1 {
        return None;
    }
    let data_max = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).max().unwrap_or(0);
    let guide_max =
        c.guides.iter().filter(|g| in_scale(g.value, data_max)).map(|g| g.value).max().unwrap_or(0);
    Some(Scale { t0, span: t1 - t0, top: c.unit.nice_top(data_max.max(guide_max)) })
}
