//! Answering an assessment over HTTP, on SQLite and on PostgreSQL: section by section as a
//! form without JavaScript would, autosave, mistakes, submitting, closing and withdrawing.

mod common;

use app::assessment::respond_api::{GetSection, SaveAnswer, SaveSection, SubmitResponse};
use app::assessment::round::{Progress, ResponseView, SectionHtml};
use app::assessment::round_api::{
    ContinueResponse, ReopenResponse, SetResponseRevoked, SetRoundClosed,
};
use app::error::{AppError, Problem};
use common::rounds::{personal_link, post_section, response, round, save, start, submit_complete};
use common::{error, on_each_engine, setup_admin};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn a_respondent_without_javascript_answers_section_by_section_and_submits() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Ana from the agency").await;
        let respondent = common::client();

        let res = post_section(
            app,
            &respondent,
            &code,
            "B",
            &[
                ("answers[B1][present]", "2"),
                ("answers[B1][target]", "4"),
                ("answers[B1][justification]", "Analiza iz 2019., djelomična"),
                ("answers[B2][present]", "3"),
                ("answers[B5][value]", "Zajednička vizija do 2030."),
            ],
            "next",
        )
        .await;
        assert_eq!(res.status().as_u16(), 302, "{engine:?}");
        assert_eq!(res.headers()["location"], format!("/respond/{code}/3"));

        let (status, body) = response(app, &respondent, &code).await;
        assert_eq!(status, 200, "{body}");
        let view: ResponseView = serde_json::from_str(&body).unwrap();
        assert_eq!(view.answers.len(), 3);
        assert!(!view.submitted);

        // A section page is its own section's form, written in the reader's language, with
        // that section's answers in it and nothing of the others.
        let section = |number: &'static str, locale: &'static str| {
            let respondent = respondent.clone();
            let code = code.clone();
            async move {
                let (status, body) = app
                    .call_with(
                        &respondent,
                        GetSection::PATH,
                        &[("key", &code), ("number", number), ("locale", locale)],
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                serde_json::from_str::<SectionHtml>(&body).unwrap()
            }
        };
        let b = section("2", "en").await;
        assert_eq!(b.title, "Strategic framework");
        assert!(b.form.contains("section 2 of 12"), "{}", b.form);
        assert!(b.form.contains(r#"name="section" value="B""#));
        for (field, value) in [
            ("B1][present", "2"),
            ("B1][target", "4"),
            ("B2][present", "3"),
        ] {
            let input = format!(r#"name="answers[{field}]" value="{value}" checked"#);
            assert!(b.form.contains(&input), "{input} in {}", b.form);
        }
        assert_eq!(b.form.matches(" checked").count(), 3);
        assert!(b.form.contains("Analiza iz 2019., djelomična</textarea>"));
        assert!(b.form.contains("Zajednička vizija do 2030."));
        assert!(b.form.contains(r#"<progress max="#) && b.form.contains(r#"value="3""#));
        assert!(!b.form.contains("does not apply"));
        // Typed text is text: it cannot end its field and become markup.
        let typed = "</textarea><b>R&amp;D</b>";
        let (status, body) = save(app, &respondent, &code, "B5", &[("value", typed)]).await;
        assert_eq!(status, 200, "{body}");
        let b = section("2", "en").await;
        assert!(
            b.form
                .contains("&lt;/textarea>&lt;b>R&amp;amp;D&lt;/b></textarea>"),
            "{}",
            b.form
        );
        assert!(!b.form.contains("<b>"));
        let a = section("1", "en").await;
        assert!(
            !a.form.contains(" checked") && !a.form.contains("Analiza"),
            "B's answers stay off A's page"
        );
        let e = section("10", "en").await;
        assert!(
            e.form.contains("This section does not apply"),
            "E waits for an answer to A4"
        );
        assert!(!e.form.contains("<button"), "and takes no answers");
        let f = section("11", "en").await;
        assert_eq!(
            f.form.matches("Shown only when F2 is “Yes”").count(),
            6,
            "{}",
            f.form
        );
        let f = section("11", "hr").await;
        assert_eq!(
            f.form.matches("Prikazuje se samo kad je F2 „Da”").count(),
            6,
            "{}",
            f.form
        );
        let (status, _) = app
            .call_with(
                &respondent,
                GetSection::PATH,
                &[("key", &code), ("number", "2"), ("locale", "xx")],
            )
            .await;
        assert_eq!(status, 400, "an unknown language is a mistake");
        for number in ["0", "13", "x"] {
            let (status, body) = app
                .call_with(
                    &respondent,
                    GetSection::PATH,
                    &[("key", &code), ("number", number)],
                )
                .await;
            assert!(matches!(status, 400 | 404), "{number}: {status} {body}");
        }

        // Submitting names every required item still missing, and submits nothing.
        let (status, body) = app
            .call_with(&respondent, SubmitResponse::PATH, &[("key", &code)])
            .await;
        assert_eq!(status, 422, "{body}");
        let missing = error(&body);
        assert_eq!(missing.problem("answers[C1]"), Some(&Problem::Required));
        assert_eq!(missing.problem("answers[B1]"), None);
        assert_eq!(missing.problem("answers[E1]"), None, "section E is hidden");
        let (_, responses) = round(app, &round_id).await;
        assert_eq!(responses[0].progress, Progress::Started);
    })
    .await;
}

/// A section, the fields sent, the item that is wrong and why.
type SectionCase<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, Problem);

#[tokio::test]
async fn mistakes_in_a_section_are_named_at_their_items_and_the_good_answers_are_kept() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Marko").await;
        let who = common::client();
        let long = "x".repeat(5_001);
        let cases: Vec<SectionCase> = vec![
            (
                "B",
                vec![("answers[B1][present]", "6")],
                "B1",
                Problem::OutOfRange,
            ),
            (
                "B",
                vec![("answers[B1][present]", "three")],
                "B1",
                Problem::OutOfRange,
            ),
            (
                "B",
                vec![("answers[B1][link]", "javascript:alert(1)")],
                "B1",
                Problem::InvalidUrl,
            ),
            (
                "B",
                vec![("answers[B5][value]", long.as_str())],
                "B5",
                Problem::TooLong { max: 5_000 },
            ),
            (
                "A",
                vec![("answers[A2][value]", "king")],
                "A2",
                Problem::UnknownChoice,
            ),
            (
                "A",
                vec![("answers[A5][value]", "1001")],
                "A5",
                Problem::OutOfRange,
            ),
            (
                "F",
                vec![
                    ("answers[F2][value]", "no"),
                    ("answers[F2.impact][present]", "4"),
                ],
                "F2.impact",
                Problem::Hidden,
            ),
        ];
        for (section, fields, item, problem) in cases {
            let mut form = vec![("key", code.as_str()), ("section", section), ("go", "stay")];
            form.extend(fields.iter().copied());
            let (status, body) = app.call_with(&who, SaveSection::PATH, &form).await;
            assert_eq!(status, 422, "{item}: {body}");
            assert_eq!(
                error(&body).problem(&format!("answers[{item}]")),
                Some(&problem),
                "{item}"
            );
        }
        // Only F2 ("no") was a good answer among them.
        assert_eq!(app.count("select count(*) from assessment_answer").await, 1);
        let form = [
            ("key", code.as_str()),
            ("section", "B"),
            ("go", "next"),
            ("answers[B1][present]", "9"),
            ("answers[B2][present]", "4"),
        ];
        let (status, _) = app.call_with(&who, SaveSection::PATH, &form).await;
        assert_eq!(status, 422);
        assert_eq!(app.count("select count(*) from assessment_answer").await, 2);

        // An item of another section, or a section that does not exist: a bad request.
        for (section, field) in [("B", "answers[C1][present]"), ("Z", "answers[B1][present]")] {
            let form = [
                ("key", code.as_str()),
                ("section", section),
                ("go", "next"),
                (field, "1"),
            ];
            let (status, _) = app.call_with(&who, SaveSection::PATH, &form).await;
            assert_eq!(status, 400, "{section} {field}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_refused_post_without_javascript_comes_back_with_what_was_typed_and_only_real_problems() {
    use base64::Engine as _;
    use leptos::server_fn::error::FromServerFnError as _;
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Iva").await;
        let who = common::client();
        let fields = [
            ("answers[B1][present]", "2"),
            ("answers[B1][link]", "www.example.org/plan"),
            ("answers[B2][present]", "3"),
        ];
        let res = post_section(app, &who, &code, "B", &fields, "next").await;
        assert_eq!(res.status().as_u16(), 302);
        let back = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(back.contains(&format!("/respond/{code}/2?")), "{back}");
        assert!(
            !back.contains("example.org"),
            "typed text stays out of the address"
        );
        assert_eq!(app.count("select count(*) from assessment_answer").await, 1);

        let page = who.get(&back).send().await.unwrap().text().await.unwrap();
        for shown in [
            r#"value="www.example.org/plan""#,
            r#"name="answers[B1][present]" value="2" checked"#,
            r#"name="answers[B2][present]" value="3" checked"#,
            "Please enter a web address that starts with https://",
            "fix-marked",
        ] {
            assert!(
                page.contains(shown),
                "{shown} in the page after the refusal"
            );
        }
        let again = who.get(&back).send().await.unwrap().text().await.unwrap();
        assert!(
            !again.contains("www.example.org/plan"),
            "what was typed comes back once"
        );

        // An address anyone could write: its invented problems are not shown.
        let crafted = AppError::field(
            "answers[B1]",
            Problem::BadTemplate {
                path: "here".into(),
                message: "Call +385 1 234 5678 now".into(),
            },
        )
        .also("answers[B2]", Problem::TooLong { max: 7 });
        let err = base64::engine::general_purpose::URL_SAFE.encode(crafted.ser());
        let path = format!("/respond/{code}/2?__path={}&__err={err}", SaveSection::PATH);
        let (status, page) = app.get(&path).await;
        assert_eq!(status, 200);
        for hidden in ["Call +385", "at most 7 characters", "fix-marked"] {
            assert!(!page.contains(hidden), "{hidden} is not shown");
        }
    })
    .await;
}

#[tokio::test]
async fn autosave_stores_each_answer_as_given_and_an_empty_answer_removes_it() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Iva").await;
        let who = common::client();
        assert_eq!(
            save(
                app,
                &who,
                &code,
                "A4",
                &[("choice.s3", "on"), ("choice.vouchers", "on")]
            )
            .await
            .0,
            200
        );
        assert_eq!(
            save(app, &who, &code, "C1", &[("present", "1"), ("target", "3")])
                .await
                .0,
            200
        );
        let (status, body) = save(app, &who, &code, "C1", &[("present", "9")]).await;
        assert_eq!(
            (status, error(&body).problem("answers[C1]")),
            (422, Some(&Problem::OutOfRange))
        );
        let (_, body) = response(app, &who, &code).await;
        let view: ResponseView = serde_json::from_str(&body).unwrap();
        assert_eq!(view.answers.len(), 2, "the refused value changed nothing");
        assert_eq!(save(app, &who, &code, "A4", &[]).await.0, 200);
        assert_eq!(app.count("select count(*) from assessment_answer").await, 1);
        let (status, _) = save(app, &who, &code, "nowhere", &[("value", "1")]).await;
        assert_eq!(status, 400);
    })
    .await;
}

#[tokio::test]
async fn a_submitted_response_is_locked_until_the_facilitator_reopens_it() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Petra").await;
        let who = common::client();
        submit_complete(app, &who, &code).await;

        let form = [
            ("key", code.as_str()),
            ("item", "B4"),
            ("fields[present]", "2"),
        ];
        let (status, body) = app.call_with(&who, SaveAnswer::PATH, &form).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("response"),
            Some(&Problem::AlreadySubmitted)
        );

        let (_, responses) = round(app, &round_id).await;
        assert_eq!(responses[0].progress, Progress::Submitted);
        assert_eq!(
            responses[0].code, None,
            "once started, the personal link is the respondent's alone"
        );
        assert_eq!(responses[0].reopened, None);
        let response_id = responses[0].response_id.clone();
        let reopen = [
            ("round_id", round_id.as_str()),
            ("response_id", response_id.as_str()),
        ];
        let (status, _) = app.call(ReopenResponse::PATH, &reopen).await;
        assert_eq!(status, 200);
        let (status, body) = app.call_with(&who, SaveAnswer::PATH, &form).await;
        assert_eq!(status, 200, "{body}");
        let (_, responses) = round(app, &round_id).await;
        let (by, _) = responses[0]
            .reopened
            .clone()
            .expect("the reopening is recorded");
        assert_eq!(by, "Ana Admin");
        let (status, body) = app.call(ReopenResponse::PATH, &reopen).await;
        assert_eq!(status, 422, "only a submitted response can be reopened");
        assert_eq!(
            error(&body).problem("response"),
            Some(&Problem::NotSubmitted)
        );
    })
    .await;
}

#[tokio::test]
async fn a_closed_round_takes_no_answers_and_a_withdrawn_link_opens_nothing() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Luka").await;
        let who = common::client();
        let form = [
            ("key", code.as_str()),
            ("item", "B1"),
            ("fields[present]", "2"),
        ];
        assert_eq!(app.call_with(&who, SaveAnswer::PATH, &form).await.0, 200);

        let close = [("round_id", round_id.as_str()), ("closed", "true")];
        assert_eq!(app.call(SetRoundClosed::PATH, &close).await.0, 200);
        let (status, body) = app.call_with(&who, SaveAnswer::PATH, &form).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("response"),
            Some(&Problem::RoundClosed)
        );
        let (_, body) = response(app, &who, &code).await;
        let view: ResponseView = serde_json::from_str(&body).unwrap();
        assert!(!view.open);

        let reopen = [("round_id", round_id.as_str()), ("closed", "false")];
        assert_eq!(app.call(SetRoundClosed::PATH, &reopen).await.0, 200);
        let response_id = round(app, &round_id).await.1[0].response_id.clone();
        let revoke = [
            ("round_id", round_id.as_str()),
            ("response_id", response_id.as_str()),
            ("revoked", "true"),
        ];
        assert_eq!(app.call(SetResponseRevoked::PATH, &revoke).await.0, 200);
        let (status, body) = response(app, &who, &code).await;
        assert_eq!((status, error(&body)), (403, AppError::Forbidden));
        let (status, body) = app
            .call_with(&who, ContinueResponse::PATH, &[("code", &code)])
            .await;
        assert_eq!(status, 422);
        assert_eq!(error(&body).problem("code"), Some(&Problem::WrongCode));
        let (status, body) = response(app, &who, "ABCD-EFGH-JKMN-PQRT").await;
        assert_eq!((status, error(&body)), (404, AppError::NotFound));
    })
    .await;
}
