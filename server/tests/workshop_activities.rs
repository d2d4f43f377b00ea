//! The activities that order, spread and place items, and questions and answers, on SQLite and
//! on PostgreSQL: rankings, dot votes and 2×2 matrices set up from the agenda form, answered
//! from participants' forms, checked, counted, and (dot votes) kept from every screen until the
//! facilitator reveals them; questions asked, upvoted and moderated.

mod common;

use app::error::Problem;
use app::workshop::activities::questions::State;
use app::workshop::api::AddActivity;
use app::workshop::questions_api::{AskQuestion, ModerateQuestion, VoteQuestion};
use app::workshop::run::Results;
use common::live::{agenda, answer, control, export, stage, Browser};
use common::on_each_engine;
use common::workshops::{join, problem, room};
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn rankings_dot_votes_and_matrices_are_checked_counted_and_dots_stay_sealed_until_revealed() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let items = "Vouchers\nGrants\nTraining";
        let (id, code, activities) = agenda(
            app,
            &owner,
            "Scenario workshop",
            &[
                &[
                    ("kind", "ranking"),
                    ("prompt", "Order them"),
                    ("lines", items),
                ],
                &[
                    ("kind", "dots"),
                    ("prompt", "Three dots"),
                    ("lines", items),
                    ("dots", "3"),
                    ("stacking", "on"),
                ],
                &[
                    ("kind", "matrix"),
                    ("prompt", "Place the drivers"),
                    ("lines", "Energy prices\nSkills"),
                    ("x_axis", "Impact"),
                    ("y_axis", "Uncertainty"),
                ],
            ],
        )
        .await;
        let (ranking, dots, matrix) = (&activities[0], &activities[1], &activities[2]);
        let refused = [
            (("dots", "21"), "dots", Problem::OutOfRange),
            (("x_axis", ""), "x_axis", Problem::Required),
        ];
        for ((field, typed), at, expected) in refused {
            let kind = if at == "dots" { "dots" } else { "matrix" };
            let form = [
                ("workshop_id", id.as_str()),
                ("kind", kind),
                ("prompt", "P"),
                ("lines", items),
                ("y_axis", "Y"),
                (field, typed),
            ];
            let (status, body) = app.call_with(&owner.client, AddActivity::PATH, &form).await;
            assert_eq!((status, problem(&body, at)), (422, expected), "{body}");
        }

        let (ana, ivo) = (Browser::new(), Browser::new());
        join(app, &ana.client, &code, "Ana").await;
        join(app, &ivo.client, &code, "Ivo").await;
        let results = async || stage(app, &owner.client, &id).await.results;
        let send = async |who: &Browser, activity: &str, command: &str, values: &[(&str, &str)]| {
            answer(app, &who.client, &code, activity, command, values).await
        };
        let refusal = |(status, body): (u16, String)| (status, problem(&body, "values"));

        control(app, &owner.client, &id, "show", ranking).await;
        let places = |a, b, c| [("0", a), ("1", b), ("2", c)];
        assert_eq!(
            send(&ana, ranking, "r1", &places("2", "1", "3")).await.0,
            200
        );
        assert_eq!(
            refusal(send(&ivo, ranking, "r2", &places("1", "1", "3")).await),
            (422, Problem::Duplicate { text: "1".into() })
        );
        assert_eq!(
            send(&ivo, ranking, "r3", &places("1", "2", "3")).await.0,
            200
        );
        let Results::Ranking { standings, voters } = results().await else {
            panic!("a ranking's results");
        };
        let order: Vec<(usize, Option<f64>)> = standings.iter().map(|s| (s.item, s.mean)).collect();
        assert_eq!(voters, 2);
        assert_eq!(order, vec![(0, Some(1.5)), (1, Some(1.5)), (2, Some(3.0))]);

        control(app, &owner.client, &id, "show", dots).await;
        assert_eq!(send(&ana, dots, "d1", &places("2", "", "1")).await.0, 200);
        assert_eq!(
            refusal(send(&ivo, dots, "d2", &places("3", "1", "")).await),
            (422, Problem::TooManyChoices { max: 3 })
        );
        assert_eq!(send(&ivo, dots, "d3", &places("", "", "3")).await.0, 200);
        assert_eq!(
            results().await,
            Results::Sealed { voters: 2 },
            "the presenter sees only how many voted"
        );
        let screen = room(app, &ana.client, &code).await.unwrap().screen.unwrap();
        assert_eq!(screen.results, None);
        control(app, &owner.client, &id, "reveal", "").await;
        let revealed = Results::Dots {
            counts: vec![2, 0, 4],
            voters: 2,
        };
        assert_eq!(results().await, revealed);
        let screen = room(app, &ana.client, &code).await.unwrap().screen.unwrap();
        assert_eq!(screen.results, Some(revealed));

        control(app, &owner.client, &id, "show", matrix).await;
        let points = |a, b, c, d| [("0", a), ("1", b), ("2", c), ("3", d)];
        assert_eq!(
            send(&ana, matrix, "m1", &points("4", "2", "", "")).await.0,
            200
        );
        assert_eq!(
            refusal(send(&ivo, matrix, "m2", &points("2", "", "", "")).await),
            (422, Problem::Required)
        );
        assert_eq!(
            send(&ivo, matrix, "m3", &points("2", "4", "5", "5"))
                .await
                .0,
            200
        );
        let Results::Matrix { places } = results().await else {
            panic!("a matrix's results");
        };
        let energy = places[0].clone().expect("both placed it");
        assert_eq!(
            (energy.placed, energy.x, energy.y, energy.x_spread),
            (2, 3.0, 3.0, 1.0)
        );
        let skills = places[1].clone().expect("Ivo placed it");
        assert_eq!((skills.placed, skills.x, skills.y), (1, 5.0, 5.0));
    })
    .await;
}

#[tokio::test]
async fn questions_are_asked_upvoted_once_each_and_moderated_and_the_room_sees_only_what_it_may() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let activity: &[(&str, &str)] = &[
            ("kind", "questions"),
            ("prompt", "Ask the panel"),
            ("anonymous", "on"),
            ("moderated", "on"),
        ];
        let (id, code, activities) = agenda(app, &owner, "Panel", &[activity]).await;
        let qa = activities[0].as_str();
        let (ana, ivo) = (Browser::new(), Browser::new());
        join(app, &ana.client, &code, "Ana").await;
        join(app, &ivo.client, &code, "Ivo").await;
        let ask = async |who: &Browser, command: &str, text: &str, anonymous: bool| {
            let mut form = vec![
                ("code", code.as_str()),
                ("activity_id", qa),
                ("command_id", command),
                ("text", text),
            ];
            if anonymous {
                form.push(("anonymous", "on"));
            }
            app.call_with(&who.client, AskQuestion::PATH, &form).await
        };
        let vote = async |who: &Browser, command: &str, question: &str, up: &str| {
            let form = [
                ("code", code.as_str()),
                ("activity_id", qa),
                ("command_id", command),
                ("question_id", question),
                ("up", up),
            ];
            app.call_with(&who.client, VoteQuestion::PATH, &form).await
        };
        let moderate = async |who: &Browser, question: &str, state: &str| {
            let form = [
                ("workshop_id", id.as_str()),
                ("activity_id", qa),
                ("question_id", question),
                ("state", state),
            ];
            app.call_with(&who.client, ModerateQuestion::PATH, &form)
                .await
        };
        let seen_by = async |who: &Browser| {
            let screen = room(app, &who.client, &code).await.unwrap().screen.unwrap();
            match screen.results {
                Some(Results::Questions { questions }) => questions,
                other => panic!("a board of questions, not {other:?}"),
            }
        };
        let all = async || match stage(app, &owner.client, &id).await.results {
            Results::Questions { questions } => questions,
            other => panic!("a board of questions, not {other:?}"),
        };
        let refusal = |(status, body): (u16, String), field| (status, problem(&body, field));

        // Only while the activity is on the screens.
        assert_eq!(
            refusal(ask(&ana, "a0", "Who pays?", false).await, "activity"),
            (422, Problem::ActivityClosed)
        );
        control(app, &owner.client, &id, "show", qa).await;
        assert_eq!(
            ask(&ana, "a1", "Who pays for the pilots?", false).await.0,
            200
        );
        assert_eq!(
            ask(&ana, "a1", "Who pays for the pilots?", false).await.0,
            200,
            "a retry"
        );
        assert_eq!(ask(&ivo, "i1", "Can small firms apply?", true).await.0, 200);
        assert_eq!(
            refusal(ask(&ana, "a2", " ", false).await, "text"),
            (422, Problem::Required)
        );

        // Moderated: each asker sees their own question waiting, the room nothing else.
        let mine = seen_by(&ana).await;
        assert_eq!(mine.len(), 1);
        assert!(
            mine[0].mine && mine[0].state == State::Waiting && mine[0].by.as_deref() == Some("Ana")
        );
        let questions = all().await;
        assert_eq!(questions.len(), 2, "the facilitator sees every question");
        let by = |text: &str| {
            questions
                .iter()
                .find(|q| q.text.starts_with(text))
                .unwrap()
                .id
                .clone()
        };
        let (pilots, firms) = (by("Who pays"), by("Can small"));
        assert_eq!(
            questions.iter().find(|q| q.id == firms).unwrap().by,
            None,
            "asked without a name"
        );

        // Only the facilitator moderates.
        assert_eq!(moderate(&ana, &pilots, "shown").await.0, 401);
        assert_eq!(moderate(&owner, &pilots, "shown").await.0, 200);
        assert_eq!(moderate(&owner, &firms, "shown").await.0, 200);
        assert_eq!(moderate(&owner, "no-such-question", "shown").await.0, 404);
        assert_eq!(
            refusal(moderate(&owner, &pilots, "waiting").await, "state"),
            (422, Problem::UnknownChoice)
        );

        // An upvote counts once, never on one's own question, and can be taken back.
        assert_eq!(vote(&ivo, "v1", &pilots, "1").await.0, 200);
        assert_eq!(vote(&ivo, "v2", &pilots, "1").await.0, 200);
        assert_eq!(
            refusal(vote(&ana, "v3", &pilots, "1").await, "question"),
            (422, Problem::OwnQuestion)
        );
        assert_eq!(vote(&ana, "v4", "no-such-question", "1").await.0, 404);
        assert_eq!(
            refusal(vote(&ana, "v5", &firms, "2").await, "up"),
            (422, Problem::UnknownChoice)
        );
        let room_view = seen_by(&ivo).await;
        assert_eq!(room_view[0].id, pilots, "the most upvoted first");
        assert!(room_view[0].voted && room_view[0].votes == 1);
        assert_eq!(vote(&ivo, "v6", &pilots, "0").await.0, 200);
        assert_eq!(seen_by(&ivo).await[0].votes, 0);

        // Answered questions stay, after the open ones; hidden ones leave the room's screens.
        assert_eq!(moderate(&owner, &pilots, "answered").await.0, 200);
        assert_eq!(moderate(&owner, &firms, "hidden").await.0, 200);
        let room_view = seen_by(&ana).await;
        assert_eq!(room_view.len(), 1);
        assert_eq!(room_view[0].state, State::Answered);
        assert_eq!(all().await.len(), 2);
        // The answers file holds every question, hidden ones too, as the facilitator sees it.
        let csv = export(app, &owner, &id, "csv").await.3;
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "1,Ask the panel,questions,Ana,Who pays for the pilots?,,,0,answered",
                "1,Ask the panel,questions,anonymous,Can small firms apply?,,,0,hidden",
            ]
        );

        // Ten questions each at most.
        for n in 0..9 {
            let (status, body) =
                ask(&ivo, &format!("i-{n}"), &format!("Question {n}"), false).await;
            assert_eq!(status, 200, "{body}");
        }
        assert_eq!(
            refusal(ask(&ivo, "i-10", "One more", false).await, "text"),
            (422, Problem::TooManyChoices { max: 10 })
        );
    })
    .await;
}

#[tokio::test]
async fn delphi_rounds_show_each_participant_the_round_before_and_the_facilitator_the_convergence()
{
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let (id, code, activities) = agenda(
            app,
            &owner,
            "Foresight",
            &[
                &[
                    ("kind", "delphi"),
                    ("prompt", "By 2035"),
                    (
                        "lines",
                        "Clusters have a permanent board\nVouchers reach half the firms",
                    ),
                    ("scale", "agreement"),
                ],
                &[
                    ("kind", "word_cloud"),
                    ("prompt", "One word"),
                    ("per_person", "1"),
                ],
            ],
        )
        .await;
        let (delphi, cloud) = (activities[0].as_str(), activities[1].as_str());
        let (ana, ivo) = (Browser::new(), Browser::new());
        join(app, &ana.client, &code, "Ana").await;
        join(app, &ivo.client, &code, "Ivo").await;
        let rate = async |who: &Browser, command: &str, a: &str, why: &str, b: &str| {
            let values = [("0", a), ("1", why), ("2", b), ("3", "")];
            answer(app, &who.client, &code, delphi, command, &values).await
        };
        let presented = async || match stage(app, &owner.client, &id).await.results {
            Results::Delphi {
                rounds,
                round,
                raters,
                ..
            } => (rounds, round, raters),
            other => panic!("Delphi rounds, not {other:?}"),
        };
        let seen_by = async |who: &Browser| {
            let screen = room(app, &who.client, &code).await.unwrap().screen.unwrap();
            match screen.results {
                Some(Results::Delphi {
                    rounds,
                    earlier,
                    now,
                    ..
                }) => (rounds, earlier, now, screen.mine.is_some()),
                other => panic!("Delphi rounds, not {other:?}"),
            }
        };

        control(app, &owner.client, &id, "show", delphi).await;
        assert_eq!(rate(&ana, "a1", "2", "Too costly", "4").await.0, 200);
        assert_eq!(rate(&ivo, "i1", "5", "", "2").await.0, 200);
        let (status, body) = rate(&ivo, "i2", "", "a reason alone", "").await;
        assert_eq!((status, problem(&body, "values")), (422, Problem::Required));
        let (rounds, round, raters) = presented().await;
        assert_eq!(
            (rounds.len(), round, raters),
            (0, 1, 2),
            "the round under way stays hidden"
        );
        let (rounds, earlier, now, counted) = seen_by(&ana).await;
        assert!(rounds.is_empty() && earlier.is_none() && counted);
        assert_eq!(now.unwrap().scores, vec![Some(2), Some(4)]);

        // Only the facilitator starts a round, and only of a Delphi activity.
        assert_eq!(control(app, &ana.client, &id, "round", "").await.0, 401);
        assert_eq!(control(app, &owner.client, &id, "round", "").await.0, 200);
        let (rounds, round, _) = presented().await;
        assert_eq!((rounds.len(), round), (1, 2));
        let first = &rounds[0].statements[0];
        assert_eq!((first.spread.mean, first.deviation), (Some(3.5), Some(1.5)));
        assert_eq!(first.reasons, vec!["Too costly"]);

        // In round two each sees the round before and their own score, and may revise.
        let (rounds, earlier, now, counted) = seen_by(&ana).await;
        assert_eq!(rounds.len(), 1);
        assert_eq!(earlier.unwrap().scores, vec![Some(2), Some(4)]);
        assert!(now.is_none() && !counted, "nothing rated in this round yet");
        assert_eq!(rate(&ana, "a2", "3", "Heard Ivo", "4").await.0, 200);
        assert_eq!(rate(&ivo, "i3", "4", "", "3").await.0, 200);
        control(app, &owner.client, &id, "reveal", "").await;
        let (rounds, _, _) = presented().await;
        let deviations: Vec<Option<f64>> =
            rounds.iter().map(|r| r.statements[0].deviation).collect();
        assert_eq!(
            deviations,
            vec![Some(1.5), Some(0.5)],
            "the group converged"
        );
        for _ in 3..=5 {
            assert_eq!(control(app, &owner.client, &id, "round", "").await.0, 200);
        }
        let (status, body) = control(app, &owner.client, &id, "round", "").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::TooManyChoices { max: 5 })
        );
        control(app, &owner.client, &id, "show", cloud).await;
        let (status, body) = control(app, &owner.client, &id, "round", "").await;
        assert_eq!(
            (status, problem(&body, "action")),
            (422, Problem::UnknownChoice)
        );
    })
    .await;
}
