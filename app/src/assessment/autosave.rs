//! The hydrated section page saves each answer as it is given. A change of any input sends
//! that item's fields (read from the form at the moment of sending); one save per item is in
//! flight at a time, and a change made meanwhile is sent when it returns, so the last thing a
//! respondent chose is the last thing stored. A save that cannot reach the server (or that
//! the server fails for the moment) is retried, with growing pauses, until it is taken; a
//! refused one shows its problem at the item. A save that returns after the respondent left
//! the page does nothing more (the form they left posted every answer anyway). Without
//! JavaScript none of this runs, and the section form's buttons save as before.

use super::respond_api::save_answer;
use super::round::{item_dom_id, ItemFields};
use crate::error::{AppError, Problem};
use crate::i18n::*;
use crate::ui::{error_text, problem_text};
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos_i18n::I18nContext;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// What the page tells the respondent about their answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaveState {
    Saving,
    Saved,
    /// The server could not be reached; the save is being tried again.
    Retrying,
    /// The server refused an answer; its problem is shown at the item.
    Refused,
}

#[derive(Debug, Default, Clone, Copy)]
struct Flight {
    busy: bool,
    again: bool,
    attempt: u32,
}

/// The item an input belongs to, from its name: `answers[B1][present]` → `B1`.
pub fn item_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("answers[")?;
    let end = rest.find(']')?;
    Some(&rest[..end]).filter(|id| !id.is_empty())
}

/// How long to wait before the next try after `attempt` failed ones: 1, 2, 4 … 30 seconds.
pub fn pause(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(5)).min(Duration::from_secs(30))
}

/// The autosave of one section page. It holds no view: it writes its state into the
/// server's form (the `.autosave` line, and a problem at a refused item).
#[derive(Clone, Copy)]
pub struct Autosave {
    key: StoredValue<String>,
    i18n: I18nContext<Locale>,
    /// The element the server's form is drawn into.
    pub root: NodeRef<html::Div>,
    /// The problems of refused saves, by item, until that item saves.
    problems: StoredValue<BTreeMap<String, Problem>>,
    /// A refusal of the whole response (the round closed meanwhile, access withdrawn …).
    failure: StoredValue<Option<AppError>>,
    flights: StoredValue<HashMap<String, Flight>>,
}

impl Autosave {
    pub fn new(key: String, i18n: I18nContext<Locale>) -> Autosave {
        Autosave {
            key: StoredValue::new(key),
            i18n,
            root: NodeRef::new(),
            problems: StoredValue::new(BTreeMap::new()),
            failure: StoredValue::new(None),
            flights: StoredValue::new(HashMap::new()),
        }
    }

    /// An input of the form changed: save its item.
    pub fn changed(self, ev: web_sys::Event) {
        let name = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("name"));
        if let Some(item) = name.as_deref().and_then(item_of) {
            self.start(item.to_owned());
        }
    }

    fn start(self, item: String) {
        let mut go = false;
        self.flights.update_value(|f| {
            let flight = f.entry(item.clone()).or_default();
            if flight.busy {
                flight.again = true;
            } else {
                flight.busy = true;
                go = true;
            }
        });
        if go {
            self.send(item);
        }
    }

    fn form(self) -> Option<web_sys::HtmlFormElement> {
        let root = self.root.get_untracked()?;
        root.query_selector("form").ok()??.dyn_into().ok()
    }

    /// The item's fields as the form holds them now.
    fn fields(self, item: &str) -> ItemFields {
        let prefix = format!("answers[{item}][");
        let mut fields = ItemFields::new();
        let Some(form) = self.form() else {
            return fields;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return fields;
        };
        let Ok(Some(entries)) = web_sys::js_sys::try_iter(&data) else {
            return fields;
        };
        for entry in entries.flatten() {
            let pair = web_sys::js_sys::Array::from(&entry);
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
            else {
                continue;
            };
            if let Some(field) = name
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix(']'))
            {
                fields.insert(field.to_owned(), value);
            }
        }
        fields
    }

    /// Whether the page this autosave belongs to is still shown: a save or a retry may come
    /// back after the respondent moved on, when its values are gone.
    fn alive(self) -> bool {
        self.key.try_with_value(|_| ()).is_some()
    }

    fn send(self, item: String) {
        if !self.alive() {
            return;
        }
        let fields = self.fields(&item);
        self.show(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let Some(key) = self.key.try_get_value() else {
                return;
            };
            let result = save_answer(key, item.clone(), fields).await;
            if !self.alive() {
                return;
            }
            // Out of reach, a failure of the server, or too many requests at once: the same
            // answer is sent again until it is taken.
            let temporary = matches!(
                result,
                Err(AppError::Unreachable | AppError::Internal | AppError::RateLimited)
            );
            if temporary {
                let mut attempt = 0;
                self.flights.update_value(|f| {
                    let flight = f.entry(item.clone()).or_default();
                    flight.attempt += 1;
                    attempt = flight.attempt;
                });
                self.show(SaveState::Retrying);
                set_timeout(move || self.send(item), pause(attempt));
                return;
            }
            let mut again = false;
            self.flights.update_value(|f| {
                let flight = f.entry(item.clone()).or_default();
                again = flight.again;
                *flight = Flight::default();
            });
            let field = super::respond_api::answer_field(&item);
            let mut problem = None;
            match result {
                Ok(()) => self.failure.set_value(None),
                Err(AppError::Invalid { mut fields, kept }) => {
                    problem = fields.remove(&field);
                    if !fields.is_empty() {
                        self.failure
                            .set_value(Some(AppError::Invalid { fields, kept }));
                    }
                }
                Err(other) => self.failure.set_value(Some(other)),
            }
            self.mark(&item, problem.as_ref());
            self.problems.update_value(|p| match problem {
                Some(problem) => {
                    p.insert(item.clone(), problem);
                }
                None => {
                    p.remove(&item);
                }
            });
            if again {
                self.start(item);
                return;
            }
            let busy = self.flights.with_value(|f| f.values().any(|f| f.busy));
            if !busy {
                let refused = self.problems.with_value(|p| !p.is_empty())
                    || self.failure.with_value(Option::is_some);
                self.show(if refused {
                    SaveState::Refused
                } else {
                    SaveState::Saved
                });
            }
        });
    }

    /// Writes the state into the form's status line, in the reader's language.
    fn show(self, state: SaveState) {
        let i18n = self.i18n;
        let text = match state {
            SaveState::Saving => t_string!(i18n, autosave_saving).to_string(),
            SaveState::Saved => t_string!(i18n, autosave_saved).to_string(),
            SaveState::Retrying => t_string!(i18n, autosave_retrying).to_string(),
            SaveState::Refused => match self.failure.get_value() {
                Some(AppError::Invalid { fields, .. }) => fields
                    .values()
                    .next()
                    .map(|p| problem_text(i18n, p))
                    .unwrap_or_default(),
                Some(other) => error_text(i18n, &other),
                None => t_string!(i18n, autosave_refused).to_string(),
            },
        };
        if let Some(line) = self
            .root
            .get_untracked()
            .and_then(|root| root.query_selector(".autosave").ok().flatten())
        {
            line.set_text_content(Some(&text));
        }
    }

    /// Shows an item's problem under its question, or takes it away.
    fn mark(self, item: &str, problem: Option<&Problem>) {
        let document = document();
        let id = item_dom_id(item);
        let Some(fieldset) = document.get_element_by_id(&id) else {
            return;
        };
        let problem_id = format!("{id}-problem");
        let shown = document.get_element_by_id(&problem_id);
        let Some(problem) = problem else {
            if let Some(shown) = shown {
                shown.remove();
            }
            _ = fieldset.remove_attribute("aria-invalid");
            _ = fieldset.remove_attribute("aria-describedby");
            self.drop_fix_notice_when_all_mended();
            return;
        };
        let line = shown.or_else(|| {
            let line = document.create_element("p").ok()?;
            line.set_class_name("problem");
            line.set_id(&problem_id);
            // Where the server writes it: after the question and its hints.
            let hints = fieldset.query_selector_all(":scope > .hint").ok()?;
            let before = match hints.length() {
                0 => fieldset.query_selector("legend").ok()??,
                n => hints.item(n - 1)?.dyn_into().ok()?,
            };
            before.after_with_node_1(&line).ok()?;
            Some(line)
        });
        if let Some(line) = line {
            line.set_text_content(Some(&problem_text(self.i18n, problem)));
            _ = fieldset.set_attribute("aria-invalid", "true");
            _ = fieldset.set_attribute("aria-describedby", &problem_id);
        }
    }

    /// The line above a refused post's form ("fix the marked answers") goes once no answer in
    /// the form is marked any more: it would point at nothing.
    fn drop_fix_notice_when_all_mended(self) {
        let Some(root) = self.root.get_untracked() else {
            return;
        };
        if root.query_selector(".problem").ok().flatten().is_none() {
            if let Ok(Some(notice)) = root.query_selector(".fix-marked") {
                notice.remove();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_name_names_its_item() {
        assert_eq!(item_of("answers[B1][present]"), Some("B1"));
        assert_eq!(item_of("answers[A4][choice.eu]"), Some("A4"));
        assert_eq!(item_of("answers[][x]"), None);
        assert_eq!(item_of("key"), None);
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_half_a_minute() {
        let waits: Vec<u64> = (1..=7).map(|n| pause(n).as_secs()).collect();
        assert_eq!(waits, vec![2, 4, 8, 16, 30, 30, 30]);
    }
}
