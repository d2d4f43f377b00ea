//! Workshops and their agendas: the activities a facilitator prepares, the rules their settings
//! keep, and the six-letter code participants join by. Pure, shared by the server and the
//! browser.

use super::activities::ideas::{Budget, QUADRANTS};
use crate::assessment::round::is_code_of;
#[cfg(feature = "ssr")]
use crate::assessment::round::random_code;
use crate::error::Problem;
use crate::text::bounded_text;
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 120;
pub const PROMPT_MAX: usize = 200;
/// One poll option or rating statement, in letters.
pub const CHOICE_MAX: usize = 80;
pub const CHOICES_MAX: usize = 12;
pub const POLL_OPTIONS_MIN: usize = 2;
pub const ACTIVITIES_MAX: usize = 50;
pub const NICKNAME_MAX: usize = 30;
/// How many words one person may add to a word cloud.
pub const WORDS_PER_PERSON_MAX: u8 = 10;
/// How many dots one person may place in a dot vote.
pub const DOTS_MAX: u8 = 20;
/// The name of a 2×2 matrix's axis, in letters.
pub const AXIS_MAX: usize = 40;
pub const TIMER_SECONDS_MIN: u32 = 10;
pub const TIMER_SECONDS_MAX: u32 = 3 * 60 * 60;
/// A join code: six letters of the respondents' code alphabet, about 594 million codes, short enough to
/// read off a projector and type on a phone.
pub const JOIN_CODE_LETTERS: usize = 6;

/// The scale statements of a rating activity are rated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 0 (no information) to 5 (excellent), the assessment scale.
    Evidence,
    /// 1 (strongly disagree) to 5 (strongly agree).
    Agreement,
}

/// What an activity asks of the room, with its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Settings {
    /// One or several of the options; `correct` (an option's index) is shown only on reveal.
    Poll {
        options: Vec<String>,
        multiple: bool,
        correct: Option<usize>,
    },
    /// Each statement rated on the scale.
    Rating {
        statements: Vec<String>,
        scale: Scale,
    },
    /// Short entries, up to `per_person` from each participant.
    WordCloud { per_person: u8 },
    /// The items put in order by each participant, best first; results as average rank.
    Ranking { items: Vec<String> },
    /// `dots` dots per person spread over the items, several on one item when `stacking`; the
    /// counts stay hidden from every screen until the facilitator reveals them.
    Dots {
        items: Vec<String>,
        dots: u8,
        stacking: bool,
    },
    /// Each item placed on two axes (such as impact and uncertainty), 1 to 5 on each; results
    /// as every item's mean position with its spread.
    Matrix {
        items: Vec<String>,
        x: String,
        y: String,
    },
    /// Questions from the room, upvoted and moderated; `anonymous`: askers may leave their
    /// name off; `moderated`: a question waits for the facilitator before the room sees it.
    Questions {
        anonymous: bool,
        #[serde(default)]
        moderated: bool,
    },
    /// Notes posted by the room, into one of the `categories` where there are any, grouped
    /// and merged by the facilitator; `dots` per person for the vote on them (0: no vote).
    Ideas { categories: Vec<String>, dots: u8 },
    /// World Café tables, one per topic, each with a host and notes of its own, harvested
    /// into one plenary board; `dots` per person for the vote on the harvest (0: no vote).
    Cafe { topics: Vec<String>, dots: u8 },
    /// An ideas board of four quadrants (strengths, weaknesses, opportunities, threats), with
    /// `dots` per person in each quadrant (0: no vote).
    Swot { dots: u8 },
    /// Statements rated anonymously on the scale, round after round: from the second round
    /// each participant sees the group's verdict of the round before and may revise.
    Delphi {
        statements: Vec<String>,
        scale: Scale,
    },
    /// A countdown everyone sees.
    Timer { seconds: u32 },
}

/// The kinds of activity, by the name the agenda form sends.
pub const KINDS: [&str; 12] = [
    "poll",
    "rating",
    "delphi",
    "word_cloud",
    "ideas",
    "swot",
    "cafe",
    "ranking",
    "dots",
    "matrix",
    "questions",
    "timer",
];

impl Settings {
    pub fn kind(&self) -> &'static str {
        match self {
            Settings::Poll { .. } => "poll",
            Settings::Rating { .. } => "rating",
            Settings::WordCloud { .. } => "word_cloud",
            Settings::Ranking { .. } => "ranking",
            Settings::Dots { .. } => "dots",
            Settings::Matrix { .. } => "matrix",
            Settings::Questions { .. } => "questions",
            Settings::Ideas { .. } => "ideas",
            Settings::Swot { .. } => "swot",
            Settings::Delphi { .. } => "delphi",
            Settings::Cafe { .. } => "cafe",
            Settings::Timer { .. } => "timer",
        }
    }

    /// Whether participants answer it from their screens, one answer each (boards of notes
    /// and questions take many contributions instead).
    pub fn takes_answers(&self) -> bool {
        !matches!(
            self,
            Settings::Questions { .. }
                | Settings::Timer { .. }
                | Settings::Ideas { .. }
                | Settings::Swot { .. }
                | Settings::Cafe { .. }
        )
    }

    /// Whether its results (or its board's dots) stay hidden from every screen until the
    /// facilitator reveals them.
    pub fn sealed(&self) -> bool {
        match self {
            Settings::Dots { .. } => true,
            Settings::Ideas { dots, .. }
            | Settings::Swot { dots }
            | Settings::Cafe { dots, .. } => *dots > 0,
            _ => false,
        }
    }

    /// A board of notes' dots per person, and whether they count per category.
    pub fn budget(&self) -> Option<Budget> {
        match self {
            Settings::Ideas { dots, .. } | Settings::Cafe { dots, .. } => Some(Budget {
                dots: *dots,
                per_category: false,
            }),
            Settings::Swot { dots } => Some(Budget {
                dots: *dots,
                per_category: true,
            }),
            _ => None,
        }
    }

    /// How many categories a board of notes sorts its notes into (a SWOT board's quadrants).
    pub fn categories(&self) -> usize {
        match self {
            Settings::Ideas { categories, .. } => categories.len(),
            Settings::Cafe { topics, .. } => topics.len(),
            Settings::Swot { .. } => usize::from(QUADRANTS),
            _ => 0,
        }
    }

    /// How many values its answer form sends, each in its place (one per statement or item,
    /// two per item of a matrix); `None` where the form sends a list (a poll's choices, words).
    pub fn slots(&self) -> Option<usize> {
        match self {
            Settings::Rating { statements, .. } => Some(statements.len()),
            Settings::Delphi { statements, .. } => Some(2 * statements.len()),
            Settings::Ranking { items } | Settings::Dots { items, .. } => Some(items.len()),
            Settings::Matrix { items, .. } => Some(2 * items.len()),
            _ => None,
        }
    }
}

/// One step of a workshop's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub activity_id: String,
    pub prompt: String,
    pub settings: Settings,
}

/// A workshop as its facilitator prepares and runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workshop {
    pub workshop_id: String,
    pub title: String,
    /// The language tag of the room (`en`, `hr`…): the participants' pages speak it.
    pub language: String,
    pub code: String,
    pub joining_locked: bool,
    pub anonymous_allowed: bool,
    /// A template: its agenda starts workshops; it is never run itself.
    pub template: bool,
    pub activities: Vec<Activity>,
    pub participants: Vec<Participant>,
    /// What the presenter's screen shows now.
    pub stage: super::stage::Stage,
}

/// Someone who joined; `nickname` is `None` for who joined anonymously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub participant_id: String,
    pub nickname: Option<String>,
    pub joined_at: i64,
}

/// A line of the facilitator's list of workshops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopSummary {
    pub workshop_id: String,
    pub title: String,
    pub code: String,
    pub activities: i64,
    pub participants: i64,
    pub template: bool,
}

/// What the participant's page shows: the workshop, and who the visitor is in it, if they
/// joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub title: String,
    pub code: String,
    pub joining_locked: bool,
    pub anonymous_allowed: bool,
    /// The visitor joined.
    pub joined: bool,
    /// Their nickname once they joined (`None`: anonymously).
    pub nickname: Option<String>,
    /// What their screen shows, once they joined.
    pub screen: Option<super::stage::Screen>,
}

/// `90` → `1:30`.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Whether a normalised code (`round::normalise_code`) could be a workshop's.
pub fn is_join_code(code: &str) -> bool {
    is_code_of(code, JOIN_CODE_LETTERS)
}

/// A participant's nickname: empty means anonymous, which the workshop must allow.
pub fn nickname(raw: &str, anonymous_allowed: bool) -> Result<Option<String>, Problem> {
    if raw.trim().is_empty() {
        return if anonymous_allowed {
            Ok(None)
        } else {
            Err(Problem::Required)
        };
    }
    bounded_text(raw, NICKNAME_MAX).map(Some)
}

/// A fresh join code.
#[cfg(feature = "ssr")]
pub fn new_join_code() -> String {
    random_code(JOIN_CODE_LETTERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_stored_as_json_tagged_with_their_kind() {
        let settings = Settings::WordCloud { per_person: 3 };
        let json = serde_json::to_string(&settings).unwrap();
        assert_eq!(json, r#"{"kind":"word_cloud","per_person":3}"#);
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), settings);
    }

    #[test]
    fn a_join_code_is_read_in_any_case_with_spaces_or_dashes() {
        use crate::assessment::round::normalise_code;
        assert_eq!(normalise_code(" abc-d 23 "), "ABCD23");
        assert!(is_join_code("ABCD23"));
        assert!(!is_join_code("ABCD2"));
        assert!(!is_join_code("ABCD20"), "0 is not in the alphabet");
        assert!(is_join_code(&new_join_code()));
    }

    #[test]
    fn an_empty_nickname_is_anonymous_only_where_the_workshop_allows_it() {
        assert_eq!(nickname("  ", true), Ok(None));
        assert_eq!(nickname("", false), Err(Problem::Required));
        assert_eq!(nickname(" Ana ", false), Ok(Some("Ana".into())));
        assert_eq!(
            nickname(&"x".repeat(31), true),
            Err(Problem::TooLong { max: 30 })
        );
    }

    #[test]
    fn a_clock_shows_minutes_and_seconds() {
        assert_eq!(clock(90), "1:30");
        assert_eq!(clock(3600), "60:00");
    }
}
