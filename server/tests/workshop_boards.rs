//! Ideas boards and SWOT boards, on SQLite and on PostgreSQL: notes posted from participants'
//! forms into categories, grouped, merged and taken off by the facilitator alone, then dots
//! placed within each person's budget and kept from every screen until the reveal.

mod common;

use app::error::Problem;
use app::workshop::activities::ideas::Sheet;
use app::workshop::api::{AddActivity, RemoveParticipant};
use app::workshop::ideas_api::{
    BoardVoting, DotNote, NameCluster, OrganiseNote, PostNote, RunTables,
};
use app::workshop::run::Results;
use common::live::{agenda, control, export, participant_id, stage, Browser};
use common::on_each_engine;
use common::workshops::{join, problem, room};
use common::TestApp;
use leptos::server_fn::ServerFn;

/// A participant's side of one board: their browser, the room's code and the board's id.
struct Seat<'a> {
    app: &'a TestApp,
    who: &'a Browser,
    code: &'a str,
    board: &'a str,
}

impl Seat<'_> {
    async fn post(&self, command: &str, text: &str, category: &str) -> (u16, String) {
        let form = [
            ("code", self.code),
            ("activity_id", self.board),
            ("command_id", command),
            ("text", text),
            ("category", category),
        ];
        self.app
            .call_with(&self.who.client, PostNote::PATH, &form)
            .await
    }

    async fn dot(&self, command: &str, note: &str, add: &str) -> (u16, String) {
        let form = [
            ("code", self.code),
            ("activity_id", self.board),
            ("command_id", command),
            ("note_id", note),
            ("add", add),
        ];
        self.app
            .call_with(&self.who.client, DotNote::PATH, &form)
            .await
    }

    async fn sheet(&self) -> Sheet {
        let screen = room(self.app, &self.who.client, self.code)
            .await
            .unwrap()
            .screen
            .unwrap();
        match screen.results {
            Some(Results::Ideas { sheet }) => sheet,
            other => panic!("a board of notes, not {other:?}"),
        }
    }
}

/// The facilitator's commands on one board, sent as `who`.
async fn facilitate(
    app: &TestApp,
    who: &Browser,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    app.call_with(&who.client, path, fields).await
}

fn refusal((status, body): (u16, String), field: &str) -> (u16, Problem) {
    (status, problem(&body, field))
}

#[tokio::test]
async fn an_ideas_board_takes_notes_the_facilitator_organises_and_dots_stay_sealed_until_revealed()
{
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let board_form: &[(&str, &str)] = &[
            ("kind", "ideas"),
            ("prompt", "What holds the cluster back?"),
            ("lines", "Barriers\nSolutions"),
            ("dots", "2"),
        ];
        let (id, code, activities) = agenda(app, &owner, "Ideas", &[board_form]).await;
        let board = activities[0].as_str();
        let bad = [
            ("workshop_id", id.as_str()),
            ("kind", "ideas"),
            ("prompt", "P"),
            ("dots", "21"),
        ];
        let (status, body) = app.call_with(&owner.client, AddActivity::PATH, &bad).await;
        assert_eq!((status, problem(&body, "dots")), (422, Problem::OutOfRange));

        let (ana_b, ivo_b) = (Browser::new(), Browser::new());
        join(app, &ana_b.client, &code, "Ana").await;
        join(app, &ivo_b.client, &code, "Ivo").await;
        let seat = |who| Seat {
            app,
            who,
            code: &code,
            board,
        };
        let (ana, ivo) = (seat(&ana_b), seat(&ivo_b));
        let organise = async |who: &Browser, note: &str, target: &str| {
            let form = [
                ("workshop_id", id.as_str()),
                ("activity_id", board),
                ("note_id", note),
                ("target", target),
            ];
            facilitate(app, who, OrganiseNote::PATH, &form).await
        };
        let name = async |who: &Browser, cluster: &str, name: &str| {
            let form = [
                ("workshop_id", id.as_str()),
                ("activity_id", board),
                ("cluster_id", cluster),
                ("name", name),
            ];
            facilitate(app, who, NameCluster::PATH, &form).await
        };
        let voting = async |who: &Browser, on: &str| {
            let form = [
                ("workshop_id", id.as_str()),
                ("activity_id", board),
                ("voting", on),
            ];
            facilitate(app, who, BoardVoting::PATH, &form).await
        };
        let presented = async || match stage(app, &owner.client, &id).await.results {
            Results::Ideas { sheet } => sheet,
            other => panic!("a board of notes, not {other:?}"),
        };

        // Notes only while the board is on the screens, into one of its categories.
        assert_eq!(
            refusal(ana.post("a0", "No money", "0").await, "activity"),
            (422, Problem::ActivityClosed)
        );
        control(app, &owner.client, &id, "show", board).await;
        assert_eq!(ana.post("a1", "No money for pilots", "0").await.0, 200);
        assert_eq!(
            ana.post("a1", "No money for pilots", "0").await.0,
            200,
            "a retry"
        );
        assert_eq!(
            refusal(ana.post("a2", "Unsorted", "").await, "category"),
            (422, Problem::Required)
        );
        assert_eq!(
            refusal(ana.post("a3", "Elsewhere", "2").await, "category"),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(
            refusal(ana.post("a4", &"x".repeat(141), "0").await, "text"),
            (422, Problem::TooLong { max: 140 })
        );
        assert_eq!(
            ivo.post("i1", "Too little funding for pilots", "0").await.0,
            200
        );
        assert_eq!(ivo.post("i2", "A shared voucher scheme", "1").await.0, 200);
        let sheet = ana.sheet().await;
        assert_eq!(sheet.cards.len(), 3, "every note shows on every screen");
        assert_eq!(sheet.cards.iter().filter(|c| c.mine).count(), 1);
        let note = |text: &str| {
            sheet
                .cards
                .iter()
                .find(|c| c.text.starts_with(text))
                .unwrap()
                .id
                .clone()
        };
        let (money, funding, vouchers) = (note("No money"), note("Too little"), note("A shared"));

        // Only the facilitator organises: clusters, duplicates within a category, removal.
        assert_eq!(name(&ana_b, "", "Finance").await.0, 401);
        let stranger = Browser::new();
        app.sign_up(&stranger.client, "stranger@example.org").await;
        assert_eq!(name(&stranger, "", "Finance").await.0, 403);
        assert_eq!(organise(&stranger, &money, "hide").await.0, 403);
        assert_eq!(name(&owner, "", "Finance").await.0, 200);
        assert_eq!(
            refusal(name(&owner, "", " ").await, "name"),
            (422, Problem::Required)
        );
        assert_eq!(name(&owner, "no-such-cluster", "Money").await.0, 404);
        let cluster = presented().await.clusters[0].id.clone();
        assert_eq!(name(&owner, &cluster, "Money").await.0, 200);
        assert_eq!(
            organise(&owner, &money, &format!("cluster:{cluster}"))
                .await
                .0,
            200
        );
        assert_eq!(organise(&owner, &money, "cluster:no-such").await.0, 404);
        assert_eq!(
            refusal(
                organise(&owner, &money, &format!("merge:{vouchers}")).await,
                "target"
            ),
            (422, Problem::UnknownChoice),
            "a barrier is no duplicate of a solution"
        );
        assert_eq!(
            organise(&owner, &funding, &format!("merge:{money}"))
                .await
                .0,
            200
        );
        assert_eq!(
            refusal(organise(&owner, &money, "drop").await, "target"),
            (422, Problem::UnknownChoice)
        );
        let sheet = presented().await;
        assert_eq!(sheet.clusters[0].name, "Money");
        let merged = sheet.cards.iter().find(|c| c.id == money).unwrap();
        assert_eq!(merged.cluster.as_deref(), Some(cluster.as_str()));
        assert_eq!(merged.merged, vec!["Too little funding for pilots"]);
        assert_eq!(sheet.cards.len(), 2);
        // The answers file holds every note as posted, with its category, cluster and dots.
        let csv = export(app, &owner, &id, "csv").await.3;
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            [
                "activity,prompt,kind,participant,answer,category,cluster,votes,status",
                "1,What holds the cluster back?,ideas,Ana,No money for pilots,Barriers,Money,0,",
                "1,What holds the cluster back?,ideas,Ivo,Too little funding for pilots,Barriers,,0,\
                 merged into: No money for pilots",
                "1,What holds the cluster back?,ideas,Ivo,A shared voucher scheme,Solutions,,0,",
            ]
        );
        assert_eq!(
            organise(&owner, &funding, &format!("cluster:{cluster}"))
                .await
                .0,
            404,
            "a merged duplicate is no note of its own"
        );
        assert_eq!(organise(&owner, &funding, "hide").await.0, 200);
        assert_eq!(
            organise(&owner, &funding, "hide").await.0,
            404,
            "off already"
        );
        assert!(presented().await.cards[0].merged.is_empty());

        // The vote: no dots before it starts, no notes during it, two dots each, sealed.
        assert_eq!(
            refusal(ivo.dot("d0", &money, "1").await, "activity"),
            (422, Problem::ActivityClosed)
        );
        assert_eq!(voting(&ana_b, "1").await.0, 401);
        assert_eq!(voting(&owner, "1").await.0, 200);
        assert_eq!(
            refusal(ana.post("a5", "Late idea", "1").await, "text"),
            (422, Problem::ActivityClosed)
        );
        assert_eq!(ivo.dot("d1", &money, "1").await.0, 200);
        assert_eq!(ivo.dot("d2", &money, "1").await.0, 200);
        assert_eq!(
            refusal(ivo.dot("d3", &vouchers, "1").await, "note"),
            (422, Problem::NoDotsLeft { max: 2 })
        );
        assert_eq!(ivo.dot("d4", &money, "0").await.0, 200);
        assert_eq!(ivo.dot("d5", &vouchers, "1").await.0, 200);
        assert_eq!(
            ana.dot("d6", &vouchers, "0").await.0,
            404,
            "no dot of hers to take"
        );
        assert_eq!(ana.dot("d7", &money, "1").await.0, 200);
        assert_eq!(
            refusal(ana.dot("d8", &money, "2").await, "add"),
            (422, Problem::UnknownChoice)
        );
        assert_eq!(ana.dot("d9", &funding, "1").await.0, 404, "merged away");
        let mine = ivo.sheet().await;
        let dots: Vec<(Option<u32>, u8)> = mine.cards.iter().map(|c| (c.dots, c.my_dots)).collect();
        assert_eq!(
            dots,
            vec![(None, 1), (None, 1)],
            "their own dots, nobody else's"
        );
        assert!(presented().await.cards.iter().all(|c| c.dots.is_none()));

        control(app, &owner.client, &id, "reveal", "").await;
        let sheet = presented().await;
        let counted: Vec<(String, Option<u32>)> =
            sheet.cards.iter().map(|c| (c.id.clone(), c.dots)).collect();
        assert_eq!(
            counted,
            vec![(money.clone(), Some(2)), (vouchers.clone(), Some(1))]
        );
        assert_eq!(sheet.voters, Some(2));
        assert_eq!(ana.sheet().await.cards[0].dots, Some(2));

        // Sent out: their dot no longer counts anywhere.
        let ana_id = participant_id(app, &owner, &id, "Ana").await;
        let form = [
            ("workshop_id", id.as_str()),
            ("participant_id", ana_id.as_str()),
        ];
        let (status, _) = app
            .call_with(&owner.client, RemoveParticipant::PATH, &form)
            .await;
        assert_eq!(status, 200);
        assert_eq!(presented().await.cards[0].dots, Some(1));
        assert_eq!(ivo.sheet().await.cards[0].dots, Some(1));
    })
    .await;
}

#[tokio::test]
async fn a_swot_boards_notes_go_into_quadrants_and_each_quadrant_has_its_own_dots() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let swot: &[(&str, &str)] = &[("kind", "swot"), ("prompt", "Our region"), ("dots", "1")];
        let (id, code, activities) = agenda(app, &owner, "SWOT", &[swot]).await;
        let board = activities[0].as_str();
        let ana_b = Browser::new();
        join(app, &ana_b.client, &code, "Ana").await;
        let ana = Seat {
            app,
            who: &ana_b,
            code: &code,
            board,
        };
        control(app, &owner.client, &id, "show", board).await;
        for (n, text) in [
            "Universities",
            "Brain drain",
            "EU funds",
            "Energy prices",
            "Ports",
        ]
        .iter()
        .enumerate()
        {
            let quadrant = (n % 4).to_string();
            assert_eq!(ana.post(&format!("p{n}"), text, &quadrant).await.0, 200);
        }
        assert_eq!(
            refusal(ana.post("p9", "Nowhere", "4").await, "category"),
            (422, Problem::UnknownChoice)
        );
        let form = [
            ("workshop_id", id.as_str()),
            ("activity_id", board),
            ("voting", "1"),
        ];
        let (status, _) = app.call_with(&owner.client, BoardVoting::PATH, &form).await;
        assert_eq!(status, 200);
        let sheet = ana.sheet().await;
        let in_quadrant = |q: u8| {
            sheet
                .cards
                .iter()
                .filter(|c| c.category == Some(q))
                .map(|c| c.id.clone())
                .collect::<Vec<_>>()
        };
        let (strengths, threats) = (in_quadrant(0), in_quadrant(3));
        assert_eq!(strengths.len(), 2);
        assert_eq!(ana.dot("d1", &strengths[0], "1").await.0, 200);
        assert_eq!(
            ana.dot("d2", &threats[0], "1").await.0,
            200,
            "another quadrant"
        );
        assert_eq!(
            refusal(ana.dot("d3", &strengths[1], "1").await, "note"),
            (422, Problem::NoDotsLeft { max: 1 })
        );
    })
    .await;
}

#[tokio::test]
async fn world_cafe_tables_seat_the_room_rotate_all_but_the_hosts_and_harvest_into_one_board() {
    on_each_engine(async |app, _| {
        let owner = Browser::new();
        app.sign_up(&owner.client, "facilitator@example.org").await;
        let cafe: &[(&str, &str)] = &[
            ("kind", "cafe"),
            ("prompt", "Three questions"),
            ("lines", "Skills\nFinance"),
            ("dots", "1"),
        ];
        let (id, code, activities) = agenda(app, &owner, "Café", &[cafe]).await;
        let board = activities[0].as_str();
        let tables = async |who: &Browser, action: &str| {
            let form = [
                ("workshop_id", id.as_str()),
                ("activity_id", board),
                ("action", action),
            ];
            app.call_with(&who.client, RunTables::PATH, &form).await
        };
        let browsers = [Browser::new(), Browser::new(), Browser::new()];
        for (who, name) in browsers.iter().zip(["Ana", "Ivo", "Eva"]) {
            join(app, &who.client, &code, name).await;
        }
        let seats: Vec<Seat> = browsers
            .iter()
            .map(|who| Seat {
                app,
                who,
                code: &code,
                board,
            })
            .collect();
        let (ana, ivo, eva) = (&seats[0], &seats[1], &seats[2]);
        control(app, &owner.client, &id, "show", board).await;
        assert_eq!(
            refusal(ana.post("a0", "Before the tables", "").await, "text"),
            (422, Problem::NoTable)
        );
        assert_eq!(
            refusal(tables(&owner, "rotate").await, "action"),
            (422, Problem::NoTable)
        );
        assert_eq!(tables(&browsers[0], "split").await.0, 401);
        assert_eq!(tables(&owner, "split").await.0, 200);
        let seating = ana.sheet().await.seating.unwrap();
        assert_eq!((seating.my_table, seating.hosting), (Some(0), true));
        let view = eva.sheet().await.seating.unwrap();
        assert_eq!((view.my_table, view.hosting), (Some(0), false));
        assert_eq!(
            view.tables[1].host.as_ref().unwrap().nickname.as_deref(),
            Some("Ivo")
        );

        // Each table writes its own notes, whatever category a form sends.
        assert_eq!(ana.post("a1", "Apprenticeships", "1").await.0, 200);
        assert_eq!(ivo.post("i1", "Venture funds", "").await.0, 200);
        assert_eq!(eva.post("e1", "Dual study", "").await.0, 200);
        let texts =
            |sheet: Sheet| -> Vec<String> { sheet.cards.into_iter().map(|c| c.text).collect() };
        assert_eq!(
            texts(eva.sheet().await),
            vec!["Apprenticeships", "Dual study"]
        );
        assert_eq!(texts(ivo.sheet().await), vec!["Venture funds"]);

        // The rotation moves Eva on to the finance table; the hosts stay.
        assert_eq!(tables(&owner, "rotate").await.0, 200);
        let view = eva.sheet().await.seating.unwrap();
        assert_eq!((view.my_table, view.rotations), (Some(1), 1));
        assert_eq!(texts(eva.sheet().await), vec!["Venture funds"]);
        assert_eq!(ana.sheet().await.seating.unwrap().my_table, Some(0));

        // No vote before the harvest; after it, one board of every table's notes.
        let voting = [
            ("workshop_id", id.as_str()),
            ("activity_id", board),
            ("voting", "1"),
        ];
        let (status, body) = app
            .call_with(&owner.client, BoardVoting::PATH, &voting)
            .await;
        assert_eq!(
            (status, problem(&body, "voting")),
            (422, Problem::NotHarvested)
        );
        assert_eq!(tables(&owner, "harvest").await.0, 200);
        assert_eq!(texts(ivo.sheet().await).len(), 3);
        assert_eq!(
            refusal(ivo.post("i2", "Too late", "").await, "text"),
            (422, Problem::ActivityClosed)
        );
        assert_eq!(
            refusal(tables(&owner, "rotate").await, "action"),
            (422, Problem::ActivityClosed)
        );
        let (status, _) = app
            .call_with(&owner.client, BoardVoting::PATH, &voting)
            .await;
        assert_eq!(status, 200);
        let note = ivo.sheet().await.cards[0].id.clone();
        assert_eq!(ivo.dot("d1", &note, "1").await.0, 200);
    })
    .await;
}
