use yew::prelude::*;

use crate::engine::Event;
use crate::ui::format::shorten_record_keys;
use crate::ui::state::EVENTS_SHOWN;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Newest first.
    pub events: Vec<Event>,
    pub total: u64,
}

/// What the registry did, newest first, each at its virtual time.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let body = if props.events.is_empty() {
        html! { <p class="empty">{ "Nothing has happened yet." }</p> }
    } else {
        html! {
            <ol class="events">
                { for props.events.iter().map(|e| html! {
                    <li key={e.seq} data-seq={e.seq.to_string()}>
                        <span class="seq">{ format!("#{}", e.seq) }</span>
                        <div class="event-body">
                            <span class="at mono" data-ms={e.at_ms.0.to_string()} title="Virtual time of the event">
                                { e.at_ms.to_string() }
                            </span>
                            <span class="text" title={e.text.clone()}>{ shorten_record_keys(&e.text) }</span>
                        </div>
                    </li>
                }) }
            </ol>
        }
    };
    html! {
        <section id="events" class="panel events-panel" aria-labelledby="events-title">
            <h2 id="events-title">{ "Event log" }</h2>
            <p class="hint">{ hint(props.total) }</p>
            { body }
        </section>
    }
}

fn hint(total: u64) -> String {
    if total <= EVENTS_SHOWN as u64 {
        "Everything the registry did, newest first, at the virtual time it happened.".into()
    } else {
        format!(
            "Everything the registry did, newest first, at the virtual time it happened: the last \
             {EVENTS_SHOWN} of {total}."
        )
    }
}
