//! Masking for public pages: a resident's name or phone is never shown in full (王**, 138****1234).

/// Keeps the first character of a name: `王小明` → `王**`, `Li` → `L*`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            let mut s = String::from(first);
            s.extend(std::iter::repeat_n('*', rest));
            s
        }
    }
}

/// Keeps the first three and last four digits: `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len().max(4));
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李明"), "李*");
        assert_eq!(mask_name("张"), "张*");
        assert_eq!(mask_name("  "), "");
    }

    #[test]
    fn phones_keep_three_and_four() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("123"), "****");
    }
}
