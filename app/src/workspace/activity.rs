//! A workspace's home at a glance: its recent activity (threads started, replies, documents
//! shared, members who joined) and what needs the viewing member's attention (threads with
//! posts they have not read, their unread notifications here, people waiting to be let in).
//! Pure; compiled for the browser too.

use serde::{Deserialize, Serialize};

/// Entries the activity feed shows, newest first.
pub const FEED_LEN: usize = 12;
/// Unread threads the attention panel names (it counts them all).
pub const UNREAD_NAMED: usize = 5;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Started,
    Replied,
    Shared,
    Joined,
}

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub kind: ActivityKind,
    /// Who did it; `None`: a former member.
    pub actor: Option<String>,
    pub at: i64,
    /// The thread or the document it is about (none for a member who joined).
    pub target_id: Option<String>,
    /// Its title or file name.
    pub target: Option<String>,
    /// What makes two entries of the same time distinct, so the order never wavers.
    pub key: String,
}

/// A thread with posts the member has not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadThread {
    pub thread_id: String,
    pub title: String,
}

/// What needs one member's attention in one workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    /// The most recently active of the unread threads, at most [`UNREAD_NAMED`].
    pub threads: Vec<UnreadThread>,
    /// All unread threads.
    pub unread_threads: i64,
    /// The member's unread notifications about this workspace.
    pub notices: i64,
    /// People asking to join; counted for facilitators only.
    pub waiting: i64,
}

impl Attention {
    /// Nothing waits for the member.
    pub fn is_clear(&self) -> bool {
        self.unread_threads == 0 && self.notices == 0 && self.waiting == 0
    }
}

/// A workspace's home at a glance, for one viewer; `attention` is for members only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceActivity {
    pub feed: Vec<ActivityLine>,
    pub attention: Option<Attention>,
}

/// The newest [`FEED_LEN`] of lines gathered from several sources, newest first (ties by key,
/// so the same lines always come in the same order).
pub fn newest(mut lines: Vec<ActivityLine>) -> Vec<ActivityLine> {
    lines.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.key.cmp(&a.key)));
    lines.truncate(FEED_LEN);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: ActivityKind, at: i64, key: &str) -> ActivityLine {
        ActivityLine {
            kind,
            actor: None,
            at,
            target_id: None,
            target: None,
            key: key.into(),
        }
    }

    #[test]
    fn the_feed_keeps_the_newest_lines_newest_first_and_orders_ties_the_same_way_every_time() {
        let mut lines: Vec<ActivityLine> = (0..20)
            .map(|n| line(ActivityKind::Replied, n, &format!("p{n:02}")))
            .collect();
        lines.push(line(ActivityKind::Shared, 15, "d1"));
        lines.push(line(ActivityKind::Joined, 15, "m1"));
        let feed = newest(lines.clone());
        assert_eq!(feed.len(), FEED_LEN);
        let order: Vec<(i64, &str)> = feed.iter().map(|l| (l.at, l.key.as_str())).collect();
        assert_eq!(
            &order[..7],
            &[
                (19, "p19"),
                (18, "p18"),
                (17, "p17"),
                (16, "p16"),
                (15, "p15"),
                (15, "m1"),
                (15, "d1")
            ]
        );
        lines.reverse();
        assert_eq!(newest(lines), feed);
    }

    #[test]
    fn attention_is_clear_only_when_nothing_waits() {
        assert!(Attention::default().is_clear());
        for attention in [
            Attention {
                unread_threads: 1,
                ..Attention::default()
            },
            Attention {
                notices: 2,
                ..Attention::default()
            },
            Attention {
                waiting: 1,
                ..Attention::default()
            },
        ] {
            assert!(!attention.is_clear());
        }
    }
}
