//! Discussions in a workspace: threads of posts in Markdown, as pages show them, and the
//! cursors that page through them. Pure; compiled for the browser too.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// A thread's title, in letters.
pub const TITLE_MAX: usize = 200;
/// A post's Markdown, in characters.
pub const POST_MAX: usize = 20_000;
/// Posts on one page of a thread.
pub const POSTS_PER_PAGE: usize = 50;
/// Threads on one page of a workspace's discussions.
pub const THREADS_PER_PAGE: usize = 30;

/// A thread as a workspace's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadLine {
    pub thread_id: String,
    pub title: String,
    /// Its author's name; `None`: a former member.
    pub author: Option<String>,
    pub pinned: bool,
    /// Posts in it, the opening one included.
    pub posts: i64,
    pub last_post_at: i64,
    /// It has posts the viewing member has not read.
    pub unread: bool,
}

/// A page of a workspace's threads: the pinned ones (on the first page only), then the others,
/// most recently active first; `next`: where the next page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub pinned: Vec<ThreadLine>,
    pub threads: Vec<ThreadLine>,
    pub next: Option<String>,
}

/// A post as a thread's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    pub post_id: String,
    /// Its author's name; `None`: a former member.
    pub author: Option<String>,
    /// The sanitised HTML of its Markdown (empty once deleted).
    pub html: String,
    /// Its Markdown, for the viewer who may edit it.
    pub source: Option<String>,
    pub created_at: i64,
    pub edited: bool,
    pub deleted: bool,
    /// Whether the viewer may edit or delete it.
    pub mine_to_change: bool,
}

/// A page of one thread, for one viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub thread_id: String,
    pub title: String,
    pub pinned: bool,
    pub posts: Vec<Post>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
    /// The viewer writes here (replies); facilitates (pins, deletes anyone's posts).
    pub writes: bool,
    pub facilitates: bool,
}

/// A place in a list ordered by time, then id: `<ms>.<id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    pub fn write(at: i64, id: &str) -> String {
        format!("{at}.{id}")
    }

    /// A cursor as a page's address carries it; empty: the start.
    pub fn parse(raw: &str) -> Result<Option<Cursor>, Problem> {
        if raw.is_empty() {
            return Ok(None);
        }
        let (at, id) = raw.split_once('.').ok_or(Problem::UnknownChoice)?;
        let at = at.parse::<i64>().map_err(|_| Problem::UnknownChoice)?;
        let plausible = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plausible {
            return Err(Problem::UnknownChoice);
        }
        Ok(Some(Cursor {
            at,
            id: id.to_owned(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_writes_and_refuses_anything_else() {
        let raw = Cursor::write(1_700_000_000_000, "0190d0d0-0000-7000-8000-000000000000");
        assert_eq!(
            Cursor::parse(&raw),
            Ok(Some(Cursor {
                at: 1_700_000_000_000,
                id: "0190d0d0-0000-7000-8000-000000000000".into()
            }))
        );
        assert_eq!(Cursor::parse(""), Ok(None));
        for bad in ["12", "x.abc", "12.", "12.a'b", "12.a b"] {
            assert_eq!(Cursor::parse(bad), Err(Problem::UnknownChoice), "{bad}");
        }
    }
}
