//! The error type of this crate: what is wrong with the municipality CSV or a boundary GeoJSON.

/// Why embedded or supplied geodata could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeodataError {
    /// A line of the municipality CSV is malformed (`line` counts from 1, the header is line 1).
    #[error("municipalities.csv line {line}: {message}")]
    Csv { line: usize, message: String },
    /// The text is not JSON at all.
    #[error("boundary GeoJSON is not valid JSON: {0}")]
    Json(String),
    /// The JSON is not a GeoJSON FeatureCollection with a `features` array.
    #[error("boundary GeoJSON is not a FeatureCollection: {0}")]
    NotFeatureCollection(String),
    /// A feature's municipal code is missing or invalid.
    #[error("feature {index}: bad municipal code {code}: {message}")]
    BadCode {
        index: usize,
        code: String,
        message: String,
    },
    /// A feature is not an object, or lacks `properties` or a name.
    #[error("feature {index}: {message}")]
    BadFeature { index: usize, message: String },
    /// A feature's geometry is missing or neither Polygon nor MultiPolygon.
    #[error("feature {index}: geometry type {found} is not Polygon or MultiPolygon")]
    WrongGeometry { index: usize, found: String },
    /// A coordinate, ring or polygon of a feature is malformed; `path` locates it, e.g. `[0][1][5]`.
    #[error("feature {index}: bad coordinate at coordinates{path}: {message}")]
    BadCoordinate {
        index: usize,
        path: String,
        message: String,
    },
}
