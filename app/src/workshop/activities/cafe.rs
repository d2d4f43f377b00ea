//! World Café tables: the facilitator splits the room into tables, one per topic, each with a
//! host; every table writes its own notes (a board whose categories are the tables); a
//! rotation moves everyone but the hosts on to the next table, where the host briefs them with
//! the notes written there before; the harvest makes the tables' notes one plenary board that
//! the facilitator clusters, merges and puts to the dot vote like any ideas board. A note
//! belongs to the table its author sits at when it is folded in. Pure; the views are in
//! `ideas_views.rs`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who hosts a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    pub participant: String,
    /// Their nickname (`None`: joined anonymously).
    pub nickname: Option<String>,
}

/// Where everyone sits: each participant's table, each table's host, how many rotations
/// there were, and whether the tables' notes were harvested into the plenary board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seating {
    pub seats: BTreeMap<String, u8>,
    /// Per table, its host (`None`: a table nobody sat at).
    pub hosts: Vec<Option<Host>>,
    pub rotations: u8,
    pub harvested: bool,
}

/// One table as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableView {
    pub host: Option<Host>,
    pub people: u32,
}

/// The seating as one screen shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatingView {
    /// Whether the room was split into tables yet.
    pub split: bool,
    pub tables: Vec<TableView>,
    /// The viewer's table, and whether they host it.
    pub my_table: Option<u8>,
    pub hosting: bool,
    pub rotations: u8,
    pub harvested: bool,
}

/// The room split over `tables` tables in the order people joined, round the tables in turn;
/// the first seated at each table hosts it.
pub fn split(people: &[Host], tables: u8) -> (BTreeMap<String, u8>, Vec<Option<Host>>) {
    let mut seats = BTreeMap::new();
    let mut hosts = vec![None; usize::from(tables)];
    if tables == 0 {
        return (seats, hosts);
    }
    for (n, person) in people.iter().enumerate() {
        let table = (n % usize::from(tables)) as u8;
        seats.insert(person.participant.clone(), table);
        let host = &mut hosts[usize::from(table)];
        if host.is_none() {
            *host = Some(person.clone());
        }
    }
    (seats, hosts)
}

impl Seating {
    pub fn split(&self) -> bool {
        !self.hosts.is_empty()
    }

    /// Seats everyone anew (before the harvest).
    pub fn seat(&mut self, seats: BTreeMap<String, u8>, hosts: Vec<Option<Host>>) {
        if !self.harvested {
            self.seats = seats;
            self.hosts = hosts;
            self.rotations = 0;
        }
    }

    fn hosts(&self, participant: &str) -> bool {
        self.hosts
            .iter()
            .flatten()
            .any(|h| h.participant == participant)
    }

    /// Everyone but the hosts moves on to the next table.
    pub fn rotate(&mut self) {
        let tables = self.hosts.len();
        if tables == 0 || self.harvested {
            return;
        }
        let hosts: Vec<String> = self
            .hosts
            .iter()
            .flatten()
            .map(|h| h.participant.clone())
            .collect();
        for (who, table) in &mut self.seats {
            if !hosts.contains(who) {
                *table = ((usize::from(*table) + 1) % tables) as u8;
            }
        }
        self.rotations = self.rotations.saturating_add(1);
    }

    pub fn harvest(&mut self) {
        if self.split() {
            self.harvested = true;
        }
    }

    /// The table `participant` sits at, if any.
    pub fn table_of(&self, participant: &str) -> Option<u8> {
        self.seats.get(participant).copied()
    }

    /// Someone sent out leaves their seat (a host's table keeps its host's name).
    pub fn remove(&mut self, participant: &str) {
        self.seats.remove(participant);
    }

    pub fn view(&self, viewer: Option<&str>) -> SeatingView {
        let mut people = vec![0u32; self.hosts.len()];
        for table in self.seats.values() {
            if let Some(n) = people.get_mut(usize::from(*table)) {
                *n += 1;
            }
        }
        SeatingView {
            split: self.split(),
            tables: self
                .hosts
                .iter()
                .zip(people)
                .map(|(host, people)| TableView {
                    host: host.clone(),
                    people,
                })
                .collect(),
            my_table: viewer.and_then(|v| self.table_of(v)),
            hosting: viewer.is_some_and(|v| self.hosts(v)),
            rotations: self.rotations,
            harvested: self.harvested,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(names: &[&str]) -> Vec<Host> {
        names
            .iter()
            .map(|n| Host {
                participant: (*n).to_owned(),
                nickname: Some(n.to_uppercase()),
            })
            .collect()
    }

    #[test]
    fn the_room_is_split_round_the_tables_and_rotation_moves_everyone_but_the_hosts() {
        let (seats, hosts) = split(&people(&["ana", "ivo", "eva", "jan", "zoe"]), 3);
        let mut seating = Seating::default();
        seating.seat(seats, hosts);
        let at = |s: &Seating| ["ana", "ivo", "eva", "jan", "zoe"].map(|p| s.table_of(p).unwrap());
        assert_eq!(at(&seating), [0, 1, 2, 0, 1]);
        let view = seating.view(Some("ana"));
        assert_eq!((view.my_table, view.hosting), (Some(0), true));
        assert_eq!(view.tables[1].people, 2);
        assert_eq!(
            view.tables[2].host.as_ref().unwrap().nickname.as_deref(),
            Some("EVA")
        );
        seating.rotate();
        assert_eq!(at(&seating), [0, 1, 2, 1, 2], "the hosts stay");
        seating.rotate();
        assert_eq!(at(&seating), [0, 1, 2, 2, 0]);
        assert_eq!(seating.rotations, 2);
        seating.harvest();
        seating.rotate();
        assert_eq!(seating.rotations, 2, "after the harvest nobody moves");
        assert!(seating.view(None).harvested);
    }

    #[test]
    fn more_tables_than_people_leave_tables_without_a_host() {
        let (_, hosts) = split(&people(&["ana"]), 2);
        assert!(hosts[0].is_some() && hosts[1].is_none());
        let mut seating = Seating::default();
        seating.harvest();
        assert!(!seating.harvested, "nothing to harvest before the split");
    }
}
