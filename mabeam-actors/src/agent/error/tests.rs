use super::Unanswered;

#[test]
fn a_panic_payload_becomes_its_text() {
    let text = std::panic::catch_unwind(|| panic!("static text")).unwrap_err();
    assert_eq!(
        Unanswered::panicked(&*text),
        Unanswered::Panicked("static text".into())
    );
    let formatted = std::panic::catch_unwind(|| panic!("{} text", "formatted")).unwrap_err();
    assert_eq!(
        Unanswered::panicked(&*formatted),
        Unanswered::Panicked("formatted text".into())
    );
    let other = std::panic::catch_unwind(|| std::panic::panic_any(7u32)).unwrap_err();
    assert_eq!(
        Unanswered::panicked(&*other),
        Unanswered::Panicked("a non-string panic payload".into())
    );
}
