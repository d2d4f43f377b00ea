//! Assessment rounds over HTTP, on SQLite and on PostgreSQL: starting a round, the three ways
//! in (account, personal link, round link), who may call what, and the results.

mod common;

use app::assessment::compare::{Comparison, RoundComparison};
use app::assessment::export::{ExportAnswers, ExportResults, ResultsFile};
use app::assessment::results::RoundResults;
use app::assessment::round::{LinkInfo, MyAssessments};
use app::assessment::round_api::{
    ContinueResponse, GetRound, InviteAccount, InviteLink, ListMyAssessments as Mine,
    ReopenResponse, RoundLinkInfo, SetResponseRevoked, SetRoundClosed, SetRoundLink, StartResponse,
    StartRound, TemplateChoices,
};
use app::error::{AppError, Problem};
use common::rounds::{personal_link, response, round, save, start};
use common::{error, me, on_each_engine, setup_admin};
use leptos::server_fn::ServerFn;

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
        let info: LinkInfo = serde_json::from_str(&body).unwrap();
        assert!(info.open && !info.began);
        let info = info.round;
        assert_eq!(
            info.link_code, None,
            "the link page does not repeat the code"
        );
        assert!(
            info.facilitator_id.is_empty() && info.facilitator_name.is_empty(),
            "a visitor is not told who runs the round"
        );

        let begin_as = async |person: &reqwest::Client, fresh: &str| {
            let res = person
                .post(app.url(StartResponse::PATH))
                .header("origin", &app.base)
                .header("accept", "text/html")
                .header("referer", app.url("/join/x"))
                .form(&[("code", link.as_str()), ("fresh", fresh)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 302, "{engine:?}");
            let location = res.headers()["location"].to_str().unwrap().to_owned();
            location.trim_start_matches("/respond/").to_owned()
        };
        let begin = async |person: &reqwest::Client| begin_as(person, "false").await;
        let (first, second) = (common::client(), common::client());
        let codes = [begin(&first).await, begin(&second).await];
        assert_ne!(codes[0], codes[1]);
        assert_eq!(
            begin(&first).await,
            codes[0],
            "the same browser coming back goes on with its own response"
        );
        let began = async |person: &reqwest::Client| {
            let (_, body) = app
                .call_with(person, RoundLinkInfo::PATH, &[("code", &link)])
                .await;
            serde_json::from_str::<LinkInfo>(&body).unwrap().began
        };
        assert!(began(&first).await, "the link page offers to go on");
        // The device is passed to the next person in the room.
        let third = begin_as(&first, "true").await;
        assert!(!codes.contains(&third), "someone else starts their own");
        assert_eq!(
            begin(&first).await,
            third,
            "and the device now goes on with theirs"
        );
        let (_, responses) = round(app, &round_id).await;
        assert_eq!(responses.len(), 3);
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
        assert_eq!(
            round(app, &round_id).await.1[0].label,
            "ivo@example.org",
            "the invitation is labelled with the e-mail, not the account's name"
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
        let seeded = app::demo::seed(&app.state.context.db, &app.state.context.documents)
            .await
            .unwrap();
        assert_eq!(seeded.rounds, 4);
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

#[tokio::test]
async fn the_facilitator_downloads_every_answer_as_csv_or_excel_and_the_results_as_json() {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        app::demo::seed(&app.state.context.db, &app.state.context.documents)
            .await
            .unwrap();
        let (_, body) = app.call(Mine::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let round_id = mine
            .facilitating
            .iter()
            .find(|r| r.region_id == "HR03")
            .unwrap()
            .round_id
            .clone();
        // A respondent's text that a spreadsheet would run as a formula stays text.
        let code = personal_link(app, &round_id, "Late").await;
        let (status, _) = save(app, &common::client(), &code, "A1", &[("value", "=1+1")]).await;
        assert_eq!(status, 200);

        let get = async |client: &reqwest::Client, query: &str| {
            let res = client
                .get(app.url(&format!(
                    "{}?round_id={round_id}{query}",
                    ExportAnswers::PATH
                )))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let headers = res.headers().clone();
            (status, headers, res.bytes().await.unwrap())
        };
        let (status, headers, body) = get(&app.client, "&format=csv").await;
        assert_eq!(
            status,
            200,
            "{engine:?}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"2026-baseline-answers.csv\""
        );
        let csv = String::from_utf8(body.to_vec()).unwrap();
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines[0].starts_with("\u{feff}respondent,status,submitted,"));
        assert!(lines[0].contains(",B1 present,B1 target,B1 justification,B1 link,"));
        assert_eq!(
            lines.len(),
            1 + 5,
            "the four demo respondents and the late one"
        );
        assert!(lines[5].starts_with("Late,started,,'=1+1,"), "{}", lines[5]);

        let (status, headers, body) = get(&app.client, "&format=xlsx").await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(
            body.starts_with(b"PK\x03\x04"),
            "an xlsx file is a zip archive"
        );

        let (status, _, _) = get(&app.client, "&format=pdf").await;
        assert_eq!(status, 400);

        let res = app
            .client
            .get(app.url(&format!("{}?round_id={round_id}", ExportResults::PATH)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let file: ResultsFile = res.json().await.unwrap();
        assert_eq!(
            (file.region_id.as_str(), file.results.respondents),
            ("HR03", 4)
        );

        let member = common::client();
        app.sign_up(&member, "member@example.org").await;
        assert_eq!(get(&member, "&format=csv").await.0, 403);
        assert_eq!(get(&common::client(), "&format=csv").await.0, 401);
    })
    .await;
}

#[tokio::test]
async fn the_comparison_shows_other_regions_only_with_three_respondents_and_the_regions_earlier_rounds(
) {
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        app::demo::seed(&app.state.context.db, &app.state.context.documents)
            .await
            .unwrap();
        let (_, body) = app.call(Mine::PATH, &[]).await;
        let mine: MyAssessments = serde_json::from_str(&body).unwrap();
        let round_in = |region: &str| {
            mine.facilitating
                .iter()
                .find(|r| r.region_id == region)
                .unwrap()
                .round_id
                .clone()
        };
        let (croatia, slovenia) = (round_in("HR03"), round_in("SI04"));
        let compare = async |round_id: &str| -> Comparison {
            let (status, body) = app
                .call(RoundComparison::PATH, &[("round_id", round_id)])
                .await;
            assert_eq!(status, 200, "{engine:?}: {body}");
            serde_json::from_str(&body).unwrap()
        };
        let c = compare(&croatia).await;
        assert_eq!(c.this.respondents, 4);
        let others: Vec<&str> = c.others.iter().map(|s| s.region_id.as_str()).collect();
        assert_eq!(others, vec!["AT22", "SI04"], "other regions come by name");
        assert_eq!(c.withheld, 0);
        let earlier: Vec<&str> = c.earlier.iter().map(|s| s.round_name.as_str()).collect();
        assert_eq!(earlier, vec!["2024 baseline"]);
        assert_eq!(c.this.present.len(), c.dimensions.len());
        // The demo's responses were stored without their dimension scores: the comparison
        // computed them, and they give the means the round's merged results give.
        let (_, body) = app
            .call(RoundResults::PATH, &[("round_id", &croatia)])
            .await;
        let merged: app::assessment::results::ResultsReport = serde_json::from_str(&body).unwrap();
        for ((id, _), shown) in c.dimensions.iter().zip(&c.this.present) {
            let mean = merged
                .results
                .dimensions
                .iter()
                .find(|d| &d.dimension_id == id)
                .and_then(|d| d.present)
                .map(|s| s.mean);
            assert_eq!(shown.is_some(), mean.is_some(), "{id}");
            assert!((shown.unwrap_or_default() - mean.unwrap_or_default()).abs() < 1e-9);
        }

        // One of Slovenia's four responses withdrawn: the comparison counts three.
        let (_, responses) = round(app, &slovenia).await;
        let withdraw = async |response_id: &str| {
            let form = [
                ("round_id", slovenia.as_str()),
                ("response_id", response_id),
                ("revoked", "true"),
            ];
            assert_eq!(app.call(SetResponseRevoked::PATH, &form).await.0, 200);
        };
        withdraw(&responses[0].response_id).await;
        let c = compare(&croatia).await;
        let slovenian = c.others.iter().find(|s| s.region_id == "SI04").unwrap();
        assert_eq!(slovenian.respondents, 3);
        // With a second one withdrawn, Slovenia drops below three: withheld.
        withdraw(&responses[1].response_id).await;
        let c = compare(&croatia).await;
        let others: Vec<&str> = c.others.iter().map(|s| s.region_id.as_str()).collect();
        assert_eq!(others, vec!["AT22"]);
        assert_eq!(c.withheld, 1);

        // A new round in Croatia sees the demo's round as an earlier one.
        let new_round = start(app, &app.client).await;
        let c = compare(&new_round).await;
        assert_eq!(c.this.respondents, 0);
        let earlier: Vec<&str> = c.earlier.iter().map(|s| s.round_name.as_str()).collect();
        assert_eq!(
            earlier,
            vec!["2024 baseline", "2026 baseline"],
            "oldest first"
        );
        assert!(c.earlier.iter().all(|s| s.respondents == 4));

        // A submit stores the response's scores; reopening takes it out of the comparison
        // until it is submitted again, with its new answers.
        let strategy = c.dimensions.iter().position(|(id, _)| id == "strategy");
        let strategy = strategy.expect("the template scores strategy");
        let respondent = common::client();
        let key = personal_link(app, &new_round, "Ana").await;
        common::rounds::submit_complete(app, &respondent, &key).await;
        let c = compare(&new_round).await;
        assert_eq!(c.this.respondents, 1);
        assert_eq!(c.this.present[strategy], Some(3.0), "{engine:?}");
        let (_, responses) = round(app, &new_round).await;
        let reopen = [
            ("round_id", new_round.as_str()),
            ("response_id", responses[0].response_id.as_str()),
        ];
        assert_eq!(app.call(ReopenResponse::PATH, &reopen).await.0, 200);
        assert_eq!(compare(&new_round).await.this.respondents, 0);
        for item in ["B1", "B2"] {
            let (status, _) = save(app, &respondent, &key, item, &[("present", "5")]).await;
            assert_eq!(status, 200);
        }
        common::rounds::submit_complete(app, &respondent, &key).await;
        let c = compare(&new_round).await;
        assert_eq!(c.this.respondents, 1);
        let raised = c.this.present[strategy].unwrap();
        assert!(
            raised > 3.0,
            "the new answers count, not the first submit's: {raised}"
        );

        let member = common::client();
        app.sign_up(&member, "member@example.org").await;
        let (status, _) = app
            .call_with(&member, RoundComparison::PATH, &[("round_id", &croatia)])
            .await;
        assert_eq!(status, 403);
    })
    .await;
}

#[tokio::test]
async fn stored_scores_with_and_without_a_value_in_the_same_place_are_all_kept() {
    use app::assessment::answer_store::add_scores;
    use app::assessment::score::ResponseScore;
    on_each_engine(async |app, engine| {
        setup_admin(app).await;
        app::demo::seed(&app.state.context.db, &app.state.context.documents)
            .await
            .unwrap();
        let db = &app.state.context.db;
        let ids: Vec<String> =
            sqlx::query_scalar("select response_id from assessment_response order by response_id")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert!(ids.len() >= 10);
        // The same insert, first with a missing score, then with one in the same place: each
        // of the pool's connections sees both (sqlx's Any driver once declared the missing
        // f64 as float4 and the statement then refused the float8 on PostgreSQL).
        for (n, id) in ids.iter().take(10).enumerate() {
            let present = (n >= 5).then_some(2.5);
            let scores = vec![ResponseScore {
                dimension_id: "strategy".into(),
                present,
                target: Some(4.0),
            }];
            add_scores(db, vec![(id.clone(), scores)])
                .await
                .unwrap_or_else(|e| panic!("{engine:?}, insert {n}: {e:?}"));
        }
        let stored: i64 =
            sqlx::query_scalar("select count(present) from assessment_response_score")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(stored, 5);
    })
    .await;
}
