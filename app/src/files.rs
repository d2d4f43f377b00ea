//! Files people download: tables as CSV that spreadsheets open safely, the headers that name a
//! download, and file names made from what people typed.

#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// A text cell as a spreadsheet must not take it for a formula: a leading `=`, `+`, `-`, `@`,
/// tab or carriage return gets an apostrophe in front (what a respondent typed is data, never
/// something a spreadsheet runs).
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The table as CSV (RFC 4180, CRLF line ends), with a byte-order mark so that spreadsheets
/// read it as UTF-8. A field with a semicolon or a tab is quoted too: a spreadsheet set up for
/// a language whose list separator is `;` (Croatian, German…) would otherwise split it, and
/// a part after the split could start a formula.
pub fn csv(header: &[String], rows: &[Vec<Cell>]) -> String {
    fn field(out: &mut String, s: &str) {
        if s.contains([',', ';', '\t', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
    let mut out = String::from("\u{feff}");
    let lines = std::iter::once(
        header
            .iter()
            .map(|h| Cell::Text(h.clone()))
            .collect::<Vec<_>>(),
    )
    .chain(rows.iter().cloned());
    for line in lines {
        for (n, cell) in line.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            match cell {
                Cell::Text(s) => field(&mut out, &inert(s)),
                Cell::Number(v) => out.push_str(&v.to_string()),
                Cell::Empty => {}
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Sets the answer's type and names the file it is saved as.
#[cfg(feature = "ssr")]
pub fn download(content_type: &str, file_name: &str) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let disposition = format!("attachment; filename=\"{file_name}\"");
        // What people answered stays out of shared caches and off the disk's cache.
        for (name, value) in [
            (http::header::CONTENT_TYPE, content_type),
            (http::header::CONTENT_DISPOSITION, disposition.as_str()),
            (http::header::CACHE_CONTROL, "private, no-store"),
        ] {
            if let Ok(value) = http::HeaderValue::from_str(value) {
                response.insert_header(name, value);
            }
        }
    }
}

/// A file name's stem from a name people typed: ASCII letters (accents dropped), digits and
/// dashes; `fallback` when nothing is left.
#[cfg(feature = "ssr")]
pub fn file_stem(name: &str, fallback: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let stem: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        fallback.to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_keeps_formulas_inert() {
        let header = vec!["respondent".to_owned(), "B1".to_owned()];
        let rows = vec![
            vec![Cell::Text("Ana, \"Zadar\"".into()), Cell::Number(3.0)],
            vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Empty],
            vec![Cell::Text("two\nlines".into()), Cell::Number(2.5)],
        ];
        assert_eq!(
            csv(&header, &rows),
            "\u{feff}respondent,B1\r\n\"Ana, \"\"Zadar\"\"\",3\r\n\"'=HYPERLINK(\"\"x\"\")\",\r\n\"two\nlines\",2.5\r\n"
        );
    }

    #[test]
    fn csv_quotes_semicolons_so_that_no_part_of_a_field_becomes_a_formula() {
        let header = vec!["participant".to_owned()];
        let rows = vec![
            vec![Cell::Text("a;=cmd|' /C calc'!A0;".into())],
            vec![Cell::Text("x\t=1".into())],
        ];
        assert_eq!(
            csv(&header, &rows),
            "\u{feff}participant\r\n\"a;=cmd|' /C calc'!A0;\"\r\n\"x\t=1\"\r\n"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_file_stem_keeps_letters_and_digits_only() {
        assert_eq!(
            file_stem("2026 baseline – Šibenik!", "round"),
            "2026-baseline-sibenik"
        );
        assert_eq!(file_stem("***", "round"), "round");
    }
}
