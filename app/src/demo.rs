//! Believable demo content for an empty platform, so that a newcomer sees it alive.
//! Later capabilities add their own demo content here.

use crate::assessment;
use crate::assessment::answer_store::DemoRound;
use crate::assessment::model::{Answer, Answers, ItemKind, Template};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::identity::model::Role;
use crate::identity::session::hash_password;
use crate::identity::store::{self as identity, NewUser};
use crate::registry::model::OrganisationKind;
use crate::registry::store::{self as registry, NewOrganisation};
use crate::workshop;

const BUILT_IN_KEY: &str = "regional-cluster-policy";

/// The password of every demo account, printed by the `demo` command.
pub const DEMO_PASSWORD: &str = "cluster-demo-2026";

const ORGANISATIONS: [(&str, OrganisationKind, &str, &str, &str); 12] = [
    (
        "Regione del Veneto – Direzione Ricerca Innovazione",
        OrganisationKind::PublicAuthority,
        "IT",
        "ITH3",
        "https://www.regione.veneto.it",
    ),
    (
        "Wirtschaftsagentur Steiermark",
        OrganisationKind::DevelopmentAgency,
        "AT",
        "AT22",
        "",
    ),
    (
        "Slovenski avtomobilski grozd",
        OrganisationKind::ClusterOrganisation,
        "SI",
        "SI04",
        "",
    ),
    (
        "Hrvatski klaster konkurentnosti drvnog sektora",
        OrganisationKind::ClusterOrganisation,
        "HR",
        "HR05",
        "",
    ),
    (
        "Regionalna razvojna agencija Slavonije i Baranje",
        OrganisationKind::DevelopmentAgency,
        "HR",
        "HR02",
        "",
    ),
    (
        "Pannon Gazdasági Hálózat",
        OrganisationKind::ClusterOrganisation,
        "HU",
        "HU22",
        "",
    ),
    (
        "Slovenská inovačná a energetická agentúra",
        OrganisationKind::PublicAuthority,
        "SK",
        "SK01",
        "",
    ),
    (
        "Univerzitet u Novom Sadu – Fakultet tehničkih nauka",
        OrganisationKind::Research,
        "RS",
        "RS12",
        "",
    ),
    (
        "Agjencia Kombëtare e Inovacionit",
        OrganisationKind::PublicAuthority,
        "AL",
        "AL02",
        "",
    ),
    (
        "Περιφέρεια Κεντρικής Μακεδονίας (Region of Central Macedonia)",
        OrganisationKind::PublicAuthority,
        "EL",
        "EL52",
        "",
    ),
    (
        "Bulgarian ICT Cluster",
        OrganisationKind::ClusterOrganisation,
        "BG",
        "BG41",
        "",
    ),
    (
        "ADR Nord-Vest",
        OrganisationKind::DevelopmentAgency,
        "RO",
        "RO11",
        "",
    ),
];

const PEOPLE: [(&str, &str, &str, usize); 12] = [
    (
        "Giulia Bianchi",
        "giulia.bianchi@demo.clusterpolisee.eu",
        "it",
        0,
    ),
    (
        "Markus Huber",
        "markus.huber@demo.clusterpolisee.eu",
        "de",
        1,
    ),
    ("Maja Novak", "maja.novak@demo.clusterpolisee.eu", "sl", 2),
    (
        "Ivana Horvat",
        "ivana.horvat@demo.clusterpolisee.eu",
        "hr",
        3,
    ),
    (
        "Tomislav Kovačević",
        "tomislav.kovacevic@demo.clusterpolisee.eu",
        "hr",
        4,
    ),
    ("Eszter Nagy", "eszter.nagy@demo.clusterpolisee.eu", "hu", 5),
    (
        "Peter Horváth",
        "peter.horvath@demo.clusterpolisee.eu",
        "sk",
        6,
    ),
    (
        "Jelena Petrović",
        "jelena.petrovic@demo.clusterpolisee.eu",
        "sr",
        7,
    ),
    ("Arben Hoxha", "arben.hoxha@demo.clusterpolisee.eu", "sq", 8),
    (
        "Eleni Papadopoulou",
        "eleni.papadopoulou@demo.clusterpolisee.eu",
        "el",
        9,
    ),
    (
        "Georgi Dimitrov",
        "georgi.dimitrov@demo.clusterpolisee.eu",
        "bg",
        10,
    ),
    ("Andreea Popescu", LAST_DEMO_EMAIL, "ro", 11),
];

/// The e-mail of the last demo person, whom the seeding adds last.
pub const LAST_DEMO_EMAIL: &str = "andreea.popescu@demo.clusterpolisee.eu";

/// What the demo filled in.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub organisations: usize,
    pub people: usize,
    pub rounds: usize,
    pub responses: usize,
    /// The join code of the demo workshop that is ready to run.
    pub workshop_code: String,
    pub workspaces: usize,
}

/// Demo assessment rounds on the built-in template: the facilitator (index into `PEOPLE`),
/// the region, the round's name and how many years ago it started, and the region's profile:
/// its typical score then on each of the template's dimensions, in their order. Croatia's
/// earlier round shows the comparison with a region's own past.
const ROUNDS: [(usize, &str, &str, i64, [u8; 10]); 4] = [
    (
        3,
        "HR03",
        "2024 baseline",
        2,
        [1, 1, 2, 1, 2, 1, 1, 2, 1, 0],
    ),
    (
        3,
        "HR03",
        "2026 baseline",
        0,
        [2, 1, 3, 2, 3, 1, 2, 3, 1, 1],
    ),
    (
        2,
        "SI04",
        "2026 baseline",
        0,
        [3, 3, 4, 3, 4, 2, 3, 4, 3, 2],
    ),
    (
        1,
        "AT22",
        "2026 baseline",
        0,
        [4, 4, 4, 4, 3, 3, 4, 3, 4, 3],
    ),
];

const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

/// Who answered in each demo round (by personal link, so that no account is needed).
const RESPONDENTS: [&str; 4] = [
    "Regional development agency",
    "Cluster manager",
    "University – technology transfer office",
    "Chamber of commerce",
];

/// Fills an empty platform, all or nothing (one transaction); refuses one that already has
/// organisations, so as never to mix demo content into real data.
pub async fn seed(
    db: &Db,
    documents: &crate::workspace::document_store::Storage,
) -> Result<Seeded, AppError> {
    // Hashed before the transaction opens: it takes a core for a moment and needs no lock.
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let template = assessment::store::latest_by_key(db, BUILT_IN_KEY).await?;
    let mut tx = db.pool.begin().await?;
    if registry::count_organisations(&mut *tx).await? > 0 {
        return Err(AppError::Forbidden);
    }
    let mut org_ids = Vec::new();
    for (name, kind, country, region, website) in ORGANISATIONS {
        let org = NewOrganisation {
            name,
            kind,
            country_code: country,
            region_id: Some(region),
            website,
        };
        org_ids.push(registry::insert_organisation(&mut *tx, org, None).await?);
    }
    let mut people = Vec::new();
    for (name, email, locale, org) in PEOPLE {
        let user = NewUser {
            email,
            display_name: name,
            password_hash: &hash,
            role: Role::Member,
            locale: supported_locale(locale),
            organisation_id: Some(&org_ids[org]),
        };
        people.push(identity::create_user(&mut *tx, user).await?);
    }
    let mut responses = 0;
    let now = now_ms();
    let mut reviewed = None;
    for (facilitator, region, name, years_ago, profile) in ROUNDS {
        let answers: Vec<(&str, Answers)> = RESPONDENTS
            .iter()
            .enumerate()
            .map(|(n, label)| {
                (
                    *label,
                    demo_answers(&template.definition, region, &profile, n),
                )
            })
            .collect();
        responses += answers.len();
        let round = DemoRound {
            version_id: &template.version_id,
            region_id: region,
            name,
            facilitator_id: &people[facilitator],
            created_at: now - years_ago * YEAR_MS,
        };
        let round_id =
            assessment::answer_store::insert_finished_round(&mut tx, round, &answers).await?;
        if (region, years_ago) == ("HR03", 0) {
            reviewed = Some((round_id, profile));
        }
    }
    if let Some((round_id, profile)) = reviewed {
        add_peer_review(
            &mut tx,
            &template.definition,
            &round_id,
            &profile,
            &people,
            now,
        )
        .await?;
    }
    let workshop_code = workshop::demo::add(&mut tx, &people[WORKSHOP_FACILITATOR]).await?;
    let (workspaces, files) =
        crate::workspace::demo::add(&mut tx, &people, WORKSHOP_FACILITATOR).await?;
    tx.commit().await?;
    for file in files {
        documents
            .put(&file.workspace_id, &file.document_id, file.bytes)
            .await?;
    }
    Ok(Seeded {
        workshop_code,
        organisations: ORGANISATIONS.len(),
        people: PEOPLE.len(),
        rounds: ROUNDS.len(),
        responses,
        workspaces,
    })
}

/// Who prepared the demo workshop (index into `PEOPLE`): Croatia's facilitator.
const WORKSHOP_FACILITATOR: usize = 3;

/// Croatia's 2026 round as reviewed by the Slovenian and the Styrian facilitators, and the
/// region's feedback report with its to-do list.
async fn add_peer_review(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    template: &Template,
    round_id: &str,
    profile: &[u8; 10],
    people: &[String],
    now: i64,
) -> Result<(), AppError> {
    use assessment::review::{ActionStatus, DimensionReview, ReviewScores};
    use assessment::review_store::{insert_demo_feedback, insert_demo_review};
    let reviewers = [
        (
            2,
            "maja.novak@demo.clusterpolisee.eu",
            0i16,
            "Strong analysis; governance needs a standing body.",
        ),
        (
            1,
            "markus.huber@demo.clusterpolisee.eu",
            1,
            "Honest self-assessment. Monitoring is the weakest link.",
        ),
    ];
    for (person, label, lean, comment) in reviewers {
        let scores: ReviewScores = template
            .dimensions
            .iter()
            .zip(profile)
            .enumerate()
            .map(|(n, (d, own))| {
                let score = (i16::from(*own) + lean - i16::from(n % 3 == 0)).clamp(0, 5) as u8;
                let comment = if d.id == "monitoring" {
                    "No indicators are collected yet: start with three.".to_owned()
                } else {
                    String::new()
                };
                (
                    d.id.clone(),
                    DimensionReview {
                        score: Some(score),
                        comment,
                    },
                )
            })
            .collect();
        insert_demo_review(
            tx,
            round_id,
            &people[person],
            label,
            (&scores, comment),
            now,
        )
        .await?;
    }
    let actions = [
        (
            "Agree three monitoring indicators with the clusters",
            "Regional development agency",
            "2027-03-31",
            ActionStatus::Doing,
        ),
        (
            "Set up a standing cluster policy board",
            "County prefect's office",
            "2027-06-30",
            ActionStatus::Open,
        ),
        (
            "Visit Styria's cluster programme",
            "Cluster manager",
            "2027-01-31",
            ActionStatus::Done,
        ),
    ];
    insert_demo_feedback(
        tx,
        round_id,
        "Both reviewers confirm our weakest points: monitoring and governance. We start with indicators and a standing board, and learn from Styria.",
        &actions,
        now,
    )
    .await
}

/// A complete, believable response: every scored item near the region's profile for its
/// dimension (respondents differ a little, and on one item a lot), a target one or two steps
/// higher, and the required context items.
fn demo_answers(
    template: &Template,
    region: &str,
    profile: &[u8; 10],
    respondent: usize,
) -> Answers {
    let mut answers = Answers::new();
    for (n, item) in template.items().enumerate() {
        let dimension = template
            .dimensions
            .iter()
            .position(|d| item.dimension.as_deref() == Some(d.id.as_str()));
        let answer = match (&item.kind, dimension) {
            (ItemKind::Evidence { .. }, Some(d)) if item.show_if.is_none() => {
                // A small, fixed wobble per respondent and item; item C2 splits the room.
                let wobble = [0i16, 1, -1, 0, 1][(n + respondent) % 5];
                let split = if item.id == "C2" {
                    [-2i16, 2, -1, 1][respondent]
                } else {
                    0
                };
                let present = (i16::from(profile[d]) + wobble + split).clamp(0, 5) as u8;
                let target = (present + 1 + u8::from((n + respondent).is_multiple_of(3))).min(5);
                Some(Answer::Evidence {
                    present: Some(present),
                    target: Some(target),
                    justification: String::new(),
                    link: String::new(),
                })
            }
            (ItemKind::ShortText {}, _) if item.id == "A1" => Some(Answer::Text {
                text: region.to_owned(),
            }),
            (ItemKind::SingleChoice { options }, _) if item.required => {
                Some(Answer::SingleChoice {
                    choice: options[respondent % options.len()].id.clone(),
                })
            }
            _ => None,
        };
        if let Some(answer) = answer {
            answers.insert(item.id.clone(), answer);
        }
    }
    answers
}

/// The person's language if the platform has it yet, else English.
fn supported_locale(tag: &str) -> &'static str {
    use leptos_i18n::Locale as _;
    crate::ui::parse_locale(tag)
        .map(|l| l.as_str())
        .unwrap_or("en")
}
