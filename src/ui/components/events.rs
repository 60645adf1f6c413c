use std::rc::Rc;

use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::Event as LogEvent;
use crate::engine::events::EVENTS_MAX;
use crate::ui::format::{grouped_in, shorten_record_keys};
use crate::ui::i18n::{Lang, t, tf, use_lang};
use crate::ui::state::Shared;

/// Each row's height in pixels (two lines: seq, time, region and kind; then the sentence).
pub const ROW_PX: f64 = 46.0;
/// The scroll container's height (`.event-scroll` in style.css).
pub const VIEW_PX: f64 = 460.0;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 6;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub registry: Option<Shared>,
    /// Events ever logged: a new one re-renders the log.
    pub total: u64,
    /// The replicas' regions (offered in the filter beside those in the log).
    pub regions: Vec<&'static str>,
}

/// Which events the filters keep: their sequence numbers, oldest first (None: all of them).
#[derive(PartialEq)]
struct Matches {
    seqs: Option<Vec<u64>>,
    /// Events kept in the log.
    kept: usize,
    /// Regions the kept events happened in.
    regions: Vec<&'static str>,
}

/// `text` matches an event whose English words (the text it carries) or whose words as the
/// page shows them in `lang` contain it.
fn matches(registry: &Option<Shared>, region: &str, text: &str, lang: Lang) -> Matches {
    let Some(Ok(r)) = registry.as_ref().map(|s| s.0.try_borrow()) else {
        return Matches { seqs: Some(vec![]), kept: 0, regions: vec![] };
    };
    let mut regions: Vec<&'static str> = vec![];
    let mut kept = 0;
    for e in r.events() {
        kept += 1;
        if !regions.contains(&e.region) {
            regions.push(e.region);
        }
    }
    let text = text.trim().to_lowercase();
    let seqs = (!region.is_empty() || !text.is_empty()).then(|| {
        r.events()
            .filter(|e| region.is_empty() || e.region == region)
            .filter(|e| {
                text.is_empty()
                    || e.text.to_lowercase().contains(&text)
                    || (lang != Lang::En && e.kind.describe_msg().text(lang).to_lowercase().contains(&text))
            })
            .map(|e| e.seq)
            .collect()
    });
    Matches { seqs, kept, regions }
}

/// The kind an event is, as the JS API names it (`blobPushed`, `faultStarted`, …): the
/// variant's name, from its `Debug` form.
fn kind_of(e: &LogEvent) -> String {
    let debug = format!("{:?}", e.kind);
    let name = debug.split([' ', '(', '{']).next().unwrap_or_default();
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| c.to_ascii_lowercase().to_string() + chars.as_str())
}

/// What the registry did, oldest first and the newest at the bottom, each at its virtual time
/// and in its region. Filtered by region and by text; virtualised: only the rows in view (and
/// a few around them) are rendered, however many of the 10,000 kept events match. At the
/// bottom it follows new events as they come.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let lang = use_lang();
    let region = use_state(String::new);
    let text = use_state(String::new);
    let scroll_top = use_state(|| 0.0f64);
    // Stuck to the bottom: new events scroll into view.
    let follow = use_state(|| true);
    let scroller = use_node_ref();
    let found = {
        let registry = props.registry.clone();
        use_memo(
            (props.total, props.registry.clone(), (*region).clone(), (*text).clone(), lang),
            move |(_, _, region, text, lang)| Rc::new(matches(&registry, region, text, *lang)),
        )
    };
    let rows = found.seqs.as_ref().map_or(found.kept, Vec::len);
    let height = rows as f64 * ROW_PX;
    // Where this component itself last scrolled the log to (following the bottom): a scroll
    // event that finds it there is its own, and does not stop the following even when more
    // rows have been rendered since.
    let scrolled_to = use_mut_ref(|| None::<i32>);
    // Follow the bottom once rendered.
    {
        let (scroller, follow, scrolled_to) = (scroller.clone(), *follow, scrolled_to.clone());
        use_effect(move || {
            if follow && let Some(el) = scroller.cast::<HtmlElement>() {
                let bottom = (el.scroll_height() - el.client_height()).max(0);
                if el.scroll_top() != bottom {
                    el.set_scroll_top(bottom);
                }
                *scrolled_to.borrow_mut() = Some(el.scroll_top());
            }
        });
    }
    let on_scroll = {
        let (scroll_top, follow, scrolled_to) = (scroll_top.clone(), follow.clone(), scrolled_to.clone());
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<HtmlElement>();
            let own = *follow && *scrolled_to.borrow() == Some(el.scroll_top());
            let top = f64::from(el.scroll_top());
            let at_bottom =
                top + f64::from(el.client_height()) >= f64::from(el.scroll_height()) - ROW_PX / 2.0;
            follow.set(own || at_bottom);
            scroll_top.set(top);
        })
    };
    let on_region = {
        let (region, follow) = (region.clone(), follow.clone());
        Callback::from(move |e: Event| {
            region.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            follow.set(true);
        })
    };
    let on_text = {
        let (text, follow) = (text.clone(), follow.clone());
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
            follow.set(true);
        })
    };

    // The rows in view: at the bottom while following, else where the container is scrolled.
    let visible = (VIEW_PX / ROW_PX).ceil() as usize;
    let top = if *follow { (height - VIEW_PX).max(0.0) } else { scroll_top.min((height - VIEW_PX).max(0.0)) };
    let first = ((top / ROW_PX) as usize).saturating_sub(OVERSCAN).min(rows);
    let last = (first + visible + 2 * OVERSCAN + 1).min(rows);
    let rendered: Vec<Html> = match props.registry.as_ref().map(|s| s.0.try_borrow()) {
        Some(Ok(r)) => {
            let first_seq = r.events().next().map_or(0, |e| e.seq);
            (first..last)
                .filter_map(|i| {
                    let pos = match &found.seqs {
                        None => i,
                        Some(seqs) => usize::try_from(seqs[i].checked_sub(first_seq)?).ok()?,
                    };
                    r.events().nth(pos).map(|e| row(lang, e, i))
                })
                .collect()
        }
        _ => vec![],
    };

    let mut regions = found.regions.clone();
    for r in &props.regions {
        if !regions.contains(r) {
            regions.push(r);
        }
    }
    regions.sort_unstable();
    let filtered = found.seqs.is_some();
    let count_words = if filtered {
        tf(lang, "events.match", &[&grouped_in(lang, rows as u64), &grouped_in(lang, found.kept as u64)])
    } else if props.total > found.kept as u64 {
        tf(
            lang,
            "events.newest",
            &[
                &grouped_in(lang, found.kept as u64),
                &grouped_in(lang, props.total),
                &grouped_in(lang, EVENTS_MAX as u64),
            ],
        )
    } else {
        tf(lang, "events.count", &[&grouped_in(lang, found.kept as u64)])
    };
    let body = if rows == 0 {
        let words = if filtered { t(lang, "events.no_match") } else { t(lang, "events.nothing") };
        html! { <p class="empty">{ words }</p> }
    } else {
        html! {
            <div id="events-scroll" class="event-scroll" ref={scroller} onscroll={on_scroll}
                tabindex="0" aria-label={t(lang, "events.scroll_label")}>
                <ol class="events" style={format!("height: {height}px")} data-rows={rows.to_string()}>
                    { for rendered }
                </ol>
            </div>
        }
    };
    html! {
        <section id="events" class="panel events-panel" aria-labelledby="events-title">
            <h2 id="events-title">{ t(lang, "events.title") }</h2>
            <p class="hint">{ t(lang, "events.hint") }</p>
            <div class="event-filters">
                <label>
                    <span class="visually-hidden">{ t(lang, "events.region") }</span>
                    <select id="events-region" onchange={on_region} aria-label={t(lang, "events.region_label")}>
                        <option value="" selected={region.is_empty()}>{ t(lang, "events.every_region") }</option>
                        { for regions.iter().map(|r| html! {
                            <option value={*r} selected={region.as_str() == *r}>{ *r }</option>
                        }) }
                    </select>
                </label>
                <input id="events-filter" type="search" placeholder={t(lang, "events.filter_placeholder")} autocomplete="off"
                    spellcheck="false" value={(*text).clone()} oninput={on_text} aria-label={t(lang, "events.filter_label")} />
            </div>
            <p id="events-count" class="small muted" data-rows={rows.to_string()} data-kept={found.kept.to_string()}>
                { count_words }
            </p>
            { body }
        </section>
    }
}

fn row(lang: Lang, e: &LogEvent, i: usize) -> Html {
    let kind = kind_of(e);
    // The sentence in the page's language (in English, the text the event carries).
    let text = if lang == Lang::En { e.text.clone() } else { e.kind.describe_msg().text(lang) };
    html! {
        <li key={e.seq} data-seq={e.seq.to_string()} data-region={e.region} data-kind={kind.clone()}
            style={format!("top: {}px", i as f64 * ROW_PX)}>
            <div class="event-meta">
                <span class="seq">{ format!("#{}", e.seq) }</span>
                <span class="at mono" data-ms={e.at_ms.0.to_string()} title={t(lang, "events.at_title")}>
                    { e.at_ms.to_string() }
                </span>
                <span class="region-tag mono" title={t(lang, "events.region_title")}>{ e.region }</span>
                // The kind as the JS API names it (`faultStarted`): a name, not words to translate.
                <span class="kind-tag" translate="no" title={t(lang, "events.kind_title")}>{ kind }</span>
            </div>
            <span class="text" title={text.clone()}>{ shorten_record_keys(&text) }</span>
        </li>
    }
}
