//! Text rules every capability shares: bounded form text, and the key that makes two spellings
//! of one name equal on both database engines.

use crate::error::Problem;
use unicode_segmentation::UnicodeSegmentation;

/// Free text of several lines, which may be empty: trimmed, at most `max` characters; line
/// breaks and tabs are allowed, other control characters and the direction overrides are not.
pub fn long_text(raw: &str, max: usize) -> Result<String, Problem> {
    let text = raw.trim();
    let hidden = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(hidden) {
        return Err(Problem::InvalidCharacters);
    }
    if text.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(text.to_owned())
}

/// Text that is required, trimmed, one line, and at most `max` graphemes (what a reader counts
/// as letters). Control characters and the bidirectional overrides are refused: NUL breaks
/// PostgreSQL text, and an override can make a name in a list read as another. A grapheme may
/// carry any number of combining marks, so the bytes are bounded too, by [`BYTES_PER_GRAPHEME`]
/// each: far more than any letter or emoji needs.
pub fn bounded_text(raw: &str, max: usize) -> Result<String, Problem> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    let hidden =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if text.chars().any(hidden) {
        return Err(Problem::InvalidCharacters);
    }
    if text.len() > max.saturating_mul(BYTES_PER_GRAPHEME) || text.graphemes(true).count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(text.to_owned())
}

/// The bytes one grapheme of [`bounded_text`] may take: a family emoji of seven code points
/// takes 25.
pub const BYTES_PER_GRAPHEME: usize = 32;

/// The comparison key of a name: Unicode-normalised (NFKC), case-folded, inner whitespace
/// collapsed. `lower()` in SQL folds only ASCII on SQLite but all letters on PostgreSQL, so
/// uniqueness and order are decided here, once, and stored in a `…_key` column.
#[cfg(feature = "ssr")]
pub fn key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_its_limit_in_graphemes_is_rejected_but_accented_letters_count_once() {
        assert!(bounded_text(&"č".repeat(100), 100).is_ok());
        assert_eq!(
            bounded_text(&"č".repeat(101), 100),
            Err(Problem::TooLong { max: 100 })
        );
        assert_eq!(bounded_text("  ", 10), Err(Problem::Required));
        let piled = format!("a{}", "\u{0301}".repeat(40));
        assert_eq!(piled.graphemes(true).count(), 1);
        assert_eq!(
            bounded_text(&piled, 1),
            Err(Problem::TooLong { max: 1 }),
            "marks piled on one letter count by their bytes"
        );
        assert!(bounded_text("👨‍👩‍👧‍👦", 1).is_ok());
        assert_eq!(bounded_text("  Zadar ", 10).as_deref(), Ok("Zadar"));
    }

    #[test]
    fn control_characters_and_direction_overrides_are_refused() {
        for raw in ["Za\0dar", "Zadar\nSplit", "Ana\u{202E}nimdA", "x\u{2066}y"] {
            assert_eq!(
                bounded_text(raw, 100),
                Err(Problem::InvalidCharacters),
                "{raw:?}"
            );
        }
        assert!(bounded_text("Ελλάδα · Ćuprija", 100).is_ok());
    }

    #[test]
    fn names_that_differ_in_case_composition_or_spacing_have_one_key() {
        assert_eq!(key("Šibenik"), key("šibenik"));
        assert_eq!(key("ŠIBENIK  klaster"), "šibenik klaster");
        // Š as one code point and as S + combining caron.
        assert_eq!(key("\u{160}ibenik"), key("S\u{30C}ibenik"));
        assert_eq!(key("ĆUPRIJA"), "ćuprija");
        assert_eq!(key("ΕΛΛΆΔΑ"), key("Ελλάδα"));
        assert_ne!(key("Sibenik"), key("Šibenik"));
    }
}
