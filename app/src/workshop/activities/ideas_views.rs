//! The views of ideas and SWOT boards: the board as the projector and the results page show it
//! (a column per category, a SWOT board as its four quadrants, clusters under their names), a
//! participant's side (the note form, then their dots), and the facilitator's (clusters, and
//! what to do with each note). Every form posts without JavaScript.

use super::cafe::SeatingView;
use super::ideas::{Card, Sheet, NOTE_MAX};
use crate::i18n::*;
use crate::ui::{action_error, textarea_text, view_locale, ButtonNotice, FieldProblem, FormNotice};
use crate::workshop::ideas_api::{
    BoardVoting, DotNote, NameCluster, OrganiseNote, PostNote, RunTables,
};
use crate::workshop::model::Settings;
use leptos::prelude::*;

/// The names of a board's categories: its own, or the SWOT quadrants.
pub fn category_names(locale: Locale, settings: &Settings) -> Vec<String> {
    match settings {
        Settings::Ideas { categories, .. } => categories.clone(),
        Settings::Cafe { topics, .. } => (1..)
            .zip(topics)
            .map(|(n, topic)| td_string!(locale, cafe_table, n, topic).to_string())
            .collect(),
        Settings::Swot { .. } => vec![
            td_string!(locale, swot_strengths).to_string(),
            td_string!(locale, swot_weaknesses).to_string(),
            td_string!(locale, swot_opportunities).to_string(),
            td_string!(locale, swot_threats).to_string(),
        ],
        _ => Vec::new(),
    }
}

/// The board laid out: a column per category (one without a heading where there are none),
/// in each the clusters with notes of it under their names, then the notes of no cluster.
/// `card` draws what follows a note's text; `every_cluster`: empty clusters show too (the
/// facilitator's view, where notes are put into them).
fn layout(
    names: Vec<String>,
    swot: bool,
    sheet: &Sheet,
    every_cluster: bool,
    card: impl Fn(&Card) -> AnyView,
) -> impl IntoView {
    let locale = view_locale();
    let columns: Vec<(Option<u8>, Option<String>)> = if names.is_empty() {
        vec![(None, None)]
    } else {
        (0u8..)
            .zip(names)
            .map(|(n, name)| (Some(n), Some(name)))
            .collect()
    };
    let note = |c: &Card| {
        let merged = (!c.merged.is_empty()).then(|| {
            let all = c.merged.join(" · ");
            view! { <span class="muted" title=all>" " {td!(locale, ideas_similar, n = c.merged.len())}</span> }
        });
        let dots = c
            .dots
            .map(|n| view! { <span class="votes">{td!(locale, ideas_dots, n)}</span> " " });
        let yours = c
            .mine
            .then(|| view! { <span class="muted">" · " {td!(locale, ideas_yours)}</span> });
        view! { <li class="note">{dots}<span>{c.text.clone()}</span>{merged}{yours}{card(c)}</li> }
    };
    let loose_card = |c: &Card| {
        c.cluster
            .as_ref()
            .is_none_or(|id| sheet.clusters.iter().all(|k| &k.id != id))
    };
    let empty = sheet.cards.is_empty() && (!every_cluster || sheet.clusters.is_empty());
    let body = columns
        .into_iter()
        .map(|(category, name)| {
            let cards: Vec<&Card> = sheet
                .cards
                .iter()
                .filter(|c| c.category == category)
                .collect();
            let clusters = sheet
                .clusters
                .iter()
                .filter_map(|k| {
                    let inside: Vec<AnyView> = cards
                        .iter()
                        .filter(|c| c.cluster.as_ref() == Some(&k.id))
                        .map(|c| note(c).into_any())
                        .collect();
                    // Empty clusters show once, in the first column.
                    let shown = !inside.is_empty() || (every_cluster && category.unwrap_or(0) == 0);
                    shown.then(|| {
                        view! {
                            <div class="cluster">
                                <h4>{k.name.clone()}</h4>
                                <ul class="notes">{inside}</ul>
                            </div>
                        }
                    })
                })
                .collect_view();
            let loose: Vec<AnyView> = cards
                .iter()
                .filter(|c| loose_card(c))
                .map(|c| note(c).into_any())
                .collect();
            // Under the clusters, the notes of none get a heading of their own.
            let other = (!loose.is_empty() && cards.len() > loose.len())
                .then(|| view! { <h4>{td!(locale, ideas_unclustered)}</h4> });
            view! {
                <section class="wall-column">
                    {name.map(|n| view! { <h3>{n}</h3> })}
                    {clusters}
                    {other}
                    <ul class="notes">{loose}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        {empty.then(|| view! { <p class="muted">{td!(locale, ideas_none)}</p> })}
        <div class=if swot { "wall swot" } else { "wall" }>{body}</div>
    }
}

/// World Café tables: each with its host and how many sit at it, and the rotations so far;
/// once harvested, a line that says so.
fn tables(locale: Locale, names: &[String], seating: &SeatingView) -> impl IntoView {
    if seating.harvested {
        return view! { <p class="muted">{td!(locale, cafe_harvested)}</p> }.into_any();
    }
    let rows = names
        .iter()
        .zip(&seating.tables)
        .map(|(name, table)| {
            let who = host_name(locale, table.host.as_ref());
            view! { <li><strong>{name.clone()}</strong> " — " {td!(locale, cafe_table_people, who, n = table.people)}</li> }
        })
        .collect_view();
    view! {
        <ul class="tables">{rows}</ul>
        <p class="muted">{td!(locale, cafe_rotations, n = seating.rotations)}</p>
    }
    .into_any()
}

/// A table host's name as a screen shows it.
fn host_name(locale: Locale, host: Option<&super::cafe::Host>) -> String {
    match host {
        Some(h) => h
            .nickname
            .clone()
            .unwrap_or_else(|| td_string!(locale, workshop_anonymous).to_string()),
        None => td_string!(locale, cafe_no_host).to_string(),
    }
}

/// The board as the projector and the results page show it.
#[component]
pub fn Notes(settings: Settings, sheet: Sheet) -> impl IntoView {
    let locale = view_locale();
    let swot = matches!(settings, Settings::Swot { .. });
    let voted = sheet
        .voters
        .filter(|_| settings.sealed())
        .map(|n| view! { <p class="muted">{td!(locale, ideas_voters, n)}</p> });
    // Once the dots show, the vote is over as far as this screen is concerned.
    let voting = (sheet.voting && sheet.voters.is_none())
        .then(|| view! { <p class="notice" role="status">{td!(locale, ideas_voting_now)}</p> });
    let names = category_names(locale, &settings);
    let seating = sheet.seating.as_ref().map(|s| tables(locale, &names, s));
    view! {
        {voting}
        {seating}
        {layout(names, swot, &sheet, false, |_| ().into_any())}
        {voted}
    }
}

/// A participant's side: before the vote the form that posts a note, during it the dots they
/// have left and a button to add or take back a dot on each note.
#[component]
pub fn Participate(
    code: String,
    activity_id: String,
    settings: Settings,
    sheet: Sheet,
    open: bool,
    command_id: String,
    post: ServerAction<PostNote>,
    dot: ServerAction<DotNote>,
) -> impl IntoView {
    let locale = view_locale();
    let post_error = action_error(post);
    let dot_error = action_error(dot);
    let names = category_names(locale, &settings);
    let swot = matches!(settings, Settings::Swot { .. });
    let budget = settings.budget().unwrap_or(super::ideas::Budget {
        dots: 0,
        per_category: false,
    });
    let voting = open && sheet.voting && budget.dots > 0;
    let ids = (code.clone(), activity_id.clone(), command_id.clone());
    // At World Café tables: where the participant sits, and notes only until the harvest.
    let cafe = matches!(settings, Settings::Cafe { .. });
    let seated = sheet.seating.as_ref().and_then(|s| {
        let table = s.my_table?;
        Some((
            table,
            s.hosting,
            s.harvested,
            s.tables.get(usize::from(table))?.host.clone(),
        ))
    });
    let place = cafe.then(|| match (&seated, sheet.seating.as_ref()) {
        (_, Some(s)) if s.harvested => view! { <p class="muted">{td!(locale, cafe_harvested)}</p> }.into_any(),
        (Some((table, hosting, _, host)), _) => {
            let topic = match &settings {
                Settings::Cafe { topics, .. } => topics.get(usize::from(*table)).cloned().unwrap_or_default(),
                _ => String::new(),
            };
            let n = table + 1;
            let role = if *hosting {
                td_string!(locale, cafe_you_host).to_string()
            } else {
                td_string!(locale, cafe_host_is, who = host_name(locale, host.as_ref())).to_string()
            };
            view! {
                <p class="notice" role="status"><strong>{td!(locale, cafe_your_table, n, topic)}</strong> " " {role}</p>
            }
            .into_any()
        }
        _ => view! { <p class="notice" role="status">{td!(locale, cafe_wait)}</p> }.into_any(),
    });
    let may_post = !cafe || seated.as_ref().is_some_and(|s| !s.2);
    let form = (open && !sheet.voting && may_post).then(|| {
        let (code, activity_id, command_id) = ids.clone();
        let choices = (!names.is_empty() && !cafe).then(|| {
            let options = names
                .iter()
                .enumerate()
                .map(|(n, name)| view! { <option value=n.to_string()>{name.clone()}</option> })
                .collect_view();
            view! {
                <div class="field">
                    <label for="field-category">{td!(locale, ideas_category)}</label>
                    <select id="field-category" name="category" required>
                        <option value="">{td!(locale, ideas_category_choose)}</option>
                        {options}
                    </select>
                    <FieldProblem name="category" error=post_error />
                </div>
            }
        });
        view! {
            <ActionForm action=post>
                <FormNotice error=post_error />
                <input type="hidden" name="code" value=code />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="command_id" value=command_id />
                <div class="field">
                    <label for="field-note">{td!(locale, ideas_your_note)}</label>
                    <textarea id="field-note" name="text" rows="3" maxlength=NOTE_MAX.to_string()>
                        {move || post_error.get().and_then(|e| e.kept("text").map(str::to_owned)).map(textarea_text)}
                    </textarea>
                    <FieldProblem name="text" error=post_error />
                </div>
                {choices}
                <button type="submit" class="button primary">{td!(locale, ideas_post)}</button>
            </ActionForm>
        }
    });
    // The dots the viewer has left for a note of this category.
    let left_for = {
        let mine: Vec<(Option<u8>, u32)> = sheet
            .cards
            .iter()
            .map(|c| (c.category, u32::from(c.my_dots)))
            .collect();
        move |category: Option<u8>| {
            let spent: u32 = mine
                .iter()
                .filter(|(c, _)| !budget.per_category || *c == category)
                .map(|(_, d)| d)
                .sum();
            u32::from(budget.dots).saturating_sub(spent)
        }
    };
    let left = voting.then(|| {
        let lines = if budget.per_category {
            (0u8..)
                .zip(&names)
                .map(|(n, name)| {
                    let n = left_for(Some(n));
                    format!("{name}: {}", td_string!(locale, ideas_dots_left, n))
                })
                .collect::<Vec<_>>()
                .join(" · ")
        } else {
            let n = left_for(None);
            td_string!(locale, ideas_dots_left, n).to_string()
        };
        view! { <p class="notice" role="status">{lines}</p> }
    });
    let buttons = move |c: &Card| {
        if !voting {
            return ().into_any();
        }
        let button = |add: bool| {
            let (code, activity_id, command_id) = ids.clone();
            let (sign, label) = if add {
                ("+", td_string!(locale, ideas_dot_add))
            } else {
                ("−", td_string!(locale, ideas_dot_remove))
            };
            let aria = format!("{sign} {label}: {}", c.text);
            let note_id = c.id.clone();
            let off = if add {
                left_for(c.category) == 0
            } else {
                c.my_dots == 0
            };
            view! {
                <ActionForm action=dot>
                    <input type="hidden" name="code" value=code />
                    <input type="hidden" name="activity_id" value=activity_id />
                    <input type="hidden" name="command_id" value=command_id />
                    <input type="hidden" name="note_id" value=note_id />
                    <input type="hidden" name="add" value=if add { "1" } else { "0" } />
                    <button type="submit" class="button" aria-label=aria disabled=off>{sign}</button>
                </ActionForm>
            }
        };
        view! {
            <span class="dotting">
                {button(false)}
                <span class="mine">{td!(locale, ideas_my_dots, n = c.my_dots)}</span>
                {button(true)}
            </span>
        }
        .into_any()
    };
    let closed = (!open).then(|| view! { <p class="muted">{td!(locale, live_answers_closed)}</p> });
    view! {
        {place}
        {form}
        {closed}
        {left}
        <ButtonNotice error=dot_error />
        <h3>{td!(locale, ideas_room_notes)}</h3>
        {layout(names.clone(), swot, &sheet, false, buttons)}
    }
}

/// The facilitator's side: start or end the dot vote, name and rename clusters, and for each
/// note put it into a cluster, merge it into another, or take it off the board.
#[component]
pub fn Organise(
    workshop_id: String,
    activity_id: String,
    settings: Settings,
    sheet: Sheet,
    voting: ServerAction<BoardVoting>,
    name: ServerAction<NameCluster>,
    organise: ServerAction<OrganiseNote>,
    tables: ServerAction<RunTables>,
) -> impl IntoView {
    let locale = view_locale();
    let ids = (workshop_id, activity_id);
    let cafe = matches!(settings, Settings::Cafe { .. });
    let seating = sheet.seating.clone().unwrap_or_default();
    let table_command = |action: &'static str, label: String| {
        let (workshop_id, activity_id) = ids.clone();
        view! {
            <ActionForm action=tables>
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="action" value=action />
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        }
    };
    let table_commands = (cafe && !seating.harvested).then(|| {
        let split = if seating.split {
            td_string!(locale, cafe_split_again)
        } else {
            td_string!(locale, cafe_split)
        };
        view! {
            <ButtonNotice error=action_error(tables) />
            <div class="actions">
                {table_command("split", split.to_string())}
                {seating.split.then(|| table_command("rotate", td_string!(locale, cafe_rotate).to_string()))}
                {seating.split.then(|| table_command("harvest", td_string!(locale, cafe_harvest).to_string()))}
            </div>
        }
    });
    let (voting_error, name_error, organise_error) = (
        action_error(voting),
        action_error(name),
        action_error(organise),
    );
    let phase = (settings.sealed() && (!cafe || seating.harvested)).then(|| {
        let (workshop_id, activity_id) = ids.clone();
        let (value, label) = if sheet.voting {
            ("0", td_string!(locale, ideas_back_to_posting))
        } else {
            ("1", td_string!(locale, ideas_start_voting))
        };
        view! {
            <ActionForm action=voting>
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="voting" value=value />
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        }
    });
    let renames = sheet
        .clusters
        .iter()
        .map(|k| {
            let (workshop_id, activity_id) = ids.clone();
            let id = format!("cluster-{}", k.id);
            let aria = format!("{}: {}", td_string!(locale, ideas_rename), k.name);
            let (cluster_id, value) = (k.id.clone(), k.name.clone());
            view! {
                <ActionForm action=name attr:class="inline-form">
                    <input type="hidden" name="workshop_id" value=workshop_id />
                    <input type="hidden" name="activity_id" value=activity_id />
                    <input type="hidden" name="cluster_id" value=cluster_id />
                    <label class="visually-hidden" for=id.clone()>{td!(locale, ideas_cluster_name)}</label>
                    <input id=id name="name" value=value />
                    <button type="submit" class="button" aria-label=aria>{td!(locale, ideas_rename)}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let new_cluster = {
        let (workshop_id, activity_id) = ids.clone();
        view! {
            <ActionForm action=name attr:class="inline-form">
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="activity_id" value=activity_id />
                <label for="field-new-cluster">{td!(locale, ideas_new_cluster)}</label>
                <input id="field-new-cluster" name="name" />
                <button type="submit" class="button">{td!(locale, ideas_add_cluster)}</button>
            </ActionForm>
            <FormNotice error=name_error />
            <FieldProblem name="name" error=name_error />
        }
    };
    let (all_clusters, all_cards) = (sheet.clusters.clone(), sheet.cards.clone());
    let choices = move |c: &Card| {
        let (workshop_id, activity_id) = ids.clone();
        let clusters = all_clusters
            .iter()
            .filter(|k| c.cluster.as_ref() != Some(&k.id))
            .map(|k| view! { <option value=format!("cluster:{}", k.id)>{k.name.clone()}</option> })
            .collect_view();
        let twins = all_cards
            .iter()
            .filter(|o| o.id != c.id && o.category == c.category)
            .map(|o| view! { <option value=format!("merge:{}", o.id)>{o.text.clone()}</option> })
            .collect_view();
        let id = format!("organise-{}", c.id);
        let aria = format!("{}: {}", td_string!(locale, ideas_apply), c.text);
        let (note_id, text) = (c.id.clone(), c.text.clone());
        let unclustered = c
            .cluster
            .is_some()
            .then(|| view! { <option value="none">{td!(locale, ideas_no_cluster)}</option> });
        view! {
            <ActionForm action=organise attr:class="inline-form">
                <input type="hidden" name="workshop_id" value=workshop_id />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="note_id" value=note_id />
                <label class="visually-hidden" for=id.clone()>{td!(locale, ideas_organise)} ": " {text}</label>
                <select id=id name="target">
                    <option value="">{td!(locale, ideas_category_choose)}</option>
                    <optgroup label=td_string!(locale, ideas_move_to).to_string()>
                        {unclustered}
                        {clusters}
                    </optgroup>
                    <optgroup label=td_string!(locale, ideas_merge_into).to_string()>{twins}</optgroup>
                    <option value="hide">{td!(locale, ideas_hide)}</option>
                </select>
                <button type="submit" class="button" aria-label=aria>{td!(locale, ideas_apply)}</button>
            </ActionForm>
        }
        .into_any()
    };
    let swot = matches!(settings, Settings::Swot { .. });
    view! {
        <h3>{td!(locale, ideas_organise_title)}</h3>
        {table_commands}
        <ButtonNotice error=voting_error />
        <ButtonNotice error=organise_error />
        <div class="actions">{phase}</div>
        {new_cluster}
        {renames}
        {layout(category_names(locale, &settings), swot, &sheet, true, choices)}
    }
}
