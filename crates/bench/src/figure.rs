//! One figure, printed as one JSON line (the benchmark contract of `docs/performance.md`).

use serde::Serialize;

/// What a figure must stay under: `max` of its `value` or of its `ratio`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The bound.
    pub max: f64,
    /// `"value"` or `"ratio"`.
    pub of: &'static str,
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable name (`export_cli_1m`).
    pub figure: String,
    /// What it measures, for people.
    pub label: String,
    /// The measurement (a median for timings).
    pub value: f64,
    /// Its unit (`ms`, `MB`).
    pub unit: &'static str,
    /// The reference measured in the same run, if the figure has one.
    pub reference: Option<f64>,
    /// What the reference is.
    pub reference_label: Option<String>,
    /// `value / reference`.
    pub ratio: Option<f64>,
    /// The target, if one applies to this figure.
    pub target: Option<Target>,
    /// Whether the target is met (`None` without a target).
    pub met: Option<bool>,
    /// How many runs the median is over.
    pub runs: u32,
    /// The data set.
    pub data: String,
    /// Per-file sizes behind a size figure (bytes), when it has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<std::collections::BTreeMap<String, u64>>,
}

impl Figure {
    /// A figure without a reference.
    pub fn plain(figure: &str, label: &str, value: f64, unit: &'static str, runs: u32, data: &str) -> Self {
        Figure {
            figure: figure.to_owned(),
            label: label.to_owned(),
            value: round(value),
            unit,
            reference: None,
            reference_label: None,
            ratio: None,
            target: None,
            met: None,
            runs,
            data: data.to_owned(),
            files: None,
        }
    }

    /// Adds a reference (and the ratio).
    pub fn against(mut self, reference: f64, reference_label: &str) -> Self {
        self.reference = Some(round(reference));
        self.reference_label = Some(reference_label.to_owned());
        self.ratio = (reference > 0.0).then(|| (self.value / reference * 100.0).round() / 100.0);
        self.met = self.met_now();
        self
    }

    /// Sets the target (and whether it is met).
    pub fn target(mut self, max: f64, of: &'static str) -> Self {
        self.target = Some(Target { max, of });
        self.met = self.met_now();
        self
    }

    fn met_now(&self) -> Option<bool> {
        let t = self.target.as_ref()?;
        let measured = if t.of == "ratio" { self.ratio? } else { self.value };
        Some(measured <= t.max)
    }

    /// The JSON line.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a figure serialises")
    }
}

/// Three significant decimals are plenty for a noisy measurement.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_the_contract_keys() {
        let f = Figure::plain("x_1m", "x", 12.0, "ms", 3, "rows-1m.db").against(10.0, "ref").target(1.5, "ratio");
        let v: serde_json::Value = serde_json::from_str(&f.to_line()).unwrap();
        for key in [
            "figure",
            "label",
            "value",
            "unit",
            "reference",
            "reference_label",
            "ratio",
            "target",
            "met",
            "runs",
            "data",
        ] {
            assert!(v.get(key).is_some(), "{key} missing");
        }
        assert_eq!(v["ratio"], 1.2);
        assert_eq!(v["met"], true);
        let g = Figure::plain("y", "y", 2.0, "MB", 1, "dist/").target(1.0, "value");
        assert_eq!(g.met, Some(false));
        assert!(g.to_line().contains("\"reference\":null"));
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
