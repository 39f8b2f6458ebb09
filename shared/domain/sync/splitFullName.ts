/**
 * Moodle requires both a first and a last name; Zoho sometimes has only one name field
 * (teachers' `Name`, students' `Display_Name`). The first word is the first name, the rest
 * the last name ("Ahmad Al Hassan" → "Ahmad" / "Al Hassan"), Unicode kept as it is. A
 * single word becomes the first name with "-" as last name, so the account can exist.
 */
export function splitFullName(fullName: string): { firstname: string; lastname: string } {
  const words = fullName.normalize('NFC').trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return { firstname: '', lastname: '' };
  if (words.length === 1) return { firstname: words[0]!, lastname: '-' };
  return { firstname: words[0]!, lastname: words.slice(1).join(' ') };
}
