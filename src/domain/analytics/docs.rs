//! The doc analytics' definitions (DESIGN.md "Admin"), on the figures the
//! rollups sum: a form session is one rendering of the issue form; a doc
//! is *shown* in a session that suggested it at least once, *helpful* or
//! *dismissed* in a session that marked it so, *filed after helpful* when
//! that session still filed; a session is *deflected* when it marked a doc
//! helpful and filed nothing, and the deflection rate is deflected
//! sessions over sessions shown at least one doc. Per Diátaxis type and
//! per plane the doc figures are summed over the docs (a session shown two
//! how-tos counts twice for how-tos). Per context value: deflected
//! sessions whose snapshot had the value against issues filed with it;
//! gaps are the values with the most issues filed from sessions with no
//! doc marked helpful.
//!
//! Also here: the per-doc table's sort order (parsed from `sort` and
//! `dir`, an unknown one noted and replaced by the default), its
//! `min_shown` threshold, and which table a CSV download is.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::db::models::enums::{DocType, keyword_enum};
use crate::domain::analytics::format::ratio;

/// The headline: what happened to the form sessions in range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headline {
    pub sessions: i64,
    /// Sessions shown at least one doc.
    pub shown: i64,
    pub deflected: i64,
    /// Sessions that filed an issue.
    pub filed: i64,
}

impl Headline {
    pub fn deflection_rate(&self) -> Option<f64> {
        ratio(self.deflected, self.shown)
    }
}

/// Sessions that showed, found helpful, dismissed, and found helpful yet
/// filed: of one doc, or summed over several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocFigures {
    pub shown: i64,
    pub helpful: i64,
    pub dismissed: i64,
    pub filed_after_helpful: i64,
}

impl DocFigures {
    pub fn helpful_rate(&self) -> Option<f64> {
        ratio(self.helpful, self.shown)
    }

    pub fn add(&mut self, other: &DocFigures) {
        self.shown += other.shown;
        self.helpful += other.helpful;
        self.dismissed += other.dismissed;
        self.filed_after_helpful += other.filed_after_helpful;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocRow {
    pub doc_id: Uuid,
    pub url: String,
    pub title: String,
    pub doc_type: DocType,
    pub figures: DocFigures,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeRow {
    pub doc_type: DocType,
    pub figures: DocFigures,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlaneRow {
    /// (slug, name); `None` for sessions that chose no area.
    pub plane: Option<(String, String)>,
    pub figures: DocFigures,
}

/// One option of a context field.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRow {
    pub plane_slug: String,
    pub plane_name: String,
    pub context_key: String,
    pub field_label: String,
    pub value: String,
    pub option_label: String,
    /// Deflected sessions whose snapshot had this value.
    pub deflected: i64,
    /// Issues filed from sessions with it.
    pub filed: i64,
    /// Of those, from sessions with no doc marked helpful.
    pub filed_unhelped: i64,
}

impl ContextRow {
    /// Of the sessions with this value that ended (deflected or filed),
    /// the share deflected.
    pub fn deflected_share(&self) -> Option<f64> {
        ratio(self.deflected, self.deflected + self.filed)
    }
}

/// One ISO week of the trend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekRow {
    /// The week's Monday.
    pub week: NaiveDate,
    /// Sessions shown a doc, and of them deflected.
    pub sessions_shown: i64,
    pub deflected: i64,
    /// Docs shown (session × doc), and of them marked helpful.
    pub docs_shown: i64,
    pub helpful: i64,
}

impl WeekRow {
    pub fn deflection_rate(&self) -> Option<f64> {
        ratio(self.deflected, self.sessions_shown)
    }

    pub fn helpful_rate(&self) -> Option<f64> {
        ratio(self.helpful, self.docs_shown)
    }
}

/// Per type: every type, in the catalog's order, zeros included.
pub fn by_type(docs: &[DocRow]) -> Vec<TypeRow> {
    DocType::ALL
        .iter()
        .map(|t| {
            let mut figures = DocFigures::default();
            for d in docs.iter().filter(|d| d.doc_type == *t) {
                figures.add(&d.figures);
            }
            TypeRow {
                doc_type: *t,
                figures,
            }
        })
        .collect()
}

keyword_enum!(DocSort, {
    Shown = "shown" / "Shown",
    Helpful = "helpful" / "Helpful",
    Dismissed = "dismissed" / "Dismissed",
    HelpfulRate = "helpful_rate" / "Helpful rate",
    FiledAfterHelpful = "filed_after_helpful" / "Filed after helpful",
    Title = "title" / "Title",
});

keyword_enum!(Direction, {
    Desc = "desc" / "Highest first",
    Asc = "asc" / "Lowest first",
});

/// Docs with fewer shows say little about their helpful rate: the "least
/// helpful" list only ranks docs shown at least this often.
pub const LEAST_HELPFUL_MIN_SHOWN: i64 = 10;
/// How many docs the "least helpful" list names.
pub const LEAST_HELPFUL_COUNT: usize = 5;

/// How the per-doc table is ordered and which docs it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocOrder {
    pub sort: DocSort,
    pub dir: Direction,
    /// Only docs shown at least this often.
    pub min_shown: i64,
}

impl Default for DocOrder {
    fn default() -> Self {
        DocOrder {
            sort: DocSort::Shown,
            dir: Direction::Desc,
            min_shown: 0,
        }
    }
}

/// A table parameter that could not be read; the default is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderNotice {
    BadSort,
    BadDir,
    BadMinShown,
    BadTable,
    /// A download whose parameters could not all be read.
    NothingDownloaded,
}

impl OrderNotice {
    pub fn sentence(self) -> &'static str {
        match self {
            OrderNotice::BadSort => {
                "That sort order is unknown, so docs are sorted by times shown."
            }
            OrderNotice::BadDir => "That direction is unknown, so the highest come first.",
            OrderNotice::BadMinShown => {
                "The minimum of times shown is not a whole number from 0 to 1,000,000, so every doc shown is listed."
            }
            OrderNotice::BadTable => "That table is unknown.",
            OrderNotice::NothingDownloaded => {
                "Nothing was downloaded, so as not to give other figures than those asked for: the page shows what the link asked for as it could be read; download again from here."
            }
        }
    }
}

/// The most a `min_shown` can ask: more than any range holds is no filter
/// anyone means.
const MIN_SHOWN_MAX: i64 = 1_000_000;

impl DocOrder {
    /// Reads `sort`, `dir` and `min_shown` (first value wins, empty is
    /// unset); each unreadable one is noted and left at its default.
    pub fn parse(pairs: &[(String, String)]) -> (DocOrder, Vec<OrderNotice>) {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, v)| n == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        };
        let mut notices = Vec::new();
        let mut order = DocOrder::default();
        if let Some(raw) = get("sort") {
            match DocSort::parse(raw) {
                Some(sort) => order.sort = sort,
                None => notices.push(OrderNotice::BadSort),
            }
        }
        if let Some(raw) = get("dir") {
            match Direction::parse(raw) {
                Some(dir) => order.dir = dir,
                None => notices.push(OrderNotice::BadDir),
            }
        }
        if let Some(raw) = get("min_shown") {
            match raw.parse::<i64>() {
                Ok(n) if (0..=MIN_SHOWN_MAX).contains(&n) => order.min_shown = n,
                _ => notices.push(OrderNotice::BadMinShown),
            }
        }
        (order, notices)
    }

    /// The query pairs that give this order back, defaults left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let default = DocOrder::default();
        let mut out = Vec::new();
        if self.sort != default.sort {
            out.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.dir != default.dir {
            out.push(("dir", self.dir.as_str().to_owned()));
        }
        if self.min_shown != default.min_shown {
            out.push(("min_shown", self.min_shown.to_string()));
        }
        out
    }

    /// The docs this order keeps, in its order; ties by title, then
    /// address, except that docs of the same helpful rate list the most
    /// shown first (the rate of more showings says more).
    pub fn apply(&self, docs: &[DocRow]) -> Vec<DocRow> {
        let mut kept: Vec<DocRow> = docs
            .iter()
            .filter(|d| d.figures.shown >= self.min_shown)
            .cloned()
            .collect();
        kept.sort_by(|a, b| {
            let by_key = match self.sort {
                DocSort::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
                DocSort::Shown => a.figures.shown.cmp(&b.figures.shown),
                DocSort::Helpful => a.figures.helpful.cmp(&b.figures.helpful),
                DocSort::Dismissed => a.figures.dismissed.cmp(&b.figures.dismissed),
                DocSort::FiledAfterHelpful => a
                    .figures
                    .filed_after_helpful
                    .cmp(&b.figures.filed_after_helpful),
                // Docs are only listed when shown, so every rate is defined;
                // an undefined one would sort as the lowest.
                DocSort::HelpfulRate => {
                    let rate = |d: &DocRow| d.figures.helpful_rate().unwrap_or(-1.0);
                    rate(a).total_cmp(&rate(b))
                }
            };
            let by_key = match self.dir {
                Direction::Asc => by_key,
                Direction::Desc => by_key.reverse(),
            };
            let by_showings = match self.sort {
                DocSort::HelpfulRate => b.figures.shown.cmp(&a.figures.shown),
                _ => std::cmp::Ordering::Equal,
            };
            by_key
                .then(by_showings)
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
                .then_with(|| a.url.cmp(&b.url))
        });
        kept
    }
}

/// The worst performers: docs shown at least
/// [`LEAST_HELPFUL_MIN_SHOWN`] times, lowest helpful rate first (then the
/// most shown), at most [`LEAST_HELPFUL_COUNT`]: the first rows of the
/// per-doc table in [`least_helpful_order`], which the page links to.
pub fn least_helpful(docs: &[DocRow]) -> Vec<DocRow> {
    let mut worst = least_helpful_order().apply(docs);
    worst.truncate(LEAST_HELPFUL_COUNT);
    worst
}

/// The per-doc table's order that lists the worst performers first.
pub fn least_helpful_order() -> DocOrder {
    DocOrder {
        sort: DocSort::HelpfulRate,
        dir: Direction::Asc,
        min_shown: LEAST_HELPFUL_MIN_SHOWN,
    }
}

/// Per context value, the values with most sessions ending first
/// (deflected or filed), then by plane, field and value.
pub fn contexts_in_order(rows: &[ContextRow]) -> Vec<ContextRow> {
    let mut out = rows.to_vec();
    out.sort_by(|a, b| {
        (b.deflected + b.filed)
            .cmp(&(a.deflected + a.filed))
            .then_with(|| context_key(a).cmp(&context_key(b)))
    });
    out
}

fn context_key(r: &ContextRow) -> (&str, &str, &str) {
    (&r.plane_slug, &r.context_key, &r.value)
}

/// The gaps: values with issues filed from sessions where no doc helped,
/// most such issues first (then most issues, then by name).
pub fn gaps(rows: &[ContextRow]) -> Vec<ContextRow> {
    let mut out: Vec<ContextRow> = rows
        .iter()
        .filter(|r| r.filed_unhelped > 0)
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        b.filed_unhelped
            .cmp(&a.filed_unhelped)
            .then_with(|| b.filed.cmp(&a.filed))
            .then_with(|| context_key(a).cmp(&context_key(b)))
    });
    out
}

keyword_enum!(Table, {
    Docs = "docs" / "Docs",
    Summary = "summary" / "Form sessions",
    Types = "types" / "By Diátaxis type",
    Planes = "planes" / "By plane",
    Contexts = "contexts" / "By context value",
    Gaps = "gaps" / "Gaps",
    Weeks = "weeks" / "Weekly trend",
});

impl Table {
    /// The CSV download's `table` parameter: absent is the docs table
    /// (whose header DESIGN.md fixes); an unknown one is noted.
    pub fn parse_param(pairs: &[(String, String)]) -> (Table, Option<OrderNotice>) {
        match pairs
            .iter()
            .find(|(n, v)| n == "table" && !v.trim().is_empty())
        {
            None => (Table::Docs, None),
            Some((_, raw)) => match Table::parse(raw.trim()) {
                Some(t) => (t, None),
                None => (Table::Docs, Some(OrderNotice::BadTable)),
            },
        }
    }

    /// The CSV header.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Table::Docs => &[
                "doc_url",
                "title",
                "doc_type",
                "shown",
                "helpful",
                "dismissed",
                "helpful_rate",
                "filed_after_helpful",
            ],
            Table::Summary => &[
                "form_sessions",
                "shown_a_doc",
                "deflected",
                "deflection_rate",
                "issues_filed",
            ],
            Table::Types => &[
                "doc_type",
                "shown",
                "helpful",
                "dismissed",
                "helpful_rate",
                "filed_after_helpful",
            ],
            Table::Planes => &[
                "plane",
                "shown",
                "helpful",
                "dismissed",
                "helpful_rate",
                "filed_after_helpful",
            ],
            Table::Contexts => &[
                "plane",
                "field",
                "value",
                "deflected",
                "filed",
                "deflected_share",
            ],
            Table::Gaps => &["plane", "field", "value", "filed", "filed_without_helpful"],
            Table::Weeks => &[
                "week",
                "sessions_shown_a_doc",
                "deflected",
                "deflection_rate",
                "docs_shown",
                "helpful",
                "helpful_rate",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, shown: i64, helpful: i64) -> DocRow {
        DocRow {
            doc_id: Uuid::new_v4(),
            url: format!("https://docs.example/{title}"),
            title: title.into(),
            doc_type: DocType::HowTo,
            figures: DocFigures {
                shown,
                helpful,
                dismissed: 0,
                filed_after_helpful: 0,
            },
        }
    }

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn titles(rows: &[DocRow]) -> Vec<&str> {
        rows.iter().map(|d| d.title.as_str()).collect()
    }

    #[test]
    fn rates_are_undefined_without_a_denominator() {
        assert_eq!(ratio(1, 3), Some(1.0 / 3.0));
        assert_eq!(ratio(0, 0), None);
        let h = Headline {
            sessions: 10,
            shown: 4,
            deflected: 1,
            filed: 5,
        };
        assert_eq!(h.deflection_rate(), Some(0.25));
        assert_eq!(Headline::default().deflection_rate(), None);
    }

    #[test]
    fn the_order_is_read_with_a_notice_for_each_bad_parameter() {
        let (order, notices) = parse_order(&[("sort", "helpful_rate"), ("dir", "asc")]);
        assert!(notices.is_empty());
        assert_eq!(
            (order.sort, order.dir),
            (DocSort::HelpfulRate, Direction::Asc)
        );
        let (order, notices) = parse_order(&[
            ("sort", "title; DROP TABLE docs"),
            ("dir", "sideways"),
            ("min_shown", "-1"),
        ]);
        assert_eq!(
            notices,
            vec![
                OrderNotice::BadSort,
                OrderNotice::BadDir,
                OrderNotice::BadMinShown
            ]
        );
        assert_eq!(order, DocOrder::default());
        for bad in ["1e3", "99999999999999999999", "1000001", "ten"] {
            assert_eq!(
                parse_order(&[("min_shown", bad)]).1,
                vec![OrderNotice::BadMinShown]
            );
        }
        let (order, _) = parse_order(&[("min_shown", "10"), ("sort", "")]);
        assert_eq!(order.min_shown, 10);
        assert_eq!(order.sort, DocSort::Shown);
        assert_eq!(
            DocOrder::parse(&pairs(
                &order
                    .pairs()
                    .iter()
                    .map(|(n, v)| (*n, v.as_str()))
                    .collect::<Vec<_>>()
            ))
            .0,
            order
        );
    }

    fn parse_order(query: &[(&str, &str)]) -> (DocOrder, Vec<OrderNotice>) {
        DocOrder::parse(&pairs(query))
    }

    #[test]
    fn docs_sort_by_each_column_with_title_breaking_ties() {
        let docs = vec![doc("b", 10, 1), doc("a", 10, 5), doc("c", 2, 2)];
        let by = |sort, dir| {
            titles(
                &DocOrder {
                    sort,
                    dir,
                    min_shown: 0,
                }
                .apply(&docs),
            )
            .join("")
        };
        assert_eq!(by(DocSort::Shown, Direction::Desc), "abc");
        assert_eq!(by(DocSort::Shown, Direction::Asc), "cab");
        assert_eq!(by(DocSort::Helpful, Direction::Desc), "acb");
        assert_eq!(by(DocSort::HelpfulRate, Direction::Desc), "cab");
        assert_eq!(by(DocSort::HelpfulRate, Direction::Asc), "bac");
        assert_eq!(by(DocSort::Title, Direction::Asc), "abc");
        let kept = DocOrder {
            min_shown: 5,
            ..DocOrder::default()
        }
        .apply(&docs);
        assert_eq!(titles(&kept), vec!["a", "b"]);
    }

    #[test]
    fn the_least_helpful_are_often_shown_and_rarely_helpful() {
        let docs = vec![
            doc("rarely shown, never helpful", 9, 0),
            doc("often shown, half helpful", 40, 20),
            doc("often shown, never helpful", 12, 0),
            doc("shown most, never helpful", 30, 0),
            doc("a", 10, 9),
            doc("b", 10, 8),
            doc("c", 10, 7),
        ];
        assert_eq!(
            titles(&least_helpful(&docs)),
            vec![
                "shown most, never helpful",
                "often shown, never helpful",
                "often shown, half helpful",
                "c",
                "b"
            ]
        );
        // The box is the head of the table its link sorts.
        let table = least_helpful_order().apply(&docs);
        assert_eq!(least_helpful(&docs), table[..LEAST_HELPFUL_COUNT].to_vec());
    }

    #[test]
    fn types_are_summed_over_their_docs() {
        let mut docs = vec![doc("a", 3, 1), doc("b", 2, 2)];
        docs[1].doc_type = DocType::Tutorial;
        docs.push(doc("c", 1, 0));
        let types = by_type(&docs);
        assert_eq!(types.len(), DocType::ALL.len());
        let how_to = types.iter().find(|t| t.doc_type == DocType::HowTo).unwrap();
        assert_eq!((how_to.figures.shown, how_to.figures.helpful), (4, 1));
        let reference = types
            .iter()
            .find(|t| t.doc_type == DocType::Reference)
            .unwrap();
        assert_eq!(reference.figures, DocFigures::default());
        assert_eq!(reference.figures.helpful_rate(), None);
    }

    fn ctx(value: &str, deflected: i64, filed: i64, unhelped: i64) -> ContextRow {
        ContextRow {
            plane_slug: "eks".into(),
            plane_name: "EKS".into(),
            context_key: "cluster_version".into(),
            field_label: "Kubernetes version".into(),
            value: value.into(),
            option_label: value.into(),
            deflected,
            filed,
            filed_unhelped: unhelped,
        }
    }

    #[test]
    fn gaps_rank_issues_filed_where_no_doc_helped() {
        let rows = vec![
            ctx("1.29", 5, 1, 0),
            ctx("1.30", 0, 4, 3),
            ctx("1.31", 1, 6, 3),
            ctx("1.32", 2, 0, 0),
        ];
        let values =
            |rows: Vec<ContextRow>| -> Vec<String> { rows.into_iter().map(|r| r.value).collect() };
        assert_eq!(values(gaps(&rows)), vec!["1.31", "1.30"]);
        assert_eq!(
            values(contexts_in_order(&rows)),
            vec!["1.31", "1.29", "1.30", "1.32"]
        );
        assert_eq!(rows[0].deflected_share(), Some(5.0 / 6.0));
        assert_eq!(ctx("x", 0, 0, 0).deflected_share(), None);
    }

    #[test]
    fn the_csv_table_is_named_or_the_docs_table() {
        assert_eq!(Table::parse_param(&[]), (Table::Docs, None));
        assert_eq!(
            Table::parse_param(&pairs(&[("table", "gaps")])),
            (Table::Gaps, None)
        );
        assert_eq!(
            Table::parse_param(&pairs(&[("table", "../etc")])),
            (Table::Docs, Some(OrderNotice::BadTable))
        );
        assert_eq!(
            Table::Docs.header().join(","),
            "doc_url,title,doc_type,shown,helpful,dismissed,helpful_rate,filed_after_helpful"
        );
    }
}
