//! The list of sample workshops the serve/build step publishes next to the app.
//!
//! `scripts/build-samples.sh` writes `samples/index.json` into the served directory: one entry
//! per `samples/<name>/workshop.yaml` of the repository, built or not.

use serde::{Deserialize, Serialize};

/// Where the index is served, relative to the page.
pub const INDEX_URL: &str = "samples/index.json";

/// `samples/index.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleIndex {
    /// Every sample source found, in name order.
    pub workshops: Vec<SampleEntry>,
}

/// One sample workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleEntry {
    /// The folder name below `samples/` (`sql-joins`).
    pub name: String,
    /// The built `.db`, relative to the page (`samples/sql-joins.db`); absent when the build failed.
    pub file: Option<String>,
    /// Size of the built file in bytes.
    pub bytes: Option<u64>,
    /// The same file gzipped (`samples/sql-joins.db.gz`), which adding it fetches: an eighth of
    /// the bytes on a slow network. Absent in an index without it.
    #[serde(default)]
    pub packed: Option<String>,
    /// Why it could not be built, when it was not.
    pub error: Option<String>,
}

/// A byte count for people, rounded: `812 bytes`, `49 KB`, `3.2 MB`, `1.2 GB`.
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1000;
    const MB: u64 = 1000 * KB;
    const GB: u64 = 1000 * MB;
    match bytes {
        b if b < KB => format!("{b} bytes"),
        b if b < MB => format!("{} KB", (b + KB / 2) / KB),
        b if b < GB => format!("{:.1} MB", b as f64 / MB as f64),
        b => format!("{:.1} GB", b as f64 / GB as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_index_the_script_writes() {
        let text = r#"{"workshops":[
            {"name":"sql-joins","file":"samples/sql-joins.db","bytes":49152,"packed":"samples/sql-joins.db.gz"},
            {"name":"broken","error":"stepwise build failed"}]}"#;
        let index: SampleIndex = serde_json::from_str(text).unwrap();
        assert_eq!(index.workshops.len(), 2);
        assert_eq!(index.workshops[0].file.as_deref(), Some("samples/sql-joins.db"));
        assert_eq!(index.workshops[0].packed.as_deref(), Some("samples/sql-joins.db.gz"));
        assert_eq!(index.workshops[1].packed, None);
        assert_eq!(index.workshops[1].file, None);
        assert_eq!(index.workshops[1].error.as_deref(), Some("stepwise build failed"));
    }

    #[test]
    fn sizes_read_naturally() {
        for (bytes, text) in [
            (0, "0 bytes"),
            (999, "999 bytes"),
            (1000, "1 KB"),
            (8192, "8 KB"),
            (49_152, "49 KB"),
            (3_200_000, "3.2 MB"),
            (1_200_000_000, "1.2 GB"),
        ] {
            assert_eq!(human_size(bytes), text);
        }
    }
}
