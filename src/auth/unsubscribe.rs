//! The signed tokens of the unsubscribe links in e-mails: a link names a
//! person and one topic, works without signing in, and can do nothing but
//! turn that topic off. The token is `<user id>.<topic>.<HMAC-SHA256>`,
//! keyed by a key derived from the app's secret, so nobody can forge a
//! link for someone else or for another topic. It does not expire: a link
//! in an old e-mail still stops the e-mails.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::db::models::enums::NotificationTopic;

type HmacSha256 = Hmac<Sha256>;

/// The key that signs unsubscribe links, derived from the app's secret
/// (never the secret itself, which also keys the cookies).
pub fn derive_key(secret: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    if let Ok(mut mac) = HmacSha256::new_from_slice(secret) {
        mac.update(b"supportdesk unsubscribe links v1");
        key.copy_from_slice(&mac.finalize().into_bytes());
    }
    key
}

fn mac(key: &[u8; 32], user_id: Uuid, topic: NotificationTopic) -> HmacSha256 {
    // HMAC takes a key of any length: a 32-byte one cannot be refused.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(user_id.simple().to_string().as_bytes());
    mac.update(b".");
    mac.update(topic.as_str().as_bytes());
    mac
}

/// The token of the link that turns `topic` off for `user_id`.
pub fn token(key: &[u8; 32], user_id: Uuid, topic: NotificationTopic) -> String {
    let signature = mac(key, user_id, topic).finalize().into_bytes();
    format!(
        "{}.{}.{}",
        user_id.simple(),
        topic.as_str(),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// Whom and which topic a token names, if its signature holds.
pub fn verify(key: &[u8; 32], token: &str) -> Option<(Uuid, NotificationTopic)> {
    let mut parts = token.splitn(3, '.');
    let (user, topic, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let user_id = Uuid::try_parse(user).ok()?;
    // One spelling per link: the simple form only.
    if user_id.simple().to_string() != user {
        return None;
    }
    let topic = NotificationTopic::parse(topic)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    mac(key, user_id, topic)
        .verify_slice(&signature)
        .ok()
        .map(|()| (user_id, topic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_one_person_and_one_topic_and_cannot_be_forged() {
        let key = derive_key(b"a secret of the app");
        let user = Uuid::new_v4();
        let t = token(&key, user, NotificationTopic::Replies);
        assert_eq!(verify(&key, &t), Some((user, NotificationTopic::Replies)));

        let other_key = derive_key(b"another app");
        assert_eq!(verify(&other_key, &t), None);
        // Another topic or person with the same signature.
        let sig = t.rsplit('.').next().unwrap();
        let status = format!("{}.status.{sig}", user.simple());
        assert_eq!(verify(&key, &status), None);
        let stranger = format!("{}.replies.{sig}", Uuid::new_v4().simple());
        assert_eq!(verify(&key, &stranger), None);
        for bad in [
            "",
            "x.y.z",
            &format!("{}.replies", user.simple()),
            &format!("{user}.replies.{sig}"),
            &format!("{}.nope.{sig}", user.simple()),
            &format!("{}.replies.{sig}x", user.simple()),
        ] {
            assert_eq!(verify(&key, bad), None, "{bad}");
        }
    }
}
