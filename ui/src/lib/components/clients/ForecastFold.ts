import type { ClientForecast, VaccineGroupForecast } from '$lib/api';

/** What a row is made from (for "Why?"). */
export type RowBasis = NonNullable<VaccineGroupForecast['basis']>;
/** A vaccine group with no series that applies to the client, and why. */
export type NotApplicableGroup = NonNullable<ClientForecast['notApplicable']>[number];

/**
 * Which rows of "Vaccines recommended" a nurse acts on, and which fold under "Later": a row
 * whose next dose is not due within the horizon the user picked (12 months unless changed), and
 * a series the client reaches the starting age of only after it (zoster at 50 for a child).
 * The API sorts the rows and marks those beyond its own 12-month horizon `later`; the screen
 * re-folds with the horizon chosen, from the row's dates and the assessment date.
 */

/** The horizons the screen offers, in months. */
export const HORIZON_MONTHS = [3, 6, 12, 24, 60] as const;
export const DEFAULT_HORIZON_MONTHS = 12;

/** A MM/DD/YYYY date as a UTC timestamp (`null` when it is not one). */
export function usDate(value: string | null | undefined): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value ?? '');
  if (!m) return null;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
}

/** `months` after a MM/DD/YYYY date, as a UTC timestamp. */
function monthsAfter(value: string, months: number): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!m) return null;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1 + months, Number(m[2]));
}

/** A row as the screen shows it: the urgency its badge and tone say. */
export interface ShownGroup {
  group: VaccineGroupForecast;
  /** overdue, due, discuss (shared decision), upcoming, later, complete, … */
  urgency: string;
}

/** Whether the row folds under "Later" for this horizon. */
export function isLater(group: VaccineGroupForecast, assessedOn: string, months: number): boolean {
  if (group.urgency !== 'upcoming' && group.urgency !== 'later') return false;
  const due = usDate(group.recommended ?? group.earliest);
  const end = monthsAfter(assessedOn, months);
  if (due === null || end === null) return group.urgency === 'later';
  return due > end;
}

/** What the row's badge says: shared clinical decision-making doses read "Discuss". */
export function shownUrgency(group: VaccineGroupForecast, later: boolean): string {
  if (later) return 'later';
  if (group.urgency === 'later') return 'upcoming';
  if (group.sharedDecision && (group.urgency === 'due' || group.urgency === 'overdue')) {
    return 'discuss';
  }
  return group.urgency;
}

/** The rows in view, those folded under "Later", and those not recommended (in the API's order). */
export function foldGroups(
  groups: readonly VaccineGroupForecast[],
  assessedOn: string,
  months: number,
): { shown: ShownGroup[]; later: ShownGroup[]; notRecommended: ShownGroup[] } {
  const shown: ShownGroup[] = [];
  const later: ShownGroup[] = [];
  const notRecommended: ShownGroup[] = [];
  for (const group of groups) {
    const folded = isLater(group, assessedOn, months);
    const entry = { group, urgency: shownUrgency(group, folded) };
    if (group.urgency === 'not_recommended') notRecommended.push(entry);
    else if (folded) later.push(entry);
    else shown.push(entry);
  }
  // The API lists upcoming rows before later ones: a later row brought into view by a longer
  // horizon still comes after the upcoming rows.
  return { shown, later, notRecommended };
}
