//! Decoding an `application/x-www-form-urlencoded` body into ordered pairs,
//! keeping repeated names (multi-selects) and refusing invalid UTF-8
//! instead of silently replacing it.

use percent_encoding::percent_decode;

/// How many pairs `body` holds, without decoding any: a bound to check
/// before the per-pair work of [`decode`].
pub fn count(body: &[u8]) -> usize {
    body.split(|b| *b == b'&').filter(|p| !p.is_empty()).count()
}

/// Whether every name and value of `body` decodes to UTF-8: what
/// [`decode`] would flag, without building the pairs (nothing is
/// allocated for a field without `+` or escapes).
pub fn all_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&' || *b == b'=')
        .all(|raw| percent_decode(raw).decode_utf8().is_ok())
}

/// The pairs, and the names of fields whose bytes were not valid UTF-8
/// (their values are kept with replacement characters, to show again).
pub fn decode(body: &[u8]) -> (Vec<(String, String)>, Vec<String>) {
    decode_at_most(body, usize::MAX)
}

/// [`decode`] of the first `max` pairs only, so a body of a hundred
/// thousand fields costs no more than `max` of them.
pub fn decode_at_most(body: &[u8], max: usize) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut invalid = Vec::new();
    for part in body
        .split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .take(max)
    {
        let mut halves = part.splitn(2, |b| *b == b'=');
        let name = halves.next().unwrap_or_default();
        let value = halves.next().unwrap_or_default();
        let decode_one = |raw: &[u8]| {
            let plus_as_space: Vec<u8> = raw
                .iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect();
            let bytes: Vec<u8> = percent_decode(&plus_as_space).collect();
            match String::from_utf8(bytes) {
                Ok(s) => (s, true),
                Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
            }
        };
        let (name, name_ok) = decode_one(name);
        let (value, value_ok) = decode_one(value);
        if !(name_ok && value_ok) {
            invalid.push(name.clone());
        }
        pairs.push((name, value));
    }
    (pairs, invalid)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn keeps_order_and_repeats_and_flags_bad_utf8() {
        let (pairs, invalid) = decode(b"a=1&b=x+y&a=%C3%A9&c=%FF");
        assert_eq!(pairs[0], ("a".into(), "1".into()));
        assert_eq!(pairs[1], ("b".into(), "x y".into()));
        assert_eq!(pairs[2], ("a".into(), "é".into()));
        assert_eq!(invalid, vec!["c".to_owned()]);
    }

    #[test]
    fn tells_whether_every_field_is_text() {
        assert!(super::all_utf8(b"a=1&b=x+y&c=%C3%A9"));
        assert!(!super::all_utf8(b"a=1&c=%FF"));
        assert!(!super::all_utf8(b"%FF=1"));
    }

    #[test]
    fn counts_without_decoding_and_decodes_at_most_so_many() {
        assert_eq!(super::count(b""), 0);
        assert_eq!(super::count(b"a=1&&b=%FF&c"), 3);
        let (pairs, invalid) = super::decode_at_most(b"a=1&&b=2&c=%FF", 2);
        assert_eq!(pairs.len(), 2);
        assert!(invalid.is_empty());
    }
}
