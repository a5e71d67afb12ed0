import type { ClientDetails, ClientSummary } from '$lib/api';

/** "Last, First Middle", as registries list clients. */
export function listName(c: Pick<ClientSummary, 'lastName' | 'firstName' | 'middleName'>): string {
  const given = [c.firstName, c.middleName].filter(Boolean).join(' ');
  return given ? `${c.lastName}, ${given}` : c.lastName;
}

/** "First Middle Last Suffix", for headings. */
export function fullName(c: ClientDetails): string {
  return [c.firstName, c.middleName, c.lastName, c.suffix].filter(Boolean).join(' ');
}
