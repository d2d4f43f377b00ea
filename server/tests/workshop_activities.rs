//! The activities that order, spread and place items, on SQLite and on PostgreSQL: rankings,
//! dot votes and 2×2 matrices set up from the agenda form, answered from participants' forms,
//! checked, counted, and (dot votes) kept from every screen until the facilitator reveals them.

mod common;

use app::error::Problem;
use app::workshop::api::AddActivity;
use app::workshop::run::Results;
use common::live::{agenda, answer, control, stage, Browser};
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
