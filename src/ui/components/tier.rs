//! The tier and its cost: a selector, a storage gauge, the daily cost line by line and the
//! storage-limit era. Plain functions, not a component: the panel has no state of its own.

use yew::prelude::*;

use crate::engine::tier::OVERAGE_MICRO_USD_PER_GIB_DAY;
use crate::engine::{Cost, StorageEra, Tier, TierView};
use crate::ui::format::{
    dollars_in, exact_bytes_in, human_bytes_in, hundredths_of_percent, percent_in, round_bytes_in, unit_in,
};
use crate::ui::i18n::{Lang, t, tf};
use crate::ui::state::Action;

/// The "Tier and cost" panel (`#tier-panel`), in `lang`.
pub fn tier_panel(
    lang: Lang,
    tier: Option<&TierView>,
    cost: Option<&Cost>,
    on_action: &Callback<Action>,
) -> Html {
    let (Some(v), Some(c)) = (tier, cost) else { return html! {} };
    html! {
        <section id="tier-panel" class="panel tier-panel" aria-labelledby="tier-title">
            <h2 id="tier-title">{ t(lang, "tier.title") }</h2>
            <p class="hint">{ t(lang, "tier.hint") }</p>
            <div class="tier-choices" role="group" aria-label={t(lang, "tier.choices_label")}>
                { for Tier::ALL.into_iter().map(|x| choice(lang, x, v, on_action)) }
            </div>
            { gauge(lang, v, c) }
            { breakdown(lang, c) }
            { era_line(lang, v.storage_era) }
        </section>
    }
}

/// One tier as a button: what it costs and includes, pressed when it is the current one.
fn choice(lang: Lang, tier: Tier, now: &TierView, on_action: &Callback<Action>) -> Html {
    let current = tier == now.tier;
    let name = tier.as_str();
    let fee = dollars_in(lang, tier.daily_fee_micro_usd(), 3);
    let included = round_bytes_in(lang, tier.included_bytes());
    let limit = round_bytes_in(lang, now.storage_era.limit_bytes(tier));
    let title = if current {
        tf(lang, "tier.current_title", &[name])
    } else {
        tf(lang, "tier.move_title", &[name, &fee, &included, &limit])
    };
    html! {
        <button type="button" class={classes!("tier-choice", current.then_some("current"))} data-tier={name}
            aria-pressed={current.to_string()} title={title}
            onclick={on_action.reform(move |_| Action::SetTier(name.to_string()))}>
            <span class="tier-name">{ name }</span>
            <span class="tier-fee">{ tf(lang, "tier.per_day", &[&fee]) }</span>
            <span>{ tf(lang, "tier.included", &[&included]) }</span>
            <span>{ tf(lang, "tier.limit", &[&limit]) }</span>
        </button>
    }
}

/// Billed storage on two bars, each on its own linear scale: against the included storage,
/// then against the limit (on one bar the included amount would be a sliver).
fn gauge(lang: Lang, view: &TierView, c: &Cost) -> Html {
    let (billed, included, limit) = (c.billed_bytes, view.included_bytes, view.limit_bytes);
    // The first bar grows past the included mark when billed storage does.
    let scale = included.max(billed);
    let within = billed.min(included);
    let (included_round, limit_round) = (round_bytes_in(lang, included), round_bytes_in(lang, limit));
    let included_words = if billed > included {
        tf(lang, "tier.over_included", &[&human_bytes_in(lang, billed - included), &included_round])
    } else {
        tf(lang, "tier.within_included", &[&percent_in(lang, billed, included), &included_round])
    };
    html! {
        <figure id="storage-gauge" class="gauge" data-billed={billed.to_string()}
            data-included={included.to_string()} data-limit={limit.to_string()}
            title={tf(lang, "tier.gauge_title", &[&exact_bytes_in(lang, billed)])}>
            { bar_row(
                tf(lang, "tier.included_mark", &[&included_round]),
                hundredths_of_percent(included, scale),
                "included",
                [within, billed - within, scale],
                tf(lang, "tier.billed_words", &[&human_bytes_in(lang, billed), &included_words]),
            ) }
            { bar_row(
                tf(lang, "tier.limit", &[&limit_round]),
                10_000,
                "limit",
                [billed.min(limit), 0, limit],
                tf(lang, "tier.limit_words", &[&percent_in(lang, billed, limit), &limit_round]),
            ) }
            <figcaption class="small">
                { tf(lang, "tier.gauge_caption", &[&included_round, &percent_in(lang, included, limit), &limit_round]) }
            </figcaption>
        </figure>
    }
}

/// One bar: the label of its mark above (ending at the mark, or starting there when the mark is
/// near the left edge), the fill (`[in, over, scale]`: bytes up to the mark, bytes past it, the
/// bar's full scale), the mark (`mark_class`: `included` or `limit`), the figures in words below.
fn bar_row(
    label: String,
    mark: u64,
    mark_class: &'static str,
    [fill, over, scale]: [u64; 3],
    words: String,
) -> Html {
    let at = css_percent(mark);
    let label_style = if mark < 4_000 {
        format!("margin-left: {at}")
    } else {
        format!("margin: 0 calc(100% - {at}) 0 auto")
    };
    html! {
        <div class="gauge-row">
            <div class="mark-labels"><span class="mark-label" style={label_style}>{ label }</span></div>
            <div class="bar">
                <span class={classes!("fill", (fill > 0).then_some("sliver"))} style={width(fill, scale)}></span>
                <span class="fill over" style={width(over, scale)}></span>
                <span class={classes!("mark", mark_class)} style={format!("left: {at}")}></span>
            </div>
            <p class="gauge-words">{ words }</p>
        </div>
    }
}

/// `width: 40.00%`, for a bar's fill.
pub(super) fn width(part: u64, whole: u64) -> String {
    format!("width: {}", css_percent(hundredths_of_percent(part, whole)))
}

/// Hundredths of a percent, capped at 100%, as CSS.
pub(super) fn css_percent(hundredths: u64) -> String {
    let h = hundredths.min(10_000);
    format!("{}.{:02}%", h / 100, h % 100)
}

/// Tier fee + overage = total per day, the price source, and what is not simulated.
fn breakdown(lang: Lang, c: &Cost) -> Html {
    let per_gib = dollars_in(lang, OVERAGE_MICRO_USD_PER_GIB_DAY, 3);
    let overage_title = tf(lang, "tier.overage_title", &[&exact_bytes_in(lang, c.overage_bytes), &per_gib]);
    let tier = c.tier.to_string();
    html! {
        <div id="cost-breakdown" class="cost-breakdown" data-fee={c.tier_fee_micro_usd.to_string()}
            data-overage={c.overage_micro_usd.to_string()} data-total={c.total_micro_usd_per_day.to_string()}>
            <h3>{ t(lang, "tier.cost_title") }</h3>
            <table class="cost">
                <tbody>
                    <tr>
                        <th scope="row">{ tf(lang, "tier.fee_row", &[&tier]) }</th>
                        <td class="num">{ dollars_in(lang, c.tier_fee_micro_usd, 4) }</td>
                    </tr>
                    <tr title={overage_title}>
                        <th scope="row">{ tf(lang, "tier.overage_row", &[&human_bytes_in(lang, c.overage_bytes), &per_gib]) }</th>
                        <td class="num">{ dollars_in(lang, c.overage_micro_usd, 4) }</td>
                    </tr>
                    if c.replicas > 0 {
                        <tr id="cost-replicas" data-replicas={c.replicas.to_string()}
                            title={t(lang, "tier.replicas_title")}>
                            <th scope="row">{ tf(lang, "tier.replicas_row", &[&c.replicas.to_string()]) }</th>
                            <td class="num">{ dollars_in(lang, c.replicas_micro_usd, 4) }</td>
                        </tr>
                    }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ t(lang, "tier.total_row") }</th>
                        <td class="num">{ dollars_in(lang, c.total_micro_usd_per_day, 4) }</td>
                    </tr>
                </tfoot>
            </table>
            <p class="small muted price-source">{ tf(lang, "tier.prices", &[c.price_source]) }</p>
            <p class="small">{ t(lang, "tier.also") }</p>
        </div>
    }
}

/// The published storage limits in force, and how they changed.
fn era_line(lang: Lang, era: StorageEra) -> Html {
    let year = match era {
        StorageEra::Y2018 => "2018",
        StorageEra::Y2022 => "2022",
        StorageEra::Y2024 => "2024",
        StorageEra::Y2026 => "2026",
    };
    // The 2018 limit was published in decimal terabytes (5 TB), the later ones in TiB.
    let words = |b: u64| {
        if b.is_multiple_of(1_000_000_000_000) {
            format!("{} {}", b / 1_000_000_000_000, unit_in(lang, "TB"))
        } else {
            round_bytes_in(lang, b)
        }
    };
    let limits = Tier::ALL.map(|t| words(era.limit_bytes(t))).join(" / ");
    html! {
        <p id="storage-era" class="era small" data-era={year}>
            <strong>{ tf(lang, "tier.era_lead", &[year]) }</strong>
            { format!("{limits} (Basic / Standard / Premium). ") }
            { t(lang, "tier.era_history") }
        </p>
    }
}
