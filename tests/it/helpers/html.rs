//! Parse pages and find elements, so assertions look at markup, not strings.

use scraper::{Html, Selector};

pub fn parse(body: &str) -> Html {
    Html::parse_document(body)
}

/// Texts of all elements matching a CSS selector.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).expect("valid selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Text of the first element matching. Panics, naming the selector, when
/// none does: an absent element must not pass as "does not contain".
/// Ask `texts(..).is_empty()` for absence.
pub fn text(doc: &Html, selector: &str) -> String {
    texts(doc, selector)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element matches {selector:?}"))
}

/// An attribute of every element matching.
pub fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).expect("valid selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}
