//! The `next` parameter after sign-in: only paths on this site, so a link
//! cannot bounce a fresh session to another site (no open redirect).

/// `next` if it is a same-site relative path, else `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else { return "/".into() };
    let decoded = percent_decode(next);
    let ok = [next, decoded.as_str()].iter().all(|candidate| {
        candidate.starts_with('/')
            && !candidate.starts_with("//")
            && !candidate.contains('\\')
            && !candidate
                .chars()
                .any(|c| c.is_control() || c.is_whitespace())
    });
    // A path longer than any page of this site is not one of its pages.
    if ok && next.len() <= 2048 {
        next.to_owned()
    } else {
        "/".into()
    }
}

/// Decodes percent-escapes repeatedly (an attacker may encode twice).
fn percent_decode(value: &str) -> String {
    let mut current = value.to_owned();
    for _ in 0..3 {
        let decoded: String =
            url::form_urlencoded::parse(format!("x={}", current.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        if decoded == current {
            break;
        }
        current = decoded;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_survive() {
        assert_eq!(safe_next(Some("/queue?view=mine")), "/queue?view=mine");
        assert_eq!(safe_next(Some("/issues/1042")), "/issues/1042");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "%2F%2Fevil.example",
            "/%2Fevil.example",
            "/%5Cevil.example",
            "%252F%252Fevil.example",
            "javascript:alert(1)",
            "/\tevil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
