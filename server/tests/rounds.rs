//! Assessment rounds over HTTP, on SQLite and on PostgreSQL: starting a round, the three ways
//! in (account, personal link, round link), answering section by section as a form without
//! JavaScript would, autosave, submitting, closing, and who may call what.

mod common;

use app::assessment::results::RoundResults;
use app::assessment::round::{MyAssessments, Progress, ResponseSummary, ResponseView, Round};
use app::assessment::round_api::{
    ContinueResponse, GetResponse, GetRound, InviteAccount, InviteLink, ListMyAssessments as Mine,
    ReopenResponse, RoundLinkInfo, SaveAnswer, SaveSection, SetResponseRevoked, SetRoundClosed,
    SetRoundLink, StartResponse, StartRound, SubmitResponse, TemplateChoices,
};
use app::error::{AppError, Problem};
use app::registry::model::Translated;
use common::{error, me, on_each_engine, setup_admin, TestApp};
use leptos::server_fn::ServerFn;

/// Starts a round on the built-in template for Jadranska Hrvatska as the test's own client
/// and returns its id.
async fn start(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, body) = app.call_with(client, TemplateChoices::PATH, &[]).await;
    assert_eq!(status, 200, "{body}");
    let choices: Vec<(String, Translated)> = serde_json::from_str(&body).unwrap();
    let (status, body) = app
        .call_with(
            client,
            StartRound::PATH,
            &[
                ("version_id", &choices[0].0),
                ("region_id", "HR03"),
                ("name", "2026 baseline"),
                ("closes_on", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app.call_with(client, Mine::PATH, &[]).await;
    let mine: MyAssessments = serde_json::from_str(&body).unwrap();
    mine.facilitating[0].round_id.clone()
}

async fn round(app: &TestApp, round_id: &str) -> (Round, Vec<ResponseSummary>) {
    let (status, body) = app.call(GetRound::PATH, &[("round_id", round_id)]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn personal_link(app: &TestApp, round_id: &str, label: &str) -> String {
    let (status, body) = app
        .call(
            InviteLink::PATH,
            &[("round_id", round_id), ("label", label)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    round(app, round_id)
        .await
        .1
        .into_iter()
        .find(|r| r.label == label)
        .and_then(|r| r.code)
        .expect("a personal link has a code")
}

async fn response(app: &TestApp, client: &reqwest::Client, key: &str) -> (u16, String) {
    app.call_with(client, GetResponse::PATH, &[("key", key)])
        .await
}

/// Autosaves one item's fields (`present`, `value`, `choice.<id>` …) as the hydrated page does.
async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    item: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut form = vec![
        ("key".to_owned(), key.to_owned()),
        ("item".to_owned(), item.to_owned()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| (format!("fields[{k}]"), (*v).to_owned())),
    );
    let res = client
        .post(app.url(SaveAnswer::PATH))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// Posts a section form as a browser without JavaScript does: `answers[ID][field]=value`.
async fn post_section(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    section: &str,
    fields: &[(&str, &str)],
    go: &str,
) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("key".into(), key.into()),
        ("section".into(), section.into()),
        ("go".into(), go.into()),
    ];
    for (name, value) in fields {
        form.push(((*name).to_owned(), (*value).to_owned()));
    }
    client
        .post(app.url(SaveSection::PATH))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/respond/{key}/2")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

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
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let code = personal_link(app, &round_id, "Petra").await;
        let who = common::client();
        // The minimal complete response: every required item shown without conditions.
        let (_, body) = response(app, &who, &code).await;
        let view: ResponseView = serde_json::from_str(&body).unwrap();
        for item in view.template.missing_required(&view.answers) {
            let last_option;
            let fields: Vec<(&str, &str)> = match &item.kind {
                app::assessment::model::ItemKind::Evidence { .. } => {
                    vec![("present", "3"), ("target", "4")]
                }
                app::assessment::model::ItemKind::SingleChoice { options } => {
                    last_option = options.last().unwrap().id.clone();
                    vec![("value", last_option.as_str())]
                }
                _ => vec![("value", "Zadar")],
            };
            let (status, body) = save(app, &who, &code, &item.id, &fields).await;
            assert_eq!(status, 200, "{engine:?} {}: {body}", item.id);
        }
        let (status, body) = app
            .call_with(&who, SubmitResponse::PATH, &[("key", &code)])
            .await;
        assert_eq!(status, 200, "{engine:?}: {body}");

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
        let response_id = responses[0].response_id.clone();
        let (status, _) = app
            .call(
                ReopenResponse::PATH,
                &[("round_id", &round_id), ("response_id", &response_id)],
            )
            .await;
        assert_eq!(status, 200);
        let (status, body) = app.call_with(&who, SaveAnswer::PATH, &form).await;
        assert_eq!(status, 200, "{body}");
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
        let (status, body) = response(app, &who, "ABCD-EFGH-JKMN-PQRT").await;
        assert_eq!((status, error(&body)), (404, AppError::NotFound));
    })
    .await;
}

#[tokio::test]
async fn the_round_link_gives_each_person_a_response_and_a_code_to_come_back_with() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let on = [("round_id", round_id.as_str()), ("on", "true")];
        assert_eq!(app.call(SetRoundLink::PATH, &on).await.0, 200);
        let link = round(app, &round_id)
            .await
            .0
            .link_code
            .expect("the link is on");

        let (status, body) = app
            .call_with(&common::client(), RoundLinkInfo::PATH, &[("code", &link)])
            .await;
        assert_eq!(status, 200, "{body}");
        let (info, open): (Round, bool) = serde_json::from_str(&body).unwrap();
        assert!(open);
        assert_eq!(
            info.link_code, None,
            "the link page does not repeat the code"
        );

        let mut codes = Vec::new();
        for _ in 0..2 {
            let person = common::client();
            let res = person
                .post(app.url(StartResponse::PATH))
                .header("origin", &app.base)
                .header("accept", "text/html")
                .header("referer", app.url("/join/x"))
                .form(&[("code", link.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 302, "{engine:?}");
            let location = res.headers()["location"].to_str().unwrap().to_owned();
            codes.push(location.trim_start_matches("/respond/").to_owned());
        }
        assert_ne!(codes[0], codes[1]);
        let (_, responses) = round(app, &round_id).await;
        assert_eq!(responses.len(), 2);
        assert!(
            responses.iter().all(|r| r.code.is_none()),
            "their codes are theirs alone"
        );

        // On another device, the code (typed in lower case, without dashes) leads back.
        let typed = codes[0].replace('-', "").to_lowercase();
        let res = common::client()
            .post(app.url(ContinueResponse::PATH))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("referer", app.url("/join/x"))
            .form(&[("code", typed.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], format!("/respond/{}", codes[0]));
        let (status, body) = app
            .call_with(
                &common::client(),
                ContinueResponse::PATH,
                &[("code", "ABCD-EFGH-JKMN-PQRS")],
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(error(&body).problem("code"), Some(&Problem::WrongCode));

        let off = [("round_id", round_id.as_str()), ("on", "false")];
        assert_eq!(app.call(SetRoundLink::PATH, &off).await.0, 200);
        let (status, _) = app
            .call_with(&common::client(), StartResponse::PATH, &[("code", &link)])
            .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn a_person_invited_by_account_finds_the_round_and_only_they_can_open_it() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let round_id = start(app, &app.client).await;
        let invited = common::client();
        app.sign_up(&invited, "ivo@example.org").await;
        let form = [
            ("round_id", round_id.as_str()),
            ("email", " IVO@example.org "),
        ];
        assert_eq!(app.call(InviteAccount::PATH, &form).await.0, 200);
        let (status, body) = app.call(InviteAccount::PATH, &form).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("email"),
            Some(&Problem::AlreadyInvited)
        );
        let nobody = [
            ("round_id", round_id.as_str()),
            ("email", "nobody@example.org"),
        ];
        let (_, body) = app.call(InviteAccount::PATH, &nobody).await;
        assert_eq!(error(&body).problem("email"), Some(&Problem::NoSuchAccount));

        let (_, body) = app.call_with(&invited, Mine::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        assert!(mine.facilitating.is_empty());
        let (listed, response_id, submitted) = &mine.answering[0];
        assert_eq!(listed.name, "2026 baseline");
        assert_eq!(listed.region_name, "Jadranska Hrvatska");
        assert!(!submitted);
        let (status, _) = response(app, &invited, response_id).await;
        assert_eq!(status, 200);

        let other = common::client();
        app.sign_up(&other, "ana@example.org").await;
        let (status, body) = response(app, &other, response_id).await;
        assert_eq!((status, error(&body)), (404, AppError::NotFound));
        let (status, body) = response(app, &common::client(), response_id).await;
        assert_eq!((status, error(&body)), (401, AppError::Unauthorized));
    })
    .await;
}

#[tokio::test]
async fn only_the_facilitator_or_an_administrator_may_manage_a_round() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let facilitator = common::client();
        app.sign_up(&facilitator, "facilitator@example.org").await;
        let round_id = start(app, &facilitator).await;
        let member = common::client();
        app.sign_up(&member, "member@example.org").await;
        let visitor = common::client();
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            (GetRound::PATH, vec![("round_id", &round_id)]),
            (
                InviteAccount::PATH,
                vec![("round_id", &round_id), ("email", "member@example.org")],
            ),
            (
                InviteLink::PATH,
                vec![("round_id", &round_id), ("label", "x")],
            ),
            (
                SetResponseRevoked::PATH,
                vec![
                    ("round_id", &round_id),
                    ("response_id", "x"),
                    ("revoked", "true"),
                ],
            ),
            (
                ReopenResponse::PATH,
                vec![("round_id", &round_id), ("response_id", "x")],
            ),
            (
                SetRoundLink::PATH,
                vec![("round_id", &round_id), ("on", "true")],
            ),
            (
                SetRoundClosed::PATH,
                vec![("round_id", &round_id), ("closed", "true")],
            ),
        ];
        for (path, form) in &calls {
            let (status, body) = app.call_with(&member, path, form).await;
            assert_eq!(
                (status, error(&body)),
                (403, AppError::Forbidden),
                "{engine:?} {path}"
            );
            let (status, body) = app.call_with(&visitor, path, form).await;
            assert_eq!(
                (status, error(&body)),
                (401, AppError::Unauthorized),
                "{engine:?} {path}"
            );
        }
        let (status, body) = app
            .call_with(&member, GetRound::PATH, &[("round_id", "nope")])
            .await;
        assert_eq!((status, error(&body)), (404, AppError::NotFound));
        assert_eq!(
            app.count("select count(*) from assessment_response").await,
            0
        );
        let (status, _) = app.call_with(&visitor, TemplateChoices::PATH, &[]).await;
        assert_eq!(status, 401);

        // The facilitator and the administrator may.
        for client in [&facilitator, &app.client] {
            let (status, body) = app
                .call_with(client, GetRound::PATH, &[("round_id", &round_id)])
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let admin = me(app, &app.client).await.unwrap();
        assert!(admin.is_admin());
    })
    .await;
}

#[tokio::test]
async fn a_round_needs_a_name_a_known_template_and_region_and_a_closing_day_ahead() {
    on_each_engine(async |app, _| {
        setup_admin(app).await;
        let form = [
            ("version_id", "no-such-version"),
            ("region_id", "XX99"),
            ("name", " "),
            ("closes_on", "2001-01-01"),
        ];
        let (status, body) = app.call(StartRound::PATH, &form).await;
        assert_eq!(status, 422);
        let e = error(&body);
        assert_eq!(e.problem("version_id"), Some(&Problem::UnknownChoice));
        assert_eq!(e.problem("region_id"), Some(&Problem::UnknownChoice));
        assert_eq!(e.problem("name"), Some(&Problem::Required));
        assert_eq!(e.problem("closes_on"), Some(&Problem::DateInPast));
        assert_eq!(app.count("select count(*) from assessment_round").await, 0);
    })
    .await;
}

#[tokio::test]
async fn results_merge_only_submitted_answers_and_show_the_disagreement_to_the_facilitator_alone() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let seeded = app::demo::seed(&app.state.context.db).await.unwrap();
        assert_eq!(seeded.rounds, 3);
        let (_, body) = app.call(Mine::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let croatia = mine
            .facilitating
            .iter()
            .find(|r| r.region_id == "HR03")
            .expect("the administrator sees every round");

        // A response started but not submitted does not count.
        let code = personal_link(app, &croatia.round_id, "Late").await;
        let (status, _) = save(app, &common::client(), &code, "B1", &[("present", "0")]).await;
        assert_eq!(status, 200);

        let form = [("round_id", croatia.round_id.as_str())];
        let (status, body) = app.call(RoundResults::PATH, &form).await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let results: app::assessment::results::ResultsReport = serde_json::from_str(&body).unwrap();
        assert_eq!(results.results.respondents, 4);
        let b1 = results
            .results
            .items
            .iter()
            .find(|i| i.item_id == "B1")
            .unwrap();
        assert_eq!(b1.present.unwrap().count, 4);
        assert!(b1.present.unwrap().min >= 1.0, "the late 0 is not counted");
        let disagreements: Vec<_> = results
            .results
            .disagreements()
            .map(|i| i.item_id.as_str())
            .collect();
        assert_eq!(disagreements, vec!["C2"]);
        assert!(!results.results.largest_gaps(5).is_empty());

        let member = common::client();
        app.sign_up(&member, "member@example.org").await;
        let (status, _) = app.call_with(&member, RoundResults::PATH, &form).await;
        assert_eq!(status, 403);
        let (status, _) = app
            .call_with(&common::client(), RoundResults::PATH, &form)
            .await;
        assert_eq!(status, 401);
    })
    .await;
}
