//! A small SMTP server for tests: it speaks enough of RFC 5321 for a real client (the
//! server's own `lettre`) to deliver to it, keeps every message it takes, and refuses any
//! recipient whose address starts with `refuse`, or that a test told it to refuse from then on.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as delivered: its recipients and its text (headers and body, as sent).
#[derive(Debug, Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    pub data: String,
}

impl Delivered {
    /// The body with quoted-printable soft line breaks and `=XX` escapes undone, so that a
    /// test can look for a link or a phrase in it.
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'=', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A platform's configuration tweaked to send its e-mail to `sink`.
pub fn with_mail(sink: &SmtpSink) -> impl Fn(&mut server::config::Config) {
    let url = sink.url.clone();
    move |c| {
        c.smtp_url = Some(url.clone());
        c.mail_from = Some("ClusterPoliSEE <noreply@example.org>".into());
    }
}

pub struct SmtpSink {
    pub url: String,
    delivered: Arc<Mutex<Vec<Delivered>>>,
    refused: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(Vec::new()));
        let (kept, refusing) = (delivered.clone(), refused.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, kept.clone(), refusing.clone()));
            }
        });
        SmtpSink {
            url,
            delivered,
            refused,
            task,
        }
    }

    /// Refuses `address` from now on, as a mailbox that went away.
    pub fn refuse(&self, address: &str) {
        self.refused.lock().unwrap().push(address.to_owned());
    }

    /// Takes messages to `address` again.
    pub fn accept(&self, address: &str) {
        self.refused.lock().unwrap().retain(|a| a != address);
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        self.delivered.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(
    stream: TcpStream,
    delivered: Arc<Mutex<Vec<Delivered>>>,
    refused: Arc<Mutex<Vec<String>>>,
) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut to = Vec::new();
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let address = line[8..].trim().trim_matches(['<', '>']).to_owned();
            if address.starts_with("refuse") || refused.lock().unwrap().contains(&address) {
                b"550 no such mailbox\r\n"
            } else {
                to.push(address);
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            if write.write_all(b"354 go on\r\n").await.is_err() {
                return;
            }
            let mut data = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            delivered.lock().unwrap().push(Delivered {
                to: std::mem::take(&mut to),
                data,
            });
            b"250 taken\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else if upper == "RSET" {
            to.clear();
            b"250 OK\r\n"
        } else {
            // HELO, MAIL FROM, NOOP
            b"250 OK\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
