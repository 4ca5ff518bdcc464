//! Decoding an `application/x-www-form-urlencoded` body into ordered pairs,
//! keeping repeated names (multi-selects) and refusing invalid UTF-8
//! instead of silently replacing it.

use percent_encoding::percent_decode;

/// The pairs, and the names of fields whose bytes were not valid UTF-8
/// (their values are kept with replacement characters, to show again).
pub fn decode(body: &[u8]) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut invalid = Vec::new();
    for part in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
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
}
