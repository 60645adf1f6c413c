//! The world map's geometry: an equirectangular projection of longitude and latitude, the
//! views it can zoom to, and coarse coastlines drawn from a handful of points per landmass
//! (no external assets: enough to tell the continents apart, not a map to navigate by).

/// Map units: x = longitude + 180, y = 90 − latitude (degrees).
pub fn project(longitude: f64, latitude: f64) -> (f64, f64) {
    (longitude + 180.0, 90.0 - latitude)
}

/// Width over height of the map's frame: views are widened or heightened to it.
pub const ASPECT: f64 = 2.0;

/// A part of the world the map can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub id: &'static str,
    /// The label's key in the message catalogue.
    pub label: &'static str,
    /// West, east, south, north edges in degrees (at least this is shown).
    bounds: (i16, i16, i16, i16),
}

pub const VIEWS: [View; 4] = [
    View { id: "world", label: "world.view_world", bounds: (-180, 180, -60, 78) },
    View { id: "na", label: "world.view_na", bounds: (-126, -62, 26, 51) },
    View { id: "europe", label: "world.view_europe", bounds: (-15, 36, 43, 63) },
    View { id: "asia", label: "world.view_asia", bounds: (48, 146, -4, 48) },
];

impl View {
    /// The SVG viewBox `(x, y, width, height)`: the bounds widened to the frame's aspect.
    pub fn view_box(&self) -> (f64, f64, f64, f64) {
        let (w, e, s, n) = self.bounds;
        let (x0, y0) = project(f64::from(w), f64::from(n));
        let (x1, y1) = project(f64::from(e), f64::from(s));
        let (mut width, mut height) = (x1 - x0, y1 - y0);
        let (cx, cy) = (x0 + width / 2.0, y0 + height / 2.0);
        if width / height < ASPECT {
            width = height * ASPECT;
        } else {
            height = width / ASPECT;
        }
        (cx - width / 2.0, cy - height / 2.0, width, height)
    }

    /// Whether the point at `longitude`, `latitude` is on screen in this view, with a margin
    /// for its label.
    pub fn shows(&self, longitude: f64, latitude: f64) -> bool {
        let (x, y, w, h) = self.view_box();
        let (px, py) = project(longitude, latitude);
        let margin = 0.02 * w;
        px >= x + margin && px <= x + w - margin && py >= y + margin / 2.0 && py <= y + h - margin / 2.0
    }

    /// The closest view that shows every point: a continent's when they all lie in it, else
    /// the world.
    pub fn fitting(points: &[(f64, f64)]) -> View {
        VIEWS[1..]
            .iter()
            .find(|v| !points.is_empty() && points.iter().all(|(lon, lat)| v.shows(*lon, *lat)))
            .copied()
            .unwrap_or(VIEWS[0])
    }

    /// Map units per world-view unit: dots and text are drawn this much smaller when zoomed,
    /// so they keep their size on screen.
    pub fn scale(&self) -> f64 {
        self.view_box().2 / 360.0
    }
}

/// Coarse outlines of the landmasses, as (longitude, latitude) points.
#[rustfmt::skip]
const LAND: [&[(f32, f32)]; 15] = [
    // North America
    &[
        (-168., 65.), (-162., 70.), (-140., 70.), (-125., 70.), (-95., 72.), (-80., 73.), (-62., 67.),
        (-64., 60.), (-56., 52.), (-66., 45.), (-70., 42.), (-76., 35.), (-81., 31.), (-80., 25.),
        (-82., 27.), (-84., 30.), (-90., 29.), (-97., 27.), (-97., 22.), (-92., 18.), (-87., 21.),
        (-88., 16.), (-83., 10.), (-79., 9.), (-82., 8.), (-86., 12.), (-92., 14.), (-105., 20.),
        (-110., 24.), (-112., 30.), (-114., 31.), (-117., 33.), (-121., 35.), (-124., 40.), (-124., 46.),
        (-127., 50.), (-134., 57.), (-140., 60.), (-150., 60.), (-158., 57.), (-165., 60.),
    ],
    // Greenland
    &[
        (-73., 78.), (-60., 82.), (-30., 83.), (-20., 75.), (-22., 70.), (-40., 65.), (-45., 60.),
        (-52., 63.), (-56., 70.),
    ],
    // South America
    &[
        (-80., 9.), (-77., 8.), (-72., 12.), (-62., 11.), (-52., 5.), (-50., 0.), (-44., -2.), (-35., -6.),
        (-39., -14.), (-41., -22.), (-48., -26.), (-53., -33.), (-58., -38.), (-62., -40.), (-65., -45.),
        (-68., -52.), (-72., -54.), (-75., -50.), (-73., -40.), (-71., -30.), (-70., -18.), (-76., -14.),
        (-81., -6.), (-80., 0.), (-78., 4.),
    ],
    // Eurasia
    &[
        (-10., 36.), (-9., 43.), (-2., 43.5), (-1., 46.), (-5., 48.), (-2., 49.), (2., 51.), (4., 52.),
        (8., 54.), (8., 57.), (10., 57.5), (11., 58.), (5., 59.), (5., 62.), (10., 64.), (14., 68.),
        (20., 70.), (28., 71.), (40., 68.), (44., 68.), (55., 69.), (68., 72.), (80., 73.), (100., 77.),
        (113., 74.), (130., 71.), (140., 72.), (160., 70.), (180., 69.), (180., 65.), (170., 60.),
        (163., 58.), (156., 51.), (156., 57.), (143., 59.), (140., 54.), (135., 44.), (130., 42.),
        (129., 35.), (126., 35.), (126., 37.5), (125., 39.), (121., 39.), (122., 31.), (120., 26.),
        (113., 22.), (108., 21.), (106., 17.), (109., 12.), (105., 9.), (101., 13.), (100., 7.),
        (103.5, 1.3), (101., 3.), (98., 8.), (98., 16.), (94., 18.), (92., 22.), (87., 21.), (80., 15.),
        (80., 9.), (77., 8.), (73., 17.), (72., 21.), (68., 23.), (62., 25.), (57., 25.), (56., 27.),
        (52., 28.), (48., 30.), (50., 26.), (52., 24.), (56., 26.), (59., 22.), (56., 17.), (52., 16.),
        (45., 13.), (43., 13.), (39., 21.), (35., 28.), (33., 31.), (36., 36.), (30., 37.), (27., 37.),
        (26., 40.), (29., 41.), (36., 41.), (41., 41.), (40., 44.), (36., 45.), (30., 46.), (29., 45.),
        (27., 42.), (23., 40.), (22., 37.), (20., 40.), (19., 42.), (14., 45.), (12., 44.), (16., 41.),
        (18., 40.), (16., 38.), (15.6, 38.), (15., 40.), (12., 42.), (10., 44.), (7., 44.), (3., 43.),
        (-1., 37.), (-5., 36.),
    ],
    // Africa
    &[
        (-17., 21.), (-17., 15.), (-12., 8.), (-8., 4.), (-2., 5.), (4., 6.), (9., 4.), (10., -1.),
        (13., -6.), (12., -17.), (15., -27.), (18., -34.), (20., -35.), (26., -34.), (33., -29.),
        (35., -24.), (40., -16.), (40., -10.), (39., -5.), (43., 0.), (51., 11.), (43., 12.), (38., 18.),
        (35., 24.), (33., 31.), (29., 31.), (20., 32.), (19., 30.), (10., 34.), (11., 37.), (0., 36.),
        (-6., 36.), (-10., 30.), (-13., 28.),
    ],
    // Australia
    &[
        (114., -22.), (114., -34.), (117., -35.), (124., -34.), (131., -31.), (137., -33.), (140., -38.),
        (146., -39.), (150., -37.), (153., -31.), (153., -25.), (146., -19.), (142., -11.), (136., -12.),
        (136., -15.), (131., -12.), (126., -14.), (122., -18.),
    ],
    // Great Britain
    &[
        (-5.5, 50.), (1., 51.), (2., 53.), (0., 54.), (-2., 56.), (-2., 58.), (-5., 58.6), (-6., 57.),
        (-5., 55.), (-3., 54.), (-4.5, 53.), (-5., 52.),
    ],
    // Ireland
    &[
        (-10., 52.), (-6., 52.), (-6., 55.), (-8., 55.), (-10., 54.),
    ],
    // Iceland
    &[
        (-24., 64.), (-14., 64.), (-14., 66.), (-22., 66.5),
    ],
    // Japan
    &[
        (130., 31.), (132., 34.), (135., 34.), (140., 35.), (141., 38.), (142., 41.), (140., 41.),
        (139., 38.), (137., 37.), (133., 36.), (130., 33.),
    ],
    // Sumatra
    &[
        (95., 5.), (98., 4.), (106., -6.), (102., -4.),
    ],
    // Borneo
    &[
        (109., 1.), (117., 7.), (119., 5.), (116., -4.), (110., -3.),
    ],
    // New Guinea
    &[
        (131., -1.), (141., -3.), (150., -10.), (141., -9.),
    ],
    // New Zealand
    &[
        (172., -34.), (178., -38.), (175., -41.), (172., -44.), (167., -46.), (172., -41.),
    ],
    // Madagascar
    &[
        (44., -12.), (50., -15.), (47., -25.), (44., -23.),
    ],
];

/// One SVG path of every landmass.
pub fn land_path() -> String {
    let mut d = String::with_capacity(6_000);
    for shape in LAND {
        for (i, (lon, lat)) in shape.iter().enumerate() {
            let (x, y) = project(f64::from(*lon), f64::from(*lat));
            d.push_str(&format!("{}{} {} ", if i == 0 { "M" } else { "L" }, fixed(x), fixed(y)));
        }
        d.push_str("Z ");
    }
    d
}

/// The graticule: meridians and parallels every 30°.
pub fn graticule_path() -> String {
    let mut d = String::new();
    for lon in (-180..=180).step_by(30) {
        let x = f64::from(lon) + 180.0;
        d.push_str(&format!("M{} 0 L{} 180 ", fixed(x), fixed(x)));
    }
    for lat in (-60..=60).step_by(30) {
        let y = 90.0 - f64::from(lat);
        d.push_str(&format!("M0 {} L360 {} ", fixed(y), fixed(y)));
    }
    d
}

/// A map coordinate with two decimals, for SVG attributes.
pub fn fixed(v: f64) -> String {
    let hundredths = libm::round(v * 100.0) as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}
