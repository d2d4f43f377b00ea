//! A post's Markdown made into the HTML its thread shows, once, when it is written: raw HTML
//! in the Markdown is shown as the text it is, @mentions of members are marked, and the result
//! goes through ammonia, so that nothing a member writes runs in another member's browser
//! (no script, no event handler, no `javascript:` link, no image fetched from elsewhere).
//! Server only.

use pulldown_cmark::{html, CowStr, Event, Options, Parser};

/// A member who may be mentioned: their id and their name as `@Name` writes it.
pub struct Mentionable<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
}

/// The HTML of `source`, and the ids of the members it mentions (each once, in order).
pub fn render(source: &str, members: &[Mentionable]) -> (String, Vec<String>) {
    let mut by_length: Vec<&Mentionable> = members.iter().filter(|m| !m.name.is_empty()).collect();
    // The longest name first, so that "@Ana Marija" is not read as "@Ana".
    by_length.sort_by_key(|m| std::cmp::Reverse(m.name.chars().count()));
    let mut mentioned = Vec::new();
    let mut events = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(source, options) {
        match event {
            // Raw HTML is shown, never run.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Text(text) => mark_mentions(&text, &by_length, &mut mentioned, &mut events),
            other => events.push(other),
        }
    }
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events.into_iter());
    let clean = ammonia::Builder::default()
        .rm_tags(&["img"])
        .add_tag_attributes("span", &["class"])
        .clean(&unsafe_html)
        .to_string();
    (clean, mentioned)
}

/// `text` as events, each `@Name` of a member as a marked span.
fn mark_mentions<'a>(
    text: &str,
    members: &[&Mentionable],
    mentioned: &mut Vec<String>,
    events: &mut Vec<Event<'a>>,
) {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match members
            .iter()
            .find_map(|m| named(after, m.name).map(|len| (m, len)))
        {
            Some((member, len)) => {
                if !plain.is_empty() {
                    events.push(Event::Text(CowStr::from(std::mem::take(&mut plain))));
                }
                let name = &after[..len];
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "<span class=\"mention\">@{}</span>",
                    escape(name)
                ))));
                if !mentioned.iter().any(|id| id == member.user_id) {
                    mentioned.push(member.user_id.to_owned());
                }
                rest = &after[len..];
            }
            None => {
                plain.push('@');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        events.push(Event::Text(CowStr::from(plain)));
    }
}

/// The length in bytes of `name` at the start of `text`, compared without case, where it
/// ends there (not inside a longer word).
fn named(text: &str, name: &str) -> Option<usize> {
    let count = name.chars().count();
    let end = text
        .char_indices()
        .nth(count)
        .map_or(text.len(), |(i, _)| i);
    let candidate = &text[..end];
    if candidate.chars().count() != count || candidate.to_lowercase() != name.to_lowercase() {
        return None;
    }
    match text[end..].chars().next() {
        Some(c) if c.is_alphanumeric() => None,
        _ => Some(end),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(source: &str) -> String {
        render(source, &[]).0
    }

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            plain("**Vouchers** work, see [the report](https://example.org/r)."),
            "<p><strong>Vouchers</strong> work, see <a href=\"https://example.org/r\" rel=\"noopener noreferrer\">the report</a>.</p>\n"
        );
    }

    /// The tags of `html`, as written between `<` and `>`.
    fn tags(html: &str) -> Vec<&str> {
        html.split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn script_handlers_javascript_links_raw_html_and_images_render_inert() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "![pixel](https://evil.example/track.png)",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<details open ontoggle=alert(1)>",
            "[x](https://example.org \"title\" onmouseover=alert(1))",
            "`<script>`",
            "<<script>script>alert(1)<</script>/script>",
        ];
        let allowed = ["p", "a", "code", "strong", "em", "span", "del", "pre"];
        for payload in payloads {
            let html = plain(payload);
            for tag in tags(&html) {
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("");
                assert!(allowed.contains(&name), "{payload} -> {html}");
                let lower = tag.to_lowercase();
                assert!(
                    !lower.contains(" on") && !lower.contains("style"),
                    "{payload} -> {html}"
                );
                if let Some((_, href)) = lower.split_once("href=\"") {
                    assert!(href.starts_with("https://"), "{payload} -> {html}");
                }
            }
        }
    }

    #[test]
    fn a_mention_of_a_member_is_marked_and_counted_once_and_other_ats_stay_text() {
        let members = [
            Mentionable {
                user_id: "u1",
                name: "Ana",
            },
            Mentionable {
                user_id: "u2",
                name: "Ana Marija Kovač",
            },
            Mentionable {
                user_id: "u3",
                name: "Ivo",
            },
        ];
        let (html, mentioned) = render(
            "Thanks @ana marija kovač and @Ivo; @Ivona is not Ivo, mail ana@example.org, @ANA again, @Ana.",
            &members,
        );
        assert_eq!(mentioned, ["u2", "u3", "u1"]);
        assert!(
            html.contains("<span class=\"mention\">@ana marija kovač</span>"),
            "{html}"
        );
        assert!(html.contains("@Ivona is not"), "{html}");
        assert!(
            html.contains("<span class=\"mention\">@Ana</span>."),
            "{html}"
        );
        assert!(!html.contains("<span class=\"mention\">@example"), "{html}");
    }

    #[test]
    fn a_mention_inside_code_is_left_as_code() {
        let members = [Mentionable {
            user_id: "u1",
            name: "Ana",
        }];
        let (html, mentioned) = render("`@Ana`", &members);
        assert_eq!(html, "<p><code>@Ana</code></p>\n");
        assert!(mentioned.is_empty());
    }
}
