//! CAPTCHA challenges for the sign-in ladder.
//!
//! After three failed sign-ins the next attempt must carry a solved challenge. Each challenge
//! has an image (drawn in Rust by `captcha-rs`) and an accessible text alternative (an arithmetic
//! question a screen reader can speak), either answer is accepted. The CAPTCHA only slows
//! scripted guessing; the real protection is the lock after three more failures (see
//! `docs/decisions/`). Challenges live in memory for ten minutes and are single-use.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::Rng;
use time::{Duration, OffsetDateTime};

use crate::dto::CaptchaChallenge;

const VALIDITY: Duration = Duration::minutes(10);
const NUMBER_WORDS: [&str; 13] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
];

#[derive(Debug)]
struct Pending {
    image_text: String,
    spoken_answer: String,
    issued_at: OffsetDateTime,
}

/// The outstanding challenges of this workstation.
#[derive(Debug, Default)]
pub struct Captchas {
    pending: Mutex<HashMap<String, Pending>>,
}

impl Captchas {
    /// A new challenge.
    pub fn issue(&self, now: OffsetDateTime) -> CaptchaChallenge {
        let image = captcha_rs::CaptchaBuilder::new()
            .length(5)
            .width(200)
            .height(64)
            .complexity(3)
            .build();
        let mut rng = rand::rng();
        let (a, b) = (rng.random_range(2..=9usize), rng.random_range(1..=3usize));
        let id = uuid::Uuid::now_v7().to_string();
        let challenge = CaptchaChallenge {
            id: id.clone(),
            image_data_url: image.to_base64(),
            text_question: format!(
                "What is {} plus {}? Type the answer in digits.",
                NUMBER_WORDS[a], NUMBER_WORDS[b]
            ),
        };
        if let Ok(mut pending) = self.pending.lock() {
            pending.retain(|_, p| now - p.issued_at < VALIDITY);
            pending.insert(
                id,
                Pending {
                    image_text: image.text.to_lowercase(),
                    spoken_answer: (a + b).to_string(),
                    issued_at: now,
                },
            );
        }
        challenge
    }

    /// Checks (and consumes) an answer: the image's letters (case-insensitive) or the text
    /// question's number.
    pub fn solve(&self, id: &str, answer: &str, now: OffsetDateTime) -> bool {
        let Ok(mut pending) = self.pending.lock() else {
            return false;
        };
        let Some(p) = pending.remove(id) else {
            return false;
        };
        let answer = answer.trim().to_lowercase();
        now - p.issued_at < VALIDITY
            && !answer.is_empty()
            && (answer == p.image_text || answer == p.spoken_answer)
    }

    /// The answers of a challenge, for tests that play the user.
    #[doc(hidden)]
    pub fn answers_for_tests(&self, id: &str) -> Option<(String, String)> {
        let pending = self.pending.lock().ok()?;
        pending
            .get(id)
            .map(|p| (p.image_text.clone(), p.spoken_answer.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 9:00 UTC);

    #[test]
    fn either_the_image_text_or_the_spoken_answer_solves_a_challenge_once() {
        let captchas = Captchas::default();
        let c = captchas.issue(NOW);
        assert!(
            c.image_data_url.starts_with("data:image/"),
            "{}",
            &c.image_data_url[..20]
        );
        let (image, _) = captchas.answers_for_tests(&c.id).unwrap();
        assert!(captchas.solve(&c.id, &image.to_uppercase(), NOW));
        assert!(!captchas.solve(&c.id, &image, NOW), "single use");
        let c2 = captchas.issue(NOW);
        let (_, spoken) = captchas.answers_for_tests(&c2.id).unwrap();
        assert!(captchas.solve(&c2.id, &format!(" {spoken} "), NOW));
    }

    #[test]
    fn a_wrong_or_stale_answer_fails() {
        let captchas = Captchas::default();
        let c = captchas.issue(NOW);
        assert!(!captchas.solve(&c.id, "nope", NOW));
        let c = captchas.issue(NOW);
        let (image, _) = captchas.answers_for_tests(&c.id).unwrap();
        assert!(!captchas.solve(&c.id, &image, NOW + Duration::minutes(11)));
        assert!(!captchas.solve("unknown", "x", NOW));
    }
}
