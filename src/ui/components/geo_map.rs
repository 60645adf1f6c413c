//! The world map (`#geo`), the centre of the geographic features: every region Stowage knows
//! as a dot, the home region and the replicas highlighted with their state, a line between
//! every two replicas (from home labelled with the replica's replication lag; replica to
//! replica, lighter, with the changes in flight on it), changes in flight as dots along their
//! link, each replica region's geo-redundant storage pair dashed, and clients as small squares
//! in their region. A region or a link opens a small panel under the map with what can be done
//! there: replicas, routing, faults (bit rot in the home region's stored records too) and
//! clients. Every figure is the engine's (its views and its region catalogue).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::faults::{TimingFields, fault_targets_link, fault_targets_region, use_timing};
use super::inline_error_with_id;
use super::world::{VIEWS, fixed, graticule_path, land_path, project};
use crate::engine::region::{self, REGIONS, Region};
use crate::engine::storage_account::RecordKind;
use crate::engine::{
    Client, Fault, FaultKind, FaultState, InFlight, Millis, ReplicaState, ReplicaView, StorageCopy, Tier,
    Usage,
};
use crate::ui::format::{human_bytes_in, short_duration_in};
use crate::ui::i18n::{Lang, t, tf, use_lang};
use crate::ui::state::{Action, LinkChanges, Panel, Shared, UiError};

#[derive(Properties, PartialEq)]
pub struct GeoMapProps {
    /// Every replica, home first.
    pub replicas: Vec<ReplicaView>,
    pub clients: Vec<Client>,
    pub clients_total: usize,
    pub faults: Vec<Fault>,
    /// Changes on their way between replicas, drawn as dots along their link.
    pub in_flight: Vec<InFlight>,
    /// Every change on its way, counted per direction (from, to, changes).
    pub in_flight_by_link: Vec<LinkChanges>,
    /// The live registry: the home region's panel lists its stored records from it.
    pub registry: Option<Shared>,
    /// What storage holds: the record list is read again only when it changes.
    pub usage: Option<Usage>,
    pub tier: Option<Tier>,
    pub now: Millis,
    /// The engine's refusal of the last action taken from the map.
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

/// What the panel under the map is about.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Selected {
    Region(&'static Region),
    /// Between two replicas: home ↔ a replica (home first), or replica ↔ replica (in
    /// alphabetical order).
    Link(&'static Region, &'static Region),
}

/// A replica's state as its class and `data-state` name it.
pub fn replica_state_words(state: ReplicaState) -> &'static str {
    match state {
        ReplicaState::Creating => "creating",
        ReplicaState::Syncing => "syncing",
        ReplicaState::Ready => "ready",
    }
}

/// A replica's state in words, in `lang`.
pub fn replica_state_label(lang: Lang, state: ReplicaState) -> &'static str {
    match state {
        ReplicaState::Creating => t(lang, "geo.state_creating"),
        ReplicaState::Syncing => t(lang, "geo.state_syncing"),
        ReplicaState::Ready => t(lang, "geo.state_ready"),
    }
}

/// Enter or Space on a focused map element acts as a click.
fn on_key(select: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            select.emit(());
        }
    })
}

#[function_component(GeoMap)]
pub fn geo_map(props: &GeoMapProps) -> Html {
    let lang = use_lang();
    let view = use_state(|| VIEWS[0]);
    let selected = use_state(|| None::<Selected>);
    let land = use_memo((), |_| land_path());
    let graticule = use_memo((), |_| graticule_path());
    let Some(home_view) = props.replicas.first() else { return html! {} };
    let Some(home) = region::region(home_view.region) else { return html! {} };

    let (vx, vy, vw, vh) = view.view_box();
    let k = view.scale();
    let dot = 2.3 * k;
    let active: Vec<&Fault> = props.faults.iter().filter(|f| f.state == FaultState::Active).collect();
    let replica_of = |name: &str| props.replicas.iter().find(|r| r.region == name);
    let select = |s: Selected| {
        let selected = selected.clone();
        Callback::from(move |()| selected.set(Some(s)))
    };

    // GRS pairs of every replica region, dashed.
    let pairs = props.replicas.iter().filter_map(|r| {
        let a = region::region(r.region)?;
        let b = region::region(a.paired?).filter(|_| !a.local_geo_only)?;
        let ((x1, y1), (x2, y2)) = (project(a.longitude, a.latitude), project(b.longitude, b.latitude));
        Some(html! {
            <line class="grs-pair" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)}
                data-from={a.name} data-to={b.name}>
                <title>{ tf(lang, "geo.grs_title", &[a.display_name, b.display_name]) }</title>
            </line>
        })
    });

    // Every pair of replicas is a link: changes made in one are sent to every other one. Home ↔
    // a replica is labelled with the replica's lag; replica ↔ replica (lighter, drawn under)
    // with the changes in flight on it. Each opens the link panel.
    let changes = |a: &str, b: &str| {
        props
            .in_flight_by_link
            .iter()
            .filter(|(f, t, _)| *f == a && *t == b)
            .map(|(_, _, n)| *n)
            .sum::<usize>()
    };
    let sites: Vec<(&'static Region, &ReplicaView)> =
        props.replicas.iter().filter_map(|r| Some((region::region(r.region)?, r))).collect();
    let mut pairs_of_sites: Vec<(&'static Region, &'static Region, Option<&ReplicaView>)> = vec![];
    for (i, (a, _)) in sites.iter().enumerate() {
        for (b, view) in sites.iter().skip(i + 1) {
            if a.name == home.name {
                pairs_of_sites.push((home, *b, Some(*view)));
            } else if b.name != home.name {
                let (x, y) = if a.name <= b.name { (*a, *b) } else { (*b, *a) };
                pairs_of_sites.push((x, y, None));
            }
        }
    }
    // Replica ↔ replica first, so the home links are drawn over them.
    pairs_of_sites.sort_by_key(|(_, _, home_link)| home_link.is_some());
    let links = pairs_of_sites.iter().map(|&(a, b, home_link)| {
        let ((x1, y1), (x2, y2)) = (project(a.longitude, a.latitude), project(b.longitude, b.latitude));
        let on_link: Vec<&&Fault> =
            active.iter().filter(|f| fault_targets_link(&f.fault, a.name, b.name)).collect();
        let cut = on_link.iter().any(|f| matches!(f.fault, FaultKind::NetworkPartition { .. }));
        let slow = on_link.iter().any(|f| matches!(f.fault, FaultKind::SlowLink { .. }));
        let label = match home_link {
            Some(r) => link_label(lang, r, cut, slow),
            None => peer_label(lang, changes(a.name, b.name) + changes(b.name, a.name), cut, slow),
        };
        let is_selected = *selected == Some(Selected::Link(a, b));
        // The label sits above the line's middle (a replica ↔ replica label below it); beside
        // the far end when the line is short.
        let short = libm::hypot(x2 - x1, y2 - y1) < 16.0 * dot;
        let (mx, my, anchor) = match (short, home_link.is_some()) {
            (true, _) => (x2 + 2.6 * dot, y2 + if home_link.is_some() { 0.5 } else { 2.4 } * dot, "start"),
            (false, true) => ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 1.6 * dot, "middle"),
            (false, false) => ((x1 + x2) / 2.0, (y1 + y2) / 2.0 + 2.6 * dot, "middle"),
        };
        let pick = select(Selected::Link(a, b));
        let click = pick.reform(|_: MouseEvent| ());
        html! {
            <g class={classes!("link", if home_link.is_some() { "home-link" } else { "peer-link" },
                    cut.then_some("cut"), slow.then_some("slow"), is_selected.then_some("selected"))}
                data-link={link_id(home.name, a.name, b.name)} data-from={a.name} data-to={b.name}
                tabindex="0" role="button"
                aria-label={tf(lang, "geo.link_aria", &[a.display_name, b.display_name, &label])}
                onclick={click} onkeydown={on_key(pick)}>
                <title>{ tf(lang, "geo.link_title", &[a.display_name, b.display_name, &label]) }</title>
                <line class="link-hit" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)} />
                <line class="link-line" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)} />
                <text class="link-label" x={fixed(mx)} y={fixed(my)} font-size={fixed(4.2 * k)}
                    text-anchor={anchor}>{ label }</text>
            </g>
        }
    });

    // Changes on their way: a dot as far along its link as its time in flight has gone; one a
    // fault holds back waits at its start, just outside the sender's halo so it shows.
    let now = props.now.0;
    let moving = props.in_flight.iter().filter_map(|c| {
        let (a, b) = (region::region(c.from)?, region::region(c.to)?);
        let ((x1, y1), (x2, y2)) = (project(a.longitude, a.latitude), project(b.longitude, b.latitude));
        let along = match c.arrives_at_ms {
            Some(at) if at.0 > c.departed_at_ms.0 => {
                let done = now.saturating_sub(c.departed_at_ms.0).min(at.0 - c.departed_at_ms.0);
                done as f64 / (at.0 - c.departed_at_ms.0) as f64
            }
            Some(_) => 1.0,
            None => (2.6 * dot / libm::hypot(x2 - x1, y2 - y1).max(f64::EPSILON)).min(0.5),
        };
        let (x, y) = (x1 + (x2 - x1) * along, y1 + (y2 - y1) * along);
        let when = c
            .arrives_at_ms
            .map_or(t(lang, "geo.held_back").to_string(), |at| tf(lang, "geo.arrives_at", &[&at.to_string()]));
        Some(html! {
            <circle class={classes!("in-flight", c.arrives_at_ms.is_none().then_some("held"))}
                cx={fixed(x)} cy={fixed(y)} r={fixed(dot * 0.55)} data-from={c.from} data-to={c.to}
                data-link={link_id(home.name, c.from, c.to)}>
                <title>{ tf(lang, "geo.in_flight_title", &[c.from, c.to, &c.what, &c.departed_at_ms.to_string(), &when]) }</title>
            </circle>
        })
    });

    // Which labelled regions sit close above another: their label goes below.
    let labelled: Vec<&'static Region> = REGIONS
        .iter()
        .filter(|r| replica_of(r.name).is_some() || props.clients.iter().any(|c| c.region == r.name))
        .collect();
    let below = |r: &Region| {
        labelled.iter().any(|o| {
            o.name != r.name
                && o.latitude > r.latitude
                && (o.latitude - r.latitude).abs() * 1.0 < 3.0 * dot
                && (o.longitude - r.longitude).abs() < 8.0 * dot
        })
    };

    let dots = REGIONS.iter().map(|r| {
        let (x, y) = project(r.longitude, r.latitude);
        let replica = replica_of(r.name);
        let faults: Vec<String> = active
            .iter()
            .filter(|f| fault_targets_region(&f.fault, r.name, home.name))
            .map(|f| f.fault.describe_msg().text(lang))
            .collect();
        let down = active.iter().any(|f| matches!(&f.fault, FaultKind::RegionOutage { region, .. } if region == r.name));
        let state = replica.map(|v| replica_state_words(v.state));
        let role = match replica {
            Some(v) if v.home => tf(lang, "geo.role_home", &[replica_state_label(lang, v.state)]),
            Some(v) => tf(
                lang,
                "geo.role_replica",
                &[
                    replica_state_label(lang, v.state),
                    if v.routing_enabled { "" } else { t(lang, "geo.out_of_routing_comma") },
                ],
            ),
            None => t(lang, "geo.role_none").to_string(),
        };
        let is_selected = *selected == Some(Selected::Region(r));
        let pick = select(Selected::Region(r));
        let click = pick.reform(|_: MouseEvent| ());
        let label_y = if below(r) { y + 3.4 * dot } else { y - 1.7 * dot };
        let sep = if lang == Lang::Fr { " ; " } else { "; " };
        let fault_words =
            if faults.is_empty() { String::new() } else { tf(lang, "geo.faults_list", &[&faults.join(sep)]) };
        html! {
            <g class={classes!(
                    "region",
                    replica.map(|_| "site"),
                    replica.filter(|v| v.home).map(|_| "home"),
                    state.map(|s| format!("state-{s}")),
                    replica.filter(|v| !v.routing_enabled).map(|_| "routing-off"),
                    (!faults.is_empty()).then_some("faulted"),
                    down.then_some("down"),
                    is_selected.then_some("selected"),
                )}
                data-region={r.name} data-state={state} tabindex="0" role="button"
                aria-label={format!("{} ({}): {role}{fault_words}", r.display_name, r.name)}
                onclick={click} onkeydown={on_key(pick)}>
                <title>{ format!("{} ({}): {role}{fault_words}", r.display_name, r.name) }</title>
                if replica.is_some() {
                    <circle class="halo" cx={fixed(x)} cy={fixed(y)} r={fixed(dot * 1.9)} />
                }
                <circle class="dot" cx={fixed(x)} cy={fixed(y)} r={fixed(if replica.is_some() { dot * 1.15 } else { dot * 0.8 })} />
                if down {
                    <path class="down-mark" d={format!("M{} {} L{} {} M{} {} L{} {}",
                        fixed(x - dot), fixed(y - dot), fixed(x + dot), fixed(y + dot),
                        fixed(x - dot), fixed(y + dot), fixed(x + dot), fixed(y - dot))} />
                }
                <text class="region-label" x={fixed(x)} y={fixed(label_y)} font-size={fixed(4.6 * k)}
                    text-anchor="middle">{ r.display_name }</text>
            </g>
        }
    });

    // Clients: small squares around their region, and a dotted line to the replica they
    // resolved last.
    let mut per_region: Vec<(&str, usize)> = vec![];
    let clients = props.clients.iter().map(|c| {
        let Some(r) = region::region(c.region) else { return html! {} };
        let n = match per_region.iter_mut().find(|(name, _)| *name == c.region) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                per_region.push((c.region, 1));
                0
            }
        };
        let (x, y) = project(r.longitude, r.latitude);
        // Below-left of the dot, in a row.
        let side = 2.0 * dot;
        let cx = x - 2.6 * dot - (n % 6) as f64 * (side * 1.3);
        let cy = y + 1.6 * dot + (n / 6) as f64 * (side * 1.3);
        // A curve to the replica it resolved last, bowed so it does not hide a straight line.
        let resolved = c.resolved.and_then(|(to, _)| region::region(to)).map(|to| {
            let (tx, ty) = project(to.longitude, to.latitude);
            let (qx, qy) = ((cx + tx) / 2.0 + (ty - cy) * 0.18, (cy + ty) / 2.0 - (tx - cx) * 0.18);
            html! {
                <path class="client-route"
                    d={format!("M{} {} Q{} {} {} {}", fixed(cx), fixed(cy), fixed(qx), fixed(qy), fixed(tx), fixed(ty))} />
            }
        });
        let dns = if c.dns_cache { t(lang, "geo.caches_dns") } else { t(lang, "geo.no_dns_cache") };
        let last = c
            .resolved
            .map_or(t(lang, "geo.not_routed").to_string(), |(to, _)| tf(lang, "geo.last_routed", &[to]));
        html! {
            <g class={classes!("client-marker", c.dns_cache.then_some("cached"))} data-client={c.name.clone()}>
                <title>{ tf(lang, "geo.client_title", &[&c.name, r.display_name, dns, &last]) }</title>
                { resolved }
                <rect x={fixed(cx - side / 2.0)} y={fixed(cy - side / 2.0)} width={fixed(side)} height={fixed(side)} />
            </g>
        }
    });

    let views = VIEWS.iter().map(|v| {
        let pick = {
            let view = view.clone();
            let v = *v;
            Callback::from(move |_: MouseEvent| view.set(v))
        };
        html! {
            <button id={format!("map-view-{}", v.id)} type="button" aria-pressed={(*v == *view).to_string()}
                class={classes!("map-view", (*v == *view).then_some("current"))} onclick={pick}>
                { t(lang, v.label) }
            </button>
        }
    });

    let panel = match *selected {
        Some(Selected::Region(r)) => html! {
            <RegionPanel key={r.name} region={r} home={home} registry={props.registry.clone()} usage={props.usage.clone()}
                replicas={props.replicas.clone()}
                clients={props.clients.clone()} faults={active.iter().map(|f| (*f).clone()).collect::<Vec<_>>()}
                tier={props.tier} error={props.error.clone()} on_action={props.on_action.clone()}
                on_close={{ let s = selected.clone(); Callback::from(move |()| s.set(None)) }} />
        },
        Some(Selected::Link(a, b)) => html! {
            <LinkPanel key={format!("{}-{}", a.name, b.name)} from={a} to={b} home={a.name == home.name}
                replica={replica_of(b.name).cloned()} changes={(changes(a.name, b.name), changes(b.name, a.name))}
                faults={active.iter().map(|f| (*f).clone()).collect::<Vec<_>>()}
                error={props.error.clone()} on_action={props.on_action.clone()}
                on_close={{ let s = selected.clone(); Callback::from(move |()| s.set(None)) }} />
        },
        None => html! {
            <p class="hint map-hint">{ t(lang, "geo.map_hint") }</p>
        },
    };
    let legend = legend(lang, props, home);
    html! {
        <section id="geo" class="panel geo" aria-labelledby="geo-title" data-home={home.name}>
            <div class="geo-head">
                <h2 id="geo-title">{ t(lang, "geo.title") }</h2>
                <div class="map-views" role="group" aria-label={t(lang, "geo.zoom_label")}>{ for views }</div>
            </div>
            <svg id="geo-map" class="world-map" role="group" aria-label={t(lang, "geo.map_label")}
                viewBox={format!("{} {} {} {}", fixed(vx), fixed(vy), fixed(vw), fixed(vh))}
                preserveAspectRatio="xMidYMid meet">
                <rect class="sea" x="-200" y="-100" width="760" height="400" />
                <path class="land" d={(*land).clone()} />
                <path class="graticule" d={(*graticule).clone()} />
                { for pairs }
                { for links }
                { for moving }
                { for clients }
                { for dots }
            </svg>
            { legend }
            { panel }
        </section>
    }
}

/// A link's `data-link`: the replica's region for home ↔ a replica, else both regions in
/// alphabetical order joined by `~` (e.g. `eastus~japaneast`).
fn link_id(home: &str, a: &str, b: &str) -> String {
    match (a == home, b == home) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ if a <= b => format!("{a}~{b}"),
        _ => format!("{b}~{a}"),
    }
}

/// What a replica ↔ replica link's label says: the changes in flight on it (both ways, queued
/// or held back), and what a fault does to it.
fn peer_label(lang: Lang, in_flight: usize, cut: bool, slow: bool) -> String {
    let changes = match in_flight {
        0 => t(lang, "geo.none_in_flight").to_string(),
        n => crate::ui::i18n::tn(lang, "geo.changes_in_flight", n as u64),
    };
    match (cut, slow) {
        (true, _) => tf(lang, "geo.partitioned", &[&changes]),
        (false, true) => tf(lang, "geo.slow", &[&changes]),
        _ => changes,
    }
}

/// What a link's label says: its replica's lag, or what a fault does to it.
fn link_label(lang: Lang, r: &ReplicaView, cut: bool, slow: bool) -> String {
    let lag = match (r.lag_ms, r.inbound_changes) {
        (Some(lag), n) if n > 0 => tf(lang, "geo.lag", &[&short_duration_in(lang, lag), &n.to_string()]),
        _ if r.state == ReplicaState::Creating => {
            replica_state_label(lang, ReplicaState::Creating).to_string()
        }
        _ => t(lang, "geo.in_sync").to_string(),
    };
    match (cut, slow) {
        (true, _) => tf(lang, "geo.partitioned", &[&lag]),
        (false, true) => tf(lang, "geo.slow", &[&lag]),
        _ => lag,
    }
}

fn legend(lang: Lang, props: &GeoMapProps, home: &Region) -> Html {
    let replicas = props.replicas.len() - 1;
    let pair = home.paired.filter(|_| !home.local_geo_only).and_then(region::region);
    let storage = match pair {
        Some(p) => tf(lang, "geo.legend_pair", &[p.display_name]),
        None => t(lang, "geo.legend_local").to_string(),
    };
    let clients = match props.clients_total {
        0 => t(lang, "geo.no_clients").to_string(),
        n if n > props.clients.len() => {
            tf(lang, "geo.legend_clients_drawn", &[&n.to_string(), &props.clients.len().to_string()])
        }
        n => crate::ui::i18n::tn(lang, "geo.legend_clients", n as u64),
    };
    html! {
        <p id="geo-legend" class="map-legend small" data-replicas={replicas.to_string()}>
            <span class="key home-key"></span>{ tf(lang, "geo.legend_home", &[home.display_name, &storage]) }
            <span class="key ready-key"></span>{ format!(" {} ", replica_state_label(lang, ReplicaState::Ready)) }
            <span class="key syncing-key"></span>{ format!(" {} ", replica_state_label(lang, ReplicaState::Syncing)) }
            <span class="key creating-key"></span>{ format!(" {} · ", replica_state_label(lang, ReplicaState::Creating)) }
            <span class="key client-key"></span>{ format!(" {clients}") }
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct RegionPanelProps {
    region: &'static Region,
    home: &'static Region,
    /// The live registry: the home region's stored records are read from it.
    registry: Option<Shared>,
    /// What storage holds: the records are read again only when it changes.
    usage: Option<Usage>,
    replicas: Vec<ReplicaView>,
    clients: Vec<Client>,
    /// Active faults.
    faults: Vec<Fault>,
    tier: Option<Tier>,
    error: Option<UiError>,
    on_action: Callback<Action>,
    on_close: Callback<()>,
}

/// A region: its replica (add, remove, routing), faults on it, and clients in it.
#[function_component(RegionPanel)]
fn region_panel(props: &RegionPanelProps) -> Html {
    let lang = use_lang();
    let r = props.region;
    let timing = use_timing();
    let here = props.clients.iter().filter(|c| c.region == r.name).count();
    let client_name = use_state(|| format!("{}-{}", r.name, here + 1));
    let dns_cache = use_state(|| false);
    let replica = props.replicas.iter().find(|v| v.region == r.name);
    let on_action = &props.on_action;
    let name = r.name.to_string();
    let is_home = r.name == props.home.name;
    // The home region's stored records, read again only when what storage holds changed.
    let records = {
        let registry = props.registry.clone();
        use_memo((props.usage.clone(), is_home, lang), move |(_, is_home, lang)| {
            if *is_home { record_choices(*lang, registry.as_ref()) } else { RecordChoices::default() }
        })
    };
    let rot_key = use_state(String::new);
    let rot_copy = use_state(|| "primary".to_string());
    let rot_bit = use_state(|| "0".to_string());

    let replica_part = match replica {
        None => {
            let premium = props.tier == Some(Tier::Premium);
            let add = {
                let name = name.clone();
                on_action.reform(move |_: MouseEvent| Action::AddReplica(name.clone()))
            };
            html! {
                <div class="region-replica">
                    <div class="button-row">
                        <span>{ t(lang, "geo.no_replica_here") }</span>
                        <button id="region-add-replica" type="button" class="primary" onclick={add}
                            title={t(lang, "geo.add_replica_title")}>
                            { t(lang, "geo.add_replica") }
                        </button>
                        <span class="premium-chip">{ t(lang, "common.premium") }</span>
                    </div>
                    if !premium {
                        <small class="warn-text">{ t(lang, "geo.not_premium") }</small>
                    }
                </div>
            }
        }
        Some(v) => {
            let routing = {
                let name = name.clone();
                let enabled = !v.routing_enabled;
                on_action
                    .reform(move |_: MouseEvent| Action::SetReplicaRouting { region: name.clone(), enabled })
            };
            let remove = {
                let name = name.clone();
                on_action.reform(move |_: MouseEvent| Action::RemoveReplica(name.clone()))
            };
            let state = replica_state_words(v.state);
            html! {
                <div class="region-replica">
                    <p>
                        <span class={classes!("state-badge", format!("state-{state}"))}>{ replica_state_label(lang, v.state) }</span>
                        { if v.home { t(lang, "geo.home_replica") } else { t(lang, "geo.replica") } }
                        { if v.routing_enabled { "" } else { t(lang, "geo.out_of_routing") } }
                    </p>
                    if !v.home {
                        <div class="button-row">
                            <button id="region-routing" type="button" onclick={routing}
                                title={t(lang, "geo.routing_title")}>
                                { if v.routing_enabled { t(lang, "geo.routing_out") } else { t(lang, "geo.routing_in") } }
                            </button>
                            <button id="region-remove-replica" type="button" class="danger" onclick={remove}
                                title={t(lang, "geo.remove_replica_title")}>
                                { t(lang, "geo.remove_replica") }
                            </button>
                        </div>
                    }
                </div>
            }
        }
    };

    let faults_part = replica.map(|_| {
        let inject = |fault: FaultKind| {
            let timing = timing.clone();
            on_action.reform(move |_: MouseEvent| Action::InjectFault {
                fault: fault.clone(),
                delay: (*timing.delay).clone(),
                duration: (*timing.duration).clone(),
                panel: Panel::Geo,
            })
        };
        let n = || name.clone();
        html! {
            <fieldset class="fault-set">
                <legend>{ t(lang, "geo.inject_here") }</legend>
                <TimingFields timing={timing.clone()} prefix="region" />
                <div class="button-row">
                    <button id="fault-zone" type="button" class="warn" onclick={inject(FaultKind::ZoneFailure { region: n() })}
                        title={t(lang, "geo.zone_title")}>
                        { t(lang, "geo.zone") }
                    </button>
                    <button id="fault-outage" type="button" class="warn"
                        onclick={inject(FaultKind::RegionOutage { region: n(), destroyed: false })}
                        title={t(lang, "geo.outage_title")}>
                        { t(lang, "geo.outage") }
                    </button>
                    <button id="fault-outage-destroyed" type="button" class="danger"
                        onclick={inject(FaultKind::RegionOutage { region: n(), destroyed: true })}
                        title={t(lang, "geo.region_destroyed_title")}>
                        { t(lang, "geo.region_destroyed") }
                    </button>
                    <button id="fault-storage" type="button" class="warn"
                        onclick={inject(FaultKind::RegionStorageFailure { destroyed: false, region: Some(n()) })}
                        title={t(lang, "geo.storage_failure_title")}>
                        { t(lang, "geo.storage_failure") }
                    </button>
                    <button id="fault-storage-destroyed" type="button" class="danger"
                        onclick={inject(FaultKind::RegionStorageFailure { destroyed: true, region: Some(n()) })}
                        title={t(lang, "geo.storage_destroyed_title")}>
                        { t(lang, "geo.storage_destroyed") }
                    </button>
                    <button id="fault-pause" type="button" class="warn"
                        onclick={inject(FaultKind::ReplicationPaused { region: Some(n()) })}
                        title={t(lang, "geo.pause_title")}>
                        { t(lang, "geo.pause") }
                    </button>
                </div>
            </fieldset>
        }
    });

    let rot_part = replica.map(|_| {
        if !is_home {
            return html! {
                <p id="bit-rot-home-only" class="small muted">
                    { tf(lang, "geo.rot_home_only", &[props.home.display_name]) }
                </p>
            };
        }
        // The choice, or the first record while none was picked (or the one picked is gone).
        let chosen = records
            .list
            .iter()
            .find(|c| c.key == *rot_key)
            .or_else(|| records.list.first())
            .map(|c| c.key.clone());
        let on_record = {
            let rot_key = rot_key.clone();
            Callback::from(move |e: Event| rot_key.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
        };
        let on_copy = {
            let rot_copy = rot_copy.clone();
            Callback::from(move |e: Event| rot_copy.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
        };
        let on_bit = {
            let rot_bit = rot_bit.clone();
            Callback::from(move |e: InputEvent| rot_bit.set(e.target_unchecked_into::<HtmlInputElement>().value()))
        };
        let rot = {
            let (key, copy, bit) = (chosen.clone(), rot_copy.clone(), rot_bit.clone());
            on_action.reform(move |_: MouseEvent| {
                let Some(key) = key.clone() else {
                    return Action::Fail(UiError::page("INVALID_INPUT", t(lang, "geo.rot_no_record")));
                };
                let copy = if copy.as_str() == "secondary" { StorageCopy::Secondary } else { StorageCopy::Primary };
                match bit.trim().parse::<u64>() {
                    Ok(bit) => Action::InjectFault {
                        fault: FaultKind::BitRot { key, copy, bit },
                        delay: String::new(),
                        duration: String::new(),
                        panel: Panel::Geo,
                    },
                    Err(_) => Action::Fail(UiError::page(
                        "INVALID_INPUT",
                        tf(lang, "geo.rot_bad_bit", &[&format!("{:?}", bit.trim())]),
                    )),
                }
            })
        };
        let listed = match (records.list.len(), records.total) {
            (_, 0) => t(lang, "geo.rot_none_stored").to_string(),
            (n, total) if n < total => tf(lang, "geo.rot_first_listed", &[&n.to_string(), &total.to_string()]),
            (_, total) => tf(lang, "geo.rot_all_listed", &[&total.to_string()]),
        };
        html! {
            <fieldset id="bit-rot" class="fault-set">
                <legend>{ t(lang, "geo.rot_title") }</legend>
                <p class="small muted">
                    { t(lang, "geo.rot_hint") }
                    { listed }
                </p>
                <div class="button-row">
                    <select id="rot-record" onchange={on_record} disabled={records.list.is_empty()}
                        aria-label={t(lang, "geo.rot_record_label")}>
                        { for records.list.iter().map(|c| html! {
                            <option value={c.key.clone()} selected={chosen.as_deref() == Some(c.key.as_str())}>
                                { &c.label }
                            </option>
                        }) }
                    </select>
                    <select id="rot-copy" onchange={on_copy} aria-label={t(lang, "geo.rot_copy_label")}>
                        <option value="primary" selected={rot_copy.as_str() != "secondary"}>{ t(lang, "geo.rot_primary") }</option>
                        <option value="secondary" selected={rot_copy.as_str() == "secondary"}>{ t(lang, "geo.rot_secondary") }</option>
                    </select>
                    <label class="field inline">
                        <span class="label">{ t(lang, "geo.rot_bit") }</span>
                        <input id="rot-bit" type="number" min="0" step="1" class="bit" value={(*rot_bit).clone()}
                            oninput={on_bit} aria-label={t(lang, "geo.rot_bit_label")}
                            title={t(lang, "geo.rot_bit_title")} />
                    </label>
                    <button id="fault-bit-rot" type="button" class="warn" onclick={rot} disabled={chosen.is_none()}
                        title={t(lang, "geo.rot_button_title")}>
                        { t(lang, "geo.rot_button") }
                    </button>
                </div>
            </fieldset>
        }
    });

    let add_client = {
        let (client_name, dns_cache, name) = (client_name.clone(), dns_cache.clone(), name.clone());
        on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::AddClient { name: (*client_name).clone(), region: name.clone(), dns_cache: *dns_cache }
        })
    };
    let on_client_name = {
        let client_name = client_name.clone();
        Callback::from(move |e: InputEvent| {
            client_name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_dns = {
        let dns_cache = dns_cache.clone();
        Callback::from(move |e: Event| dns_cache.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let clients_here: Vec<&Client> = props.clients.iter().filter(|c| c.region == r.name).collect();
    let latency = region::latency_floor_ms(props.home, r);
    let pair = r.paired.and_then(region::region);
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div id="region-panel" class="map-panel" data-region={r.name} role="region"
            aria-label={format!("{} ({})", r.display_name, r.name)}>
            <div class="map-panel-head">
                <h3>{ r.display_name }<span class="muted mono">{ format!(" {}", r.name) }</span></h3>
                <button id="region-close" type="button" class="quiet" onclick={close} title={t(lang, "common.close_panel")}>
                    { t(lang, "common.close") }
                </button>
            </div>
            <p class="small muted">
                { match (pair, r.local_geo_only) {
                    (_, true) => t(lang, "geo.pair_local").to_string(),
                    (Some(p), false) => tf(lang, "geo.pair", &[p.display_name]),
                    (None, false) => t(lang, "geo.pair_none").to_string(),
                } }
                { if r.name == props.home.name { String::new() } else {
                    tf(lang, "geo.latency_from_home", &[props.home.display_name, &latency.to_string()])
                } }
            </p>
            { replica_part }
            { faults_part }
            { rot_part }
            { active_faults(lang, props.faults.iter().filter(|f| fault_targets_region(&f.fault, r.name, props.home.name)), on_action) }
            <form class="add-client" onsubmit={add_client}>
                <h4>{ t(lang, "geo.clients_here") }</h4>
                if clients_here.is_empty() {
                    <p class="small muted">{ t(lang, "geo.none_yet") }</p>
                } else {
                    <p class="small">{ clients_here.iter().map(|c| {
                        format!("{}{}", c.name, if c.dns_cache { t(lang, "geo.dns_cache_suffix") } else { "" })
                    }).collect::<Vec<_>>().join(", ") }</p>
                }
                <div class="button-row">
                    <label class="field inline">
                        <span class="label">{ t(lang, "common.name") }</span>
                        <input id="client-name" type="text" autocomplete="off" spellcheck="false"
                            value={(*client_name).clone()} oninput={on_client_name}
                            title={t(lang, "geo.client_name_title")} />
                    </label>
                    <label class="check" title={t(lang, "geo.dns_cache_title")}>
                        <input id="client-dns" type="checkbox" checked={*dns_cache} onchange={on_dns} />
                        { t(lang, "geo.dns_cache") }
                    </label>
                    <button id="client-add" type="submit">{ t(lang, "geo.add_client") }</button>
                </div>
            </form>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("geo-error"))) }
        </div>
    }
}

/// Records stored listed in the bit-rot picker; the count shows them all.
const RECORDS_LISTED: usize = 500;

/// A stored record as the bit-rot picker offers it.
#[derive(Clone, Debug, PartialEq)]
struct RecordChoice {
    key: String,
    label: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct RecordChoices {
    list: Vec<RecordChoice>,
    total: usize,
}

/// The home region's stored records, as the engine lists them (every storage account's).
fn record_choices(lang: Lang, registry: Option<&Shared>) -> RecordChoices {
    let Some(Ok(r)) = registry.map(|s| s.0.try_borrow()) else { return RecordChoices::default() };
    let records = r.storage_records();
    let total = records.len();
    let list = records
        .into_iter()
        .take(RECORDS_LISTED)
        .map(|v| {
            let kind = match v.kind {
                RecordKind::Blob => "blob",
                RecordKind::Manifest => t(lang, "geo.kind_manifest"),
            };
            let label = format!(
                "{kind} {} · {} · {}",
                v.digest.short(),
                human_bytes_in(lang, v.logical_bytes),
                v.account
            );
            RecordChoice { key: v.key, label }
        })
        .collect();
    RecordChoices { list, total }
}

#[derive(Properties, PartialEq)]
struct LinkPanelProps {
    from: &'static Region,
    to: &'static Region,
    /// `from` is the home region (and `to` its replica); else two replicas.
    home: bool,
    /// The replica at `to`.
    replica: Option<ReplicaView>,
    /// Changes in flight from → to and to → from.
    changes: (usize, usize),
    faults: Vec<Fault>,
    error: Option<UiError>,
    on_action: Callback<Action>,
    on_close: Callback<()>,
}

/// A link between two replicas (home and a replica, or two replicas): partition it, or slow it
/// down.
#[function_component(LinkPanel)]
fn link_panel(props: &LinkPanelProps) -> Html {
    let lang = use_lang();
    let timing = use_timing();
    let way = use_state(|| "both".to_string());
    let factor = use_state(|| "10".to_string());
    let (a, b) = (props.from, props.to);
    let on_way = {
        let way = way.clone();
        Callback::from(move |e: Event| way.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_factor = {
        let factor = factor.clone();
        Callback::from(move |e: InputEvent| factor.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let partition = {
        let (timing, way) = (timing.clone(), way.clone());
        props.on_action.reform(move |_: MouseEvent| {
            let (from, to, one_way) = match way.as_str() {
                "forward" => (a.name, b.name, true),
                "back" => (b.name, a.name, true),
                _ => (a.name, b.name, false),
            };
            Action::InjectFault {
                fault: FaultKind::NetworkPartition { from: from.into(), to: to.into(), one_way },
                delay: (*timing.delay).clone(),
                duration: (*timing.duration).clone(),
                panel: Panel::Geo,
            }
        })
    };
    let slow = {
        let (timing, factor) = (timing.clone(), factor.clone());
        props.on_action.reform(move |_: MouseEvent| match factor.trim().parse::<u32>() {
            Ok(f) => Action::InjectFault {
                fault: FaultKind::SlowLink { from: a.name.into(), to: b.name.into(), factor: f },
                delay: (*timing.delay).clone(),
                duration: (*timing.duration).clone(),
                panel: Panel::Geo,
            },
            Err(_) => Action::Fail(UiError::page(
                "INVALID_INPUT",
                tf(lang, "geo.bad_factor", &[&format!("{:?}", factor.trim())]),
            )),
        })
    };
    let latency = region::latency_floor_ms(a, b);
    let about = if props.home {
        let lag = props.replica.as_ref().map(|r| link_label(lang, r, false, false)).unwrap_or_default();
        tf(lang, "geo.about_home", &[b.display_name, &lag])
    } else {
        tf(
            lang,
            "geo.about_peer",
            &[&props.changes.0.to_string(), a.name, b.name, &props.changes.1.to_string()],
        )
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div id="link-panel" class="map-panel" data-from={a.name} data-to={b.name} role="region"
            aria-label={tf(lang, "geo.link_panel_label", &[a.display_name, b.display_name])}>
            <div class="map-panel-head">
                <h3>{ format!("{} ↔ {}", a.display_name, b.display_name) }</h3>
                <button id="link-close" type="button" class="quiet" onclick={close} title={t(lang, "common.close_panel")}>
                    { t(lang, "common.close") }
                </button>
            </div>
            <p class="small muted link-about">{ tf(lang, "geo.latency_floor", &[&latency.to_string(), &about]) }</p>
            <fieldset class="fault-set">
                <legend>{ t(lang, "geo.inject_link") }</legend>
                <TimingFields timing={timing.clone()} prefix="link" />
                <div class="button-row">
                    <select id="partition-way" onchange={on_way} aria-label={t(lang, "geo.way_label")}>
                        <option value="both" selected={way.as_str() == "both"}>{ t(lang, "geo.both_ways") }</option>
                        <option value="forward" selected={way.as_str() == "forward"}>{ tf(lang, "geo.one_way", &[a.name, b.name]) }</option>
                        <option value="back" selected={way.as_str() == "back"}>{ tf(lang, "geo.one_way", &[b.name, a.name]) }</option>
                    </select>
                    <button id="fault-partition" type="button" class="warn" onclick={partition}
                        title={t(lang, "geo.partition_title")}>
                        { t(lang, "geo.partition") }
                    </button>
                </div>
                <div class="button-row">
                    <label class="field inline">
                        <span class="label">{ "×" }</span>
                        <input id="slow-factor" type="number" min="2" max="1000" step="1" value={(*factor).clone()}
                            oninput={on_factor} aria-label={t(lang, "geo.factor_label")} title={t(lang, "geo.factor_title")} />
                    </label>
                    <button id="fault-slow" type="button" class="warn" onclick={slow}>{ t(lang, "geo.slow_link") }</button>
                </div>
            </fieldset>
            { active_faults(lang, props.faults.iter().filter(|f| fault_targets_link(&f.fault, a.name, b.name)), &props.on_action) }
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("geo-error"))) }
        </div>
    }
}

/// Active faults on what a panel is about, each with Heal.
fn active_faults<'a>(
    lang: Lang,
    faults: impl Iterator<Item = &'a Fault>,
    on_action: &Callback<Action>,
) -> Html {
    let rows: Vec<Html> = faults
        .map(|f| {
            let id = f.id;
            html! {
                <li data-fault={id.to_string()}>
                    <span class="swatch" style={format!("background:{}", f.colour)}></span>
                    { tf(lang, "geo.fault_since", &[&f.fault.describe_msg().text(lang), &f.starts_at_ms.to_string()]) }
                    <button type="button" class="heal quiet" onclick={on_action.reform(move |_| Action::HealFault(id))}>
                        { t(lang, "common.heal") }
                    </button>
                </li>
            }
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! { <ul class="panel-faults small">{ for rows }</ul> }
}
