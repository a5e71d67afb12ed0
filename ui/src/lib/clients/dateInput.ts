/**
 * Helps typing a MM/DD/YYYY date: inserts the slashes after the month and the day while the user
 * types digits, and formats a pasted run of eight digits. Anything else is left as typed (the
 * Rust side validates and explains).
 */
export function autoSlashDate(value: string, inputType: string | undefined): string {
  if (/^\d{8}$/.test(value)) return `${value.slice(0, 2)}/${value.slice(2, 4)}/${value.slice(4)}`;
  if (inputType !== 'insertText') return value;
  // A slash typed right after an inserted one (typing "03/14/2019" in full) is not doubled.
  const typed = value.replace(/\/{2,}/g, '/');
  if (/^\d{2}$/.test(typed) || /^\d{1,2}\/\d{2}$/.test(typed)) return `${typed}/`;
  return typed;
}
