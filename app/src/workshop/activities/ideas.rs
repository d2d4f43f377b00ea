//! Ideas boards and SWOT boards: participants post short notes (into a category, or a SWOT
//! quadrant), the facilitator groups them into named clusters, merges duplicates and takes
//! notes off the board; then, if the board has dots, the facilitator starts dot voting and
//! every participant spreads their dots over the notes (a SWOT board's dots count per
//! quadrant). The dots stay hidden until the facilitator reveals them. A pure fold of the
//! board's events into a [`Wall`]; the views are in `ideas_views.rs`.

use super::cafe::{Seating, SeatingView};
use crate::error::Problem;
use crate::text::bounded_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One note, in letters: a sticky note's worth.
pub const NOTE_MAX: usize = 140;
/// How many notes one person may post on one board.
pub const NOTES_PER_PERSON: usize = 20;
/// A cluster's name, in letters.
pub const CLUSTER_NAME_MAX: usize = 60;
/// How many clusters one board may have.
pub const CLUSTERS_MAX: usize = 30;
/// A SWOT board's quadrants, in order: strengths, weaknesses, opportunities, threats.
pub const QUADRANTS: u8 = 4;

/// A note as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub author: String,
    pub text: String,
    /// Its category (or quadrant), by index, where the board has them.
    pub category: Option<u8>,
    pub cluster: Option<String>,
    /// The note it was merged into, as a duplicate.
    pub merged_into: Option<String>,
    /// Taken off the board by the facilitator.
    pub hidden: bool,
    /// The dots on it, per participant.
    pub dots: BTreeMap<String, u8>,
}

impl Note {
    /// Still a note of its own on the board: neither merged nor taken off.
    fn standing(&self) -> bool {
        self.merged_into.is_none() && !self.hidden
    }
}

/// A named group of notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub name: String,
}

/// How many dots a participant may place, and whether they count per category (a SWOT
/// board's quadrants) or over the whole board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    pub dots: u8,
    pub per_category: bool,
}

/// One board's notes and clusters, in the order they came, and whether it is voting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wall {
    pub notes: Vec<Note>,
    pub clusters: Vec<Cluster>,
    /// Participants place dots (and post no notes).
    pub voting: bool,
    /// Where everyone sits, on a board of World Café tables.
    #[serde(default)]
    pub seating: Seating,
}

/// A note as one screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    pub text: String,
    pub category: Option<u8>,
    pub cluster: Option<String>,
    /// The dots on it, where the viewer may see them (revealed, or the facilitator's results).
    pub dots: Option<u32>,
    /// The viewer's own dots on it.
    pub my_dots: u8,
    /// The viewer posted it.
    pub mine: bool,
    /// The notes merged into it, as they were typed.
    pub merged: Vec<String>,
}

/// A board as one screen shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub cards: Vec<Card>,
    pub clusters: Vec<Cluster>,
    pub voting: bool,
    /// How many placed dots, where the viewer may see the dots.
    pub voters: Option<u32>,
    /// World Café tables, once the room was split.
    pub seating: Option<SeatingView>,
}

impl Wall {
    pub fn get(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    /// The note with this id, if it still stands on the board.
    pub fn standing(&self, id: &str) -> Option<&Note> {
        self.get(id).filter(|n| n.standing())
    }

    fn standing_mut(&mut self, id: &str) -> Option<&mut Note> {
        self.notes
            .iter_mut()
            .find(|n| n.id == id)
            .filter(|n| n.standing())
    }

    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }

    /// A new note, unless the board votes or its author posted their share: the fold keeps
    /// the rules the server checks, should two posts race past them. At World Café tables it
    /// goes to the table its author sits at, and only until the harvest.
    pub fn post(&mut self, mut note: Note) {
        if self.seating.split() {
            match self.seating.table_of(&note.author) {
                Some(table) if !self.seating.harvested => note.category = Some(table),
                _ => return,
            }
        }
        if self.get(&note.id).is_none()
            && !self.voting
            && self.posted_by(&note.author) < NOTES_PER_PERSON
        {
            self.notes.push(note);
        }
    }

    /// How many notes `participant` posted.
    pub fn posted_by(&self, participant: &str) -> usize {
        self.notes
            .iter()
            .filter(|n| n.author == participant)
            .count()
    }

    /// The dots `participant` placed on standing notes of `category` (`None`: of the whole
    /// board).
    pub fn spent(&self, participant: &str, category: Option<Option<u8>>) -> u8 {
        self.notes
            .iter()
            .filter(|n| n.standing() && category.is_none_or(|c| n.category == c))
            .filter_map(|n| n.dots.get(participant))
            .fold(0u8, |sum, d| sum.saturating_add(*d))
    }

    /// Whether `participant` may place one more dot on the note `id` within `budget`.
    pub fn dot_left(&self, participant: &str, id: &str, budget: Budget) -> bool {
        self.standing(id).is_some_and(|note| {
            let scope = budget.per_category.then_some(note.category);
            self.spent(participant, scope) < budget.dots
        })
    }

    /// One dot placed (`add`) on a standing note while the board votes, within `budget`, or
    /// one taken back.
    pub fn dot(&mut self, participant: &str, id: &str, add: bool, budget: Budget) {
        if !self.voting || (add && !self.dot_left(participant, id, budget)) {
            return;
        }
        let Some(note) = self.standing_mut(id) else {
            return;
        };
        let mine = note.dots.entry(participant.to_owned()).or_default();
        if add {
            *mine += 1;
        } else {
            *mine = mine.saturating_sub(1);
        }
        if *mine == 0 {
            note.dots.remove(participant);
        }
    }

    /// Names a new cluster, or renames one.
    pub fn name_cluster(&mut self, id: &str, name: &str) {
        match self.clusters.iter_mut().find(|c| c.id == id) {
            Some(cluster) => name.clone_into(&mut cluster.name),
            None => self.clusters.push(Cluster {
                id: id.to_owned(),
                name: name.to_owned(),
            }),
        }
    }

    /// Puts a standing note into a cluster that exists, or out of any (`None`).
    pub fn group(&mut self, id: &str, cluster: Option<&str>) {
        if cluster.is_some_and(|c| self.cluster(c).is_none()) {
            return;
        }
        if let Some(note) = self.standing_mut(id) {
            note.cluster = cluster.map(str::to_owned);
        }
    }

    /// Whether the note `id` may be merged into `into`: two standing notes of one category.
    pub fn mergeable(&self, id: &str, into: &str) -> bool {
        match (self.standing(id), self.standing(into)) {
            (Some(note), Some(target)) => id != into && note.category == target.category,
            _ => false,
        }
    }

    /// Merges a duplicate into another note: the duplicate's dots go with it, and the notes
    /// merged into the duplicate before now point at the note it joined.
    pub fn merge(&mut self, id: &str, into: &str) {
        if !self.mergeable(id, into) {
            return;
        }
        let mut moved = BTreeMap::new();
        for note in &mut self.notes {
            if note.id == id {
                note.merged_into = Some(into.to_owned());
                moved = std::mem::take(&mut note.dots);
            } else if note.merged_into.as_deref() == Some(id) {
                note.merged_into = Some(into.to_owned());
            }
        }
        if let Some(target) = self.standing_mut(into) {
            for (who, dots) in moved {
                let mine = target.dots.entry(who).or_default();
                *mine = mine.saturating_add(dots);
            }
        }
    }

    /// Takes a note off the board, standing or merged as a duplicate: a standing note's dots
    /// go back to whoever placed them.
    pub fn hide(&mut self, id: &str) {
        if let Some(note) = self.notes.iter_mut().find(|n| n.id == id) {
            note.hidden = true;
        }
    }

    /// Someone sent out: their dots no longer count (their notes stay, for the facilitator to
    /// keep or take off).
    pub fn remove(&mut self, participant: &str) {
        for note in &mut self.notes {
            note.dots.remove(participant);
        }
        self.seating.remove(participant);
    }

    /// The board as `viewer` sees it (`None`: the facilitator); `dots`: whether the dots show
    /// (then the notes come most dotted first).
    pub fn sheet(&self, viewer: Option<&str>, dots: bool) -> Sheet {
        let mut merged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for note in self.notes.iter().filter(|n| !n.hidden) {
            if let Some(into) = &note.merged_into {
                merged.entry(into).or_default().push(note.text.clone());
            }
        }
        // At the tables, before the harvest, a participant sees their own table's notes.
        let table = match viewer {
            Some(v) if self.seating.split() && !self.seating.harvested => {
                Some(self.seating.table_of(v))
            }
            _ => None,
        };
        let mut cards: Vec<Card> = self
            .notes
            .iter()
            .filter(|n| n.standing() && table.is_none_or(|t| t.is_some() && n.category == t))
            .map(|n| Card {
                id: n.id.clone(),
                text: n.text.clone(),
                category: n.category,
                cluster: n.cluster.clone(),
                dots: dots.then(|| n.dots.values().map(|d| u32::from(*d)).sum()),
                my_dots: viewer.and_then(|v| n.dots.get(v).copied()).unwrap_or(0),
                mine: viewer.is_some_and(|v| v == n.author),
                merged: merged.remove(n.id.as_str()).unwrap_or_default(),
            })
            .collect();
        if dots {
            cards.sort_by_key(|c| std::cmp::Reverse(c.dots));
        }
        let voters = dots.then(|| {
            let placed: std::collections::BTreeSet<&String> = self
                .notes
                .iter()
                .filter(|n| n.standing())
                .flat_map(|n| n.dots.keys())
                .collect();
            placed.len() as u32
        });
        Sheet {
            cards,
            clusters: self.clusters.clone(),
            voting: self.voting,
            voters,
            seating: self.seating.split().then(|| self.seating.view(viewer)),
        }
    }
}

/// A note as typed.
pub fn check_note(text: &str) -> Result<String, Problem> {
    bounded_text(text, NOTE_MAX)
}

/// A cluster's name as typed.
pub fn check_cluster_name(name: &str) -> Result<String, Problem> {
    bounded_text(name, CLUSTER_NAME_MAX)
}

/// The category chosen on the note form, by index, among `count` (none where the board has
/// none).
pub fn check_category(raw: &str, count: usize) -> Result<Option<u8>, Problem> {
    if count == 0 {
        return Ok(None);
    }
    match raw.trim() {
        "" => Err(Problem::Required),
        typed => match typed.parse::<u8>() {
            Ok(n) if usize::from(n) < count => Ok(Some(n)),
            _ => Err(Problem::UnknownChoice),
        },
    }
}

/// What the facilitator does with a note, as the organising form names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Into this cluster.
    Cluster(String),
    /// Out of any cluster.
    Unclustered,
    /// Merged into this note, as its duplicate.
    Merge(String),
    /// Off the board.
    Hide,
}

impl Placement {
    /// `cluster:<id>`, `none`, `merge:<id>` or `hide`.
    pub fn parse(raw: &str) -> Result<Placement, Problem> {
        match raw.split_once(':') {
            Some(("cluster", id)) if !id.is_empty() => Ok(Placement::Cluster(id.to_owned())),
            Some(("merge", id)) if !id.is_empty() => Ok(Placement::Merge(id.to_owned())),
            None if raw == "none" => Ok(Placement::Unclustered),
            None if raw == "hide" => Ok(Placement::Hide),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: &str, author: &str, category: Option<u8>) -> Note {
        Note {
            id: id.into(),
            author: author.into(),
            text: format!("Note {id}"),
            category,
            cluster: None,
            merged_into: None,
            hidden: false,
            dots: BTreeMap::new(),
        }
    }

    const THREE: Budget = Budget {
        dots: 3,
        per_category: false,
    };

    #[test]
    fn dots_are_placed_only_while_voting_and_within_the_budget() {
        let mut wall = Wall::default();
        wall.post(note("n1", "ana", None));
        wall.post(note("n2", "ivo", None));
        wall.dot("eva", "n1", true, THREE);
        assert_eq!(wall.spent("eva", None), 0, "not voting yet");
        wall.voting = true;
        wall.post(note("n3", "eva", None));
        assert_eq!(wall.notes.len(), 2, "no notes during the vote");
        for _ in 0..5 {
            wall.dot("eva", "n1", true, THREE);
        }
        assert_eq!(wall.spent("eva", None), 3, "stacked up to the budget");
        assert!(!wall.dot_left("eva", "n2", THREE));
        wall.dot("eva", "n1", false, THREE);
        wall.dot("eva", "n2", true, THREE);
        wall.dot("ana", "n9", true, THREE);
        let sheet = wall.sheet(Some("eva"), true);
        let dots: Vec<(String, Option<u32>, u8)> = sheet
            .cards
            .iter()
            .map(|c| (c.id.clone(), c.dots, c.my_dots))
            .collect();
        assert_eq!(
            dots,
            vec![("n1".into(), Some(2), 2), ("n2".into(), Some(1), 1)]
        );
        assert_eq!(sheet.voters, Some(1));
        assert_eq!(wall.sheet(Some("eva"), false).cards[0].dots, None);
        wall.remove("eva");
        assert_eq!(
            wall.spent("eva", None),
            0,
            "who was sent out no longer counts"
        );
    }

    #[test]
    fn a_swot_boards_dots_count_per_quadrant() {
        let per_quadrant = Budget {
            dots: 1,
            per_category: true,
        };
        let mut wall = Wall::default();
        wall.post(note("s", "ana", Some(0)));
        wall.post(note("w", "ana", Some(1)));
        wall.post(note("w2", "ana", Some(1)));
        wall.voting = true;
        wall.dot("ivo", "s", true, per_quadrant);
        wall.dot("ivo", "w", true, per_quadrant);
        wall.dot("ivo", "w2", true, per_quadrant);
        assert_eq!(wall.spent("ivo", Some(Some(0))), 1);
        assert_eq!(wall.spent("ivo", Some(Some(1))), 1, "one per quadrant");
        assert_eq!(wall.spent("ivo", None), 2);
    }

    #[test]
    fn merging_moves_a_duplicates_dots_and_earlier_duplicates_to_the_note_it_joins() {
        let mut wall = Wall::default();
        wall.post(note("a", "ana", Some(0)));
        wall.post(note("b", "ivo", Some(0)));
        wall.post(note("c", "eva", Some(0)));
        wall.post(note("d", "eva", Some(1)));
        wall.voting = true;
        wall.dot("zoe", "b", true, THREE);
        wall.dot("zoe", "a", true, THREE);
        wall.merge("c", "b");
        wall.merge("b", "a");
        wall.merge("a", "d");
        wall.merge("a", "a");
        let sheet = wall.sheet(None, true);
        let a = &sheet.cards[0];
        assert_eq!(a.id, "a");
        assert_eq!(a.dots, Some(2), "b's dot joined a's");
        assert_eq!(a.merged, vec!["Note b", "Note c"]);
        assert_eq!(sheet.cards.len(), 2, "d is of another quadrant, not merged");
        wall.hide("d");
        wall.merge("a", "d");
        assert_eq!(wall.sheet(None, false).cards.len(), 1);
        wall.hide("c");
        assert_eq!(
            wall.sheet(None, false).cards[0].merged,
            vec!["Note b"],
            "a duplicate taken off no longer shows"
        );
    }

    #[test]
    fn notes_go_into_named_clusters_that_exist() {
        let mut wall = Wall::default();
        wall.post(note("a", "ana", None));
        wall.name_cluster("k1", "Funding");
        wall.name_cluster("k1", "Finance");
        wall.group("a", Some("k1"));
        wall.group("a", Some("k9"));
        assert_eq!(wall.get("a").unwrap().cluster.as_deref(), Some("k1"));
        assert_eq!(wall.clusters.len(), 1);
        assert_eq!(wall.clusters[0].name, "Finance");
        wall.group("a", None);
        assert_eq!(wall.get("a").unwrap().cluster, None);
    }

    #[test]
    fn at_world_cafe_tables_a_note_goes_to_its_authors_table_and_each_sees_theirs_until_the_harvest(
    ) {
        use super::super::cafe::{split, Host};
        let people: Vec<Host> = ["ana", "ivo", "eva"]
            .map(|p| Host {
                participant: p.into(),
                nickname: None,
            })
            .to_vec();
        let mut wall = Wall::default();
        let (seats, hosts) = split(&people[..2], 2);
        wall.seating.seat(seats, hosts);
        wall.post(note("a", "ana", Some(1)));
        wall.post(note("i", "ivo", None));
        wall.post(note("e", "eva", Some(0)));
        let tables: Vec<(String, Option<u8>)> = wall
            .notes
            .iter()
            .map(|n| (n.id.clone(), n.category))
            .collect();
        assert_eq!(
            tables,
            vec![("a".into(), Some(0)), ("i".into(), Some(1))],
            "the table is where the author sits; who sits nowhere posts nothing"
        );
        let seen = |wall: &Wall, who| -> Vec<String> {
            wall.sheet(Some(who), false)
                .cards
                .into_iter()
                .map(|c| c.id)
                .collect()
        };
        assert_eq!(seen(&wall, "ana"), vec!["a"]);
        assert_eq!(seen(&wall, "eva"), Vec::<String>::new());
        assert_eq!(
            wall.sheet(None, false).cards.len(),
            2,
            "the projector sees every table"
        );
        wall.seating.harvest();
        assert_eq!(seen(&wall, "ana"), vec!["a", "i"]);
        wall.post(note("late", "ana", None));
        assert_eq!(wall.notes.len(), 2, "no notes after the harvest");
    }

    #[test]
    fn the_organising_form_and_the_note_form_are_read_strictly() {
        assert_eq!(
            Placement::parse("cluster:k1"),
            Ok(Placement::Cluster("k1".into()))
        );
        assert_eq!(
            Placement::parse("merge:n1"),
            Ok(Placement::Merge("n1".into()))
        );
        assert_eq!(Placement::parse("none"), Ok(Placement::Unclustered));
        assert_eq!(Placement::parse("hide"), Ok(Placement::Hide));
        assert_eq!(Placement::parse("merge:"), Err(Problem::UnknownChoice));
        assert_eq!(Placement::parse("drop"), Err(Problem::UnknownChoice));
        assert_eq!(
            Placement::parse(""),
            Err(Problem::UnknownChoice),
            "nothing chosen"
        );
        assert_eq!(check_category("", 0), Ok(None));
        assert_eq!(check_category("", 4), Err(Problem::Required));
        assert_eq!(check_category("3", 4), Ok(Some(3)));
        assert_eq!(check_category("4", 4), Err(Problem::UnknownChoice));
        assert_eq!(
            check_note(&"x".repeat(141)),
            Err(Problem::TooLong { max: 140 })
        );
        assert_eq!(check_cluster_name("  Skills "), Ok("Skills".into()));
    }
}
