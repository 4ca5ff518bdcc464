//! The rules of the admin's customer and environment forms: a customer's
//! name and its e-mail domains for OAuth self sign-up (one per line, each
//! a real domain name, lower-cased, duplicates collapsed), and an
//! environment's name and type. Pure: whether a name or domain is taken is
//! the database's to say.

use crate::db::models::enums::EnvType;
use crate::domain::form_errors::FormErrors;
use crate::domain::text::{self, TextRule};

/// A customer's name (the column holds 255).
pub const CUSTOMER_NAME: TextRule<'static> = TextRule {
    label: "the customer's name",
    required: true,
    max_chars: 255,
    multiline: false,
};

/// An environment's name (the column holds 255).
pub const ENVIRONMENT_NAME: TextRule<'static> = TextRule {
    label: "the environment's name",
    required: true,
    max_chars: 255,
    multiline: false,
};

/// The longest domain name DNS allows, as `customer_domains` holds it.
pub const DOMAIN_MAX: usize = 253;
/// The longest label (the part between dots) DNS allows.
const LABEL_MAX: usize = 63;
/// The most domains one customer keeps: a company has a few; more is a
/// paste gone wrong, and bounds the work one form can cause.
pub const DOMAINS_MAX: usize = 100;
/// The most characters the domains box takes (every domain at its longest,
/// with its line break and some blank lines).
pub const DOMAINS_TEXT_MAX: usize = DOMAINS_MAX * (DOMAIN_MAX + 2);
/// How many bad lines one message names; the rest are counted.
const BAD_LINES_NAMED: usize = 5;

/// One domain of the box, with the line it was typed on (1-based), so a
/// message about it can name the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainLine {
    pub line: usize,
    pub domain: String,
}

/// A valid customer form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDraft {
    pub name: String,
    /// Distinct, lower-case, in the order typed.
    pub domains: Vec<DomainLine>,
}

impl CustomerDraft {
    /// The domains alone, sorted: the set as stored and audited.
    pub fn domain_set(&self) -> Vec<String> {
        let mut set: Vec<String> = self.domains.iter().map(|d| d.domain.clone()).collect();
        set.sort();
        set
    }
}

/// Checks the customer form's `name` and `domains`; every message is
/// beside its field.
pub fn customer(name: &str, domains: &str) -> Result<CustomerDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let name = text::check(name, &CUSTOMER_NAME).map_err(|m| errors.add("name", m));
    let domains = domain_list(domains).map_err(|m| errors.add("domains", m));
    match (name, domains) {
        (Ok(name), Ok(domains)) => Ok(CustomerDraft { name, domains }),
        _ => Err(errors),
    }
}

/// A valid environment form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentDraft {
    pub name: String,
    pub env_type: EnvType,
}

/// Checks an environment form's `name` and `env_type`.
pub fn environment(name: &str, env_type: &str) -> Result<EnvironmentDraft, FormErrors> {
    let mut errors = FormErrors::default();
    let name = text::check(name, &ENVIRONMENT_NAME).map_err(|m| errors.add("name", m));
    let env_type = EnvType::parse(env_type).ok_or_else(|| errors.add("env_type", "Choose a type."));
    match (name, env_type) {
        (Ok(name), Ok(env_type)) => Ok(EnvironmentDraft { name, env_type }),
        _ => Err(errors),
    }
}

/// The domains box read line by line: blank lines skipped, each other
/// line one domain, a domain typed twice kept once (at its first line).
/// The message names every bad line (the first few, then a count).
pub fn domain_list(raw: &str) -> Result<Vec<DomainLine>, String> {
    // Counted before anything else so a huge paste costs one pass.
    let chars = raw.chars().count();
    if chars > DOMAINS_TEXT_MAX {
        return Err(format!(
            "Use at most {DOMAINS_TEXT_MAX} characters for the domains (this has {chars})."
        ));
    }
    let mut domains: Vec<DomainLine> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    let mut bad_count = 0;
    for (i, line) in raw.lines().enumerate() {
        let typed = line.trim();
        if typed.is_empty() {
            continue;
        }
        match domain(typed) {
            Ok(domain) => {
                if !domains.iter().any(|d| d.domain == domain) {
                    domains.push(DomainLine {
                        line: i + 1,
                        domain,
                    });
                }
            }
            Err(why) => {
                bad_count += 1;
                if bad.len() < BAD_LINES_NAMED {
                    bad.push(format!("Line {} ({}): {why}", i + 1, shown(typed)));
                }
            }
        }
    }
    if bad_count > 0 {
        let mut message = bad.join(" ");
        if bad_count > bad.len() {
            message.push_str(&format!(" And {} more lines.", bad_count - bad.len()));
        }
        return Err(message);
    }
    if domains.len() > DOMAINS_MAX {
        return Err(format!(
            "Keep at most {DOMAINS_MAX} domains (this has {}).",
            domains.len()
        ));
    }
    Ok(domains)
}

/// One domain name, lower-cased; `Err` is the sentence saying what to change.
pub fn domain(raw: &str) -> Result<String, &'static str> {
    let domain = raw.trim().to_ascii_lowercase();
    if text::has_control(&domain, false) {
        return Err("remove the control characters.");
    }
    if domain.contains("://") {
        return Err("write the domain alone, without http:// or a path.");
    }
    if domain.contains('@') {
        return Err("write the domain alone, without the @ and the name before it.");
    }
    if domain.contains(char::is_whitespace) {
        return Err("write one domain per line, without spaces.");
    }
    if domain.len() > DOMAIN_MAX {
        return Err("a domain has at most 253 characters.");
    }
    if !domain.is_ascii() {
        return Err("use the ASCII form of the domain (xn--…).");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("a domain has at least one dot, like example.com.");
    }
    for label in &labels {
        if label.is_empty() {
            return Err("a domain has no empty parts between its dots.");
        }
        if label.len() > LABEL_MAX {
            return Err("each part of a domain has at most 63 characters.");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("use only letters, digits, hyphens and dots.");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a part of a domain does not start or end with a hyphen.");
        }
    }
    // An address like 10.0.0.1 is not a domain anyone has mail at.
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("a domain ends in letters, like example.com, not an IP address.");
    }
    Ok(domain)
}

/// A typed line as a message quotes it: at most 60 characters.
fn shown(typed: &str) -> String {
    const MOST: usize = 60;
    let mut out: String = typed
        .chars()
        .take(MOST)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if typed.chars().count() > MOST {
        out.push('…');
    }
    format!("“{out}”")
}

/// The domains as the box shows them: one per line.
pub fn domains_text<S: AsRef<str>>(domains: &[S]) -> String {
    domains
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_cased_and_trimmed() {
        assert_eq!(domain("  Acme.Example ").unwrap(), "acme.example");
        assert_eq!(
            domain("mail.eu-west.acme.co.uk").unwrap(),
            "mail.eu-west.acme.co.uk"
        );
        assert_eq!(
            domain("xn--bcher-kva.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(domain("3com.com").unwrap(), "3com.com");
    }

    #[test]
    fn what_is_not_a_domain_is_refused_with_its_reason() {
        for (bad, why) in [
            ("example", "at least one dot"),
            ("https://acme.example", "without http://"),
            ("ada@acme.example", "without the @"),
            ("@acme.example", "without the @"),
            ("acme .example", "without spaces"),
            ("acme..example", "no empty parts"),
            (".acme.example", "no empty parts"),
            ("acme.example.", "no empty parts"),
            ("-acme.example", "hyphen"),
            ("acme-.example", "hyphen"),
            ("acme_1.example", "only letters"),
            ("acme.example/path", "only letters"),
            ("bücher.example", "ASCII form"),
            ("10.0.0.1", "not an IP address"),
            ("a\0b.example", "control characters"),
        ] {
            let err = domain(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(domain(&long_label).unwrap_err().contains("63"));
        assert!(domain(&format!("{}.example", "a".repeat(63))).is_ok());
        // 4 × 63 + 3 dots = 255 > 253.
        let long = ["a".repeat(63).as_str(); 4].join(".");
        assert!(domain(&long).unwrap_err().contains("253"));
        let longest = format!(
            "{}.{}",
            ["a".repeat(63).as_str(); 3].join("."),
            "a".repeat(61)
        );
        assert_eq!(longest.len(), 253);
        assert!(domain(&longest).is_ok());
    }

    #[test]
    fn a_list_skips_blank_lines_and_collapses_duplicates_at_their_first_line() {
        let list =
            domain_list("acme.example\n\n  Acme.EXAMPLE \r\nacme.io\r\n\nacme.example").unwrap();
        assert_eq!(
            list,
            vec![
                DomainLine {
                    line: 1,
                    domain: "acme.example".into()
                },
                DomainLine {
                    line: 4,
                    domain: "acme.io".into()
                },
            ]
        );
        assert_eq!(domain_list("").unwrap(), vec![]);
        assert_eq!(domain_list(" \n \n").unwrap(), vec![]);
    }

    #[test]
    fn a_list_names_each_bad_line() {
        let err = domain_list("acme.example\nacme io\nok.example\n@acme.io").unwrap_err();
        assert!(err.starts_with("Line 2 (“acme io”): "), "{err}");
        assert!(err.contains("Line 4 (“@acme.io”): "), "{err}");
        assert!(!err.contains("Line 1") && !err.contains("Line 3"), "{err}");

        let many = ["bad"; 8].join("\n");
        let err = domain_list(&many).unwrap_err();
        assert!(err.contains("Line 5 ") && !err.contains("Line 6 "), "{err}");
        assert!(err.ends_with("And 3 more lines."), "{err}");

        let long_line = format!("{} x", "y".repeat(100));
        assert!(domain_list(&long_line).unwrap_err().contains("…”"));
    }

    #[test]
    fn a_list_is_bounded() {
        let many: Vec<String> = (0..=DOMAINS_MAX).map(|i| format!("d{i}.example")).collect();
        let err = domain_list(&many.join("\n")).unwrap_err();
        assert!(err.contains("at most 100 domains"), "{err}");
        assert_eq!(
            domain_list(&many[..DOMAINS_MAX].join("\n")).unwrap().len(),
            DOMAINS_MAX
        );
        let huge = "a".repeat(DOMAINS_TEXT_MAX + 1);
        assert!(domain_list(&huge).unwrap_err().contains("at most"));
    }

    #[test]
    fn a_customer_form_reports_every_field() {
        let errors = customer(" ", "nope").unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter the customer's name."));
        assert!(errors.get("domains").unwrap().starts_with("Line 1"));

        let draft = customer(" Acme ", "b.example\na.example").unwrap();
        assert_eq!(draft.name, "Acme");
        assert_eq!(draft.domain_set(), vec!["a.example", "b.example"]);
        assert!(customer("A\0cme", "").unwrap_err().get("name").is_some());
        assert!(
            customer(&"x".repeat(256), "")
                .unwrap_err()
                .get("name")
                .is_some()
        );
    }

    #[test]
    fn an_environment_form_needs_a_name_and_a_known_type() {
        let env = environment(" prod-eu ", "production").unwrap();
        assert_eq!(env.name, "prod-eu");
        assert_eq!(env.env_type, EnvType::Production);
        let errors = environment("", "live").unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter the environment's name."));
        assert_eq!(errors.get("env_type"), Some("Choose a type."));
        assert!(environment("a\nb", "dev").is_err());
    }

    #[test]
    fn domains_show_one_per_line() {
        assert_eq!(
            domains_text(&["a.example", "b.example"]),
            "a.example\nb.example"
        );
        assert_eq!(domains_text::<&str>(&[]), "");
    }
}
