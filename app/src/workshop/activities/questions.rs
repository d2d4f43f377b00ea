//! Questions and answers: participants ask (under their nickname, or without it where the
//! facilitator allows), upvote the questions of others, and see the room's questions, most
//! wanted first; the facilitator shows waiting questions (when they moderate), hides them, or
//! marks them answered. A pure fold of the activity's events into a board.

use crate::error::Problem;
use crate::i18n::*;
use crate::text::bounded_text;
use crate::ui::{action_error, textarea_text, view_locale, ButtonNotice, FieldProblem, FormNotice};
use crate::workshop::questions_api::{AskQuestion, ModerateQuestion, VoteQuestion};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One question, in letters.
pub const QUESTION_MAX: usize = 200;
/// How many questions one person may ask in one activity.
pub const QUESTIONS_PER_PERSON: usize = 10;

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Asked where the facilitator moderates: only the asker and the facilitator see it.
    Waiting,
    /// On every screen.
    Shown,
    /// Taken off the screens by the facilitator.
    Hidden,
    /// Answered: still on the screens, after the open ones.
    Answered,
}

impl State {
    /// The facilitator's choice as the form names it.
    pub fn parse(raw: &str) -> Result<State, Problem> {
        match raw {
            "shown" => Ok(State::Shown),
            "hidden" => Ok(State::Hidden),
            "answered" => Ok(State::Answered),
            _ => Err(Problem::UnknownChoice),
        }
    }

    /// Its name in files, as the form names it.
    pub fn name(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Shown => "shown",
            State::Hidden => "hidden",
            State::Answered => "answered",
        }
    }

    /// Whether the room sees it.
    fn public(self) -> bool {
        matches!(self, State::Shown | State::Answered)
    }
}

/// A question as the fold keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub asker: String,
    /// The asker's nickname; `None`: asked without it.
    pub by: Option<String>,
    pub text: String,
    pub voters: BTreeSet<String>,
    pub state: State,
}

/// A question as one screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    pub by: Option<String>,
    pub text: String,
    pub votes: u32,
    pub state: State,
    /// The viewer asked it.
    pub mine: bool,
    /// The viewer upvoted it.
    pub voted: bool,
}

/// The questions of one activity, in the order they were asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub questions: Vec<Question>,
}

impl Board {
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Question> {
        self.questions.iter_mut().find(|q| q.id == id)
    }

    pub fn ask(&mut self, question: Question) {
        if self.get(&question.id).is_none() {
            self.questions.push(question);
        }
    }

    /// An upvote (`up`) or its withdrawal; only on a question the room sees, never one's own.
    pub fn vote(&mut self, participant: &str, id: &str, up: bool) {
        if let Some(q) = self
            .get_mut(id)
            .filter(|q| q.state.public() && q.asker != participant)
        {
            if up {
                q.voters.insert(participant.to_owned());
            } else {
                q.voters.remove(participant);
            }
        }
    }

    pub fn moderate(&mut self, id: &str, state: State) {
        if let Some(q) = self.get_mut(id) {
            q.state = state;
        }
    }

    /// How many questions `participant` asked.
    pub fn asked_by(&self, participant: &str) -> usize {
        self.questions
            .iter()
            .filter(|q| q.asker == participant)
            .count()
    }

    /// The questions `viewer` sees (`None`: the facilitator, who sees all), open ones first,
    /// most upvoted first, then in the order asked.
    pub fn lines(&self, viewer: Option<&str>) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .questions
            .iter()
            .filter(|q| {
                viewer
                    .is_none_or(|v| q.state.public() || (q.asker == v && q.state == State::Waiting))
            })
            .map(|q| Line {
                id: q.id.clone(),
                by: q.by.clone(),
                text: q.text.clone(),
                votes: q.voters.len() as u32,
                state: q.state,
                mine: viewer.is_some_and(|v| v == q.asker),
                voted: viewer.is_some_and(|v| q.voters.contains(v)),
            })
            .collect();
        lines.sort_by_key(|l| (l.state == State::Answered, std::cmp::Reverse(l.votes)));
        lines
    }
}

/// A question as typed.
pub fn check_question(text: &str) -> Result<String, Problem> {
    bounded_text(text, QUESTION_MAX)
}

/// The asker's name as a screen shows it.
fn asked_by(locale: Locale, line: &Line) -> String {
    line.by
        .clone()
        .unwrap_or_else(|| td_string!(locale, workshop_anonymous).to_string())
}

/// The room's questions as the projector (and the results page) shows them: those the room
/// sees, most upvoted first, answered ones last.
#[component]
pub fn Wall(lines: Vec<Line>) -> impl IntoView {
    let locale = view_locale();
    let lines: Vec<Line> = lines.into_iter().filter(|l| l.state.public()).collect();
    if lines.is_empty() {
        return view! { <p class="muted">{td!(locale, qa_none)}</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|line| {
            let answered = (line.state == State::Answered)
                .then(|| view! { " · " <strong>{td!(locale, qa_answered)}</strong> });
            view! {
                <li>
                    <span class="votes">{td!(locale, qa_votes, n = line.votes)}</span>
                    <p>{line.text.clone()}</p>
                    <p class="muted">{asked_by(locale, &line)} {answered}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="questions">{rows}</ol> }.into_any()
}

/// A participant's side: the form that asks, and the room's questions with a button that
/// upvotes (or takes the upvote back).
#[component]
pub fn Participate(
    code: String,
    activity_id: String,
    lines: Vec<Line>,
    open: bool,
    anonymous_allowed: bool,
    command_id: String,
    ask: ServerAction<AskQuestion>,
    vote: ServerAction<VoteQuestion>,
) -> impl IntoView {
    let locale = view_locale();
    let ask_error = action_error(ask);
    let vote_error = action_error(vote);
    let asking = (code.clone(), activity_id.clone(), command_id.clone());
    let form = open.then(move || {
        let (code, activity_id, command_id) = asking;
        let without_name = anonymous_allowed.then(|| {
            view! {
                <div class="field checkbox">
                    <input type="checkbox" id="field-ask-anonymous" name="anonymous" value="on" />
                    <label for="field-ask-anonymous">{td!(locale, qa_ask_anonymous)}</label>
                </div>
            }
        });
        view! {
            <ActionForm action=ask>
                <FormNotice error=ask_error />
                <input type="hidden" name="code" value=code />
                <input type="hidden" name="activity_id" value=activity_id />
                <input type="hidden" name="command_id" value=command_id />
                <div class="field">
                    <label for="field-question">{td!(locale, qa_your_question)}</label>
                    <textarea id="field-question" name="text" rows="3" maxlength=QUESTION_MAX.to_string()>
                        {move || ask_error.get().and_then(|e| e.kept("text").map(str::to_owned)).map(textarea_text)}
                    </textarea>
                    <FieldProblem name="text" error=ask_error />
                </div>
                {without_name}
                <button type="submit" class="button primary">{td!(locale, qa_ask)}</button>
            </ActionForm>
        }
    });
    let rows = lines
        .into_iter()
        .map(|line| {
            let status = match (line.mine, line.state) {
                (true, State::Waiting) => Some(td_string!(locale, qa_waiting).to_string()),
                (_, State::Answered) => Some(td_string!(locale, qa_answered).to_string()),
                (true, _) => Some(td_string!(locale, qa_yours).to_string()),
                _ => None,
            };
            let voting = (
                code.clone(),
                activity_id.clone(),
                command_id.clone(),
                line.id.clone(),
            );
            let (voted, votes) = (line.voted, line.votes);
            // The name starts with what the button shows, as speech input users say it.
            let label = if voted {
                format!("▲ {votes} {}: {}", td_string!(locale, qa_unvote), line.text)
            } else {
                format!("▲ {votes} {}: {}", td_string!(locale, qa_upvote), line.text)
            };
            let button = (open && !line.mine && line.state == State::Shown).then(move || {
                let (code, activity_id, command_id, question_id) = voting;
                view! {
                    <ActionForm action=vote>
                        <input type="hidden" name="code" value=code />
                        <input type="hidden" name="activity_id" value=activity_id />
                        <input type="hidden" name="command_id" value=command_id />
                        <input type="hidden" name="question_id" value=question_id />
                        <input type="hidden" name="up" value=if voted { "0" } else { "1" } />
                        <button type="submit" class="button vote" aria-pressed=voted.to_string() aria-label=label>
                            "▲ " {votes}
                        </button>
                    </ActionForm>
                }
            });
            let votes = button.is_none().then(|| view! { <span class="votes">{td!(locale, qa_votes, n = line.votes)}</span> });
            view! {
                <li>
                    {button}
                    {votes}
                    <p>{line.text.clone()}</p>
                    <p class="muted">{asked_by(locale, &line)} {status.map(|s| view! { " · " <strong>{s}</strong> })}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        {form}
        <ButtonNotice error=vote_error />
        <h3>{td!(locale, qa_room_questions)}</h3>
        <ol class="questions">{rows}</ol>
    }
}

/// The facilitator's side: every question, with what may be done with it.
#[component]
pub fn Moderation(
    workshop_id: String,
    activity_id: String,
    lines: Vec<Line>,
    moderate: ServerAction<ModerateQuestion>,
) -> impl IntoView {
    let locale = view_locale();
    let error = action_error(moderate);
    let rows = lines
        .into_iter()
        .map(|line| {
            let choice = |state: &'static str, label: String| {
                let (workshop_id, activity_id, question_id) =
                    (workshop_id.clone(), activity_id.clone(), line.id.clone());
                let aria = format!("{label}: {}", line.text);
                view! {
                    <ActionForm action=moderate>
                        <input type="hidden" name="workshop_id" value=workshop_id />
                        <input type="hidden" name="activity_id" value=activity_id />
                        <input type="hidden" name="question_id" value=question_id />
                        <input type="hidden" name="state" value=state />
                        <button type="submit" class="button" aria-label=aria>{label}</button>
                    </ActionForm>
                }
            };
            let show = matches!(line.state, State::Waiting | State::Hidden)
                .then(|| choice("shown", td_string!(locale, qa_show).to_string()));
            let hide = (line.state != State::Hidden)
                .then(|| choice("hidden", td_string!(locale, qa_hide).to_string()));
            let answered = (line.state == State::Shown)
                .then(|| choice("answered", td_string!(locale, qa_mark_answered).to_string()));
            let state = match line.state {
                State::Waiting => td_string!(locale, qa_state_waiting),
                State::Shown => td_string!(locale, qa_state_shown),
                State::Hidden => td_string!(locale, qa_state_hidden),
                State::Answered => td_string!(locale, qa_state_answered),
            };
            view! {
                <li class="card">
                    <p>{line.text.clone()}</p>
                    <p class="muted">{asked_by(locale, &line)} " · " {td!(locale, qa_votes, n = line.votes)} " · " {state}</p>
                    <div class="actions">{show}{hide}{answered}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{td!(locale, qa_moderation)}</h3>
        <ButtonNotice error />
        <ul class="cards">{rows}</ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, asker: &str, state: State) -> Question {
        Question {
            id: id.into(),
            asker: asker.into(),
            by: Some(asker.to_uppercase()),
            text: format!("Question {id}"),
            voters: BTreeSet::new(),
            state,
        }
    }

    #[test]
    fn the_room_sees_shown_questions_most_upvoted_first_and_answered_ones_last() {
        let mut board = Board::default();
        board.ask(question("q1", "ana", State::Shown));
        board.ask(question("q2", "ivo", State::Shown));
        board.ask(question("q3", "eva", State::Waiting));
        board.ask(question("q1", "eva", State::Shown));
        board.vote("eva", "q2", true);
        board.vote("ana", "q2", true);
        board.vote("ivo", "q2", true);
        board.vote("ivo", "q3", true);
        board.vote("ana", "q1", true);
        let room: Vec<(String, u32)> = board
            .lines(Some("zoe"))
            .into_iter()
            .map(|l| (l.id, l.votes))
            .collect();
        assert_eq!(
            room,
            vec![("q2".into(), 2), ("q1".into(), 0)],
            "no vote on one's own or a waiting question"
        );
        let eva = board.lines(Some("eva"));
        assert_eq!(eva.len(), 3, "the asker sees her waiting question");
        assert!(eva[0].voted && !eva[0].mine);
        assert!(eva
            .iter()
            .any(|l| l.id == "q3" && l.mine && l.state == State::Waiting));
        board.moderate("q2", State::Answered);
        board.moderate("q3", State::Shown);
        board.vote("eva", "q2", false);
        let ids: Vec<String> = board.lines(None).into_iter().map(|l| l.id).collect();
        assert_eq!(ids, vec!["q1", "q3", "q2"]);
        board.moderate("q1", State::Hidden);
        assert_eq!(board.lines(Some("zoe")).len(), 2);
        assert_eq!(
            board.lines(None).len(),
            3,
            "the facilitator sees hidden ones"
        );
        assert_eq!(board.asked_by("ana"), 1);
    }

    #[test]
    fn a_question_is_short_plain_text_and_a_moderation_is_one_of_three() {
        assert_eq!(check_question("  Who pays?  "), Ok("Who pays?".into()));
        assert_eq!(check_question(" "), Err(Problem::Required));
        assert_eq!(
            check_question(&"x".repeat(201)),
            Err(Problem::TooLong { max: 200 })
        );
        assert_eq!(State::parse("answered"), Ok(State::Answered));
        assert_eq!(State::parse("waiting"), Err(Problem::UnknownChoice));
    }
}
