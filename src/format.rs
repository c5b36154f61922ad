//! Numbers and times written for people.

pub use crate::samples::human_size;

// Off the browser only the tests call it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
/// How long ago `then_ms` was at `now_ms` (milliseconds since the epoch): `just now`,
/// `5 minutes ago`, `yesterday`, `12 days ago`.
pub fn ago(then_ms: f64, now_ms: f64) -> String {
    let seconds = ((now_ms - then_ms) / 1000.0).max(0.0) as u64;
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    let plural = |n: u64, unit: &str| if n == 1 { format!("1 {unit} ago") } else { format!("{n} {unit}s ago") };
    match () {
        () if seconds < 60 => "just now".to_owned(),
        () if minutes < 60 => plural(minutes, "minute"),
        () if hours < 24 => plural(hours, "hour"),
        () if days == 1 => "yesterday".to_owned(),
        () if days < 60 => plural(days, "day"),
        () => plural(days / 30, "month"),
    }
}

/// How long ago an RFC 3339 time was, by the browser's clock; `None` if it cannot be read.
#[cfg(target_arch = "wasm32")]
pub fn ago_rfc3339(time: &str) -> Option<String> {
    let then = js_sys::Date::parse(time);
    (!then.is_nan()).then(|| ago(then, js_sys::Date::now()))
}

/// How long ago an RFC 3339 time was (off the browser there is no clock to ask).
#[cfg(not(target_arch = "wasm32"))]
pub fn ago_rfc3339(_time: &str) -> Option<String> {
    None
}

/// `3 of 8 steps done`, `1 table`, `no steps`.
pub fn count(n: u32, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_naturally() {
        const MIN: f64 = 60_000.0;
        for (delta, text) in [
            (0.0, "just now"),
            (59_000.0, "just now"),
            (MIN, "1 minute ago"),
            (5.0 * MIN, "5 minutes ago"),
            (60.0 * MIN, "1 hour ago"),
            (23.0 * 60.0 * MIN, "23 hours ago"),
            (24.0 * 60.0 * MIN, "yesterday"),
            (3.0 * 24.0 * 60.0 * MIN, "3 days ago"),
            (90.0 * 24.0 * 60.0 * MIN, "3 months ago"),
            (-5.0 * MIN, "just now"),
        ] {
            assert_eq!(ago(1e12, 1e12 + delta), text);
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(1, "step", "steps"), "1 step");
        assert_eq!(count(0, "step", "steps"), "0 steps");
        assert_eq!(count(8, "step", "steps"), "8 steps");
    }
}
