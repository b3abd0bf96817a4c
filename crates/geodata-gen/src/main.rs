//! `sango-geodata-gen`: regenerates `geodata/` (municipality list, boundaries, README) from the JMA polygons embedded in reversejp.
//!
//! Usage: `cargo run -p sango-geodata-gen -- --out geodata`. Diagnostics (merged municipalities,
//! stray rings, name cross-checks) go to stderr; the output files are deterministic.

mod codes;
mod names;
mod output;
mod rings;
mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result, bail, ensure};

use names::Names;
use rings::Ring;

/// One split part (or ward) of a municipality, as found in the source.
pub struct Part {
    pub code7: String,
    pub name: String,
    pub en_name: String,
    pub rebuilt: rings::Rebuilt,
}

/// Where a municipality's names came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameSource {
    /// The `class20s` entry of the only part.
    Single,
    /// A `class20s` entry `<5 digits>00` for the whole municipality (its parts have their own codes).
    WholeEntry,
    /// Derived from the parts' `class20s` entries by [`names::derive`].
    Derived,
}

/// A municipality: all parts with the same 5-digit code (wards merged into their city).
pub struct Municipality {
    pub five: String,
    pub code: String,
    pub names: Names,
    pub name_source: NameSource,
    pub parts: Vec<Part>,
}

impl Municipality {
    pub fn polygons(&self) -> impl Iterator<Item = &Vec<Ring>> {
        self.parts.iter().flat_map(|p| p.rebuilt.polygons.iter())
    }
}

fn parse_args() -> Result<PathBuf> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, dir] if flag == "--out" => Ok(PathBuf::from(dir)),
        _ => bail!(
            "usage: sango-geodata-gen --out <dir>   (normally: cargo run -p sango-geodata-gen -- --out geodata)"
        ),
    }
}

fn main() -> Result<()> {
    let out_dir = parse_args()?;
    let features = source::landslide_features()?;
    let area = source::area_names()?;
    let source_features = features.len();

    let mut groups: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for f in features {
        let p = f.properties;
        if p.code == source::HOPPO_CODE {
            let all = f.geometry.coordinates.iter().flatten().flatten();
            let (lon, lat) = all.fold(((f64::MAX, f64::MIN), (f64::MAX, f64::MIN)), |(x, y), c| {
                (
                    (x.0.min(c[0]), x.1.max(c[0])),
                    (y.0.min(c[1]), y.1.max(c[1])),
                )
            });
            skipped.push(format!(
                "`{}` ({} / {}, {} polygons, longitude {}–{}, latitude {}–{})",
                p.code,
                p.name,
                p.en_name,
                f.geometry.coordinates.len(),
                lon.0,
                lon.1,
                lat.0,
                lat.1
            ));
            continue;
        }
        ensure!(
            f.geometry.kind == "MultiPolygon",
            "{}: geometry is {}",
            p.code,
            f.geometry.kind
        );
        let five = codes::municipality_of(&p.code)?;
        let rebuilt = rings::rebuild(&p.code, &f.geometry.coordinates)?;
        groups.entry(five).or_default().push(Part {
            code7: p.code,
            name: p.name,
            en_name: p.en_name,
            rebuilt,
        });
    }
    ensure!(
        skipped.len() == 1,
        "expected exactly one {:?} feature, found {}",
        source::HOPPO_CODE,
        skipped.len()
    );

    mark_duplicate_strays(&mut groups);

    // The Northern Territories' six villages (01695–01700) must not appear under codes of their own.
    let northern_territories = |c: &str| ("01695".."01701").contains(&&c[..c.len().min(5)]);
    ensure!(
        !groups
            .keys()
            .chain(area.keys())
            .any(|c| northern_territories(c)),
        "the source now has codes 01695–01700 (Northern Territories villages); review the skip rule"
    );

    // class20s names, grouped like the features.
    let mut area_groups: BTreeMap<String, Vec<(&String, &source::AreaName)>> = BTreeMap::new();
    for (code7, n) in &area {
        area_groups
            .entry(codes::municipality_of(code7)?)
            .or_default()
            .push((code7, n));
    }

    let mut municipalities = Vec::new();
    let mut warnings = Vec::new();
    for (five, mut parts) in groups {
        parts.sort_by(|a, b| a.code7.cmp(&b.code7));
        let to_names = |n: &source::AreaName| Names {
            name: n.name.clone(),
            kana: n.kana.clone(),
            en_name: n.en_name.clone(),
        };
        let recs = area_groups
            .get(&five)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let whole_key = format!("{five}00");
        let (names, name_source) = if let Some((_, n)) = recs.iter().find(|(k, _)| **k == whole_key)
        {
            (to_names(n), NameSource::WholeEntry)
        } else if let [(_, n)] = recs {
            (to_names(n), NameSource::Single)
        } else if recs.len() > 1 {
            let part_names: Vec<Names> = recs.iter().map(|(_, n)| to_names(n)).collect();
            (
                names::derive(&part_names).with_context(|| format!("naming {five}"))?,
                NameSource::Derived,
            )
        } else {
            bail!("{five}: no class20s entry names this municipality");
        };
        ensure!(
            !names.name.is_empty() && !names.kana.is_empty() && !names.en_name.is_empty(),
            "{five}: empty name, kana or English name: {names:?}"
        );
        // Cross-check the chosen names against the rule applied to the feature names themselves.
        let from_features = if parts.len() == 1 {
            Ok(Names {
                name: parts[0].name.clone(),
                kana: String::new(),
                en_name: parts[0].en_name.clone(),
            })
        } else {
            let feature_names: Vec<Names> = parts
                .iter()
                .map(|p| Names {
                    name: p.name.clone(),
                    kana: String::new(),
                    en_name: p.en_name.clone(),
                })
                .collect();
            names::derive(&feature_names)
        };
        match from_features {
            Ok(d) if d.name == names.name && d.en_name == names.en_name => {}
            Ok(d) => warnings.push(format!(
                "{five}: chosen {} / {} but the feature names give {} / {}",
                names.name, names.en_name, d.name, d.en_name
            )),
            Err(e) => warnings.push(format!("{five}: the feature names do not derive: {e}")),
        }
        let code = codes::six_digit(&five)?;
        ensure!(
            code == format!("{five}{}", codes::check_digit(&five)),
            "{five}: check digits disagree ({code})"
        );
        municipalities.push(Municipality {
            five,
            code,
            names,
            name_source,
            parts,
        });
    }
    municipalities.sort_by(|a, b| a.code.cmp(&b.code));

    report(&municipalities, &skipped, &warnings);
    let stats = output::write_all(&out_dir, &municipalities, source_features, &skipped)?;
    eprintln!(
        "wrote {}: {} municipalities, {} polygons, {} holes ({} matching an enclave's polygon), {} stray counter-clockwise rings kept as polygons ({} dropped), boundaries.geojson {} bytes",
        out_dir.display(),
        municipalities.len(),
        stats.polygons,
        stats.holes,
        stats.holes_matching_enclave,
        stats.strays_kept,
        stats.strays_dropped.len(),
        stats.geojson_bytes
    );
    Ok(())
}

/// Marks and drops stray rings whose vertices are all vertices of one outer ring of another
/// municipality: the stray then lies on that municipality's polygon (this one's enclosing ring was
/// lost in the simplification), and keeping it would make both claim the area.
fn mark_duplicate_strays(groups: &mut BTreeMap<String, Vec<Part>>) {
    let mut outers: Vec<(String, HashSet<(u64, u64)>)> = Vec::new();
    for (five, parts) in groups.iter() {
        for p in parts {
            for (k, poly) in p.rebuilt.polygons.iter().enumerate() {
                if !p.rebuilt.is_stray(k) {
                    outers.push((
                        five.clone(),
                        rings::vertex_key(&poly[0]).into_iter().collect(),
                    ));
                }
            }
        }
    }
    for (five, parts) in groups.iter_mut() {
        for p in parts.iter_mut() {
            let rebuilt = &mut p.rebuilt;
            for stray in &mut rebuilt.strays {
                let key = rings::vertex_key(&rebuilt.polygons[stray.polygon_index][0]);
                stray.duplicate_of = outers
                    .iter()
                    .find(|(other, set)| other != five && key.iter().all(|v| set.contains(v)))
                    .map(|(other, _)| other.clone());
            }
            rebuilt.drop_duplicates();
        }
    }
}

/// Merged municipalities, stray rings and name warnings, for review.
fn report(municipalities: &[Municipality], skipped: &[String], warnings: &[String]) {
    for s in skipped {
        eprintln!("skipped: {s}");
    }
    for m in municipalities.iter().filter(|m| m.parts.len() > 1) {
        let parts: Vec<String> = m
            .parts
            .iter()
            .map(|p| format!("{} {}", p.code7, p.name))
            .collect();
        eprintln!(
            "merged {} {} ({}, {}) [{:?}] <- {}",
            m.code,
            m.names.name,
            m.names.kana,
            m.names.en_name,
            m.name_source,
            parts.join(", ")
        );
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for m in municipalities {
        for p in &m.parts {
            for s in &p.rebuilt.strays {
                let fate = match &s.duplicate_of {
                    Some(other) => {
                        format!("dropped: its vertices are those of a polygon of {other}")
                    }
                    None => "kept as a polygon".to_string(),
                };
                eprintln!(
                    "stray counter-clockwise ring {} {} polygon {}, area {:.2e} deg²: {fate}",
                    p.code7, p.name, s.source_index, s.area
                );
            }
        }
        *names.entry(m.names.name.as_str()).or_default() += 1;
    }
    for w in warnings {
        eprintln!("name check: {w}");
    }
    let mut shared: Vec<&str> = names
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect();
    shared.sort_unstable();
    eprintln!(
        "{} names are used by more than one municipality: {}",
        shared.len(),
        shared.join(" ")
    );
}
