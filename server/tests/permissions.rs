//! Who may call what in the policy assessment, on SQLite and on PostgreSQL: every server
//! function of the capability, called by every role, answers as the permission rules say.
//! "Allowed" means the call passed the permission check: it succeeded (200, or 302 for a
//! redirect) or reached the input's validation (422).

mod common;

use app::assessment::api::{ExportTemplate, GetTemplate, ImportTemplate, ListTemplates};
use app::assessment::compare::RoundComparison;
use app::assessment::export::{ExportAnswers, ExportResults};
use app::assessment::remind::Remind;
use app::assessment::respond_api::{
    GetResponse, GetSection, SaveAnswer, SaveSection, SubmitResponse,
};
use app::assessment::results::RoundResults;
use app::assessment::review::Feedback;
use app::assessment::review_api::{
    AddAction, DeleteAction, GetReview, InviteReviewer, RoundFeedback, SaveReview, SetActionStatus,
    SetFeedback, WithdrawReview,
};
use app::assessment::round::{MyAssessments, Round};
use app::assessment::round_api::{
    ContinueResponse, GetRound, InviteAccount, InviteLink, ListMyAssessments, ReopenResponse,
    RoundLinkInfo, SetResponseRevoked, SetRoundClosed, SetRoundLink, StartResponse, StartRound,
    TemplateChoices,
};
use app::registry::model::Translated;
use common::rounds::{personal_link, start, submit_complete};
use common::{on_each_engine, setup_admin};
use leptos::server_fn::ServerFn;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allowed,
    Status(u16),
}
use Expect::{Allowed, Status};

const ROLES: [&str; 7] = [
    "admin",
    "facilitator",
    "respondent by account",
    "respondent by code",
    "other member",
    "anonymous",
    "reviewer",
];

/// One server function call: endpoint, whether it is a GET, its arguments, and what each
/// role gets.
type Row<'a> = (&'a str, bool, Vec<(&'a str, &'a str)>, [Expect; 7]);

/// Signed in, anyone: allowed; a visitor: 401.
const SIGNED_IN: [Expect; 7] = [
    Allowed,
    Allowed,
    Allowed,
    Status(401),
    Allowed,
    Status(401),
    Allowed,
];
/// The round's facilitator or an administrator.
const FACILITATOR: [Expect; 7] = [
    Allowed,
    Allowed,
    Status(403),
    Status(401),
    Status(403),
    Status(401),
    Status(403),
];
/// The account a response was given to: others signed in do not learn it exists.
const OWN_ACCOUNT: [Expect; 7] = [
    Status(404),
    Status(404),
    Allowed,
    Status(401),
    Status(404),
    Status(401),
    Status(404),
];
/// The person a review was asked of: others signed in do not learn it exists.
const OWN_REVIEW: [Expect; 7] = [
    Status(404),
    Status(404),
    Status(404),
    Status(401),
    Status(404),
    Status(401),
    Allowed,
];
/// Whoever holds the code: it is the credential.
const ANYONE: [Expect; 7] = [Allowed; 7];
const ADMIN: [Expect; 7] = [
    Allowed,
    Status(403),
    Status(403),
    Status(401),
    Status(403),
    Status(401),
    Status(403),
];
/// Something the administrator deletes first: the facilitator then finds it gone.
const DELETED_BY_ADMIN: [Expect; 7] = [
    Allowed,
    Status(404),
    Status(403),
    Status(401),
    Status(403),
    Status(401),
    Status(403),
];

#[tokio::test]
async fn every_assessment_server_function_answers_each_role_as_the_permission_rules_say() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let facilitator = common::client();
        app.sign_up(&facilitator, "facilitator@example.org").await;
        let round_id = start(app, &facilitator).await;
        let by_account = common::client();
        app.sign_up(&by_account, "respondent@example.org").await;
        let invite = [
            ("round_id", round_id.as_str()),
            ("email", "respondent@example.org"),
        ];
        let (status, body) = app
            .call_with(&facilitator, InviteAccount::PATH, &invite)
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app
            .call_with(&by_account, ListMyAssessments::PATH, &[])
            .await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let response_id = mine.answering[0].1.clone();
        let code = personal_link(app, &round_id, "By code").await;
        let on = [("round_id", round_id.as_str()), ("on", "true")];
        assert_eq!(
            app.call_with(&facilitator, SetRoundLink::PATH, &on).await.0,
            200
        );
        let (_, body) = app
            .call_with(&facilitator, GetRound::PATH, &[("round_id", &round_id)])
            .await;
        let (round, _): (Round, serde_json::Value) = serde_json::from_str(&body).unwrap();
        let link = round.link_code.unwrap();
        let (_, body) = app.call(TemplateChoices::PATH, &[]).await;
        let choices: Vec<(String, Translated)> = serde_json::from_str(&body).unwrap();
        let version_id = choices[0].0.clone();
        let other = common::client();
        app.sign_up(&other, "other@example.org").await;
        // A reviewer needs a round with three submitted responses.
        for n in 0..3 {
            let code = personal_link(app, &round_id, &format!("Complete {n}")).await;
            submit_complete(app, &common::client(), &code).await;
        }
        let reviewer = common::client();
        app.sign_up(&reviewer, "reviewer@example.org").await;
        let ask = [
            ("round_id", round_id.as_str()),
            ("email", "reviewer@example.org"),
        ];
        let (status, body) = app
            .call_with(&facilitator, InviteReviewer::PATH, &ask)
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.call_with(&reviewer, ListMyAssessments::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let review_id = mine.reviewing[0].1.clone();
        let todo = [
            ("round_id", round_id.as_str()),
            ("action", "Map the value chains"),
            ("owner", "Agency"),
            ("due_on", ""),
        ];
        assert_eq!(
            app.call_with(&facilitator, AddAction::PATH, &todo).await.0,
            200
        );
        let (_, body) = app
            .call_with(
                &facilitator,
                RoundFeedback::PATH,
                &[("round_id", &round_id)],
            )
            .await;
        let feedback: Feedback = serde_json::from_str(&body).unwrap();
        let action_id = feedback.actions[0].action_id.clone();
        let clients = [
            app.client.clone(),
            facilitator,
            by_account,
            common::client(),
            other,
            common::client(),
            reviewer,
        ];

        let r = round_id.as_str();
        let v = version_id.as_str();
        let x = response_id.as_str();
        let c = code.as_str();
        let l = link.as_str();
        let rv = review_id.as_str();
        let a = action_id.as_str();
        // (endpoint, GET or POST, arguments, what each role gets), in an order where no
        // call changes what a later one depends on (the round link's code changes last).
        let rows: Vec<Row> = vec![
            (TemplateChoices::PATH, false, vec![], SIGNED_IN),
            (ListMyAssessments::PATH, false, vec![], SIGNED_IN),
            (
                StartRound::PATH,
                false,
                vec![
                    ("version_id", v),
                    ("region_id", "SI04"),
                    ("name", "Matrix"),
                    ("closes_on", ""),
                ],
                SIGNED_IN,
            ),
            (GetRound::PATH, false, vec![("round_id", r)], FACILITATOR),
            (
                RoundResults::PATH,
                false,
                vec![("round_id", r)],
                FACILITATOR,
            ),
            (
                RoundComparison::PATH,
                false,
                vec![("round_id", r)],
                FACILITATOR,
            ),
            (
                ExportAnswers::PATH,
                true,
                vec![("round_id", r), ("format", "csv")],
                FACILITATOR,
            ),
            (
                ExportResults::PATH,
                true,
                vec![("round_id", r)],
                FACILITATOR,
            ),
            (
                InviteAccount::PATH,
                false,
                vec![("round_id", r), ("email", "nobody@example.org")],
                FACILITATOR,
            ),
            (
                InviteLink::PATH,
                false,
                vec![("round_id", r), ("label", "Extra")],
                FACILITATOR,
            ),
            (
                SetResponseRevoked::PATH,
                false,
                vec![("round_id", r), ("response_id", x), ("revoked", "false")],
                FACILITATOR,
            ),
            (
                ReopenResponse::PATH,
                false,
                vec![("round_id", r), ("response_id", x)],
                FACILITATOR,
            ),
            (
                SetRoundClosed::PATH,
                false,
                vec![("round_id", r), ("closed", "false")],
                FACILITATOR,
            ),
            (Remind::PATH, false, vec![("round_id", r)], FACILITATOR),
            (RoundLinkInfo::PATH, false, vec![("code", l)], ANYONE),
            (StartResponse::PATH, false, vec![("code", l)], ANYONE),
            (ContinueResponse::PATH, false, vec![("code", c)], ANYONE),
            (GetResponse::PATH, false, vec![("key", x)], OWN_ACCOUNT),
            (GetResponse::PATH, false, vec![("key", c)], ANYONE),
            (
                GetSection::PATH,
                false,
                vec![("key", x), ("number", "1")],
                OWN_ACCOUNT,
            ),
            (
                GetSection::PATH,
                false,
                vec![("key", c), ("number", "2")],
                ANYONE,
            ),
            (
                SaveAnswer::PATH,
                false,
                vec![("key", x), ("item", "A1"), ("fields[value]", "Split")],
                OWN_ACCOUNT,
            ),
            (
                SaveAnswer::PATH,
                false,
                vec![("key", c), ("item", "A1"), ("fields[value]", "Split")],
                ANYONE,
            ),
            (
                SaveSection::PATH,
                false,
                vec![
                    ("key", x),
                    ("section", "A"),
                    ("answers[A1][value]", "Zadar"),
                    ("go", "stay"),
                ],
                OWN_ACCOUNT,
            ),
            (SubmitResponse::PATH, false, vec![("key", x)], OWN_ACCOUNT),
            (SubmitResponse::PATH, false, vec![("key", c)], ANYONE),
            (
                InviteReviewer::PATH,
                false,
                vec![("round_id", r), ("email", "nobody@example.org")],
                FACILITATOR,
            ),
            (
                RoundFeedback::PATH,
                false,
                vec![("round_id", r)],
                FACILITATOR,
            ),
            (
                SetFeedback::PATH,
                false,
                vec![("round_id", r), ("feedback", "We learnt a lot.")],
                FACILITATOR,
            ),
            (
                AddAction::PATH,
                false,
                vec![
                    ("round_id", r),
                    ("action", "Act"),
                    ("owner", "Us"),
                    ("due_on", ""),
                ],
                FACILITATOR,
            ),
            (
                SetActionStatus::PATH,
                false,
                vec![("round_id", r), ("action_id", a), ("status", "doing")],
                FACILITATOR,
            ),
            (
                DeleteAction::PATH,
                false,
                vec![("round_id", r), ("action_id", a)],
                DELETED_BY_ADMIN,
            ),
            (GetReview::PATH, false, vec![("review_id", rv)], OWN_REVIEW),
            (
                SaveReview::PATH,
                false,
                vec![("review_id", rv), ("scores[strategy]", "3"), ("go", "save")],
                OWN_REVIEW,
            ),
            (ListTemplates::PATH, false, vec![], ADMIN),
            (GetTemplate::PATH, false, vec![("version_id", v)], ADMIN),
            (
                ImportTemplate::PATH,
                false,
                vec![("definition", "{")],
                ADMIN,
            ),
            (ExportTemplate::PATH, true, vec![("version_id", v)], ADMIN),
            (
                SetRoundLink::PATH,
                false,
                vec![("round_id", r), ("on", "true")],
                FACILITATOR,
            ),
            (
                WithdrawReview::PATH,
                false,
                vec![("round_id", r), ("review_id", rv)],
                DELETED_BY_ADMIN,
            ),
        ];
        let mut wrong = Vec::new();
        for (path, get, args, expected) in &rows {
            for (n, client) in clients.iter().enumerate() {
                let status = if *get {
                    let res = client.get(app.url(path)).query(args).send().await.unwrap();
                    res.status().as_u16()
                } else {
                    app.call_with(client, path, args).await.0
                };
                let ok = match expected[n] {
                    // Past the permission check: done, redirected, refused for its input, or
                    // (a reminder on this platform without SMTP) e-mail not set up.
                    Allowed => {
                        matches!(status, 200 | 302 | 422)
                            || (status == 503 && *path == Remind::PATH)
                    }
                    Status(s) => status == s,
                };
                if !ok {
                    wrong.push(format!(
                        "{path} as {}: {status}, expected {:?}",
                        ROLES[n], expected[n]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{engine:?}:\n{}", wrong.join("\n"));
    })
    .await;
}
