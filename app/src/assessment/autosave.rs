//! The hydrated section page saves each answer as it is given. A change of any input sends
//! that item's fields (read from the form at the moment of sending); one save per item is in
//! flight at a time, and a change made meanwhile is sent when it returns, so the last thing a
//! respondent chose is the last thing stored. A save that cannot reach the server (or that
//! the server fails for the moment) is retried, with growing pauses, until it is taken; a
//! refused one shows its problem at the item. A save that returns after the respondent left
//! the page does nothing more (the form they left posted every answer anyway). Without
//! JavaScript none of this runs, and the section form's buttons save as before.

use super::round::ItemFields;
use super::round_api::save_answer;
use crate::error::{AppError, Problem};
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// What the page tells the respondent about their answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed yet on this page.
    Idle,
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

#[derive(Clone, Copy)]
pub struct Autosave {
    key: StoredValue<String>,
    pub form: NodeRef<html::Form>,
    pub state: RwSignal<SaveState>,
    /// The problems of refused saves, by field name (`answers[B1]`), until that item saves.
    pub problems: RwSignal<BTreeMap<String, Problem>>,
    /// A refusal of the whole response (the round closed meanwhile, access withdrawn …).
    pub failure: RwSignal<Option<AppError>>,
    flights: StoredValue<HashMap<String, Flight>>,
}

impl Autosave {
    pub fn new(key: String) -> Autosave {
        Autosave {
            key: StoredValue::new(key),
            form: NodeRef::new(),
            state: RwSignal::new(SaveState::Idle),
            problems: RwSignal::new(BTreeMap::new()),
            failure: RwSignal::new(None),
            flights: StoredValue::new(HashMap::new()),
        }
    }

    /// The problems of refused saves as the error the item inputs read.
    pub fn as_error(self) -> Option<AppError> {
        self.problems.with(|p| {
            (!p.is_empty()).then(|| AppError::Invalid {
                fields: p.clone(),
                kept: BTreeMap::new(),
            })
        })
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

    /// The item's fields as the form holds them now.
    fn fields(self, item: &str) -> ItemFields {
        let prefix = format!("answers[{item}][");
        let mut fields = ItemFields::new();
        let Some(form) = self.form.get_untracked() else {
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
    /// back after the respondent moved on, when its signals are gone.
    fn alive(self) -> bool {
        self.key.try_with_value(|_| ()).is_some()
    }

    fn send(self, item: String) {
        if !self.alive() {
            return;
        }
        let fields = self.fields(&item);
        self.state.set(SaveState::Saving);
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
                self.state.set(SaveState::Retrying);
                set_timeout(move || self.send(item), pause(attempt));
                return;
            }
            let mut again = false;
            self.flights.update_value(|f| {
                let flight = f.entry(item.clone()).or_default();
                again = flight.again;
                *flight = Flight::default();
            });
            let field = super::round_api::answer_field(&item);
            self.problems.update(|p| {
                p.remove(&field);
            });
            match result {
                Ok(()) => self.failure.set(None),
                Err(AppError::Invalid { fields, kept }) => {
                    let (at_items, whole): (BTreeMap<_, _>, BTreeMap<_, _>) = fields
                        .into_iter()
                        .partition(|(name, _)| item_of(name).is_some());
                    self.problems.update(|p| p.extend(at_items));
                    if !whole.is_empty() {
                        self.failure.set(Some(AppError::Invalid {
                            fields: whole,
                            kept,
                        }));
                    }
                }
                Err(other) => self.failure.set(Some(other)),
            }
            if again {
                self.start(item);
                return;
            }
            let busy = self.flights.with_value(|f| f.values().any(|f| f.busy));
            if !busy {
                let refused =
                    self.problems.with(|p| !p.is_empty()) || self.failure.with(Option::is_some);
                self.state.set(if refused {
                    SaveState::Refused
                } else {
                    SaveState::Saved
                });
            }
        });
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
