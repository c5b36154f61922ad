//! Where things are in `workshop.yaml`: the line of a step's block and of a key in it, for
//! messages that name the line.

/// A range of 0-based line numbers of `workshop.yaml`: the whole file, or one step's block.
pub(crate) type Block = std::ops::Range<usize>;

/// The line ranges of the items of the top-level `steps:` list, in order, so that a message
/// about step k points into step k (slugs and validation ids repeat across steps).
pub(crate) fn step_blocks(source: &str) -> Vec<Block> {
    let lines: Vec<&str> = source.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == "steps:") else { return Vec::new() };
    let mut starts = Vec::new();
    let mut indent = None;
    let mut end = lines.len();
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = l.len() - trimmed.len();
        if depth == 0 && !trimmed.starts_with('-') {
            end = i;
            break;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            let item = *indent.get_or_insert(depth);
            if depth == item {
                starts.push(i);
            }
        }
    }
    starts.iter().enumerate().map(|(k, &b)| b..starts.get(k + 1).copied().unwrap_or(end)).collect()
}

/// The 1-based line, within `lines`, of the first `key: value` (the key possibly after `- `).
pub(crate) fn line_of(source: &str, lines: &Block, key: &str, value: &str) -> Option<u64> {
    source
        .lines()
        .enumerate()
        .skip(lines.start)
        .take(lines.len())
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            l.strip_prefix(key)
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|r| r.trim().trim_matches(|c| c == '"' || c == '\'') == value)
        })
        .map(|(i, _)| i as u64 + 1)
}
