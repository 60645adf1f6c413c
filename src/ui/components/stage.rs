//! The stage's side area (issue #13): beside the map, the panels that are not the map — the
//! ones a story's frame names first (and only those while the frame is shown), else every panel,
//! the one opened last first — and the compact list that opens any of them with one click.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ui::i18n::{t, use_lang};

/// Every panel the side area can show: its element id and its name's key, in the list's order.
pub const SIDE_PANELS: [(&str, &str); 17] = [
    ("push", "stage.panel_push"),
    ("catalog", "stage.panel_catalog"),
    ("replicas", "stage.panel_replicas"),
    ("clients", "stage.panel_clients"),
    ("accounts", "stage.panel_accounts"),
    ("tier-panel", "stage.panel_tier"),
    ("rate-panel", "stage.panel_rates"),
    ("key-vault", "stage.panel_key_vault"),
    ("retention", "stage.panel_retention"),
    ("soft-delete", "stage.panel_soft_delete"),
    ("features", "stage.panel_features"),
    ("faults", "stage.panel_faults"),
    ("events", "stage.panel_events"),
    ("charts", "stage.panel_charts"),
    ("scenario", "stage.panel_scenario"),
    ("session", "stage.panel_session"),
    ("intro", "stage.panel_intro"),
];

/// A side panel's id as `SIDE_PANELS` has it (`'static`), if it is one.
pub fn side_id(id: &str) -> Option<&'static str> {
    SIDE_PANELS.iter().map(|(i, _)| *i).find(|i| *i == id)
}

/// One panel of the side area, as the page rendered it.
#[derive(Clone, PartialEq)]
pub struct Slot {
    pub id: &'static str,
    pub html: Html,
}

#[derive(Properties, PartialEq)]
pub struct SideProps {
    /// The panels, in the page's order (absent ones, e.g. no scenario, are left out).
    pub slots: Vec<Slot>,
    /// The side panels the story's frame shown now names, in its order (empty: none, or no story).
    pub looked: Vec<&'static str>,
    /// The frame shown now (a new one scrolls the side area back to its top).
    pub frame: Option<usize>,
    /// The panel opened last from the list or from the thing itself.
    pub open: Option<&'static str>,
    pub on_open: Callback<&'static str>,
}

/// The list of panels and the panels themselves. While a story's frame names panels, only
/// those (and one opened by hand) are shown, sharing the height, so all are on screen at once
/// with the map; otherwise every panel is there, scrolled within the side area.
#[function_component(SidePanels)]
pub fn side_panels(props: &SideProps) -> Html {
    let lang = use_lang();
    let scroller = use_node_ref();
    {
        // A new frame or a panel opened: the side area shows its top, and the scenario's step
        // played last is brought into its panel's view.
        let scroller = scroller.clone();
        use_effect_with((props.frame, props.open, props.looked.clone()), move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
            last_played_into_view();
        });
    }
    let focus = !props.looked.is_empty();
    let shown = |id: &'static str| !focus || props.looked.contains(&id) || props.open == Some(id);
    let rank = |id: &'static str| {
        if let Some(i) = props.looked.iter().position(|l| *l == id) {
            i
        } else if props.open == Some(id) {
            props.looked.len()
        } else {
            props.looked.len() + 1
        }
    };
    let mut slots: Vec<&Slot> = props.slots.iter().collect();
    slots.sort_by_key(|s| rank(s.id));
    let present: Vec<&'static str> = props.slots.iter().map(|s| s.id).collect();
    let n = slots.iter().filter(|s| shown(s.id)).count();
    html! {
        <>
            <nav id="panel-list" class="panel-list" aria-label={t(lang, "stage.panels_label")}>
                <span class="panel-list-title">{ t(lang, "stage.panels_title") }</span>
                <ul>
                    { for SIDE_PANELS.iter().filter(|(id, _)| present.contains(id)).map(|(id, key)| {
                        let id: &'static str = id;
                        let on_open = props.on_open.reform(move |_: MouseEvent| id);
                        let current = shown(id) && (focus || props.open == Some(id));
                        html! {
                            <li key={id}>
                                <button type="button" data-panel={id} aria-controls={id}
                                    aria-pressed={current.to_string()} title={t(lang, "stage.open_title")}
                                    onclick={on_open}>{ t(lang, key) }</button>
                            </li>
                        }
                    }) }
                </ul>
            </nav>
            <div id="side-panels" ref={scroller} class={classes!("side-panels", focus.then_some("focus"))}
                data-shown={n.to_string()} style={format!("--shown: {n}")}>
                { for slots.into_iter().map(|s| html! {
                    <div key={s.id} class="slot" data-slot={s.id} hidden={!shown(s.id)}
                        data-looked={props.looked.contains(&s.id).to_string()}>
                        { s.html.clone() }
                    </div>
                }) }
            </div>
        </>
    }
}

/// The scenario's step played last: the one a frame that points at the scenario's panel tells
/// of (the played rows come first, in order).
const LAST_PLAYED: &str = "#scenario-steps tbody tr[data-state=\"done\"]:has(+ tr:not([data-state=\"done\"])), \
    #scenario-steps tbody tr[data-state=\"done\"]:last-child";

/// Brings the scenario's step played last to the top of its panel's view, scrolling the panel
/// only (the page and the side area stay where they are).
fn last_played_into_view() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(row) = document.query_selector(LAST_PLAYED).ok().flatten() else { return };
    let Some(panel) = document.get_element_by_id("scenario") else { return };
    let (row_top, panel_top) = (row.get_bounding_client_rect().top(), panel.get_bounding_client_rect().top());
    // Just under the panel's own top edge; a panel that does not scroll ignores it.
    panel.set_scroll_top(panel.scroll_top() + (row_top - panel_top) as i32 - 8);
}

/// Scrolls element `id` into view within its scroller (on the stage the page itself does not
/// scroll; on a narrow window it does), and gives it the keyboard's focus if `focus`.
pub fn bring_into_view(id: &str, focus: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(el) = document.get_element_by_id(id) else { return };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&options);
    if focus && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    }
}
