//! The plural of a gerund (odsłownik: "budowanie", "dostarczenie", "picie"). PoliMorf lists
//! gerunds only in the singular, so without this "budowaniach" or "dostarczeniami" would be
//! unknown words and get only a Snowball stem. Every gerund declines like "zebranie", so
//! the plural follows from the singular nominative alone.

/// The plural forms of a gerund, from its singular nominative: nominative (also accusative
/// and vocative), genitive, dative, instrumental and locative. `None` when the form does
/// not end in "-nie" or "-cie", the only two gerund endings.
///
/// ```
/// use search_index::analysis::dictionary::gerund_plurals;
///
/// assert_eq!(
///     gerund_plurals("budowanie"),
///     Some(["budowania", "budowań", "budowaniom", "budowaniami", "budowaniach"].map(String::from))
/// );
/// ```
pub fn gerund_plurals(singular_nominative: &str) -> Option<[String; 5]> {
    let (stem, soft) = if let Some(stem) = singular_nominative.strip_suffix("nie") {
        (stem, 'n')
    } else {
        (singular_nominative.strip_suffix("cie")?, 'c')
    };
    if stem.is_empty() {
        return None;
    }
    // The soft consonant is spelt "ni"/"ci" before a vowel and "ń"/"ć" at the end.
    let before_vowel = if soft == 'n' { "ni" } else { "ci" };
    let final_soft = if soft == 'n' { "ń" } else { "ć" };
    Some([
        format!("{stem}{before_vowel}a"),
        format!("{stem}{final_soft}"),
        format!("{stem}{before_vowel}om"),
        format!("{stem}{before_vowel}ami"),
        format!("{stem}{before_vowel}ach"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gerunds_in_nie_decline_like_zebranie() {
        assert_eq!(
            gerund_plurals("dostarczenie"),
            Some(
                [
                    "dostarczenia",
                    "dostarczeń",
                    "dostarczeniom",
                    "dostarczeniami",
                    "dostarczeniach"
                ]
                .map(String::from)
            )
        );
    }

    #[test]
    fn gerunds_in_cie_end_in_c_acute_in_the_genitive() {
        assert_eq!(
            gerund_plurals("zaśnięcie"),
            Some(
                [
                    "zaśnięcia",
                    "zaśnięć",
                    "zaśnięciom",
                    "zaśnięciami",
                    "zaśnięciach"
                ]
                .map(String::from)
            )
        );
    }

    #[test]
    fn negated_gerunds_keep_their_prefix() {
        let plurals = gerund_plurals("niefinansowanie");
        assert_eq!(
            plurals.as_ref().map(|forms| forms[4].as_str()),
            Some("niefinansowaniach")
        );
    }

    #[test]
    fn other_endings_and_bare_endings_have_no_gerund_plural() {
        assert_eq!(gerund_plurals("budowa"), None);
        assert_eq!(gerund_plurals("nie"), None);
        assert_eq!(gerund_plurals("cie"), None);
    }
}
