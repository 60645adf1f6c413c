//! Regions: a built-in catalogue of real Azure regions (name, display name, coordinates, paired
//! region, whether data stays in the region's own geography) and the physics between them:
//! great-circle distance and the speed-of-light-in-fibre floor on latency.
//!
//! Coordinates are Azure's published location metadata (`az account list-locations`),
//! rounded. Trigonometry uses the pure-Rust `libm` crate, and distances are rounded to whole
//! kilometres, so the same numbers come out natively and in wasm (the event log stays equal).

use serde::Serialize;

/// Light in fibre covers about 204 km per millisecond (refractive index ~1.47).
pub const FIBRE_KM_PER_MS: u64 = 204;
const EARTH_RADIUS_KM: f64 = 6371.0;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// The programmatic name, e.g. `westeurope`.
    pub name: &'static str,
    pub display_name: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    /// Where geo-redundant storage copies asynchronously; None where the region has no
    /// public pair in the catalogue.
    pub paired: Option<&'static str>,
    /// Brazil South and Southeast Asia keep registry data in their own geography only: if the
    /// region is lost, Microsoft cannot recover it (domain.md §2).
    pub local_geo_only: bool,
}

const fn r(
    name: &'static str,
    display_name: &'static str,
    latitude: f64,
    longitude: f64,
    paired: &'static str,
) -> Region {
    Region { name, display_name, latitude, longitude, paired: Some(paired), local_geo_only: false }
}

/// The catalogue, in alphabetical order of name.
pub const REGIONS: [Region; 38] = [
    r("australiaeast", "Australia East", -33.86, 151.2094, "australiasoutheast"),
    r("australiasoutheast", "Australia Southeast", -37.8136, 144.9631, "australiaeast"),
    Region { local_geo_only: true, ..r("brazilsouth", "Brazil South", -23.55, -46.633, "southcentralus") },
    r("canadacentral", "Canada Central", 43.653, -79.383, "canadaeast"),
    r("canadaeast", "Canada East", 46.817, -71.217, "canadacentral"),
    r("centralindia", "Central India", 18.5822, 73.9197, "southindia"),
    r("centralus", "Central US", 41.5908, -93.6208, "eastus2"),
    r("eastasia", "East Asia", 22.267, 114.188, "southeastasia"),
    r("eastus", "East US", 37.3719, -79.8164, "westus"),
    r("eastus2", "East US 2", 36.6681, -78.3889, "centralus"),
    r("francecentral", "France Central", 46.3772, 2.373, "francesouth"),
    r("francesouth", "France South", 43.8345, 2.1972, "francecentral"),
    r("germanynorth", "Germany North", 53.073635, 8.806422, "germanywestcentral"),
    r("germanywestcentral", "Germany West Central", 50.110924, 8.682127, "germanynorth"),
    r("japaneast", "Japan East", 35.68, 139.77, "japanwest"),
    r("japanwest", "Japan West", 34.6939, 135.5022, "japaneast"),
    r("koreacentral", "Korea Central", 37.5665, 126.978, "koreasouth"),
    r("koreasouth", "Korea South", 35.1796, 129.0756, "koreacentral"),
    r("northcentralus", "North Central US", 41.8819, -87.6278, "southcentralus"),
    r("northeurope", "North Europe", 53.3478, -6.2597, "westeurope"),
    r("norwayeast", "Norway East", 59.913868, 10.752245, "norwaywest"),
    r("norwaywest", "Norway West", 58.969975, 5.733107, "norwayeast"),
    r("southafricanorth", "South Africa North", -25.73134, 28.21837, "southafricawest"),
    r("southafricawest", "South Africa West", -34.075691, 18.843266, "southafricanorth"),
    r("southcentralus", "South Central US", 29.4167, -98.5, "northcentralus"),
    Region { local_geo_only: true, ..r("southeastasia", "Southeast Asia", 1.283, 103.833, "eastasia") },
    r("southindia", "South India", 12.9822, 80.1636, "centralindia"),
    r("switzerlandnorth", "Switzerland North", 47.451542, 8.564572, "switzerlandwest"),
    r("switzerlandwest", "Switzerland West", 46.204391, 6.143158, "switzerlandnorth"),
    r("uaecentral", "UAE Central", 24.466667, 54.366669, "uaenorth"),
    r("uaenorth", "UAE North", 25.266666, 55.316666, "uaecentral"),
    r("uksouth", "UK South", 50.941, -0.799, "ukwest"),
    r("ukwest", "UK West", 53.427, -3.084, "uksouth"),
    r("westcentralus", "West Central US", 40.89, -110.234, "westus2"),
    r("westeurope", "West Europe", 52.3667, 4.9, "northeurope"),
    r("westus", "West US", 37.783, -122.417, "eastus"),
    r("westus2", "West US 2", 47.233, -119.852, "westcentralus"),
    r("westus3", "West US 3", 33.448376, -112.074036, "eastus"),
];

/// A region by its programmatic name.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.binary_search_by(|r| r.name.cmp(name)).ok().map(|i| &REGIONS[i])
}

/// Great-circle distance in whole kilometres (haversine).
pub fn distance_km(a: &Region, b: &Region) -> u64 {
    let rad = |deg: f64| deg * core::f64::consts::PI / 180.0;
    let (la1, la2) = (rad(a.latitude), rad(b.latitude));
    let dlat = la2 - la1;
    let dlon = rad(b.longitude - a.longitude);
    let h = libm::sin(dlat / 2.0) * libm::sin(dlat / 2.0)
        + libm::cos(la1) * libm::cos(la2) * libm::sin(dlon / 2.0) * libm::sin(dlon / 2.0);
    let km = 2.0 * EARTH_RADIUS_KM * libm::asin(libm::sqrt(h.clamp(0.0, 1.0)));
    libm::round(km) as u64
}

/// A checksum of every pairwise distance: equal natively and in wasm (tests compare both).
pub fn distance_checksum() -> u64 {
    let mut sum = 0u64;
    for (i, a) in REGIONS.iter().enumerate() {
        for (j, b) in REGIONS.iter().enumerate() {
            sum = sum.wrapping_mul(31).wrapping_add(distance_km(a, b) * (i as u64 + 1) + j as u64);
        }
    }
    sum
}

/// The one-way latency floor in whole milliseconds (at least 1): distance over the speed of
/// light in fibre, rounded up.
pub fn latency_floor_ms(a: &Region, b: &Region) -> u64 {
    distance_km(a, b).div_ceil(FIBRE_KM_PER_MS).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(name: &str) -> &'static Region {
        region(name).unwrap_or_else(|| panic!("{name} is in the catalogue"))
    }

    #[test]
    fn the_catalogue_is_sorted_and_every_pair_is_in_it() {
        assert!(REGIONS.len() >= 20);
        assert!(REGIONS.windows(2).all(|w| w[0].name < w[1].name), "sorted, unique names");
        for r in &REGIONS {
            let pair = r.paired.map(get).unwrap_or_else(|| panic!("{} has a pair", r.name));
            assert_ne!(pair.name, r.name);
        }
        assert_eq!(get("westeurope").paired, Some("northeurope"));
        assert_eq!(get("northeurope").paired, Some("westeurope"));
        assert_eq!(get("brazilsouth").paired, Some("southcentralus"), "Brazil South's pair is one-way");
        assert_eq!(get("southcentralus").paired, Some("northcentralus"));
        let local: Vec<&str> = REGIONS.iter().filter(|r| r.local_geo_only).map(|r| r.name).collect();
        assert_eq!(local, ["brazilsouth", "southeastasia"]);
        assert!(region("atlantis").is_none());
    }

    #[test]
    fn every_distance_is_the_same_on_every_platform() {
        assert_eq!(distance_checksum(), DISTANCE_CHECKSUM);
    }

    /// Also asserted in the browser (tests/web.rs).
    const DISTANCE_CHECKSUM: u64 = 10_307_617_380_642_967_232;

    #[test]
    fn distances_and_latency_floors_are_what_a_map_says() {
        let km = |a: &str, b: &str| distance_km(get(a), get(b));
        assert_eq!(km("westeurope", "westeurope"), 0);
        assert_eq!(km("westeurope", "northeurope"), km("northeurope", "westeurope"));
        assert!((740..=770).contains(&km("westeurope", "northeurope")), "Amsterdam–Dublin");
        assert!((3600..=3900).contains(&km("eastus", "westus")), "Virginia–San Francisco");
        assert!((2500..=2650).contains(&km("eastasia", "southeastasia")), "Hong Kong–Singapore");
        assert!((10_400..=10_700).contains(&km("southeastasia", "westeurope")), "Singapore–Amsterdam");
        assert_eq!(latency_floor_ms(get("westeurope"), get("westeurope")), 1);
        assert_eq!(
            latency_floor_ms(get("westeurope"), get("northeurope")),
            km("westeurope", "northeurope").div_ceil(204)
        );
    }
}
