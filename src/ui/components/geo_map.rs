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
use crate::ui::format::{human_bytes, short_duration};
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

pub fn replica_state_words(state: ReplicaState) -> &'static str {
    match state {
        ReplicaState::Creating => "creating",
        ReplicaState::Syncing => "syncing",
        ReplicaState::Ready => "ready",
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
                <title>{ format!("{}: geo-redundant storage copies to {}", a.display_name, b.display_name) }</title>
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
        let on_link: Vec<&&Fault> = active.iter().filter(|f| fault_targets_link(&f.fault, a.name, b.name)).collect();
        let cut = on_link.iter().any(|f| matches!(f.fault, FaultKind::NetworkPartition { .. }));
        let slow = on_link.iter().any(|f| matches!(f.fault, FaultKind::SlowLink { .. }));
        let label = match home_link {
            Some(r) => link_label(r, cut, slow),
            None => peer_label(changes(a.name, b.name) + changes(b.name, a.name), cut, slow),
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
                aria-label={format!("Link {} ↔ {}: {label}", a.display_name, b.display_name)}
                onclick={click} onkeydown={on_key(pick)}>
                <title>{ format!("{} ↔ {}: {label}. Click for partition and slow link.", a.display_name, b.display_name) }</title>
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
        let t = match c.arrives_at_ms {
            Some(at) if at.0 > c.departed_at_ms.0 => {
                let done = now.saturating_sub(c.departed_at_ms.0).min(at.0 - c.departed_at_ms.0);
                done as f64 / (at.0 - c.departed_at_ms.0) as f64
            }
            Some(_) => 1.0,
            None => (2.6 * dot / libm::hypot(x2 - x1, y2 - y1).max(f64::EPSILON)).min(0.5),
        };
        let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        let when = c.arrives_at_ms.map_or("held back by a fault".to_string(), |at| format!("arrives at {at}"));
        Some(html! {
            <circle class={classes!("in-flight", c.arrives_at_ms.is_none().then_some("held"))}
                cx={fixed(x)} cy={fixed(y)} r={fixed(dot * 0.55)} data-from={c.from} data-to={c.to}
                data-link={link_id(home.name, c.from, c.to)}>
                <title>{ format!("{} → {}: {}, left at {}, {when}", c.from, c.to, c.what, c.departed_at_ms) }</title>
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
        let faults: Vec<&str> = active
            .iter()
            .filter(|f| fault_targets_region(&f.fault, r.name, home.name))
            .map(|f| f.text.as_str())
            .collect();
        let down = active.iter().any(|f| matches!(&f.fault, FaultKind::RegionOutage { region, .. } if region == r.name));
        let state = replica.map(|v| replica_state_words(v.state));
        let role = match replica {
            Some(v) if v.home => format!("home region, {}", replica_state_words(v.state)),
            Some(v) => format!("replica, {}{}", replica_state_words(v.state), if v.routing_enabled { "" } else { ", out of routing" }),
            None => "no replica".to_string(),
        };
        let is_selected = *selected == Some(Selected::Region(r));
        let pick = select(Selected::Region(r));
        let click = pick.reform(|_: MouseEvent| ());
        let label_y = if below(r) { y + 3.4 * dot } else { y - 1.7 * dot };
        let fault_words = if faults.is_empty() { String::new() } else { format!("; faults: {}", faults.join("; ")) };
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
        let dns = if c.dns_cache { "caches DNS" } else { "no DNS cache" };
        let last = c.resolved.map_or("not routed yet".to_string(), |(to, _)| format!("last routed to {to}"));
        html! {
            <g class={classes!("client-marker", c.dns_cache.then_some("cached"))} data-client={c.name.clone()}>
                <title>{ format!("client {} in {}: {dns}, {last}", c.name, r.display_name) }</title>
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
                { v.label }
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
            <p class="hint map-hint">{ "Click a region (or focus it and press Enter) to add a replica or a client there, \
                                        or to inject a fault; click the line between two replicas for a partition or a slow link." }</p>
        },
    };
    let legend = legend(props, home);
    html! {
        <section id="geo" class="panel geo" aria-labelledby="geo-title" data-home={home.name}>
            <div class="geo-head">
                <h2 id="geo-title">{ "Regions" }</h2>
                <div class="map-views" role="group" aria-label="Zoom the map">{ for views }</div>
            </div>
            <svg id="geo-map" class="world-map" role="group" aria-label="World map of regions, replicas and clients"
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
fn peer_label(in_flight: usize, cut: bool, slow: bool) -> String {
    let changes = match in_flight {
        0 => "none in flight".to_string(),
        1 => "1 change in flight".to_string(),
        n => format!("{n} changes in flight"),
    };
    match (cut, slow) {
        (true, _) => format!("partitioned · {changes}"),
        (false, true) => format!("slow · {changes}"),
        _ => changes,
    }
}

/// What a link's label says: its replica's lag, or what a fault does to it.
fn link_label(r: &ReplicaView, cut: bool, slow: bool) -> String {
    let lag = match (r.lag_ms, r.inbound_changes) {
        (Some(lag), n) if n > 0 => format!("lag {} ({n} on the way)", short_duration(lag)),
        _ if r.state == ReplicaState::Creating => "creating".to_string(),
        _ => "in sync".to_string(),
    };
    match (cut, slow) {
        (true, _) => format!("partitioned · {lag}"),
        (false, true) => format!("slow · {lag}"),
        _ => lag,
    }
}

fn legend(props: &GeoMapProps, home: &Region) -> Html {
    let replicas = props.replicas.len() - 1;
    let pair = home.paired.filter(|_| !home.local_geo_only).and_then(region::region);
    let storage = match pair {
        Some(p) => format!("its storage copies to {} (dashed)", p.display_name),
        None => "its data stays in its own geography (no storage pair)".to_string(),
    };
    let clients = match props.clients_total {
        0 => "no clients".to_string(),
        n if n > props.clients.len() => format!("{n} clients (the first {} drawn)", props.clients.len()),
        1 => "1 client".to_string(),
        n => format!("{n} clients"),
    };
    html! {
        <p id="geo-legend" class="map-legend small" data-replicas={replicas.to_string()}>
            <span class="key home-key"></span>{ format!(" home {} · {storage} · ", home.display_name) }
            <span class="key ready-key"></span>{ " ready " }
            <span class="key syncing-key"></span>{ " syncing " }
            <span class="key creating-key"></span>{ " creating · " }
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
        use_memo((props.usage.clone(), is_home), move |(_, is_home)| {
            if *is_home { record_choices(registry.as_ref()) } else { RecordChoices::default() }
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
                        <span>{ "No replica here." }</span>
                        <button id="region-add-replica" type="button" class="primary" onclick={add}
                            title="Geo-replicate the registry here: a full copy with its own storage, kept in sync asynchronously">
                            { "Add a replica here" }
                        </button>
                        <span class="premium-chip">{ "Premium" }</span>
                    </div>
                    if !premium {
                        <small class="warn-text">{ "This registry is not Premium: the registry will refuse (405)." }</small>
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
                        <span class={classes!("state-badge", format!("state-{state}"))}>{ state }</span>
                        { if v.home { " home replica: the control plane lives here" } else { " replica" } }
                        { if v.routing_enabled { "" } else { " · out of routing" } }
                    </p>
                    if !v.home {
                        <div class="button-row">
                            <button id="region-routing" type="button" onclick={routing}
                                title="Take the replica out of the global endpoint's routing (it keeps syncing), or put it back">
                                { if v.routing_enabled { "Take out of routing" } else { "Put back in routing" } }
                            </button>
                            <button id="region-remove-replica" type="button" class="danger" onclick={remove}
                                title="Delete this replica and all its data">
                                { "Remove replica" }
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
                <legend>{ "Inject a fault here" }</legend>
                <TimingFields timing={timing.clone()} prefix="region" />
                <div class="button-row">
                    <button id="fault-zone" type="button" class="warn" onclick={inject(FaultKind::ZoneFailure { region: n() })}
                        title="One availability zone fails: requests here fail for a moment and the last minute of writes is unavailable until it recovers">
                        { "Zone failure" }
                    </button>
                    <button id="fault-outage" type="button" class="warn"
                        onclick={inject(FaultKind::RegionOutage { region: n(), destroyed: false })}
                        title="The whole region goes dark, recoverably: requests fail with 503 until the global endpoint fails over (1–2 minutes); changes not yet replicated wait">
                        { "Region outage" }
                    </button>
                    <button id="fault-outage-destroyed" type="button" class="danger"
                        onclick={inject(FaultKind::RegionOutage { region: n(), destroyed: true })}
                        title="The region is lost for good: its storage and the changes that had not left it are gone">
                        { "Region destroyed" }
                    </button>
                    <button id="fault-storage" type="button" class="warn"
                        onclick={inject(FaultKind::RegionStorageFailure { destroyed: false, region: Some(n()) })}
                        title="Every storage account here fails over to its paired-region copy: what was written inside the recovery point window is unavailable until it heals">
                        { "Storage failure" }
                    </button>
                    <button id="fault-storage-destroyed" type="button" class="danger"
                        onclick={inject(FaultKind::RegionStorageFailure { destroyed: true, region: Some(n()) })}
                        title="Every storage account's primary here is destroyed: what was not yet copied to the paired region is lost">
                        { "Storage destroyed" }
                    </button>
                    <button id="fault-pause" type="button" class="warn"
                        onclick={inject(FaultKind::ReplicationPaused { region: Some(n()) })}
                        title="Changes from the other replicas stop arriving here until it heals">
                        { "Pause replication into it" }
                    </button>
                </div>
            </fieldset>
        }
    });

    let rot_part = replica.map(|_| {
        if !is_home {
            return html! {
                <p id="bit-rot-home-only" class="small muted">
                    { format!("Bit rot: the registry reaches only the home region's stored records, so a bit can be rotted \
                               from {}'s panel only.", props.home.display_name) }
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
                    return Action::Fail(UiError::page(
                        "INVALID_INPUT",
                        "this region stores no record yet: push something first",
                    ));
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
                        format!("{:?} is not a bit offset: type a whole number, 0 for the first bit", bit.trim()),
                    )),
                }
            })
        };
        let listed = match (records.list.len(), records.total) {
            (_, 0) => "No record is stored here yet.".to_string(),
            (n, total) if n < total => format!("The first {n} of {total} records are listed."),
            (_, total) => format!("{total} records stored here."),
        };
        html! {
            <fieldset id="bit-rot" class="fault-set">
                <legend>{ "Rot a bit in a stored record" }</legend>
                <p class="small muted">
                    { "Flips one bit of one copy of a record in this region's storage, as a failing disk would; Heal flips \
                       it back. A read authenticates each copy (AES-GCM) and never serves a damaged one: it is served \
                       from the other copy if that one is intact, and fails with INTEGRITY_ERROR otherwise. The \
                       secondary copy is the paired region's, made once geo-redundant storage has copied the record. " }
                    { listed }
                </p>
                <div class="button-row">
                    <select id="rot-record" onchange={on_record} disabled={records.list.is_empty()}
                        aria-label="Which stored record">
                        { for records.list.iter().map(|c| html! {
                            <option value={c.key.clone()} selected={chosen.as_deref() == Some(c.key.as_str())}>
                                { &c.label }
                            </option>
                        }) }
                    </select>
                    <select id="rot-copy" onchange={on_copy} aria-label="Which copy">
                        <option value="primary" selected={rot_copy.as_str() != "secondary"}>{ "primary copy" }</option>
                        <option value="secondary" selected={rot_copy.as_str() == "secondary"}>{ "secondary (paired-region) copy" }</option>
                    </select>
                    <label class="field inline">
                        <span class="label">{ "bit" }</span>
                        <input id="rot-bit" type="number" min="0" step="1" class="bit" value={(*rot_bit).clone()}
                            oninput={on_bit} aria-label="Which bit of the ciphertext"
                            title="The bit's offset in the record's ciphertext, from 0" />
                    </label>
                    <button id="fault-bit-rot" type="button" class="warn" onclick={rot} disabled={chosen.is_none()}
                        title="Flip the bit now; it stays flipped until you heal the fault">
                        { "Rot the bit" }
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
                <button id="region-close" type="button" class="quiet" onclick={close} title="Close this panel">{ "Close" }</button>
            </div>
            <p class="small muted">
                { match (pair, r.local_geo_only) {
                    (_, true) => "Keeps its data in its own geography: no storage pair.".to_string(),
                    (Some(p), false) => format!("Storage pair: {}.", p.display_name),
                    (None, false) => "No storage pair in the catalogue.".to_string(),
                } }
                { if r.name == props.home.name { String::new() } else {
                    format!(" One-way latency from {}: at least {latency} ms.", props.home.display_name)
                } }
            </p>
            { replica_part }
            { faults_part }
            { rot_part }
            { active_faults(props.faults.iter().filter(|f| fault_targets_region(&f.fault, r.name, props.home.name)), on_action) }
            <form class="add-client" onsubmit={add_client}>
                <h4>{ "Clients here" }</h4>
                if clients_here.is_empty() {
                    <p class="small muted">{ "None yet." }</p>
                } else {
                    <p class="small">{ clients_here.iter().map(|c| format!("{}{}", c.name, if c.dns_cache { " (DNS cache)" } else { "" })).collect::<Vec<_>>().join(", ") }</p>
                }
                <div class="button-row">
                    <label class="field inline">
                        <span class="label">{ "Name" }</span>
                        <input id="client-name" type="text" autocomplete="off" spellcheck="false"
                            value={(*client_name).clone()} oninput={on_client_name}
                            title="1–64 letters, digits, '.', '_', '@' or '-'; its requests count against this identity" />
                    </label>
                    <label class="check" title="A client with a DNS cache keeps the replica it resolved for 5 virtual minutes; without one, every request is routed afresh">
                        <input id="client-dns" type="checkbox" checked={*dns_cache} onchange={on_dns} />
                        { " DNS cache" }
                    </label>
                    <button id="client-add" type="submit">{ "Add a client here" }</button>
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
fn record_choices(registry: Option<&Shared>) -> RecordChoices {
    let Some(Ok(r)) = registry.map(|s| s.0.try_borrow()) else { return RecordChoices::default() };
    let records = r.storage_records();
    let total = records.len();
    let list = records
        .into_iter()
        .take(RECORDS_LISTED)
        .map(|v| {
            let kind = match v.kind {
                RecordKind::Blob => "blob",
                RecordKind::Manifest => "manifest",
            };
            let label =
                format!("{kind} {} · {} · {}", v.digest.short(), human_bytes(v.logical_bytes), v.account);
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
                format!("{:?} is not a factor: type a whole number from 2 to 1,000", factor.trim()),
            )),
        })
    };
    let latency = region::latency_floor_ms(a, b);
    let about = if props.home {
        let lag = props.replica.as_ref().map(|r| link_label(r, false, false)).unwrap_or_default();
        format!("replication into {}: {lag}.", b.display_name)
    } else {
        format!(
            "each replica sends its changes straight to the other; in flight now: {} {} → {}, {} {} → {}.",
            props.changes.0, a.name, b.name, props.changes.1, b.name, a.name
        )
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div id="link-panel" class="map-panel" data-from={a.name} data-to={b.name} role="region"
            aria-label={format!("Link {} ↔ {}", a.display_name, b.display_name)}>
            <div class="map-panel-head">
                <h3>{ format!("{} ↔ {}", a.display_name, b.display_name) }</h3>
                <button id="link-close" type="button" class="quiet" onclick={close} title="Close this panel">{ "Close" }</button>
            </div>
            <p class="small muted link-about">{ format!("Latency floor {latency} ms each way (light in fibre); {about}") }</p>
            <fieldset class="fault-set">
                <legend>{ "Inject a fault on this link" }</legend>
                <TimingFields timing={timing.clone()} prefix="link" />
                <div class="button-row">
                    <select id="partition-way" onchange={on_way} aria-label="Which way the partition cuts">
                        <option value="both" selected={way.as_str() == "both"}>{ "both ways" }</option>
                        <option value="forward" selected={way.as_str() == "forward"}>{ format!("one way: {} → {}", a.name, b.name) }</option>
                        <option value="back" selected={way.as_str() == "back"}>{ format!("one way: {} → {}", b.name, a.name) }</option>
                    </select>
                    <button id="fault-partition" type="button" class="warn" onclick={partition}
                        title="Replication (and clients) cannot cross the link until it heals; changes wait and then travel in order">
                        { "Partition" }
                    </button>
                </div>
                <div class="button-row">
                    <label class="field inline">
                        <span class="label">{ "×" }</span>
                        <input id="slow-factor" type="number" min="2" max="1000" step="1" value={(*factor).clone()}
                            oninput={on_factor} aria-label="Slow-down factor" title="2 to 1,000 times the latency, and that fraction of the bandwidth" />
                    </label>
                    <button id="fault-slow" type="button" class="warn" onclick={slow}>{ "Slow link" }</button>
                </div>
            </fieldset>
            { active_faults(props.faults.iter().filter(|f| fault_targets_link(&f.fault, a.name, b.name)), &props.on_action) }
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("geo-error"))) }
        </div>
    }
}

/// Active faults on what a panel is about, each with Heal.
fn active_faults<'a>(faults: impl Iterator<Item = &'a Fault>, on_action: &Callback<Action>) -> Html {
    let rows: Vec<Html> = faults
        .map(|f| {
            let id = f.id;
            html! {
                <li data-fault={id.to_string()}>
                    <span class="swatch" style={format!("background:{}", f.colour)}></span>
                    { format!(" {} since {} ", f.text, f.starts_at_ms) }
                    <button type="button" class="heal quiet" onclick={on_action.reform(move |_| Action::HealFault(id))}>{ "Heal" }</button>
                </li>
            }
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! { <ul class="panel-faults small">{ for rows }</ul> }
}
