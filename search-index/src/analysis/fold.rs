/// Folds the Polish letters to ASCII: ą→a, ć→c, ę→e, ł→l, ń→n, ó→o, ś→s, ź→z, ż→z.
/// Expects lowercase input; other characters pass through unchanged.
pub fn fold_polish(lower: &str) -> String {
    lower
        .chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_polish_letter_including_l_with_stroke() {
        assert_eq!(
            fold_polish("zażółć gęślą jaźń łódź"),
            "zazolc gesla jazn lodz"
        );
    }
}
