/**
 * Moodle's check_password_policy() with the default policy (8 characters, 1 digit, 1 lower
 * case, 1 upper case, 1 special character): '' when the password passes, else the HTML
 * Moodle puts into the errorcode, one `<div>` per failed rule in Moodle's order. Pure.
 */
export function checkPasswordPolicy(password: string): string {
  const chars = [...password];
  const rules: [boolean, string][] = [
    [chars.length < 8, 'Passwords must be at least 8 characters long.'],
    [!/[0-9]/u.test(password), 'Passwords must have at least 1 digit(s).'],
    [!/\p{Ll}/u.test(password), 'Passwords must have at least 1 lower case letter(s).'],
    [!/\p{Lu}/u.test(password), 'Passwords must have at least 1 upper case letter(s).'],
    [
      !/[^\p{Lu}\p{Ll}0-9]/u.test(password),
      'The password must have at least 1 special character(s) such as *, -, or #.',
    ],
  ];
  return rules
    .filter(([failed]) => failed)
    .map(([, text]) => `<div>${text}</div>`)
    .join('');
}
