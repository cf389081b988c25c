//! The questionnaire (查政策) as a list of steps, one question per screen. Each step knows its
//! question, its choices and where its answer lives in the household facts; later questions are
//! added to [`QUESTIONS`] and the pages pick them up.
use crate::{i18n::Msg, region_msg, storage::Answers};
use xiangqin_rules::Region;

/// One answer button: its stored value and its text.
#[derive(Clone, Copy)]
pub struct Choice {
    pub value: &'static str,
    pub label: Msg,
}

/// One question of the questionnaire.
pub struct Question {
    /// Names the step in the URL (`/check/<id>`) and in test ids.
    pub id: &'static str,
    /// The question as asked.
    pub title: Msg,
    /// One short line under the question.
    pub hint: Msg,
    /// What the answer is about, in the summary.
    pub summary_label: Msg,
    pub choices: fn() -> Vec<Choice>,
    /// The stored answer (a choice's value), if given.
    pub get: fn(&Answers) -> Option<&'static str>,
    /// Stores an answer (one of the choices' values).
    pub set: fn(&mut Answers, &str),
}

impl Question {
    /// The text of the stored answer, if any.
    pub fn answer_label(&self, answers: &Answers) -> Option<Msg> {
        let value = (self.get)(answers)?;
        (self.choices)()
            .into_iter()
            .find(|c| c.value == value)
            .map(|c| c.label)
    }

    pub fn href(&self) -> String {
        format!("/check/{}", self.id)
    }
}

pub const REGION: Question = Question {
    id: "region",
    title: Msg::QRegionTitle,
    hint: Msg::QRegionHint,
    summary_label: Msg::QRegionSummary,
    choices: || {
        Region::ALL
            .iter()
            .map(|r| Choice {
                value: r.key(),
                label: region_msg(*r),
            })
            .collect()
    },
    get: |a| a.region.map(|r| r.key()),
    set: |a, value| a.region = Region::from_key(value),
};

/// Every question, in the order asked.
pub const QUESTIONS: &[Question] = &[REGION];

pub fn position(id: &str) -> Option<usize> {
    QUESTIONS.iter().position(|q| q.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_round_trips() {
        for q in QUESTIONS {
            for c in (q.choices)() {
                let mut a = Answers::default();
                (q.set)(&mut a, c.value);
                assert_eq!((q.get)(&a), Some(c.value), "{}: {}", q.id, c.value);
                assert_eq!(q.answer_label(&a), Some(c.label));
            }
        }
    }

    #[test]
    fn step_ids_are_unique_and_not_reserved() {
        for (i, q) in QUESTIONS.iter().enumerate() {
            assert_eq!(position(q.id), Some(i));
            assert_ne!(q.id, "done");
        }
    }
}
