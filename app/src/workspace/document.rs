//! Documents shared in a workspace: the kinds of file taken, told by their first bytes and not
//! by their name alone, the name a file keeps, and what the workspace's page lists. Pure;
//! compiled for the browser too.

use serde::{Deserialize, Serialize};

/// A kept file name, in characters, its extension included.
pub const NAME_MAX: usize = 120;
/// Bytes of a file's start that [`check`] needs to tell its kind.
pub const HEAD_BYTES: usize = 512;
/// The query parameter that brings an upload's problem back to the workspace's page.
pub const PROBLEM_PARAM: &str = "document_problem";

/// How a kind of file is recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Starts(&'static [u8]),
    /// A ZIP archive (Office Open XML and OpenDocument files are).
    Zip,
    /// An OLE compound file (Office 97–2003 documents are).
    Ole,
    /// UTF-8 text without NUL bytes.
    Text,
}

/// A kind of file the platform takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub extension: &'static str,
    /// What a download says it is.
    pub media_type: &'static str,
    signature: Signature,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The allow-list: documents, spreadsheets, presentations, images and plain text a working
/// group shares. Nothing a browser would run or render as a page (HTML, SVG, scripts).
pub const KINDS: [Kind; 15] = {
    use Signature::*;
    const fn kind(extension: &'static str, media_type: &'static str, signature: Signature) -> Kind {
        Kind {
            extension,
            media_type,
            signature,
        }
    }
    [
        kind("pdf", "application/pdf", Starts(b"%PDF-")),
        kind("png", "image/png", Starts(b"\x89PNG\r\n\x1a\n")),
        kind("jpg", "image/jpeg", Starts(b"\xFF\xD8\xFF")),
        kind("jpeg", "image/jpeg", Starts(b"\xFF\xD8\xFF")),
        kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Zip,
        ),
        kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Zip,
        ),
        kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Zip,
        ),
        kind("odt", "application/vnd.oasis.opendocument.text", Zip),
        kind("ods", "application/vnd.oasis.opendocument.spreadsheet", Zip),
        kind(
            "odp",
            "application/vnd.oasis.opendocument.presentation",
            Zip,
        ),
        kind("doc", "application/msword", Ole),
        kind("xls", "application/vnd.ms-excel", Ole),
        kind("ppt", "application/vnd.ms-powerpoint", Ole),
        kind("txt", "text/plain; charset=utf-8", Text),
        kind("csv", "text/csv; charset=utf-8", Text),
    ]
};

/// The extensions taken, for the upload form's `accept` and its hint.
pub fn extensions() -> String {
    KINDS
        .iter()
        .map(|k| format!(".{}", k.extension))
        .collect::<Vec<_>>()
        .join(",")
}

/// Why an upload was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentProblem {
    /// No file was chosen.
    NoFile,
    Empty,
    TooLarge,
    /// Its extension is not on the allow-list.
    Forbidden,
    /// Its content is not what its extension says.
    Mismatch,
    /// The storage did not take it.
    NotStored,
    /// The workspace's documents would come to more than it may keep.
    Full,
    /// The person has shared as much as they may in a day.
    DailyLimit,
}

impl DocumentProblem {
    const ALL: [DocumentProblem; 8] = [
        DocumentProblem::NoFile,
        DocumentProblem::Empty,
        DocumentProblem::TooLarge,
        DocumentProblem::Forbidden,
        DocumentProblem::Mismatch,
        DocumentProblem::NotStored,
        DocumentProblem::Full,
        DocumentProblem::DailyLimit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentProblem::NoFile => "no_file",
            DocumentProblem::Empty => "empty",
            DocumentProblem::TooLarge => "too_large",
            DocumentProblem::Forbidden => "forbidden",
            DocumentProblem::Mismatch => "mismatch",
            DocumentProblem::NotStored => "not_stored",
            DocumentProblem::Full => "full",
            DocumentProblem::DailyLimit => "daily_limit",
        }
    }

    pub fn parse(raw: &str) -> Option<DocumentProblem> {
        DocumentProblem::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

/// A name to keep from the one a browser sent: its last path segment, without control and
/// direction-changing characters, without leading dots or trailing dots and spaces, at most
/// [`NAME_MAX`] characters with its extension kept; "document" where nothing is left.
pub fn neutral_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_direction_mark(*c))
        .collect();
    let trimmed = cleaned
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let name = if trimmed.is_empty() {
        "document"
    } else {
        trimmed
    };
    if name.chars().count() <= NAME_MAX {
        return name.to_owned();
    }
    let (stem, extension) = split_extension(name);
    let extension = extension.map(|e| format!(".{e}")).unwrap_or_default();
    let keep = NAME_MAX.saturating_sub(extension.chars().count());
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{extension}", stem.trim_end_matches(['.', ' ']))
}

/// Characters that reorder how text is shown (with U+202E, `invoice` + U+202E + `fdp.exe`
/// shows as `invoiceexe.pdf`) or show nothing at all (two names would look alike).
fn is_direction_mark(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= 8 => {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// The kind of a file by its (neutral) name, when the start of its content agrees. `head`: its
/// first [`HEAD_BYTES`] bytes, or all of it when shorter (`whole`).
pub fn check(name: &str, head: &[u8], whole: bool) -> Result<Kind, DocumentProblem> {
    let extension = split_extension(name)
        .1
        .map(str::to_ascii_lowercase)
        .ok_or(DocumentProblem::Forbidden)?;
    let kind = KINDS
        .into_iter()
        .find(|k| k.extension == extension)
        .ok_or(DocumentProblem::Forbidden)?;
    if head.is_empty() {
        return Err(DocumentProblem::Empty);
    }
    let agrees = match kind.signature {
        Signature::Starts(magic) => head.starts_with(magic),
        Signature::Zip => head.starts_with(ZIP),
        Signature::Ole => head.starts_with(OLE),
        Signature::Text => is_text(head, whole),
    };
    if agrees {
        Ok(kind)
    } else {
        Err(DocumentProblem::Mismatch)
    }
}

/// UTF-8 without NUL bytes; a character cut by the end of `head` counts when more follows.
fn is_text(head: &[u8], whole: bool) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none(),
    }
}

/// A document as a workspace's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentLine {
    pub document_id: String,
    pub name: String,
    pub size_bytes: i64,
    /// Who shared it; `None`: a former member.
    pub uploader: Option<String>,
    pub created_at: i64,
    /// Whether the viewer may delete it (its uploader, or a facilitator).
    pub deletable: bool,
}

/// A workspace's documents for one viewer, and what their upload form needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentList {
    pub documents: Vec<DocumentLine>,
    /// Whether the viewer may share documents here.
    pub writes: bool,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
    /// What the workspace's documents come to, and may come to, in bytes.
    pub used_bytes: u64,
    pub room_bytes: u64,
}

/// Where a document is downloaded from.
pub fn href(workspace_id: &str, document_id: &str) -> String {
    format!("/workspaces/{workspace_id}/documents/{document_id}")
}

/// A size as people read it: "840 B", "12 KB", "3.4 MB", "2.1 GB".
pub fn size_text(bytes: i64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.1} GB", b / KB / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_loses_its_path_its_control_direction_and_invisible_characters_and_its_leading_dots() {
        assert_eq!(neutral_name("../../etc/passwd"), "passwd");
        assert_eq!(neutral_name("C:\\Users\\ana\\plan.pdf"), "plan.pdf");
        assert_eq!(neutral_name("re\u{0}port\n.pdf"), "report.pdf");
        assert_eq!(neutral_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(neutral_name("plan\u{200B}\u{FEFF}.pdf"), "plan.pdf");
        assert_eq!(neutral_name("..hidden. "), "hidden");
        assert_eq!(neutral_name("/"), "document");
        assert_eq!(
            neutral_name("Strategija Šibenik 2026.docx"),
            "Strategija Šibenik 2026.docx"
        );
    }

    #[test]
    fn a_long_name_is_cut_but_keeps_its_extension() {
        let long = format!("{}.pdf", "č".repeat(300));
        let kept = neutral_name(&long);
        assert_eq!(kept.chars().count(), NAME_MAX);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn a_file_is_taken_when_its_content_agrees_with_its_extension() {
        assert_eq!(
            check("plan.PDF", b"%PDF-1.7\n", true).unwrap().extension,
            "pdf"
        );
        assert_eq!(
            check("notes.docx", b"PK\x03\x04\x14\x00", false)
                .unwrap()
                .media_type,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert!(check("old.xls", OLE, false).is_ok());
        assert!(check(
            "minutes.txt",
            "Zapisnik sa sastanka: Čakovec".as_bytes(),
            true
        )
        .is_ok());
        assert!(check("photo.jpeg", b"\xFF\xD8\xFF\xE0", true).is_ok());
    }

    #[test]
    fn a_lying_extension_or_a_kind_off_the_list_is_refused() {
        assert_eq!(
            check("plan.pdf", b"MZ\x90\x00", false),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check("photo.png", b"%PDF-1.4", false),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check("data.csv", b"a,b\x00c", true),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check("page.html", b"<html>", true),
            Err(DocumentProblem::Forbidden)
        );
        assert_eq!(
            check("logo.svg", b"<svg>", true),
            Err(DocumentProblem::Forbidden)
        );
        assert_eq!(
            check("setup.exe", b"MZ", true),
            Err(DocumentProblem::Forbidden)
        );
        assert_eq!(
            check("README", b"text", true),
            Err(DocumentProblem::Forbidden)
        );
        assert_eq!(check("empty.pdf", b"", true), Err(DocumentProblem::Empty));
    }

    #[test]
    fn text_cut_inside_a_character_is_text_unless_the_file_ends_there() {
        let cut = &"Šibenik".as_bytes()[..1];
        assert!(check("a.txt", cut, false).is_ok());
        assert_eq!(check("a.txt", cut, true), Err(DocumentProblem::Mismatch));
        assert_eq!(
            check("a.txt", b"\xFF\xFE", false),
            Err(DocumentProblem::Mismatch)
        );
    }

    #[test]
    fn a_problem_survives_the_trip_through_the_address() {
        for p in DocumentProblem::ALL {
            assert_eq!(DocumentProblem::parse(p.as_str()), Some(p));
        }
        assert_eq!(DocumentProblem::parse("other"), None);
    }

    #[test]
    fn sizes_read_as_bytes_kilobytes_megabytes_or_gigabytes() {
        assert_eq!(size_text(840), "840 B");
        assert_eq!(size_text(12_400), "12 KB");
        assert_eq!(size_text(3_400_000), "3.4 MB");
        assert_eq!(size_text(2 * 1024 * 1024 * 1024), "2.1 GB");
    }
}
