//! Peer review and the feedback report over HTTP, on SQLite and on PostgreSQL: asking for a
//! review, a reviewer scoring the dimensions, the region seeing the scores beside its own, and
//! the to-do list.

mod common;

use app::assessment::review::{ActionStatus, Feedback, ReviewView};
use app::assessment::review_api::{
    AddAction, DeleteAction, GetReview, InviteReviewer, RoundFeedback, SaveReview, SetActionStatus,
    SetFeedback, WithdrawReview,
};
use app::assessment::round::MyAssessments;
use app::assessment::round_api::ListMyAssessments;
use app::error::Problem;
use app::identity::api::UpdateProfile;
use app::registry::api::CreateOrganisation;
use common::rounds::{personal_link, start, submit_complete};
use common::{error, on_each_engine, setup_admin};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn a_reviewer_scores_the_dimensions_and_the_region_sees_it_beside_its_own() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        let facilitator = common::client();
        app.sign_up(&facilitator, "facilitator@example.org").await;
        let round_id = start(app, &facilitator).await;
        let reviewer = common::client();
        app.sign_up(&reviewer, "reviewer@example.org").await;
        let ask =
            |email: &'static str| [("round_id", round_id.clone()), ("email", email.to_owned())];
        let invite = async |email: &'static str| {
            let form = ask(email);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_with(&facilitator, InviteReviewer::PATH, &form)
                .await
        };

        // Fewer than three submitted responses: nobody from outside may see the results yet.
        let (status, body) = invite("reviewer@example.org").await;
        assert_eq!(status, 422, "{engine:?}: {body}");
        assert_eq!(
            error(&body).problem("email"),
            Some(&Problem::TooFewRespondents)
        );
        for n in 0..3 {
            let code = personal_link(app, &round_id, &format!("Respondent {n}")).await;
            submit_complete(app, &common::client(), &code).await;
        }
        let (status, body) = invite("reviewer@example.org").await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = invite("reviewer@example.org").await;
        assert_eq!(
            error(&body).problem("email"),
            Some(&Problem::AlreadyInvited)
        );
        let (_, body) = invite("facilitator@example.org").await;
        assert_eq!(error(&body).problem("email"), Some(&Problem::OwnRound));
        let (_, body) = invite("nobody@example.org").await;
        assert_eq!(error(&body).problem("email"), Some(&Problem::NoSuchAccount));
        // Someone whose organisation lies in the reviewed region is no peer from elsewhere.
        let neighbour = common::client();
        app.sign_up(&neighbour, "neighbour@example.org").await;
        let organisation = [
            ("name", "Jadranski klaster"),
            ("kind", "cluster_organisation"),
            ("country_code", "HR"),
            ("region_id", "HR03"),
            ("website_url", ""),
        ];
        let (status, body) = app
            .call_with(&neighbour, CreateOrganisation::PATH, &organisation)
            .await;
        assert_eq!(status, 200, "{body}");
        let organisation_id: String =
            sqlx::query_scalar("select organisation_id from organisation")
                .fetch_one(&app.state.context.db.pool)
                .await
                .unwrap();
        let profile = [
            ("display_name", "Neighbour"),
            ("organisation_id", organisation_id.as_str()),
            ("locale", "en"),
        ];
        let (status, body) = app
            .call_with(&neighbour, UpdateProfile::PATH, &profile)
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = invite("neighbour@example.org").await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error(&body).problem("email"), Some(&Problem::SameRegion));

        let (_, body) = app.call_with(&reviewer, ListMyAssessments::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let review_id = mine.reviewing[0].1.clone();
        let (status, body) = app
            .call_with(&reviewer, GetReview::PATH, &[("review_id", &review_id)])
            .await;
        assert_eq!(status, 200, "{body}");
        let view: ReviewView = serde_json::from_str(&body).unwrap();
        assert_eq!(view.respondents, 3);
        let strategy = view
            .dimensions
            .iter()
            .position(|(id, _)| id == "strategy")
            .unwrap();
        assert_eq!(
            view.present[strategy],
            Some(3.0),
            "the merged answers, as averages"
        );

        // A score out of range is named at its dimension; submitting needs every dimension
        // the region scored.
        let save = async |fields: &[(&str, &str)]| {
            let mut form = vec![("review_id", review_id.as_str())];
            form.extend_from_slice(fields);
            app.call_with(&reviewer, SaveReview::PATH, &form).await
        };
        let (status, body) = save(&[("scores[strategy]", "7"), ("go", "save")]).await;
        assert_eq!(status, 422);
        assert_eq!(
            error(&body).problem("scores[strategy]"),
            Some(&Problem::OutOfRange)
        );
        let (status, _) = save(&[("scores[nowhere]", "2"), ("go", "save")]).await;
        assert_eq!(status, 400);
        let (status, body) = save(&[
            ("scores[strategy]", "2"),
            (
                "comments[strategy]",
                "The strategy is older than the cluster map.",
            ),
            ("go", "submit"),
        ])
        .await;
        assert_eq!(status, 422);
        let missing = error(&body);
        assert_eq!(
            missing.problem("scores[governance]"),
            Some(&Problem::Required)
        );
        assert_eq!(missing.problem("scores[strategy]"), None);
        let mut all: Vec<(String, String)> = view
            .dimensions
            .iter()
            .zip(&view.present)
            .filter(|(_, p)| p.is_some())
            .map(|((id, _), _)| (format!("scores[{id}]"), "2".to_owned()))
            .collect();
        all.push(("comment".into(), "Good evidence, thin monitoring.".into()));
        all.push(("go".into(), "submit".into()));
        let fields: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = save(&fields).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = save(&[("scores[strategy]", "5"), ("go", "save")]).await;
        assert_eq!(status, 422, "a submitted review stays as it was");
        assert_eq!(
            error(&body).problem("review"),
            Some(&Problem::AlreadySubmitted)
        );

        // The region sees the review; it writes its report and keeps a to-do list.
        let round = [("round_id", round_id.as_str())];
        let feedback = async || -> Feedback {
            let (status, body) = app
                .call_with(&facilitator, RoundFeedback::PATH, &round)
                .await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str(&body).unwrap()
        };
        let f = feedback().await;
        assert!(f.reviews[0].submitted);
        assert_eq!(f.reviews[0].label, "reviewer@example.org");
        assert_eq!(f.reviews[0].scores["strategy"].score, Some(2));
        assert_eq!(f.reviews[0].comment, "Good evidence, thin monitoring.");

        let report = [
            ("round_id", round_id.as_str()),
            ("feedback", "  Monitoring first.\nThen the map.  "),
        ];
        assert_eq!(
            app.call_with(&facilitator, SetFeedback::PATH, &report)
                .await
                .0,
            200
        );
        let bad = [
            ("round_id", round_id.as_str()),
            ("action", ""),
            ("owner", "Agency"),
            ("due_on", "2027-02-30"),
        ];
        let (status, body) = app.call_with(&facilitator, AddAction::PATH, &bad).await;
        assert_eq!(status, 422);
        let e = error(&body);
        assert_eq!(e.problem("action"), Some(&Problem::Required));
        assert_eq!(e.problem("due_on"), Some(&Problem::InvalidDate));
        let good = [
            ("round_id", round_id.as_str()),
            ("action", "Set up a monitoring dashboard"),
            ("owner", "Regional development agency"),
            ("due_on", "2027-03-31"),
        ];
        assert_eq!(
            app.call_with(&facilitator, AddAction::PATH, &good).await.0,
            200
        );
        let f = feedback().await;
        assert_eq!(f.feedback, "Monitoring first.\nThen the map.");
        let action = &f.actions[0];
        assert_eq!(
            (action.due_on.as_str(), action.status),
            ("2027-03-31", ActionStatus::Open)
        );
        let change = [
            ("round_id", round_id.as_str()),
            ("action_id", action.action_id.as_str()),
            ("status", "done"),
        ];
        assert_eq!(
            app.call_with(&facilitator, SetActionStatus::PATH, &change)
                .await
                .0,
            200
        );
        assert_eq!(feedback().await.actions[0].status, ActionStatus::Done);
        let unknown = [
            ("round_id", round_id.as_str()),
            ("action_id", action.action_id.as_str()),
            ("status", "forgotten"),
        ];
        assert_eq!(
            app.call_with(&facilitator, SetActionStatus::PATH, &unknown)
                .await
                .0,
            422
        );
        let delete = [
            ("round_id", round_id.as_str()),
            ("action_id", action.action_id.as_str()),
        ];
        assert_eq!(
            app.call_with(&facilitator, DeleteAction::PATH, &delete)
                .await
                .0,
            200
        );
        assert!(feedback().await.actions.is_empty());

        // A withdrawn request takes the results away from the reviewer.
        let withdraw = [
            ("round_id", round_id.as_str()),
            ("review_id", review_id.as_str()),
        ];
        let (status, _) = app
            .call_with(&facilitator, WithdrawReview::PATH, &withdraw)
            .await;
        assert_eq!(status, 200);
        assert!(feedback().await.reviews.is_empty());
        let (status, _) = app
            .call_with(&reviewer, GetReview::PATH, &[("review_id", &review_id)])
            .await;
        assert_eq!(status, 404);
    })
    .await;
}
