//! LIKE patterns from words people typed: their own `%`, `_` and `\`
//! match only themselves, so "50%" finds "50%", not everything with "50".

/// `words` with LIKE's wildcards escaped.
fn escaped(words: &str, out: &mut String) {
    for c in words.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `%words%`: anything containing the words.
pub fn contains(words: &str) -> String {
    let mut pattern = String::with_capacity(words.len() + 2);
    pattern.push('%');
    escaped(words, &mut pattern);
    pattern.push('%');
    pattern
}

/// `words%`: anything starting with the words (an index can serve it).
pub fn prefix(words: &str) -> String {
    let mut pattern = String::with_capacity(words.len() + 1);
    escaped(words, &mut pattern);
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_typed_match_only_themselves() {
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(prefix("100%_a\\b"), "100\\%\\_a\\\\b%");
    }
}
