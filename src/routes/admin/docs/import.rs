//! `/admin/docs/import`: the doc catalog from a CSV file. The page explains
//! the format; the upload is read as it streams (never buffered whole) and
//! answered with a report: how many rows were added, updated or unchanged
//! and which, or which were refused and why.
//!
//! All or nothing: a file with any refused row imports nothing, and the
//! report lists the refused rows so the file can be fixed and sent again;
//! a file without one is written in one transaction. The report is the
//! answer to the POST (200), not a redirect: it cannot travel in a flash,
//! and sending the same file again changes nothing (its rows then come
//! back unchanged).

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use crate::auth::extractors::RequireAdmin;
use crate::db::models::enums::DocType;
use crate::db::models::planes::{self, Plane};
use crate::db::queries::admin_docs_import::{self, ImportRefusal, Imported, RowOutcome};
use crate::db::{self, PgPool};
use crate::domain::admin_docs::IMPORT_HEADER;
use crate::domain::admin_docs_import::{
    FileError, ImportFile, ImportReader, ImportRow, MAX_FILE_BYTES, MAX_REPORTED, MAX_ROWS,
    thousands,
};
use crate::domain::form_errors::FormErrors;
use crate::error::AppError;
use crate::routes::page::Page;
use crate::views::Layout;

/// Bytes an upload may carry besides the file (the token part, the
/// multipart framing).
const MAX_OTHER_BYTES: usize = 64 * 1024;

/// The most characters of the file's name kept (page and audit log).
const FILE_NAME_CHARS: usize = 200;

#[derive(Template)]
#[template(path = "admin/docs/import.html")]
struct ImportPage {
    layout: Layout,
    header: String,
    max_rows: String,
    max_mib: usize,
    /// (slug, name) of each plane a row may name.
    planes: Vec<(String, String)>,
    doc_types: &'static [DocType],
    /// Field `file`: why the file was refused.
    errors: FormErrors,
    report: Option<Report>,
}

/// What became of an uploaded file.
pub struct Report {
    pub file_name: String,
    /// The rows were written (else nothing was).
    pub imported: bool,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// The rows listed: refused ones, or, once imported, the added and
    /// updated ones; at most [`MAX_REPORTED`].
    pub lines: Vec<ReportLine>,
    /// Rows of that kind not listed.
    pub unlisted: usize,
}

pub struct ReportLine {
    pub line: u64,
    pub url: String,
    /// `added`, `updated` or `refused`.
    pub outcome: &'static str,
    /// The title written, or why the row was refused.
    pub detail: String,
}

async fn render(
    page: &Page,
    pool: &PgPool,
    status: StatusCode,
    errors: FormErrors,
    report: Option<Report>,
) -> Result<HttpResponse, AppError> {
    let planes: Vec<Plane> = db::run(pool, planes::list_all).await?;
    page.render_status(
        status,
        &ImportPage {
            layout: page.layout("Import docs"),
            header: IMPORT_HEADER.join(","),
            max_rows: thousands(MAX_ROWS),
            max_mib: MAX_FILE_BYTES / (1024 * 1024),
            planes: planes.into_iter().map(|p| (p.slug, p.name)).collect(),
            doc_types: DocType::ALL,
            errors,
            report,
        },
    )
}

/// GET /admin/docs/import — admin.
pub async fn import_form(
    _admin: RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, AppError> {
    render(&page, &pool, StatusCode::OK, FormErrors::default(), None).await
}

/// Why an upload gave no file to import.
#[derive(Debug)]
enum UploadError {
    /// Not an upload, or one without a file chosen.
    NoFile,
    /// The file cannot be imported as a whole.
    File(FileError),
    /// The body was cut off or is not well-formed multipart.
    Damaged,
}

impl UploadError {
    fn status(&self) -> StatusCode {
        match self {
            Self::File(FileError::TooLarge | FileError::TooManyRows) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::NoFile => "Choose a CSV file to import.".into(),
            Self::File(e) => e.message(),
            Self::Damaged => {
                "The upload was cut off or damaged. Choose the file and upload it again.".into()
            }
        }
    }
}

/// The uploaded file's name as people read it: the last path segment (old
/// browsers send the whole path), no control characters, bounded.
fn file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    last.chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Reads the upload's `file` part through an [`ImportReader`] as it
/// arrives; other parts (the CSRF token, which the middleware checked)
/// are read and dropped within [`MAX_OTHER_BYTES`]. Stops at the first
/// error, leaving the rest of the body unread.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    known_planes: Vec<String>,
) -> Result<(String, ImportFile), UploadError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // Refused before a byte is read when the size says so.
    if declared.is_some_and(|n| n > MAX_FILE_BYTES + MAX_OTHER_BYTES) {
        return Err(UploadError::File(FileError::TooLarge));
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut upload: Option<(String, ImportReader)> = None;
    let mut other_bytes = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| match e {
            MultipartError::ContentTypeMissing
            | MultipartError::ContentTypeParse
            | MultipartError::ContentTypeIncompatible
            | MultipartError::BoundaryMissing => UploadError::NoFile,
            _ => UploadError::Damaged,
        })?;
        let filename = field
            .content_disposition()
            .filter(|_| upload.is_none() && field.name() == Some("file"))
            .and_then(|cd| cd.get_filename().map(file_name));
        match filename {
            Some(name) => {
                let mut reader = ImportReader::new(known_planes.clone());
                let mut bytes = 0usize;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| UploadError::Damaged)?;
                    bytes += chunk.len();
                    reader.feed(&chunk).map_err(UploadError::File)?;
                }
                // A browser sends an empty part with an empty name when
                // no file was chosen.
                if name.is_empty() && bytes == 0 {
                    continue;
                }
                upload = Some((name, reader));
            }
            None => {
                while let Some(chunk) = field.next().await {
                    other_bytes += chunk.map_err(|_| UploadError::Damaged)?.len();
                    if other_bytes > MAX_OTHER_BYTES {
                        return Err(UploadError::Damaged);
                    }
                }
            }
        }
    }
    let (name, reader) = upload.ok_or(UploadError::NoFile)?;
    let file = reader.finish().map_err(UploadError::File)?;
    let name = if name.is_empty() {
        "(unnamed file)".to_owned()
    } else {
        name
    };
    Ok((name, file))
}

/// POST /admin/docs/import — admin: `multipart/form-data` with
/// `csrf_token` first, then `file`.
pub async fn import_docs(
    RequireAdmin(admin): RequireAdmin,
    page: Page,
    pool: web::Data<PgPool>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let planes: Vec<Plane> = db::run(&pool, planes::list_all).await?;
    let known: Vec<String> = planes.into_iter().map(|p| p.slug).collect();
    let (name, file) = match read_upload(&req, payload, known).await {
        Ok(upload) => upload,
        Err(e) => {
            let errors = FormErrors::field("file", e.message());
            return render(&page, &pool, e.status(), errors, None).await;
        }
    };
    if file.refused_total > 0 {
        let report = refused_report(name, &file);
        let errors = FormErrors::field(
            "file",
            format!(
                "Nothing was imported: {} of the {} rows {} refused. Fix {} and upload the file again.",
                file.refused_total,
                file.total(),
                if file.refused_total == 1 { "is" } else { "are" },
                if file.refused_total == 1 {
                    "it"
                } else {
                    "them"
                },
            ),
        );
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&page, &pool, status, errors, Some(report)).await;
    }
    let rows = file.rows;
    let label = name.clone();
    let (rows, result) = db::run(&pool, move |conn| {
        // References: the rows are not copied.
        let drafts: Vec<_> = rows.iter().map(|r| &r.draft).collect();
        let result = admin_docs_import::import(conn, &admin, &label, &drafts)?;
        Ok::<_, diesel::result::Error>((rows, result))
    })
    .await?;
    match result {
        Ok(imported) => {
            let report = imported_report(name, &rows, &imported);
            render(
                &page,
                &pool,
                StatusCode::OK,
                FormErrors::default(),
                Some(report),
            )
            .await
        }
        Err(ImportRefusal::UrlTaken) => {
            let errors = FormErrors::field(
                "file",
                "Another admin added a doc with one of these addresses while the file was \
                 imported. Nothing was imported; upload the file again.",
            );
            render(&page, &pool, StatusCode::CONFLICT, errors, None).await
        }
        Err(ImportRefusal::TimedOut) => {
            let errors = FormErrors::field(
                "file",
                "The database is too busy to write the file now. Nothing was imported; upload it again later, or in smaller files.",
            );
            let status = StatusCode::SERVICE_UNAVAILABLE;
            render(&page, &pool, status, errors, None).await
        }
    }
}

fn refused_report(file_name: String, file: &ImportFile) -> Report {
    Report {
        file_name,
        imported: false,
        rows: file.total(),
        added: 0,
        updated: 0,
        unchanged: 0,
        refused: file.refused_total,
        lines: file
            .refused
            .iter()
            .map(|r| ReportLine {
                line: r.line,
                url: r.url.clone(),
                outcome: "refused",
                detail: r.reason.clone(),
            })
            .collect(),
        unlisted: file.refused_total - file.refused.len(),
    }
}

fn imported_report(file_name: String, rows: &[ImportRow], imported: &Imported) -> Report {
    let changed = imported.added + imported.updated;
    Report {
        file_name,
        imported: true,
        rows: rows.len(),
        added: imported.added,
        updated: imported.updated,
        unchanged: imported.unchanged,
        refused: 0,
        lines: rows
            .iter()
            .zip(&imported.outcomes)
            .filter(|(_, outcome)| **outcome != RowOutcome::Unchanged)
            .take(MAX_REPORTED)
            .map(|(row, outcome)| ReportLine {
                line: row.line,
                url: row.draft.url.clone(),
                outcome: outcome.as_str(),
                detail: row.draft.title.clone(),
            })
            .collect(),
        unlisted: changed.saturating_sub(MAX_REPORTED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_its_last_segment_without_control_characters() {
        assert_eq!(file_name("C:\\Users\\me\\docs.csv"), "docs.csv");
        assert_eq!(file_name("a/b/docs\u{0}\n.csv"), "docs.csv");
        assert_eq!(file_name(""), "");
        assert_eq!(file_name(&"x".repeat(500)).chars().count(), FILE_NAME_CHARS);
    }
}
