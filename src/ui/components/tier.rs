//! The tier and its cost: a selector, a storage gauge, the daily cost line by line and the
//! storage-limit era. Plain functions, not a component: the panel has no state of its own.

use yew::prelude::*;

use crate::engine::tier::OVERAGE_MICRO_USD_PER_GIB_DAY;
use crate::engine::{Cost, StorageEra, Tier, TierView};
use crate::ui::format::{dollars, exact_bytes, human_bytes, hundredths_of_percent, percent, round_bytes};
use crate::ui::state::Action;

/// The "Tier and cost" panel (`#tier-panel`).
pub fn tier_panel(tier: Option<&TierView>, cost: Option<&Cost>, on_action: &Callback<Action>) -> Html {
    let (Some(t), Some(c)) = (tier, cost) else { return html! {} };
    html! {
        <section id="tier-panel" class="panel tier-panel" aria-labelledby="tier-title">
            <h2 id="tier-title">{ "Tier and cost" }</h2>
            <p class="hint">{ "The tier sets the daily fee, the storage that fee includes and the \
                               storage limit. A change takes effect at once, with no downtime; a move \
                               to a tier whose limit is below the billed storage is refused." }</p>
            <div class="tier-choices" role="group" aria-label="Service tier">
                { for Tier::ALL.into_iter().map(|x| choice(x, t, on_action)) }
            </div>
            { gauge(t, c) }
            { breakdown(c) }
            { era_line(t.storage_era) }
        </section>
    }
}

/// One tier as a button: what it costs and includes, pressed when it is the current one.
fn choice(tier: Tier, now: &TierView, on_action: &Callback<Action>) -> Html {
    let current = tier == now.tier;
    let name = tier.as_str();
    let fee = dollars(tier.daily_fee_micro_usd(), 3);
    let included = round_bytes(tier.included_bytes());
    let limit = round_bytes(now.storage_era.limit_bytes(tier));
    let title = if current {
        format!("{name} is the registry's tier now.")
    } else {
        format!(
            "Move to {name}: {fee} per day including {included}, storage beyond that at $0.003 per GiB per \
             day, up to a limit of {limit}. No downtime; refused if more than {limit} is billed."
        )
    };
    html! {
        <button type="button" class={classes!("tier-choice", current.then_some("current"))} data-tier={name}
            aria-pressed={current.to_string()} title={title}
            onclick={on_action.reform(move |_| Action::SetTier(name.to_string()))}>
            <span class="tier-name">{ name }</span>
            <span class="tier-fee">{ format!("{fee}/day") }</span>
            <span>{ format!("{included} included") }</span>
            <span>{ format!("limit {limit}") }</span>
        </button>
    }
}

/// Billed storage on two bars, each on its own linear scale: against the included storage,
/// then against the limit (on one bar the included amount would be a sliver).
fn gauge(t: &TierView, c: &Cost) -> Html {
    let (billed, included, limit) = (c.billed_bytes, t.included_bytes, t.limit_bytes);
    // The first bar grows past the included mark when billed storage does.
    let scale = included.max(billed);
    let within = billed.min(included);
    let included_words = if billed > included {
        format!(
            "{} over the {} included, charged as overage.",
            human_bytes(billed - included),
            round_bytes(included)
        )
    } else {
        format!("{} of the {} included; no overage.", percent(billed, included), round_bytes(included))
    };
    html! {
        <figure id="storage-gauge" class="gauge" data-billed={billed.to_string()}
            data-included={included.to_string()} data-limit={limit.to_string()}
            title={format!("{} billed", exact_bytes(billed))}>
            { bar_row(
                format!("included {}", round_bytes(included)),
                hundredths_of_percent(included, scale),
                "included",
                [within, billed - within, scale],
                format!("{} billed: {included_words}", human_bytes(billed)),
            ) }
            { bar_row(
                format!("limit {}", round_bytes(limit)),
                10_000,
                "limit",
                [billed.min(limit), 0, limit],
                format!(
                    "{} of the {} limit. At the limit every push is refused whole (HTTP 405).",
                    percent(billed, limit),
                    round_bytes(limit)
                ),
            ) }
            <figcaption class="small">
                { format!(
                    "Two bars, each on its own linear scale: the first against the storage included in the \
                     fee (it grows when billed storage passes it), the second against the storage limit. \
                     On one bar the {} included would be {} of the {} limit, too thin to see.",
                    round_bytes(included), percent(included, limit), round_bytes(limit)
                ) }
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
fn breakdown(c: &Cost) -> Html {
    let per_gib = dollars(OVERAGE_MICRO_USD_PER_GIB_DAY, 3);
    let overage_title = format!(
        "{} beyond the storage included, charged per byte, pro rata, at {per_gib} per GiB per day; \
         rounded down to the micro-dollar",
        exact_bytes(c.overage_bytes)
    );
    html! {
        <div id="cost-breakdown" class="cost-breakdown" data-fee={c.tier_fee_micro_usd.to_string()}
            data-overage={c.overage_micro_usd.to_string()} data-total={c.total_micro_usd_per_day.to_string()}>
            <h3>{ "Cost per day" }</h3>
            <table class="cost">
                <tbody>
                    <tr>
                        <th scope="row">{ format!("{} tier fee", c.tier) }</th>
                        <td class="num">{ dollars(c.tier_fee_micro_usd, 4) }</td>
                    </tr>
                    <tr title={overage_title}>
                        <th scope="row">{ format!("+ overage: {} × {per_gib}/GiB", human_bytes(c.overage_bytes)) }</th>
                        <td class="num">{ dollars(c.overage_micro_usd, 4) }</td>
                    </tr>
                    if c.replicas > 0 {
                        <tr id="cost-replicas" data-replicas={c.replicas.to_string()}
                            title="Each geo-replica is billed a full Premium daily fee; storage is charged for the home region.">
                            <th scope="row">{ format!("+ {} geo-replica(s) × Premium fee", c.replicas) }</th>
                            <td class="num">{ dollars(c.replicas_micro_usd, 4) }</td>
                        </tr>
                    }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ "= total per day" }</th>
                        <td class="num">{ dollars(c.total_micro_usd_per_day, 4) }</td>
                    </tr>
                </tfoot>
            </table>
            <p class="small muted price-source">{ format!("Prices: {}.", c.price_source) }</p>
            <p class="small">{ "A tier also sets the request-rate limits and the bandwidth (see Request \
                                rates). Premium alone has customer-managed keys (chosen at creation) and \
                                the retention policy for untagged manifests; while a Premium feature is in \
                                use, a move down is refused and the refusal names it." }</p>
        </div>
    }
}

/// The published storage limits in force, and how they changed.
fn era_line(era: StorageEra) -> Html {
    let year = match era {
        StorageEra::Y2018 => "2018",
        StorageEra::Y2022 => "2022",
        StorageEra::Y2024 => "2024",
        StorageEra::Y2026 => "2026",
    };
    // The 2018 limit was published in decimal terabytes (5 TB), the later ones in TiB.
    let words = |b: u64| {
        if b.is_multiple_of(1_000_000_000_000) {
            format!("{} TB", b / 1_000_000_000_000)
        } else {
            round_bytes(b)
        }
    };
    let limits = Tier::ALL.map(|t| words(era.limit_bytes(t))).join(" / ");
    html! {
        <p id="storage-era" class="era small" data-era={year}>
            <strong>{ format!("Limits as published in {year}: ") }</strong>
            { format!("{limits} (Basic / Standard / Premium). ") }
            { "Storage limits changed over time: 5 TB (2018) → 20 TiB (2022) → 40 TiB (2024) \
               → 40 / 40 / 100 TiB (2026)." }
        </p>
    }
}
