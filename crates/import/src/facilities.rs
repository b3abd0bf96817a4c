//! Facility files: one row per facility (a blank id adds one, an id updates that facility),
//! checked into `FacilityDraft`s.

use std::collections::HashMap;

use sango_domain::{Coordinates, DomainError, FacilityDraft, ServiceCapacity, ServiceType};

use crate::columns::{self, Cells, Column, Layout, optional, required};
use crate::report::{ImportReport, Problem};
use crate::table::Row;
use crate::values;

/// One facility of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityRow {
    /// The row number in the file.
    pub row: usize,
    /// Present: the row updates the facility with this id. Absent: the row adds a facility.
    pub id: Option<i64>,
    pub draft: FacilityDraft,
}

const COLUMNS: &[Column] = &[
    optional("id", "施設ID"),
    required("name", "施設名"),
    Column { key: "kind", ja: "種別", aliases: &["施設種別"], required: true },
    Column { key: "address", ja: "所在地", aliases: &["住所"], required: false },
    Column { key: "lat", ja: "緯度", aliases: &["latitude"], required: true },
    Column { key: "lon", ja: "経度", aliases: &["longitude", "lng"], required: true },
    optional("short_stay_capacity", "宿泊型定員"),
    optional("day_care_capacity", "通所型定員"),
    Column { key: "outreach_capacity", ja: "訪問型定員", aliases: &["居宅訪問型定員"], required: false },
    optional("synthetic", "架空"),
];

/// The capacity column of each service type.
const CAPACITIES: [(&str, ServiceType); 3] = [
    ("short_stay_capacity", ServiceType::ShortStay),
    ("day_care_capacity", ServiceType::DayCare),
    ("outreach_capacity", ServiceType::Outreach),
];

/// Japan from Yonaguni to Minamitorishima and from Okinotorishima to Hokkaido, with a margin.
const JAPAN_LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const JAPAN_LON: std::ops::RangeInclusive<f64> = 122.0..=154.0;

/// Parses a facility file (CSV or XLSX sheet `facilities` / `施設`).
pub fn parse_facilities(bytes: &[u8]) -> Result<Vec<FacilityRow>, ImportReport> {
    let sheet = columns::open(bytes, crate::ImportKind::Facilities.sheet_names(), COLUMNS)?;
    let mut problems = sheet.problems;
    let mut out: Vec<FacilityRow> = Vec::new();
    for row in &sheet.rows {
        match facility(&sheet.layout, row) {
            Ok(f) => out.push(f),
            Err(p) => problems.extend(p),
        }
    }
    problems.extend(duplicates(&sheet.layout, &out));
    ImportReport::or_ok(problems, out)
}

fn facility(layout: &Layout, row: &Row) -> Result<FacilityRow, Vec<Problem>> {
    let mut c = Cells::new(layout, row);
    let id = c.optional("id", values::id);
    let name = c.required("name", |s| Ok(s.to_string()));
    let kind = c.required("kind", values::facility_kind);
    let address = c.raw("address").to_string();
    let location = location(&mut c);
    let mut services = Vec::new();
    for (key, t) in CAPACITIES {
        if let Some(n) = c.optional(key, values::integer) {
            match ServiceCapacity::new(t, n, key) {
                Ok(s) => services.push(s),
                Err(e) => c.problem(key, e.message),
            }
        }
    }
    if CAPACITIES.iter().all(|(key, _)| c.raw(key).is_empty()) {
        let names: Vec<String> = CAPACITIES.iter().map(|(key, _)| layout.name(key)).collect();
        c.problems.push(Problem::at(row.number, None, format!("the facility offers no service type: give at least one of {}", names.join(", "))));
    }
    let synthetic = c.optional("synthetic", values::boolean).unwrap_or(false);
    let (Some(name), Some(kind), Some(location), true) = (name, kind, location, c.problems.is_empty()) else {
        return Err(c.problems);
    };
    let draft = FacilityDraft { name, kind, address, location, services, synthetic };
    if let Err(e) = draft.validate() {
        c.problem(column_of(&e), e.message);
        return Err(c.problems);
    }
    Ok(FacilityRow { row: row.number, id, draft })
}

/// Latitude and longitude, each checked on its own so that both can be reported; they must lie
/// in Japan, and a hint is given when they look swapped.
fn location(c: &mut Cells<'_>) -> Option<Coordinates> {
    let lat = c.required("lat", values::decimal);
    let lon = c.required("lon", values::decimal);
    let swapped = matches!((lat, lon), (Some(a), Some(o)) if JAPAN_LON.contains(&a) && JAPAN_LAT.contains(&o));
    let hint = if swapped { "; are latitude and longitude swapped?" } else { "" };
    let mut ok = true;
    for (key, v, range) in [("lat", lat, &JAPAN_LAT), ("lon", lon, &JAPAN_LON)] {
        let Some(v) = v else { continue };
        let checked = if key == "lat" { Coordinates::new(v, 0.0, "") } else { Coordinates::new(0.0, v, "") };
        let message = match checked {
            Err(e) => e.message,
            Ok(_) if !range.contains(&v) => format!("{v} is outside Japan ({}–{})", range.start(), range.end()),
            Ok(_) => continue,
        };
        c.problem(key, format!("{message}{hint}"));
        ok = false;
    }
    Coordinates::new(lat?, lon?, "location").ok().filter(|_| ok)
}

/// The column of a `FacilityDraft::validate` error.
fn column_of(e: &DomainError) -> &'static str {
    match e.field.as_str() {
        "address" => "address",
        f if f.starts_with("services") => "short_stay_capacity",
        _ => "name",
    }
}

/// The same id updated twice, or the same facility (name and place) added twice.
fn duplicates(layout: &Layout, rows: &[FacilityRow]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids = HashMap::new();
    let mut places = HashMap::new();
    for f in rows {
        if let Some(id) = f.id {
            let first = *ids.entry(id).or_insert(f.row);
            if first != f.row {
                problems.push(Problem::at(f.row, Some(&layout.name("id")), format!("facility {id} is also updated on row {first}")));
            }
        }
        let place = (f.draft.name.trim().to_string(), f.draft.location.lat.to_bits(), f.draft.location.lon.to_bits());
        let first = *places.entry(place).or_insert(f.row);
        if first != f.row {
            problems.push(Problem::at(f.row, Some(&layout.name("name")), format!("the same facility (name and location) is also on row {first}")));
        }
    }
    problems
}
