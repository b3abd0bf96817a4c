//! Reading the JMA data embedded in reversejp: the landslide-area polygons and `area.json`'s `class20s` names.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::Deserialize;

/// The reversejp release the data (and `geodata/README.md`) is pinned to.
pub const REVERSEJP_VERSION: &str = "0.2.1";

/// The only source feature whose code is not 7 digits: the Northern Territories (北方領土).
pub const HOPPO_CODE: &str = "hoppo";

/// One source feature: a municipality or one split part of it (7-digit code).
#[derive(Debug, Deserialize)]
pub struct SourceFeature {
    pub properties: SourceProperties,
    pub geometry: SourceGeometry,
}

#[derive(Debug, Deserialize)]
pub struct SourceProperties {
    pub code: String,
    pub name: String,
    #[serde(rename = "enName", default)]
    pub en_name: String,
}

#[derive(Debug, Deserialize)]
pub struct SourceGeometry {
    #[serde(rename = "type")]
    pub kind: String,
    /// polygon → ring → position `[lon, lat]`.
    pub coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Debug, Deserialize)]
struct SourceCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<SourceFeature>,
}

/// A `class20s` entry of `area.json` (name, reading, English name of a 7-digit area).
#[derive(Clone, Debug, Deserialize)]
pub struct AreaName {
    pub name: String,
    pub kana: String,
    #[serde(rename = "enName")]
    pub en_name: String,
}

#[derive(Deserialize)]
struct AreaFile {
    class20s: BTreeMap<String, AreaName>,
}

/// All features of `landslides_0.json` … `landslides_9.json`, in file order.
pub fn landslide_features() -> Result<Vec<SourceFeature>> {
    let mut all = Vec::new();
    for idx in 0..=9 {
        let text = reversejp::get_landslide_data(idx)
            .map_err(|e| anyhow!("reversejp::get_landslide_data({idx}): {e}"))?;
        let fc: SourceCollection = serde_json::from_str(&text)
            .with_context(|| format!("parsing landslides_{idx}.json"))?;
        ensure!(
            fc.kind == "FeatureCollection",
            "landslides_{idx}.json is a {}",
            fc.kind
        );
        all.extend(fc.features);
    }
    Ok(all)
}

/// The directory of the reversejp package as resolved by this workspace's `Cargo.lock`.
pub fn reversejp_dir() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            manifest,
        ])
        .output()
        .context("running cargo metadata")?;
    ensure!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("cargo metadata output")?;
    let packages = meta["packages"]
        .as_array()
        .ok_or_else(|| anyhow!("cargo metadata: no packages"))?;
    let found: Vec<&serde_json::Value> = packages
        .iter()
        .filter(|p| p["name"] == "reversejp")
        .collect();
    let [pkg] = found.as_slice() else {
        bail!(
            "cargo metadata lists {} reversejp packages, expected exactly one",
            found.len()
        );
    };
    ensure!(
        pkg["version"] == REVERSEJP_VERSION,
        "reversejp resolved to {} but this generator and geodata/README.md describe {REVERSEJP_VERSION}",
        pkg["version"]
    );
    let manifest_path = pkg["manifest_path"]
        .as_str()
        .ok_or_else(|| anyhow!("reversejp has no manifest_path"))?;
    let dir = PathBuf::from(manifest_path)
        .parent()
        .ok_or_else(|| anyhow!("manifest path {manifest_path} has no parent"))?
        .to_path_buf();
    Ok(dir)
}

/// `class20s` of `data/area.json.zip` in the reversejp package directory.
pub fn area_names() -> Result<BTreeMap<String, AreaName>> {
    let path = reversejp_dir()?.join("data").join("area.json.zip");
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .with_context(|| format!("opening {}", path.display()))?;
    let mut text = String::new();
    archive
        .by_name("area.json")
        .with_context(|| format!("{} has no area.json", path.display()))?
        .read_to_string(&mut text)?;
    let area: AreaFile = serde_json::from_str(&text).context("parsing area.json")?;
    Ok(area.class20s)
}
