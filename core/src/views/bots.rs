//! Telling obvious bots from readers by their User-Agent.
//!
//! The patterns come from the `isbot` crate, a port of the widely used `isbot` list
//! (crawlers, link previewers, monitors, HTTP libraries such as curl and python-requests),
//! which is tuned so that real browsers are not caught. One rule is ours: a request without
//! a User-Agent is a script, since every browser sends one, `navigator.sendBeacon` included.
//! Bots that pretend to be browsers are not caught here; nothing cheap catches them.

/// Decides whether a User-Agent belongs to a bot. Build it once: the patterns compile into
/// one regular expression, which takes milliseconds.
pub struct BotFilter {
    known_bots: isbot::Bots,
}

impl BotFilter {
    pub fn new() -> Self {
        Self {
            known_bots: isbot::Bots::default(),
        }
    }

    pub fn is_bot(&self, user_agent: &str) -> bool {
        user_agent.trim().is_empty() || self.known_bots.is_bot(user_agent)
    }
}

impl Default for BotFilter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawlers_tools_and_previews_are_bots() {
        let filter = BotFilter::new();
        for user_agent in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "Wget/1.21.4",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        ] {
            assert!(filter.is_bot(user_agent), "{user_agent}");
        }
    }

    #[test]
    fn a_missing_user_agent_is_a_bot() {
        let filter = BotFilter::new();
        assert!(filter.is_bot(""));
        assert!(filter.is_bot("   "));
    }

    #[test]
    fn browsers_are_readers() {
        let filter = BotFilter::new();
        for user_agent in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
        ] {
            assert!(!filter.is_bot(user_agent), "{user_agent}");
        }
    }
}
