//! A doc import file read as it uploads: [`ImportReader`] takes the bytes
//! chunk by chunk (a push CSV parser, so only the row being read is
//! buffered, never the file), checks the header, reads each row with
//! [`admin_docs::import_row`], refuses a second row with an address an
//! earlier row has, and stops at the first thing that makes the whole file
//! unreadable (not UTF-8, too big, too many rows). Pure: which addresses
//! the catalog already has is the database's to say.

use std::collections::HashMap;

use csv_core::{ReadRecordResult, Reader};

use crate::domain::admin_docs::{self, DocDraft, RowRefusal, import_header_ok};

/// The most data rows one file may have.
pub const MAX_ROWS: usize = 10_000;

/// The most bytes one file may have: 10,000 rows of a long address, title
/// and summary fit with room to spare.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The most bytes one row may take. A valid row is far smaller (2,000 +
/// 300 + 2,000 characters and a few slugs); past this its bytes are
/// dropped as they come and the row is refused, so an unclosed quote
/// cannot make one row hold the file.
const MAX_ROW_BYTES: usize = 64 * 1024;

/// The most field positions kept for one row; more are only counted.
const MAX_KEPT_COLUMNS: usize = 16;

/// The most refused rows kept for the report; the rest are counted.
pub const MAX_REPORTED: usize = 1_000;

/// The most characters of a refused row's address the report repeats.
const REPORTED_URL_CHARS: usize = 200;

/// Why a whole file is refused before any of its rows counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No bytes, or only blank lines.
    Empty,
    /// The header and nothing else.
    NoRows,
    /// The first line is not [`admin_docs::IMPORT_HEADER`].
    Header,
    /// Bytes that are not UTF-8 on this line.
    NotUtf8 { line: u64 },
    /// More than [`MAX_FILE_BYTES`].
    TooLarge,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows,
}

impl FileError {
    /// What the import page says, as the person fixes the file.
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "The file is empty.".into(),
            Self::NoRows => "The file has the header line but no docs under it.".into(),
            Self::Header => format!(
                "The first line of the file must be exactly {}.",
                admin_docs::IMPORT_HEADER.join(",")
            ),
            Self::NotUtf8 { line } => format!(
                "Line {line} is not UTF-8 text. Save the file as “CSV UTF-8” and upload it again."
            ),
            Self::TooLarge => format!(
                "The file is larger than {} MiB. Split it into smaller files.",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            Self::TooManyRows => format!(
                "The file has more than {} docs. Split it into files of at most {} rows.",
                thousands(MAX_ROWS),
                thousands(MAX_ROWS)
            ),
        }
    }
}

/// 10000 → "10,000".
pub fn thousands(n: usize) -> String {
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

/// A good row, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub draft: DocDraft,
}

/// A refused row as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub line: u64,
    /// The address as the row has it (shortened), to find the row by.
    pub url: String,
    pub reason: String,
}

/// A whole file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportFile {
    /// The good rows, in file order.
    pub rows: Vec<ImportRow>,
    /// The first [`MAX_REPORTED`] refused rows, in file order.
    pub refused: Vec<Refused>,
    /// Every refused row, reported or not.
    pub refused_total: usize,
}

impl ImportFile {
    /// Data rows in the file.
    pub fn total(&self) -> usize {
        self.rows.len() + self.refused_total
    }
}

/// Reads an import file pushed to it in chunks ([`feed`](Self::feed)),
/// then [`finish`](Self::finish)es.
pub struct ImportReader {
    csv: Reader,
    known_planes: Vec<String>,
    /// The current row's field bytes; `out_len` of them are used.
    out: Vec<u8>,
    out_len: usize,
    /// The current row's field ends (positions in the whole row).
    ends: Vec<usize>,
    ends_len: usize,
    /// Fields of the current row counted past `ends`.
    dropped_columns: usize,
    /// The current row outgrew [`MAX_ROW_BYTES`]: its bytes are dropped.
    overflow: bool,
    /// The line the current row started on (1-based).
    row_line: u64,
    /// No byte of the next row has been read yet.
    at_row_start: bool,
    /// Line breaks between rows that [`parse`](Self::parse) skipped.
    skipped_lines: u64,
    header_seen: bool,
    bytes: usize,
    /// Each address a row had (good or not), with its first line.
    seen: HashMap<String, u64>,
    file: ImportFile,
}

impl ImportReader {
    /// `known_planes`: the slugs a row may name.
    pub fn new(known_planes: Vec<String>) -> Self {
        Self {
            csv: Reader::new(),
            known_planes,
            out: vec![0; 1024],
            out_len: 0,
            ends: vec![0; 8],
            ends_len: 0,
            dropped_columns: 0,
            overflow: false,
            row_line: 1,
            at_row_start: true,
            skipped_lines: 0,
            header_seen: false,
            bytes: 0,
            seen: HashMap::new(),
            file: ImportFile::default(),
        }
    }

    /// Reads the next bytes of the file. An error ends the reading: the
    /// caller stops sending (and reading the upload).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        if chunk.is_empty() {
            // An empty input means "end of file" to the parser.
            return Ok(());
        }
        self.bytes = self.bytes.saturating_add(chunk.len());
        if self.bytes > MAX_FILE_BYTES {
            return Err(FileError::TooLarge);
        }
        self.parse(chunk)
    }

    /// The file, once every chunk was fed.
    pub fn finish(mut self) -> Result<ImportFile, FileError> {
        self.parse(&[])?;
        if !self.header_seen {
            return Err(FileError::Empty);
        }
        if self.file.total() == 0 {
            return Err(FileError::NoRows);
        }
        Ok(self.file)
    }

    /// Runs the parser over `input` (empty: the end of the file).
    fn parse(&mut self, mut input: &[u8]) -> Result<(), FileError> {
        let at_end = input.is_empty();
        loop {
            if self.at_row_start && !at_end {
                // Line breaks between rows (a CRLF's LF, blank lines) are
                // skipped here rather than by the parser, so the line a
                // row starts on is known: the parser counts a line only
                // once it has read the LF.
                let skip = input
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                let (breaks, rest) = input.split_at(skip);
                self.skipped_lines += breaks.iter().filter(|&&b| b == b'\n').count() as u64;
                input = rest;
                if input.is_empty() {
                    return Ok(());
                }
                self.row_line = self.csv.line() + self.skipped_lines;
                self.at_row_start = false;
            }
            let (result, nin, nout, nend) = self.csv.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[nin..];
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                ReadRecordResult::InputEmpty if at_end => {}
                ReadRecordResult::InputEmpty => return Ok(()),
                ReadRecordResult::OutputFull if self.out.len() < MAX_ROW_BYTES => {
                    let len = (self.out.len() * 2).min(MAX_ROW_BYTES);
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputFull => {
                    // Too long to be a doc: keep reading it, keep nothing.
                    self.overflow = true;
                    self.out_len = 0;
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() < MAX_KEPT_COLUMNS => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    self.dropped_columns += self.ends_len;
                    self.ends_len = 0;
                    self.overflow = true;
                }
                ReadRecordResult::Record => {
                    self.record()?;
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.dropped_columns = 0;
                    self.overflow = false;
                    self.at_row_start = true;
                    // An empty input would tell the parser the file ended.
                    if input.is_empty() && !at_end {
                        return Ok(());
                    }
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// One complete row: the header, or a doc to check.
    fn record(&mut self) -> Result<(), FileError> {
        let line = self.row_line;
        let columns = self.dropped_columns + self.ends_len;
        if self.header_seen && self.file.total() >= MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        if self.overflow {
            if !self.header_seen {
                return Err(FileError::Header);
            }
            let reason = if columns > admin_docs::IMPORT_HEADER.len() {
                RowRefusal::Columns(columns).reason()
            } else {
                format!("The row is longer than {} KiB.", MAX_ROW_BYTES / 1024)
            };
            return self.refuse(line, String::new(), reason);
        }
        let mut fields: Vec<&str> = Vec::with_capacity(self.ends_len);
        let mut start = 0;
        for &end in &self.ends[..self.ends_len] {
            let bytes = self.out.get(start..end).unwrap_or_default();
            fields.push(std::str::from_utf8(bytes).map_err(|_| FileError::NotUtf8 { line })?);
            start = end;
        }
        if !self.header_seen {
            if !import_header_ok(&fields) {
                return Err(FileError::Header);
            }
            self.header_seen = true;
            return Ok(());
        }
        let typed_url = fields.first().copied().unwrap_or_default();
        // Remembered whether or not the row is good, so a later row with
        // the same address is named even while this one waits for a fix.
        let earlier = match admin_docs::doc_url(typed_url) {
            Ok(Some(url)) => match self.seen.get(&url) {
                Some(&first) => Some(first),
                None => {
                    self.seen.insert(url, line);
                    None
                }
            },
            _ => None,
        };
        let shown_url: String = typed_url
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(REPORTED_URL_CHARS)
            .collect();
        let known: Vec<&str> = self.known_planes.iter().map(String::as_str).collect();
        let checked = admin_docs::import_row(&fields, &known);
        match (checked, earlier) {
            (Err(refusal), _) => self.refuse(line, shown_url, refusal.reason()),
            (Ok(_), Some(first)) => {
                let reason = RowRefusal::Duplicate(first).reason();
                self.refuse(line, shown_url, reason)
            }
            (Ok(draft), None) => {
                self.file.rows.push(ImportRow { line, draft });
                Ok(())
            }
        }
    }

    fn refuse(&mut self, line: u64, url: String, reason: String) -> Result<(), FileError> {
        self.file.refused_total += 1;
        if self.file.refused.len() < MAX_REPORTED {
            self.file.refused.push(Refused { line, url, reason });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::enums::DocType;

    const HEADER: &str = "url,title,doc_type,planes,summary\n";

    fn reader() -> ImportReader {
        ImportReader::new(vec!["eks".into(), "observability".into()])
    }

    /// The file fed in chunks of `size` bytes.
    fn read_in(bytes: &[u8], size: usize) -> Result<ImportFile, FileError> {
        let mut r = reader();
        for chunk in bytes.chunks(size) {
            r.feed(chunk)?;
        }
        r.finish()
    }

    fn read(text: &str) -> Result<ImportFile, FileError> {
        read_in(text.as_bytes(), 7)
    }

    #[test]
    fn good_rows_are_read_whatever_the_chunks_and_line_endings() {
        let text = format!(
            "{HEADER}https://d.example/a,Alpha,how-to,eks;observability,\"One, two\"\r\n\
             https://d.example/b,\"Beta \"\"quoted\"\"\",reference,,\"Line one\nline two\"\n\
             https://d.example/c,Gamma,tutorial,eks,last line without newline"
        );
        for size in [1, 2, 3, 64, 100_000] {
            let file = read_in(text.as_bytes(), size).unwrap();
            assert_eq!(file.refused, vec![], "chunk {size}");
            let lines: Vec<u64> = file.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![2, 3, 5], "chunk {size}");
            let a = &file.rows[0].draft;
            assert_eq!(a.planes, vec!["eks".to_owned(), "observability".to_owned()]);
            assert_eq!(a.summary, "One, two");
            assert_eq!(file.rows[1].draft.title, "Beta \"quoted\"");
            assert_eq!(file.rows[1].draft.doc_type, DocType::Reference);
            assert_eq!(file.rows[1].draft.summary, "Line one\nline two");
            assert_eq!(file.rows[2].draft.summary, "last line without newline");
        }
    }

    #[test]
    fn a_byte_order_mark_and_blank_lines_are_tolerated() {
        let text = format!(
            "\u{feff}{HEADER}\nhttps://d.example/a,A,how-to,,\r\n\r\n\r\nhttps://d.example/b,B,how-to,,\n\n"
        );
        for size in [1, 2, 5, 1000] {
            let file = read_in(text.as_bytes(), size).unwrap();
            let lines: Vec<u64> = file.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![3, 6], "chunk {size}");
            assert_eq!(file.refused_total, 0);
        }
    }

    #[test]
    fn each_bad_row_is_refused_with_its_line_and_reason() {
        let text = format!(
            "{HEADER}ftp://d.example/a,A,how-to,,\n\
             https://d.example/b,,how-to,,\n\
             https://d.example/c,C,novel,,\n\
             https://d.example/d,D,how-to,eks;mars,\n\
             https://d.example/e,E,how-to\n\
             https://d.example/f,{},how-to,,\n\
             https://d.example/g,G,how-to,,\n\
             https://d.example/g,G again,how-to,,\n\
             https://d.example/nul\0,N,how-to,,\n",
            "t".repeat(301)
        );
        let file = read(&text).unwrap();
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.rows[0].draft.url, "https://d.example/g");
        let report: Vec<(u64, &str)> = file
            .refused
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(report.len(), 8, "{report:?}");
        assert_eq!(file.refused_total, 8);
        assert_eq!(report[0].0, 2);
        assert!(report[0].1.contains("http"), "{report:?}");
        assert_eq!(report[1], (3, "The title is missing."));
        assert!(report[2].1.contains("“novel” is not a type"));
        assert_eq!(report[3], (5, "No plane has the slug “mars”."));
        assert_eq!(report[4], (6, "It has 3 columns; the header has 5."));
        assert!(report[5].1.contains("300 characters"), "{report:?}");
        assert_eq!(
            report[6],
            (9, "The same address is on line 8; each doc comes once.")
        );
        assert!(report[7].1.contains("control"), "{report:?}");
        assert_eq!(file.refused[0].url, "ftp://d.example/a");
    }

    #[test]
    fn a_duplicate_of_a_refused_row_is_named_too() {
        let text = format!(
            "{HEADER}https://d.example/a,A,novel,,\n\
             https://d.example/a,A,how-to,,\n"
        );
        let file = read(&text).unwrap();
        assert!(file.rows.is_empty());
        assert_eq!(file.refused_total, 2);
        assert!(file.refused[1].reason.contains("line 2"));
    }

    #[test]
    fn a_wrong_header_an_empty_file_and_no_rows_refuse_the_file() {
        assert_eq!(read(""), Err(FileError::Empty));
        assert_eq!(read("\n\n"), Err(FileError::Empty));
        assert_eq!(read(HEADER), Err(FileError::NoRows));
        assert_eq!(
            read("url,title,type,planes,summary\nhttps://d.example/a,A,how-to,,\n"),
            Err(FileError::Header)
        );
        assert_eq!(
            read(&format!("{}\n", "x".repeat(MAX_ROW_BYTES * 2))),
            Err(FileError::Header)
        );
        assert!(
            FileError::Header
                .message()
                .contains("url,title,doc_type,planes,summary")
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_refuse_the_file_with_their_line() {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"https://d.example/a,A,how-to,,\n");
        bytes.extend_from_slice(b"https://d.example/b,Caf\xe9,how-to,,\n");
        assert_eq!(read_in(&bytes, 5), Err(FileError::NotUtf8 { line: 3 }));
        assert_eq!(
            read_in(b"url,t\xfftle,doc_type,planes,summary\n", 5),
            Err(FileError::NotUtf8 { line: 1 })
        );
    }

    #[test]
    fn too_many_rows_or_bytes_stop_the_reading() {
        let mut text = HEADER.to_owned();
        for i in 0..MAX_ROWS {
            text.push_str(&format!("https://d.example/{i},T,how-to,,\n"));
        }
        assert_eq!(read_in(text.as_bytes(), 4096).unwrap().rows.len(), MAX_ROWS);
        text.push_str("https://d.example/last,T,how-to,,\n");
        assert_eq!(read_in(text.as_bytes(), 4096), Err(FileError::TooManyRows));

        let mut r = reader();
        r.feed(HEADER.as_bytes()).unwrap();
        let chunk = vec![b'a'; 1024 * 1024];
        let mut result = Ok(());
        for _ in 0..6 {
            result = r.feed(&chunk);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(FileError::TooLarge));
    }

    #[test]
    fn a_huge_row_or_one_with_many_columns_is_refused_and_reading_goes_on() {
        let text = format!(
            "{HEADER}https://d.example/a,\"{}\",how-to,,\n{}\nhttps://d.example/b,B,how-to,,\n",
            "x".repeat(MAX_ROW_BYTES + 10),
            ",".repeat(99)
        );
        let file = read_in(text.as_bytes(), 1000).unwrap();
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.rows[0].line, 4);
        assert!(file.refused[0].reason.contains("KiB"), "{:?}", file.refused);
        assert_eq!(
            file.refused[1].reason,
            "It has 100 columns; the header has 5."
        );
    }

    #[test]
    fn the_report_keeps_the_first_refusals_and_counts_the_rest() {
        let mut text = HEADER.to_owned();
        for _ in 0..MAX_REPORTED + 5 {
            text.push_str("nope,T,how-to,,\n");
        }
        let file = read_in(text.as_bytes(), 4096).unwrap();
        assert_eq!(file.refused.len(), MAX_REPORTED);
        assert_eq!(file.refused_total, MAX_REPORTED + 5);
        assert_eq!(file.total(), MAX_REPORTED + 5);
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
