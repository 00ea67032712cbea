//! The Polish analyser on whole paradigms: every inflected form must reach the lemma its
//! dictionary form reaches, so a search for one form finds the others.

use search_index::{AnalysisMode, Analyzer, Token};

fn analyze(text: &str) -> Vec<Token> {
    Analyzer::polish().analyze(text)
}

/// The lemmas of a single word.
fn lemmas(word: &str) -> Vec<String> {
    let tokens = analyze(word);
    assert_eq!(tokens.len(), 1, "{word:?} is one word");
    tokens
        .into_iter()
        .next()
        .map(|t| t.lemmas)
        .unwrap_or_default()
}

fn assert_paradigm(lemma: &str, forms: &[&str]) {
    for form in forms {
        let found = lemmas(form);
        assert!(
            found.iter().any(|l| l == lemma),
            "{form:?} should have the lemma {lemma:?}, has {found:?}"
        );
    }
}

#[test]
fn every_case_of_partnerstwo_singular_and_plural() {
    assert_paradigm(
        "partnerstwo",
        &[
            "partnerstwo",
            "partnerstwa",
            "partnerstwu",
            "partnerstwem",
            "partnerstwie",
            "partnerstw",
            "partnerstwom",
            "partnerstwami",
            "partnerstwach",
        ],
    );
}

#[test]
fn every_case_of_gmina() {
    assert_paradigm(
        "gmina",
        &[
            "gmina", "gminy", "gminie", "gminę", "gminą", "gmino", "gmin", "gminom", "gminami",
            "gminach",
        ],
    );
}

#[test]
fn every_case_of_powiat_including_the_alternating_locative() {
    assert_paradigm(
        "powiat",
        &[
            "powiat",
            "powiatu",
            "powiatowi",
            "powiatem",
            "powiecie",
            "powiaty",
            "powiatów",
            "powiatom",
            "powiatami",
            "powiatach",
        ],
    );
}

#[test]
fn every_case_of_marszalek_with_its_mobile_vowel() {
    assert_paradigm(
        "marszałek",
        &[
            "marszałek",
            "marszałka",
            "marszałkowi",
            "marszałkiem",
            "marszałku",
            "marszałkowie",
            "marszałków",
            "marszałkom",
            "marszałkami",
            "marszałkach",
        ],
    );
}

#[test]
fn every_case_of_wojewodztwo_mazowieckie_as_a_phrase() {
    let phrases = [
        "województwo mazowieckie",
        "województwa mazowieckiego",
        "województwu mazowieckiemu",
        "województwem mazowieckim",
        "województwie mazowieckim",
        "województw mazowieckich",
        "województwom mazowieckim",
        "województwami mazowieckimi",
        "województwach mazowieckich",
    ];
    for phrase in phrases {
        let tokens = analyze(phrase);
        assert_eq!(tokens.len(), 2, "{phrase}");
        assert!(
            tokens[0].lemmas.contains(&"województwo".to_owned()),
            "{phrase}: {tokens:?}"
        );
        assert!(
            tokens[1].lemmas.contains(&"mazowiecki".to_owned()),
            "{phrase}: {tokens:?}"
        );
        assert_eq!((tokens[0].position, tokens[1].position), (0, 1));
    }
}

#[test]
fn verbs_in_present_past_future_conditional_and_imperative() {
    assert_paradigm(
        "pisać",
        &[
            "piszę",
            "piszesz",
            "pisze",
            "piszemy",
            "piszą",
            "pisał",
            "pisała",
            "pisaliśmy",
            "pisałby",
            "pisz",
            "pisząc",
        ],
    );
    assert_paradigm(
        "wybrać",
        &[
            "wybiorę",
            "wybierze",
            "wybrał",
            "wybrali",
            "wybrałaby",
            "wybierz",
            "wybrany",
        ],
    );
    assert_paradigm("iść", &["idę", "idzie", "szedł", "szła", "szli", "idź"]);
    assert_paradigm(
        "czytać",
        &[
            "czytam",
            "czytał",
            "czytali",
            "czytałyby",
            "czytaj",
            "czytając",
        ],
    );
}

#[test]
fn names_are_found_through_the_capitalised_dictionary_entries() {
    assert_paradigm(
        "struzik",
        &[
            "Struzik",
            "Struzika",
            "Struzikowi",
            "Struzikiem",
            "Struziku",
            "struzika",
        ],
    );
    assert_paradigm("łódź", &["Łódź", "Łodzi", "łodzi", "ŁODZI"]);
}

#[test]
fn ambiguous_forms_keep_every_lemma() {
    assert_eq!(lemmas("wybrany"), ["wybrany", "wybrać"]);
    assert_eq!(lemmas("lata"), ["latać", "lato", "rok"]);
    assert_eq!(lemmas("powiecie"), ["powiat", "powiedzieć"]);
    // A name not spelt like a common word ("Mark", "Mińsk") is kept beside the lowercase
    // entries, whatever the case the word was written in.
    assert_eq!(lemmas("Marka"), ["marek", "mark", "marka"]);
    assert_eq!(lemmas("mińsku"), ["mińsk", "miński"]);
    // A surname spelt like a common word ("Członka") is not.
    assert_eq!(lemmas("członka"), ["członek"]);
}

#[test]
fn plural_gerunds_have_the_verb_as_lemma() {
    assert_eq!(lemmas("budowaniach"), ["budować"]);
    assert_eq!(lemmas("dostarczeniami"), ["dostarczyć"]);
    assert_eq!(lemmas("finansowań"), ["finansować"]);
}

#[test]
fn the_folded_form_drops_every_polish_letter_including_l_with_stroke() {
    let tokens = analyze("Łódź, Żółć, GĘŚLĄ jaźń");
    let folded: Vec<_> = tokens.iter().map(|t| t.folded.as_str()).collect();
    assert_eq!(folded, ["lodz", "zolc", "gesla", "jazn"]);
    // A query typed without Polish letters folds to the same form as the text.
    assert_eq!(analyze("lodz")[0].folded, tokens[0].folded);
    assert_eq!(
        analyze("Marszalek")[0].folded,
        analyze("Marszałek")[0].folded
    );
}

#[test]
fn unknown_words_fall_back_to_the_snowball_stemmer() {
    let snowball = Analyzer::new(AnalysisMode::Snowball);
    let dictionary = search_index::PolishDictionary::embedded();
    for word in ["twitterze", "twittera", "kowidowy"] {
        assert!(
            !dictionary.contains(word),
            "{word} is not in the 2016 dictionary"
        );
        let full = lemmas(word);
        let stemmed = snowball.analyze(word).remove(0).lemmas;
        assert_eq!(full, stemmed, "{word}");
    }
}

#[test]
fn stop_words_lose_their_lemmas_but_keep_their_token_and_position() {
    let tokens = analyze("Gmina się rozwija, że hej");
    let texts: Vec<_> = tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["gmina", "się", "rozwija", "że", "hej"]);
    let stop: Vec<_> = tokens.iter().map(|t| t.is_stop_word).collect();
    assert_eq!(stop, [false, true, false, true, false]);
    assert!(tokens[1].lemmas.is_empty() && tokens[3].lemmas.is_empty());
    assert_eq!(tokens[2].lemmas, ["rozwijać"]);
    assert_eq!(tokens[4].position, 4);

    let plain = Analyzer::new(AnalysisMode::Plain).analyze("się");
    assert!(!plain[0].is_stop_word);
    assert_eq!(plain[0].lemmas, ["się"]);
}

#[test]
fn numbers_and_mixed_tokens_pass_through() {
    let tokens = analyze("2018 r. COVID-19");
    let texts: Vec<_> = tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["2018", "r", "covid", "19"]);
    assert_eq!(tokens[0].lemmas, ["2018"]);
}

#[test]
fn the_default_analyser_is_the_full_polish_one() {
    assert_eq!(Analyzer::default().mode(), AnalysisMode::Full);
    assert_eq!(AnalysisMode::default(), AnalysisMode::Full);
}
