//! The participant's page as the server writes it (`workshop/room_api.rs`), on SQLite and on
//! PostgreSQL: the join forms, the screen in the page's language, and a refused post shown at
//! its form with what was typed.

mod common;

use app::workshop::api::{AnswerActivity, ControlWorkshop};
use app::workshop::room_api::{ReadRoomPage, RoomPage};
use common::live::{answer, control, prepared, send_out, Browser};
use common::workshops::join;
use common::{on_each_engine, TestApp};
use leptos::server_fn::ServerFn;

/// The participant's page as its server function writes it, in `locale`, with a refused post.
async fn room_page(
    app: &TestApp,
    who: &reqwest::Client,
    code: &str,
    locale: &str,
    failed: (&str, &str),
) -> (u16, String) {
    let form = [
        ("code", code),
        ("locale", locale),
        ("failed_path", failed.0),
        ("failed", failed.1),
    ];
    app.call_with(who, ReadRoomPage::PATH, &form).await
}

fn html_of((status, body): (u16, String)) -> String {
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<RoomPage>(&body).unwrap().html
}

#[tokio::test]
async fn the_participants_page_is_written_by_the_server_with_a_refused_posts_problem_and_what_was_typed(
) {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        let (id, code, activities) = prepared(app, &owner).await;
        let cloud = &activities[2];
        let ana = Browser::new();

        // The join page, and a room not joined yet: their join forms.
        let html = html_of(room_page(app, &ana.client, "", "en", ("", "")).await);
        assert!(html.contains(r#"name="code""#), "{html}");
        let html = html_of(room_page(app, &ana.client, &code, "en", ("", "")).await);
        assert!(
            html.contains(r#"<input type="hidden" name="code""#),
            "{html}"
        );

        // In the room, in the page's language, the screen shows the word cloud's form.
        assert_eq!(join(app, &ana.client, &code, "Ana").await.0, 302);
        assert_eq!(control(app, &owner.client, &id, "show", cloud).await.0, 200);
        let (status, body) = room_page(app, &ana.client, &code, "hr", ("", "")).await;
        let page: RoomPage = serde_json::from_str(&body).unwrap();
        assert_eq!((status, page.seq.is_some()), (200, true));
        assert!(page.html.contains("Ana"), "{}", page.html);
        assert!(page
            .html
            .contains(&format!(r#"action="{}""#, AnswerActivity::PATH)));
        let english = html_of(room_page(app, &ana.client, &code, "en", ("", "")).await);
        assert_ne!(page.html, english);

        // Three words where two are allowed: the refusal, sent back, is shown at the form
        // with the words as typed, written as text (a word that would close the field stays
        // inside it).
        let (status, refusal) = answer(
            app,
            &ana.client,
            &code,
            cloud,
            "c1",
            &[("0", "cluster\ntrust\n</textarea><b>third</b>")],
        )
        .await;
        assert_eq!(status, 422, "{refusal}");
        let failed = (AnswerActivity::PATH, refusal.as_str());
        let html = html_of(room_page(app, &ana.client, &code, "en", failed).await);
        assert!(html.contains(r#"class="problem""#), "{html}");
        assert!(html.contains("&lt;/textarea>&lt;b>third"), "{html}");
        assert!(!html.contains("<b>third"), "{html}");

        // A refusal of a form the page does not have is refused itself.
        let failed = (ControlWorkshop::PATH, refusal.as_str());
        let (status, _) = room_page(app, &ana.client, &code, "en", failed).await;
        assert_eq!(status, 400);
        // So is one that is not a refusal at all, and a language the platform does not speak.
        let failed = (AnswerActivity::PATH, "<html>Bad gateway</html>");
        assert_eq!(
            room_page(app, &ana.client, &code, "en", failed).await.0,
            400
        );
        assert_eq!(
            room_page(app, &ana.client, &code, "xx", ("", "")).await.0,
            400
        );

        // Sent out, the page says so.
        assert_eq!(send_out(app, &owner, &id, "Ana").await.0, 200);
        assert_eq!(
            room_page(app, &ana.client, &code, "en", ("", "")).await.0,
            403
        );
    })
    .await;
}
