//! In-app notifications of what happened in workspaces that concerns a person: a mention, a
//! reply to their thread, an invitation. Pure; compiled for the browser too.

use serde::{Deserialize, Serialize};

/// Notifications one page lists, newest first.
pub const NOTICES_SHOWN: usize = 50;

/// What a notification tells about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Someone wrote `@Name` of the person in a post.
    Mention,
    /// Someone replied in a thread the person started.
    Reply,
    /// A facilitator invited the person's account into a workspace.
    Invitation,
    /// A member shared a document in a workspace of the person's.
    Document,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] = [
        NoticeKind::Mention,
        NoticeKind::Reply,
        NoticeKind::Invitation,
        NoticeKind::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Mention => "mention",
            NoticeKind::Reply => "reply",
            NoticeKind::Invitation => "invitation",
            NoticeKind::Document => "document",
        }
    }

    pub fn parse(raw: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A notification as the person's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub notice_id: String,
    pub kind: NoticeKind,
    pub workspace_id: String,
    pub workspace_name: String,
    pub thread_id: Option<String>,
    pub thread_title: Option<String>,
    pub post_id: Option<String>,
    /// The document shared, if it is about one (and it is still there).
    pub document_name: Option<String>,
    /// Who did it; `None`: a former member.
    pub actor: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

impl Notice {
    /// Where the notification leads: the post, the workspace's documents, or (an invitation)
    /// the directory, where it is answered.
    pub fn href(&self) -> String {
        match (&self.thread_id, &self.post_id, self.kind) {
            (Some(thread), Some(post), _) => format!(
                "/workspaces/{}/threads/{thread}#post-{post}",
                self.workspace_id
            ),
            (_, _, NoticeKind::Document) => format!("/workspaces/{}#documents", self.workspace_id),
            _ => "/workspaces".to_owned(),
        }
    }
}

/// How often a person wants their notifications by e-mail. Off unless they choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailCadence {
    #[default]
    Never,
    /// Each as it comes (what comes within ten minutes of a message waits for the next).
    Each,
    /// A digest once a day.
    Daily,
}

impl MailCadence {
    pub const ALL: [MailCadence; 3] = [MailCadence::Never, MailCadence::Each, MailCadence::Daily];

    pub fn as_str(self) -> &'static str {
        match self {
            MailCadence::Never => "never",
            MailCadence::Each => "each",
            MailCadence::Daily => "daily",
        }
    }

    pub fn parse(raw: &str) -> Option<MailCadence> {
        MailCadence::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// Whether e-mail may go to the person's address: only once they have followed the link
/// sent to it, which shows the address is theirs and not someone else's they typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressState {
    /// No link went to the address, or the last one expired.
    #[default]
    Unconfirmed,
    /// A link went to it and waits to be followed.
    LinkSent,
    Confirmed,
}

/// A link to confirm an address, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressLink {
    /// The address, while it waits to be confirmed.
    pub address: Option<String>,
    pub confirmed: bool,
}

/// The person's notifications and which kinds they receive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notices {
    pub notices: Vec<Notice>,
    pub unread: i64,
    /// The kinds turned off.
    pub off: Vec<NoticeKind>,
    /// How often they get them by e-mail.
    pub mail: MailCadence,
    /// Whether the platform sends e-mail at all (it has an SMTP server).
    pub mail_on: bool,
    /// The person's address, and whether e-mail may go to it.
    pub address: String,
    pub address_state: AddressState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_leads_to_its_post_its_documents_or_to_the_directory() {
        let mut notice = Notice {
            notice_id: "n".into(),
            kind: NoticeKind::Mention,
            workspace_id: "w".into(),
            workspace_name: "W".into(),
            thread_id: Some("t".into()),
            thread_title: Some("T".into()),
            post_id: Some("p".into()),
            document_name: None,
            actor: None,
            created_at: 0,
            read: false,
        };
        assert_eq!(notice.href(), "/workspaces/w/threads/t#post-p");
        notice.kind = NoticeKind::Invitation;
        (notice.thread_id, notice.post_id) = (None, None);
        assert_eq!(notice.href(), "/workspaces");
        notice.kind = NoticeKind::Document;
        assert_eq!(notice.href(), "/workspaces/w#documents");
    }

    #[test]
    fn kinds_read_back_what_they_write() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("digest"), None);
        for cadence in MailCadence::ALL {
            assert_eq!(MailCadence::parse(cadence.as_str()), Some(cadence));
        }
        assert_eq!(MailCadence::parse("weekly"), None);
    }
}
