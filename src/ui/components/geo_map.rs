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

use super::faults::{Timing, TimingFields, fault_targets_link, fault_targets_region, use_timing};
use super::inline_error_with_id;
use super::world::{VIEWS, View, fixed, graticule_path, land_path, project};
use crate::engine::region::{self, REGIONS, Region};
use crate::engine::storage_account::RecordKind;
use crate::engine::{
    Client, Fault, FaultKind, FaultState, InFlight, KeyState, Millis, ReplicaState, ReplicaView, StorageCopy,
    Tier, Usage,
};
use crate::ui::format::{grouped_in, human_bytes_in, short_duration_in};
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
    /// The customer-managed key's state (none for a service-managed key): every replica wears
    /// it while it is not enabled.
    pub key_state: Option<KeyState>,
    pub now: Millis,
    /// Until a view is chosen, show the closest view that holds every region in use (a story's
    /// registry) rather than the world.
    pub fit: bool,
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

/// What is wrong at a region, worst first, as the engine's active faults and its key's state
/// say it: each has its own colour, mark and word on the map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Health {
    Ok,
    Outage,
    StorageFailed,
    Paused,
    /// The customer-managed key is not enabled: no push or pull anywhere.
    Key(KeyState),
}

impl Health {
    /// Its class and `data-health` name.
    pub fn words(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Outage => "outage",
            Health::StorageFailed => "storage-failed",
            Health::Paused => "paused",
            Health::Key(KeyState::Disabled) => "key-disabled",
            Health::Key(KeyState::Deleted) => "key-deleted",
            Health::Key(_) => "key-revoked",
        }
    }

    /// Its word on the map, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Health::Ok => t(lang, "geo.health_ok"),
            Health::Outage => t(lang, "geo.health_outage"),
            Health::StorageFailed => t(lang, "geo.health_storage"),
            Health::Paused => t(lang, "geo.health_paused"),
            Health::Key(KeyState::Disabled) => t(lang, "geo.health_key_disabled"),
            Health::Key(KeyState::Deleted) => t(lang, "geo.health_key_deleted"),
            Health::Key(_) => t(lang, "geo.health_key_revoked"),
        }
    }
}

/// A region's health: an outage of it, a failure of its storage (the home region's when the
/// fault names none), replication into it (or everywhere) paused, the key lost (replica
/// regions only).
pub fn region_health(
    active: &[&Fault],
    region: &str,
    home: &str,
    site: bool,
    key: Option<KeyState>,
) -> Health {
    let any = |p: &dyn Fn(&FaultKind) -> bool| active.iter().any(|f| p(&f.fault));
    if any(&|f| matches!(f, FaultKind::RegionOutage { region: r, .. } if r == region)) {
        return Health::Outage;
    }
    if any(&|f| match f {
        FaultKind::RegionStorageFailure { region: Some(r), .. } => r == region,
        FaultKind::RegionStorageFailure { region: None, .. } => region == home,
        _ => false,
    }) {
        return Health::StorageFailed;
    }
    if site
        && any(
            &|f| matches!(f, FaultKind::ReplicationPaused { region: r } if r.as_deref().is_none_or(|r| r == region)),
        )
    {
        return Health::Paused;
    }
    match key {
        Some(k) if site && k != KeyState::Enabled => Health::Key(k),
        _ => Health::Ok,
    }
}

/// What is wrong on a link, worst first: partitioned (either way), an end in outage,
/// replication into an end paused, slowed down (by the largest factor).
#[derive(Clone, Copy, Debug, PartialEq)]
enum LinkHealth {
    Ok,
    Partitioned,
    Outage,
    Paused,
    Slow(u32),
}

impl LinkHealth {
    fn words(self) -> &'static str {
        match self {
            LinkHealth::Ok => "ok",
            LinkHealth::Partitioned => "partitioned",
            LinkHealth::Outage => "outage",
            LinkHealth::Paused => "paused",
            LinkHealth::Slow(_) => "slow",
        }
    }

    /// The link's label: what is wrong, then `what` (its lag or its changes in flight).
    fn label(self, lang: Lang, what: &str) -> String {
        match self {
            LinkHealth::Ok => what.to_string(),
            LinkHealth::Partitioned => tf(lang, "geo.partitioned", &[what]),
            LinkHealth::Slow(f) => tf(lang, "geo.slow", &[what, &f.to_string()]),
            LinkHealth::Outage => format!("{} · {what}", Health::Outage.label(lang)),
            LinkHealth::Paused => format!("{} · {what}", Health::Paused.label(lang)),
        }
    }
}

fn link_health(active: &[&Fault], a: &str, b: &str, ends: (Health, Health)) -> LinkHealth {
    let on: Vec<&FaultKind> =
        active.iter().map(|f| &f.fault).filter(|f| fault_targets_link(f, a, b)).collect();
    let slow = on.iter().filter_map(|f| match f {
        FaultKind::SlowLink { factor, .. } => Some(*factor),
        _ => None,
    });
    if on.iter().any(|f| matches!(f, FaultKind::NetworkPartition { .. })) {
        LinkHealth::Partitioned
    } else if ends.0 == Health::Outage || ends.1 == Health::Outage {
        LinkHealth::Outage
    } else if ends.0 == Health::Paused || ends.1 == Health::Paused {
        LinkHealth::Paused
    } else {
        slow.max().map_or(LinkHealth::Ok, LinkHealth::Slow)
    }
}

/// What every part of the map reads: the props, the view's sizes and the active faults.
struct Ctx<'a> {
    lang: Lang,
    props: &'a GeoMapProps,
    home: &'static Region,
    /// A dot's radius and text's scale in map units.
    dot: f64,
    k: f64,
    active: Vec<&'a Fault>,
    selected: UseStateHandle<Option<Selected>>,
    /// Where each region (in `REGIONS` order) is drawn.
    at: Vec<(f64, f64)>,
}

impl Ctx<'_> {
    fn pos(&self, r: &Region) -> (f64, f64) {
        REGIONS
            .iter()
            .position(|o| o.name == r.name)
            .map_or_else(|| project(r.longitude, r.latitude), |i| self.at[i])
    }

    fn replica_of(&self, name: &str) -> Option<&ReplicaView> {
        self.props.replicas.iter().find(|r| r.region == name)
    }

    fn health(&self, r: &Region) -> Health {
        let site = self.replica_of(r.name).is_some();
        region_health(&self.active, r.name, self.home.name, site, self.props.key_state)
    }

    fn select(&self, s: Selected) -> Callback<()> {
        let selected = self.selected.clone();
        Callback::from(move |()| selected.set(Some(s)))
    }

    /// Changes in flight from `a` to `b`.
    fn changes(&self, a: &str, b: &str) -> usize {
        self.props.in_flight_by_link.iter().filter(|(f, t, _)| *f == a && *t == b).map(|(_, _, n)| *n).sum()
    }
}

#[function_component(GeoMap)]
pub fn geo_map(props: &GeoMapProps) -> Html {
    let lang = use_lang();
    // None until a view is chosen: then the world, or the view that fits (`fit`).
    let chosen = use_state(|| None::<View>);
    let view = chosen.unwrap_or_else(|| if props.fit { View::fitting(&in_use(props)) } else { VIEWS[0] });
    let selected = use_state(|| None::<Selected>);
    let land = use_memo((), |_| land_path());
    let graticule = use_memo((), |_| graticule_path());
    // The map's size on screen, so a region's hit target is at least 24 px whatever the view
    // and however the stage sizes the map.
    let svg = use_node_ref();
    let size_px = use_state(|| (0i32, 0i32));
    {
        let (svg, size_px) = (svg.clone(), size_px.clone());
        use_effect(move || {
            let size =
                svg.cast::<web_sys::Element>().map_or((0, 0), |e| (e.client_width(), e.client_height()));
            if size != *size_px {
                size_px.set(size);
            }
        });
    }
    let (vx, vy, vw, vh) = view.view_box();
    let k = view.scale();
    let at = (*use_memo(k.to_bits(), move |_| spread(2.3 * k))).clone();
    let Some(home_view) = props.replicas.first() else { return html! {} };
    let Some(home) = region::region(home_view.region) else { return html! {} };
    let active: Vec<&Fault> = props.faults.iter().filter(|f| f.state == FaultState::Active).collect();
    let ctx = Ctx { lang, props, home, dot: 2.3 * k, k, active, selected, at };
    // 12.5 px of radius in map units (a 640 px wide map until it is measured). The view fits
    // the box whole ("meet"): the scale is the smaller of the two.
    let (w_px, h_px) = *size_px;
    let px_per_unit =
        if w_px > 0 && h_px > 0 { (f64::from(w_px) / vw).min(f64::from(h_px) / vh) } else { 640.0 / vw };
    let hit = 12.5 / px_per_unit;
    html! {
        <section id="geo" class="panel geo" aria-labelledby="geo-title" data-home={home.name}>
            <div class="geo-head">
                <h2 id="geo-title">{ t(lang, "geo.title") }</h2>
                if ctx.selected.is_none() {
                    <p id="map-hint" class="hint map-hint">{ t(lang, "geo.map_hint") }</p>
                }
                { view_buttons(lang, view, &chosen) }
            </div>
            <svg id="geo-map" ref={svg} class="world-map" role="group" aria-label={t(lang, "geo.map_label")}
                viewBox={format!("{} {} {} {}", fixed(vx), fixed(vy), fixed(vw), fixed(vh))}
                preserveAspectRatio="xMidYMid meet">
                <rect class="sea" x="-200" y="-100" width="760" height="400" />
                <path class="land" d={(*land).clone()} />
                <path class="graticule" d={(*graticule).clone()} />
                { grs_pairs(&ctx) }
                { links(&ctx) }
                { in_flight_dots(&ctx) }
                { client_markers(&ctx) }
                { region_hits(&ctx, hit) }
                { region_dots(&ctx, hit) }
            </svg>
            { legend(&ctx) }
            { panel(&ctx) }
        </section>
    }
}

/// Where each region is drawn: where it is, moved apart from a region closer than 1.6 dots
/// (East US and East US 2, the two UAE regions) so the point at each one's centre is its own.
fn spread(dot: f64) -> Vec<(f64, f64)> {
    let at: Vec<(f64, f64)> = REGIONS.iter().map(|r| project(r.longitude, r.latitude)).collect();
    let apart = 1.6 * dot;
    at.iter()
        .map(|&(x, y)| {
            at.iter().fold((x, y), |(px, py), &(ox, oy)| {
                let d = libm::hypot(x - ox, y - oy);
                if d >= apart || d == 0.0 {
                    return (px, py);
                }
                let push = (apart - d) / 2.0 / d;
                (px + (x - ox) * push, py + (y - oy) * push)
            })
        })
        .collect()
}

/// Where the regions in use are: every replica's, its storage pair's, and every client's.
fn in_use(props: &GeoMapProps) -> Vec<(f64, f64)> {
    let replicas = props.replicas.iter().filter_map(|r| region::region(r.region));
    let pairs = replicas.clone().filter_map(|r| r.paired.and_then(region::region));
    let clients = props.clients.iter().filter_map(|c| region::region(c.region));
    replicas.chain(pairs).chain(clients).map(|r| (r.longitude, r.latitude)).collect()
}

fn view_buttons(lang: Lang, view: View, chosen: &UseStateHandle<Option<View>>) -> Html {
    let views = VIEWS.iter().map(|v| {
        let pick = {
            let chosen = chosen.clone();
            let v = *v;
            Callback::from(move |_: MouseEvent| chosen.set(Some(v)))
        };
        html! {
            <button id={format!("map-view-{}", v.id)} type="button" aria-pressed={(*v == view).to_string()}
                class={classes!("map-view", (*v == view).then_some("current"))} onclick={pick}>
                { t(lang, v.label) }
            </button>
        }
    });
    html! { <div class="map-views" role="group" aria-label={t(lang, "geo.zoom_label")}>{ for views }</div> }
}

/// Every replica region's geo-redundant storage pair, dashed.
fn grs_pairs(ctx: &Ctx) -> Html {
    let lang = ctx.lang;
    let pairs = ctx.props.replicas.iter().filter_map(|r| {
        let a = region::region(r.region)?;
        let b = region::region(a.paired?).filter(|_| !a.local_geo_only)?;
        let ((x1, y1), (x2, y2)) = (ctx.pos(a), ctx.pos(b));
        Some(html! {
            <line class="grs-pair" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)}
                data-from={a.name} data-to={b.name}>
                <title>{ tf(lang, "geo.grs_title", &[a.display_name, b.display_name]) }</title>
            </line>
        })
    });
    pairs.collect()
}

/// Every pair of replicas is a link: changes made in one are sent to every other one. Home ↔
/// a replica is labelled with the replica's lag; replica ↔ replica (lighter, drawn under) with
/// the changes in flight on it. Each opens the link panel.
fn links(ctx: &Ctx) -> Html {
    let home = ctx.home;
    let sites: Vec<(&'static Region, &ReplicaView)> =
        ctx.props.replicas.iter().filter_map(|r| Some((region::region(r.region)?, r))).collect();
    let mut pairs: Vec<(&'static Region, &'static Region, Option<&ReplicaView>)> = vec![];
    for (i, (a, _)) in sites.iter().enumerate() {
        for (b, view) in sites.iter().skip(i + 1) {
            if a.name == home.name {
                pairs.push((home, *b, Some(*view)));
            } else if b.name != home.name {
                let (x, y) = if a.name <= b.name { (*a, *b) } else { (*b, *a) };
                pairs.push((x, y, None));
            }
        }
    }
    // Replica ↔ replica first, so the home links are drawn over them.
    pairs.sort_by_key(|(_, _, home_link)| home_link.is_some());
    pairs.iter().map(|&(a, b, home_link)| link(ctx, a, b, home_link)).collect()
}

fn link(ctx: &Ctx, a: &'static Region, b: &'static Region, home_link: Option<&ReplicaView>) -> Html {
    let (lang, dot) = (ctx.lang, ctx.dot);
    let ((x1, y1), (x2, y2)) = (ctx.pos(a), ctx.pos(b));
    let health = link_health(&ctx.active, a.name, b.name, (ctx.health(a), ctx.health(b)));
    let faulted = health != LinkHealth::Ok;
    let what = match home_link {
        Some(r) => lag_words(lang, r, faulted),
        None => peer_words(lang, ctx.changes(a.name, b.name) + ctx.changes(b.name, a.name)),
    };
    let label = health.label(lang, &what);
    let is_selected = *ctx.selected == Some(Selected::Link(a, b));
    // The label sits above the line's middle (a replica ↔ replica label below it); beside the
    // far end when the line is short.
    let short = libm::hypot(x2 - x1, y2 - y1) < 16.0 * dot;
    let (mx, my, anchor) = match (short, home_link.is_some()) {
        (true, _) => (x2 + 2.6 * dot, y2 + if home_link.is_some() { 0.5 } else { 2.4 } * dot, "start"),
        (false, true) => ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 1.6 * dot, "middle"),
        (false, false) => ((x1 + x2) / 2.0, (y1 + y2) / 2.0 + 2.6 * dot, "middle"),
    };
    let pick = ctx.select(Selected::Link(a, b));
    let click = pick.reform(|_: MouseEvent| ());
    let cut = health == LinkHealth::Partitioned;
    let slow = matches!(health, LinkHealth::Slow(_));
    html! {
        <g class={classes!("link", if home_link.is_some() { "home-link" } else { "peer-link" },
                format!("link-{}", health.words()), cut.then_some("cut"), slow.then_some("slow"),
                is_selected.then_some("selected"))}
            data-link={link_id(ctx.home.name, a.name, b.name)} data-from={a.name} data-to={b.name}
            data-health={health.words()} tabindex="0" role="button"
            aria-label={tf(lang, "geo.link_aria", &[a.display_name, b.display_name, &label])}
            onclick={click} onkeydown={on_key(pick)}>
            <title>{ tf(lang, "geo.link_title", &[a.display_name, b.display_name, &label]) }</title>
            <line class="link-hit" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)} />
            <line class="link-line" x1={fixed(x1)} y1={fixed(y1)} x2={fixed(x2)} y2={fixed(y2)} />
            <text class="link-label" x={fixed(mx)} y={fixed(my)} font-size={fixed(4.2 * ctx.k)}
                text-anchor={anchor}>{ label }</text>
        </g>
    }
}

/// Changes on their way: a dot as far along its link as its time in flight has gone; one a
/// fault holds back waits at its start, just outside the sender's halo so it shows.
fn in_flight_dots(ctx: &Ctx) -> Html {
    let (lang, dot, now) = (ctx.lang, ctx.dot, ctx.props.now.0);
    let moving = ctx.props.in_flight.iter().filter_map(|c| {
        let (a, b) = (region::region(c.from)?, region::region(c.to)?);
        let ((x1, y1), (x2, y2)) = (ctx.pos(a), ctx.pos(b));
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
                data-link={link_id(ctx.home.name, c.from, c.to)}>
                <title>{ tf(lang, "geo.in_flight_title", &[c.from, c.to, &c.what, &c.departed_at_ms.to_string(), &when]) }</title>
            </circle>
        })
    });
    moving.collect()
}

/// Every region's hit target, under all the dots: a transparent circle at least 24 px across
/// (where two overlap, the dot on top still picks its own region). Replica regions last, so
/// they win the overlaps.
fn region_hits(ctx: &Ctx, hit: f64) -> Html {
    let mut order: Vec<&'static Region> = REGIONS.iter().collect();
    order.sort_by_key(|r| ctx.replica_of(r.name).is_some());
    order
        .into_iter()
        .map(|r| {
            let (x, y) = ctx.pos(r);
            let click = ctx.select(Selected::Region(r)).reform(|_: MouseEvent| ());
            html! {
                <circle class="region-hit" data-hit={r.name} cx={fixed(x)} cy={fixed(y)} r={fixed(hit)}
                    onclick={click} aria-hidden="true" />
            }
        })
        .collect()
}

/// Every region as a dot, replicas with a halo in their state's colour, what is wrong there as
/// a mark and a colour, and a name (below when another labelled region sits close above).
fn region_dots(ctx: &Ctx, hit: f64) -> Html {
    let dot = ctx.dot;
    let labelled: Vec<&'static Region> = REGIONS
        .iter()
        .filter(|r| ctx.replica_of(r.name).is_some() || ctx.props.clients.iter().any(|c| c.region == r.name))
        .collect();
    let below = |r: &Region| {
        labelled.iter().any(|o| {
            o.name != r.name
                && o.latitude > r.latitude
                && (o.latitude - r.latitude).abs() < 3.0 * dot
                && (o.longitude - r.longitude).abs() < 8.0 * dot
        })
    };
    REGIONS.iter().map(|r| region_dot(ctx, r, below(r), hit)).collect()
}

/// What a region's dot, title and `aria-label` say it is: home, a replica (and its state), or
/// neither.
fn region_role(lang: Lang, replica: Option<&ReplicaView>) -> String {
    match replica {
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
    }
}

fn region_dot(ctx: &Ctx, r: &'static Region, below: bool, hit: f64) -> Html {
    let (lang, dot) = (ctx.lang, ctx.dot);
    let (x, y) = ctx.pos(r);
    let replica = ctx.replica_of(r.name);
    let health = ctx.health(r);
    let faults: Vec<String> = ctx
        .active
        .iter()
        .filter(|f| fault_targets_region(&f.fault, r.name, ctx.home.name))
        .map(|f| f.fault.describe_msg().text(lang))
        .collect();
    let state = replica.map(|v| replica_state_words(v.state));
    let role = region_role(lang, replica);
    let is_selected = *ctx.selected == Some(Selected::Region(r));
    let pick = ctx.select(Selected::Region(r));
    let click = pick.reform(|_: MouseEvent| ());
    let label_y = if below { y + 3.4 * dot } else { y - 1.7 * dot };
    let sep = if lang == Lang::Fr { " ; " } else { "; " };
    let health_words =
        if health == Health::Ok { String::new() } else { format!(" · {}", health.label(lang)) };
    let fault_words =
        if faults.is_empty() { String::new() } else { tf(lang, "geo.faults_list", &[&faults.join(sep)]) };
    let about = format!("{} ({}): {role}{health_words}{fault_words}", r.display_name, r.name);
    html! {
        <g class={classes!(
                "region",
                replica.map(|_| "site"),
                replica.filter(|v| v.home).map(|_| "home"),
                state.map(|s| format!("state-{s}")),
                replica.filter(|v| !v.routing_enabled).map(|_| "routing-off"),
                (!faults.is_empty()).then_some("faulted"),
                (health == Health::Outage).then_some("down"),
                format!("health-{}", health.words()),
                is_selected.then_some("selected"),
            )}
            data-region={r.name} data-state={state} data-health={health.words()} tabindex="0" role="button"
            aria-label={about.clone()} onclick={click} onkeydown={on_key(pick)}>
            <title>{ about }</title>
            <circle class="focus-ring" cx={fixed(x)} cy={fixed(y)} r={fixed(hit)} />
            if replica.is_some() {
                <circle class="halo" cx={fixed(x)} cy={fixed(y)} r={fixed(dot * 1.9)} />
            }
            <circle class="dot" cx={fixed(x)} cy={fixed(y)} r={fixed(if replica.is_some() { dot * 1.15 } else { dot * 0.8 })} />
            { health_mark(health, x, y, dot) }
            <text class="region-label" x={fixed(x)} y={fixed(label_y)} font-size={fixed(4.6 * ctx.k)}
                text-anchor="middle">{ r.display_name }</text>
        </g>
    }
}

/// The mark drawn over a dot for what is wrong there (white on the dot's colour), so it does
/// not rest on colour alone: ✕ outage, — storage failed, ‖ paused, a key's ring and bit for a
/// lost key.
fn health_mark(health: Health, x: f64, y: f64, dot: f64) -> Html {
    let m = dot * 0.75;
    let d = match health {
        Health::Ok => return html! {},
        Health::Outage => format!(
            "M{} {} L{} {} M{} {} L{} {}",
            fixed(x - m),
            fixed(y - m),
            fixed(x + m),
            fixed(y + m),
            fixed(x - m),
            fixed(y + m),
            fixed(x + m),
            fixed(y - m)
        ),
        Health::StorageFailed => format!("M{} {} L{} {}", fixed(x - m), fixed(y), fixed(x + m), fixed(y)),
        Health::Paused => format!(
            "M{} {} L{} {} M{} {} L{} {}",
            fixed(x - m / 2.5),
            fixed(y - m),
            fixed(x - m / 2.5),
            fixed(y + m),
            fixed(x + m / 2.5),
            fixed(y - m),
            fixed(x + m / 2.5),
            fixed(y + m)
        ),
        Health::Key(_) => format!(
            "M{} {} A{r} {r} 0 1 1 {} {} M{} {} L{} {} L{} {}",
            fixed(x - m * 0.2),
            fixed(y),
            fixed(x - m * 0.2),
            fixed(y - 0.01),
            fixed(x - m * 0.2),
            fixed(y),
            fixed(x + m),
            fixed(y),
            fixed(x + m),
            fixed(y + m * 0.6),
            r = fixed(m * 0.45),
        ),
    };
    html! { <path class={classes!("health-mark", if health == Health::Outage { Some("down-mark") } else { None })} d={d} /> }
}

/// Clients: small squares around their region, and a dotted line to the replica they
/// resolved last.
fn client_markers(ctx: &Ctx) -> Html {
    let mut per_region: Vec<(&str, usize)> = vec![];
    ctx.props
        .clients
        .iter()
        .map(|c| {
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
            client_marker(ctx, c, n)
        })
        .collect()
}

/// The `n`th client in its region.
fn client_marker(ctx: &Ctx, c: &Client, n: usize) -> Html {
    let (lang, dot) = (ctx.lang, ctx.dot);
    let Some(r) = region::region(c.region) else { return html! {} };
    let (x, y) = ctx.pos(r);
    // Below-left of the dot, in a row.
    let side = 2.0 * dot;
    let cx = x - 2.6 * dot - (n % 6) as f64 * (side * 1.3);
    let cy = y + 1.6 * dot + (n / 6) as f64 * (side * 1.3);
    // A curve to the replica it resolved last, bowed so it does not hide a straight line.
    let resolved = c.resolved.and_then(|(to, _)| region::region(to)).map(|to| {
        let (tx, ty) = ctx.pos(to);
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
}

/// The panel under the map: the selected region's or link's, else a hint.
fn panel(ctx: &Ctx) -> Html {
    let (props, home) = (ctx.props, ctx.home);
    let faults: Vec<Fault> = ctx.active.iter().map(|f| (*f).clone()).collect();
    let close = {
        let s = ctx.selected.clone();
        Callback::from(move |()| s.set(None))
    };
    let inspector = match *ctx.selected {
        Some(Selected::Region(r)) => html! {
            <RegionPanel key={r.name} region={r} home={home} registry={props.registry.clone()} usage={props.usage.clone()}
                replicas={props.replicas.clone()} health={ctx.health(r)}
                clients={props.clients.clone()} faults={faults}
                tier={props.tier} error={props.error.clone()} on_action={props.on_action.clone()}
                on_close={close} />
        },
        Some(Selected::Link(a, b)) => html! {
            <LinkPanel key={format!("{}-{}", a.name, b.name)} from={a} to={b} home={a.name == home.name}
                replica={ctx.replica_of(b.name).cloned()} changes={(ctx.changes(a.name, b.name), ctx.changes(b.name, a.name))}
                faults={faults} error={props.error.clone()} on_action={props.on_action.clone()}
                on_close={close} />
        },
        None => return html! {},
    };
    // On the stage the inspector sits in the side area, beside the map (not under it).
    let host = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("inspector"));
    match host {
        Some(host) => yew::create_portal(inspector, host),
        None => inspector,
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

/// A replica ↔ replica link's changes in flight (both ways, queued or held back).
fn peer_words(lang: Lang, in_flight: usize) -> String {
    match in_flight {
        0 => t(lang, "geo.none_in_flight").to_string(),
        n => crate::ui::i18n::tn(lang, "geo.changes_in_flight", n as u64),
    }
}

/// A replica's lag as its link says it: "in sync" only while nothing is wrong on the link
/// (else nothing on the way).
fn lag_words(lang: Lang, r: &ReplicaView, faulted: bool) -> String {
    match (r.lag_ms, r.inbound_changes) {
        (Some(lag), n) if n > 0 => tf(lang, "geo.lag", &[&short_duration_in(lang, lag), &n.to_string()]),
        _ if r.state == ReplicaState::Creating => {
            replica_state_label(lang, ReplicaState::Creating).to_string()
        }
        _ if faulted => t(lang, "geo.nothing_waiting").to_string(),
        _ => t(lang, "geo.in_sync").to_string(),
    }
}

fn legend(ctx: &Ctx) -> Html {
    let (lang, props, home) = (ctx.lang, ctx.props, ctx.home);
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
        <div class="map-legends">
            <p id="geo-legend" class="map-legend small" data-replicas={replicas.to_string()}>
                <span class="key home-key"></span>{ tf(lang, "geo.legend_home", &[home.display_name, &storage]) }
                <span class="key ready-key"></span>{ format!(" {} ", replica_state_label(lang, ReplicaState::Ready)) }
                <span class="key syncing-key"></span>{ format!(" {} ", replica_state_label(lang, ReplicaState::Syncing)) }
                <span class="key creating-key"></span>{ format!(" {} · ", replica_state_label(lang, ReplicaState::Creating)) }
                <span class="key client-key"></span>{ format!(" {clients}") }
            </p>
            { legend_looks(lang) }
        </div>
    }
}

/// What each look of trouble on the map means: a region's mark and colour, a link's pattern.
fn legend_looks(lang: Lang) -> Html {
    let regions = [
        Health::Outage,
        Health::StorageFailed,
        Health::Paused,
        Health::Key(KeyState::AccessRevoked),
        Health::Key(KeyState::Disabled),
        Health::Key(KeyState::Deleted),
    ]
    .map(|h| {
        html! {
            <li data-look={h.words()}>
                <svg class="look" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                    <g class={classes!("region", "site", format!("health-{}", h.words()))}>
                        <circle class="dot" cx="8" cy="8" r="6" />
                        { health_mark(h, 8.0, 8.0, 5.0) }
                    </g>
                </svg>
                { h.label(lang) }
            </li>
        }
    });
    let links =
        [LinkHealth::Partitioned, LinkHealth::Slow(0), LinkHealth::Paused, LinkHealth::Outage].map(|h| {
            let words = match h {
                LinkHealth::Slow(_) => t(lang, "geo.legend_slow"),
                LinkHealth::Partitioned => t(lang, "geo.legend_partitioned"),
                LinkHealth::Paused => t(lang, "geo.legend_link_paused"),
                _ => t(lang, "geo.legend_link_outage"),
            };
            html! {
                <li data-look={format!("link-{}", h.words())}>
                    <svg class="look" viewBox="0 0 28 16" width="28" height="16" aria-hidden="true">
                        <g class={classes!("link", "home-link", format!("link-{}", h.words()))}>
                            <line class="link-line" x1="1" y1="8" x2="27" y2="8" />
                        </g>
                    </svg>
                    { words }
                </li>
            }
        });
    html! {
        <div id="geo-looks" class="map-looks small">
            <span class="looks-title">{ t(lang, "geo.legend_looks") }</span>
            <ul>{ for regions }{ for links }</ul>
        </div>
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
    /// What is wrong here, as the map shows it.
    health: Health,
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
    let replica = props.replicas.iter().find(|v| v.region == r.name);
    let on_action = &props.on_action;
    let is_home = r.name == props.home.name;
    // The home region's stored records, read again only when what storage holds changed.
    let records = {
        let registry = props.registry.clone();
        use_memo((props.usage.clone(), is_home, lang), move |(_, is_home, lang)| {
            if *is_home { record_choices(*lang, registry.as_ref()) } else { RecordChoices::default() }
        })
    };
    let rot = use_rot_choice();
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
                { if is_home { String::new() } else {
                    tf(lang, "geo.latency_from_home", &[props.home.display_name, &latency.to_string()])
                } }
            </p>
            <p class="open-links">
                <button id="region-open-accounts" type="button" class="link-button"
                    onclick={on_action.reform(|_| Action::OpenPanel("accounts"))}>{ t(lang, "stage.open_storage") }</button>
                <button id="region-open-clients" type="button" class="link-button"
                    onclick={on_action.reform(|_| Action::OpenPanel("clients"))}>{ t(lang, "stage.open_clients") }</button>
            </p>
            { match replica {
                None => no_replica_part(lang, r, props.tier, on_action),
                Some(v) => replica_part(lang, v, props.health, on_action),
            } }
            { replica.map(|_| region_faults_part(lang, r, &timing, on_action)) }
            if replica.is_some() {
                if is_home {
                    { bit_rot_part(lang, &records, &rot, on_action) }
                } else {
                    <p id="bit-rot-home-only" class="small muted">
                        { tf(lang, "geo.rot_home_only", &[props.home.display_name]) }
                    </p>
                }
            }
            { active_faults(lang, props.faults.iter().filter(|f| fault_targets_region(&f.fault, r.name, props.home.name)), on_action) }
            <AddClient region={r} clients={props.clients.clone()} on_action={on_action.clone()} />
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("geo-error"))) }
        </div>
    }
}

/// No replica here: add one (Premium only).
fn no_replica_part(lang: Lang, r: &'static Region, tier: Option<Tier>, on_action: &Callback<Action>) -> Html {
    let add = on_action.reform(move |_: MouseEvent| Action::AddReplica(r.name.to_string()));
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
            if tier != Some(Tier::Premium) {
                <small class="warn-text">{ t(lang, "geo.not_premium") }</small>
            }
        </div>
    }
}

/// The replica here: its state (or what is wrong here, in its stead), routing and removal.
fn replica_part(lang: Lang, v: &ReplicaView, health: Health, on_action: &Callback<Action>) -> Html {
    let name = v.region;
    let enabled = !v.routing_enabled;
    let routing = on_action
        .reform(move |_: MouseEvent| Action::SetReplicaRouting { region: name.to_string(), enabled });
    let remove = on_action.reform(move |_: MouseEvent| Action::RemoveReplica(name.to_string()));
    let state = replica_state_words(v.state);
    let badge = if health == Health::Ok {
        html! { <span class={classes!("state-badge", format!("state-{state}"))} data-state={state}>{ replica_state_label(lang, v.state) }</span> }
    } else {
        html! {
            <>
                <span class={classes!("state-badge", format!("health-{}", health.words()))} data-state={health.words()}>
                    { health.label(lang) }
                </span>
                <span class="muted">{ format!(" ({})", replica_state_label(lang, v.state)) }</span>
            </>
        }
    };
    html! {
        <div class="region-replica">
            <p>
                { badge }
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

/// Faults to inject in a replica's region.
fn region_faults_part(lang: Lang, r: &'static Region, timing: &Timing, on_action: &Callback<Action>) -> Html {
    let inject = |fault: FaultKind| {
        let timing = timing.clone();
        on_action.reform(move |_: MouseEvent| Action::InjectFault {
            fault: fault.clone(),
            delay: (*timing.delay).clone(),
            duration: (*timing.duration).clone(),
            panel: Panel::Geo,
        })
    };
    let n = || r.name.to_string();
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
}

/// What the bit-rot picker holds: the record, the copy and the bit picked.
#[derive(Clone)]
struct RotChoice {
    key: UseStateHandle<String>,
    copy: UseStateHandle<String>,
    bit: UseStateHandle<String>,
}

#[hook]
fn use_rot_choice() -> RotChoice {
    RotChoice {
        key: use_state(String::new),
        copy: use_state(|| "primary".to_string()),
        bit: use_state(|| "0".to_string()),
    }
}

/// Bit rot in one of the home region's stored records.
fn bit_rot_part(lang: Lang, records: &RecordChoices, rot: &RotChoice, on_action: &Callback<Action>) -> Html {
    let (rot_key, rot_copy, rot_bit) = (rot.key.clone(), rot.copy.clone(), rot.bit.clone());
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
        Callback::from(move |e: InputEvent| {
            rot_bit.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let rot = rot_action(lang, chosen.clone(), rot_copy.clone(), rot_bit.clone(), on_action);
    let listed = match (records.list.len(), records.total) {
        (_, 0) => t(lang, "geo.rot_none_stored").to_string(),
        (n, total) if n < total => {
            tf(lang, "geo.rot_first_listed", &[&grouped_in(lang, n as u64), &grouped_in(lang, total as u64)])
        }
        (_, total) => tf(lang, "geo.rot_all_listed", &[&grouped_in(lang, total as u64)]),
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
}

/// Flip the chosen bit of the chosen copy of the chosen record, or say what is missing.
fn rot_action(
    lang: Lang,
    key: Option<String>,
    copy: UseStateHandle<String>,
    bit: UseStateHandle<String>,
    on_action: &Callback<Action>,
) -> Callback<MouseEvent> {
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
}

#[derive(Properties, PartialEq)]
struct AddClientProps {
    region: &'static Region,
    clients: Vec<Client>,
    on_action: Callback<Action>,
}

/// The clients in a region, and a form to add one.
#[function_component(AddClient)]
fn add_client(props: &AddClientProps) -> Html {
    let lang = use_lang();
    let r = props.region;
    let clients_here: Vec<&Client> = props.clients.iter().filter(|c| c.region == r.name).collect();
    let here = clients_here.len();
    let client_name = use_state(|| format!("{}-{}", r.name, here + 1));
    let dns_cache = use_state(|| false);
    let add = {
        let (client_name, dns_cache) = (client_name.clone(), dns_cache.clone());
        props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::AddClient {
                name: (*client_name).clone(),
                region: r.name.to_string(),
                dns_cache: *dns_cache,
            }
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
    html! {
        <form class="add-client" onsubmit={add}>
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
    let latency = region::latency_floor_ms(a, b);
    let about = if props.home {
        let lag = props.replica.as_ref().map(|r| lag_words(lang, r, false)).unwrap_or_default();
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
            { link_faults_part(lang, (a, b), &timing, (&way, &factor), &props.on_action) }
            { active_faults(lang, props.faults.iter().filter(|f| fault_targets_link(&f.fault, a.name, b.name)), &props.on_action) }
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("geo-error"))) }
        </div>
    }
}

/// Faults to inject on a link: a partition (both ways or one), or a slowdown.
fn link_faults_part(
    lang: Lang,
    (a, b): (&'static Region, &'static Region),
    timing: &Timing,
    (way, factor): (&UseStateHandle<String>, &UseStateHandle<String>),
    on_action: &Callback<Action>,
) -> Html {
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
        on_action.reform(move |_: MouseEvent| {
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
        on_action.reform(move |_: MouseEvent| match factor.trim().parse::<u32>() {
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
    html! {
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
                    <input id="slow-factor" type="number" min="2" max="1000" step="1" value={(**factor).clone()}
                        oninput={on_factor} aria-label={t(lang, "geo.factor_label")} title={t(lang, "geo.factor_title")} />
                </label>
                <button id="fault-slow" type="button" class="warn" onclick={slow}>{ t(lang, "geo.slow_link") }</button>
            </div>
        </fieldset>
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
